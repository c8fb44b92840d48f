// Java and Scala: SQL in string literals (JDBC, spark.sql, text blocks, triple quotes, string
// concatenation) goes through the SQL rewriter; table names in strings move; Spark column names in
// column positions are rewritten when the file reads the dataset and no other table, otherwise
// reviewed; generated accessors (getUserId(), Scio's _.user_id) are always reviewed.
#include "jvm_rewriter.h"

#include <string>

#include "embedded.h"
#include "jvm_lexer.h"

namespace shepherd::rewrite::jvm {

namespace {

bool in(std::string_view w, std::initializer_list<std::string_view> set) {
  for (auto s : set)
    if (w == s) return true;
  return false;
}

bool column_call(std::string_view m) {
  return in(m, {"col", "column", "apply", "select", "groupBy", "orderBy", "sort", "drop", "dropDuplicates",
                "withColumnRenamed", "partitionBy", "repartition", "cube", "rollup", "agg", "sortWithinPartitions",
                "countDistinct", "count_distinct", "sum", "max", "min", "avg", "first", "last", "collect_list",
                "collect_set", "asc", "desc", "bucketBy", "sortBy", "join", "pivot"});
}

bool table_call(std::string_view m) {
  return in(m, {"table", "load", "parquet", "csv", "json", "orc", "saveAsTable", "insertInto", "from", "to",
                "fromQuery", "bigQueryTable", "typedBigQuery", "bigQuerySelect", "avroFile", "textFile"});
}

// user_id -> UserId, for generated getters and setters.
std::string camel(std::string_view snake, bool upper_first) {
  std::string out;
  bool up = upper_first;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out, bool scala)
      : text_(text), t_(lex(text, scala)), plan_(plan), models_(models), out_(out), scala_(scala) {}

  void run() {
    strings();
    columns();
  }

 private:
  std::string_view tx(std::size_t i) const { return text_.substr(t_[i].begin, t_[i].end - t_[i].begin); }
  bool is_op(std::size_t i, char c) const {
    return i < t_.size() && t_[i].kind == Kind::Op && t_[i].end == t_[i].begin + 1 && text_[t_[i].begin] == c;
  }
  bool is_string(std::size_t i) const { return i < t_.size() && t_[i].kind == Kind::String; }

  void strings() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (!is_string(i) || t_[i].dollar) continue;
      std::vector<Piece> pieces{{t_[i].body_begin, t_[i].body_end}};
      bool interpolated = t_[i].interpolated, triple = t_[i].triple;
      std::size_t last = i;
      while (is_op(last + 1, '+') && is_string(last + 2) && !t_[last + 2].dollar) {
        last += 2;
        pieces.push_back({t_[last].body_begin, t_[last].body_end});
        interpolated = interpolated || t_[last].interpolated;
      }
      // A lone literal equal to a field name is a column name, handled in columns().
      if (pieces.size() == 1 && plan_.field(text_.substr(pieces[0].begin, pieces[0].end - pieces[0].begin), false)) continue;
      bool table_arg = i >= 2 && is_op(i - 1, '(') && t_[i - 2].kind == Kind::Name && table_call(tx(i - 2));
      sql::LexOptions lo;
      lo.dollar_opaque = interpolated;
      lo.backslash_escapes = !(scala_ && triple);
      lo.margin_pipes = scala_ && triple;
      auto r = rewrite_embedded(text_, pieces, plan_, models_, out_, lo, table_arg);
      if (r.is_sql) {
        about_ = about_ || r.sql.reads_dataset || r.sql.mentions_dataset;
        reads_other_ = reads_other_ || r.sql.reads_other;
      } else if (r.names_location) {
        about_ = true;
      } else if (table_arg) {
        reads_other_ = true;
      }
      i = last;
    }
  }

  void columns() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const Token& t = t_[i];
      if (t.kind == Kind::String && !t.interpolated && !t.triple) {
        const FieldChange* f = plan_.field(text_.substr(t.body_begin, t.body_end - t.body_begin), false);
        if (!f) continue;
        if (is_op(i + 1, '+') || (i > 0 && is_op(i - 1, '+'))) continue;
        if (t.dollar) {
          decide(*f, t.body_begin, t.body_end, "$\"" + f->name + "\"");
          continue;
        }
        // Find the call this literal is an argument of: walk back over sibling arguments.
        std::size_t j = i;
        int depth = 0;
        while (j > 0) {
          --j;
          if (is_op(j, ')')) ++depth;
          if (is_op(j, '(')) {
            if (depth == 0) break;
            --depth;
          }
          if (is_op(j, ';') || is_op(j, '{') || is_op(j, '}')) {
            j = 0;
            break;
          }
        }
        if (j == 0 || !is_op(j, '(') || t_[j - 1].kind != Kind::Name) continue;
        std::string_view callee = tx(j - 1);
        bool method = j >= 2 && is_op(j - 2, '.');
        // Scala df("user_id") applies a DataFrame to a column name.
        bool apply = scala_ && !method && !column_call(callee) && j + 1 == i && is_op(i + 1, ')');
        if (!column_call(callee) && !apply) continue;
        if (callee == "withColumnRenamed" && j + 1 != i) continue;
        decide(*f, t.body_begin, t.body_end, std::string(callee) + "(\"" + f->name + "\")");
        continue;
      }
      if (t.kind == Kind::Name && about_ && i > 0 && is_op(i - 1, '.')) accessor(i);
    }
  }

  // Accessors of generated classes (Avro/Beam/Scio): the field's name changes the method's name,
  // and the class must be regenerated first, so these are listed rather than rewritten.
  void accessor(std::size_t i) {
    std::string_view name = tx(i);
    for (const auto& f : plan_.fields()) {
      std::string upper = camel(f.name, true);
      bool snake = f.name.find('_') != std::string::npos;  // `ts` alone is too common to flag
      if (name == "get" + upper || name == "set" + upper || (snake && (name == f.name || name == camel(f.name, false)))) {
        out_.review(t_[i].begin, "accessor " + std::string(name) + " of " + plan_.dataset_label() + " record; " + what(f) +
                                     ": regenerate the record class and update by hand");
        return;
      }
    }
  }

  void decide(const FieldChange& f, std::size_t b, std::size_t e, const std::string& shown) {
    if (!about_) return;
    if (reads_other_) {
      out_.review(b, "cannot prove " + shown + " belongs to " + plan_.dataset_label() + ": this file also reads other tables; " + what(f));
      return;
    }
    if (!f.rename_to.empty()) out_.replace(b, e - b, f.rename_to, scala_ ? "scala.column" : "java.column");
    if (f.drop) out_.review(b, "reads dropped field " + f.name);
    if (f.retype)
      out_.review(b, "reads retyped field " + f.name + " (" + f.from_type + " -> " + f.to_type + ")" +
                         (f.expression.empty() ? std::string() : "; convert it like " + f.expression));
  }

  std::string what(const FieldChange& f) const {
    if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
    if (f.drop) return f.name + " is dropped";
    return f.name + " changes type (" + f.from_type + " -> " + f.to_type + ")";
  }

  std::string_view text_;
  std::vector<Token> t_;
  const Plan& plan_;
  const ModelIndex& models_;
  Sink& out_;
  bool scala_;
  bool about_ = false;
  bool reads_other_ = false;
};

}  // namespace

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out, bool scala) {
  Rewriter(text, plan, models, out, scala).run();
}

}  // namespace shepherd::rewrite::jvm
