// Python and PySpark/pandas: SQL and table names in string literals go through the SQL and text
// rewriters; column names in column positions (col("x"), df["x"], .select("x"), df.x) are rewritten
// when the frame they are read from provably comes from the dataset (see docs/agent-rewrite.md).
#include "python_rewriter.h"

#include <map>
#include <set>
#include <string>

#include "embedded.h"
#include "python_lexer.h"

namespace shepherd::rewrite::python {

namespace {

bool in(std::string_view w, std::initializer_list<std::string_view> set) {
  for (auto s : set)
    if (w == s) return true;
  return false;
}

// Methods whose string arguments are column names of their receiver.
bool column_method(std::string_view m) {
  return in(m, {"select",
                "groupBy",
                "groupby",
                "orderBy",
                "sort",
                "sort_values",
                "drop",
                "dropDuplicates",
                "drop_duplicates",
                "withColumnRenamed",
                "partitionBy",
                "repartition",
                "cube",
                "rollup",
                "agg",
                "dropna",
                "fillna",
                "join",
                "set_index",
                "rename",
                "sortWithinPartitions",
                "pivot",
                "merge",
                "bucketBy",
                "sortBy",
                "describe",
                "selectExpr",
                "unique",
                "nunique",
                "value_counts",
                "explode"});
}

// functions.* that take a column name (not a literal) as their string argument.
bool column_function(std::string_view f) {
  return in(f, {"col",
                "column",
                "sum",
                "max",
                "min",
                "avg",
                "mean",
                "count",
                "countDistinct",
                "count_distinct",
                "approx_count_distinct",
                "first",
                "last",
                "collect_list",
                "collect_set",
                "asc",
                "desc",
                "sum_distinct",
                "stddev",
                "variance",
                "max_by",
                "min_by"});
}

bool table_method(std::string_view m) {
  return in(m, {"table", "load", "parquet", "csv", "json", "orc", "saveAsTable", "insertInto", "read_gbq",
                "read_sql", "read_sql_table", "read_table", "read_parquet", "read_csv", "avro", "text",
                "delta", "bigquery", "from_table"});
}

// What a frame (or expression) is known to read.
struct Cls {
  enum class K { Unknown, Dataset, Other, Mixed };
  K k = K::Unknown;
  bool all = false;              // every dataset field (a direct table read)
  std::set<std::string> fields;  // otherwise, the fields a query passed through
  bool has(const std::string& f) const { return k == K::Dataset && (all || fields.count(f)); }
  void merge(const Cls& o) {
    if (o.k == K::Unknown) return;
    if (k == K::Unknown) {
      *this = o;
      return;
    }
    if (k == K::Mixed || o.k == K::Mixed || k != o.k) {
      k = K::Mixed;
      return;
    }
    all = all || o.all;
    fields.insert(o.fields.begin(), o.fields.end());
  }
};

struct Group {
  Cls cls;  // what this literal (or concatenation of literals) reads
};

class Rewriter {
 public:
  Rewriter(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out)
      : text_(text), t_(lex(text)), plan_(plan), models_(models), out_(out) {
    match_.assign(t_.size(), -1);
    std::vector<std::size_t> stack;
    enclosing_.assign(t_.size(), -1);
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (!stack.empty()) enclosing_[i] = static_cast<long>(stack.back());
      if (is_op(i, '(') || is_op(i, '[') || is_op(i, '{')) stack.push_back(i);
      if ((is_op(i, ')') || is_op(i, ']') || is_op(i, '}')) && !stack.empty()) {
        match_[i] = static_cast<long>(stack.back());
        match_[stack.back()] = static_cast<long>(i);
        stack.pop_back();
        enclosing_[i] = stack.empty() ? -1 : static_cast<long>(stack.back());
      }
    }
  }

  void run() {
    strings();
    frames_and_columns();
  }

 private:
  std::string_view tx(std::size_t i) const { return text_.substr(t_[i].begin, t_[i].end - t_[i].begin); }
  std::string_view body(std::size_t i) const {
    return text_.substr(t_[i].body_begin, t_[i].body_end - t_[i].body_begin);
  }
  bool is_op(std::size_t i, char c) const {
    return i < t_.size() && t_[i].kind == Kind::Op && t_[i].end == t_[i].begin + 1 && text_[t_[i].begin] == c;
  }
  bool is_name(std::size_t i) const { return i < t_.size() && t_[i].kind == Kind::Name; }
  bool is_string(std::size_t i) const { return i < t_.size() && t_[i].kind == Kind::String && !t_[i].bytes; }

  // The name called with the bracket at `open` as its argument list, e.g. `select` in df.select(.
  std::string_view callee(long open) const {
    if (open <= 0 || !is_op(static_cast<std::size_t>(open), '(')) return {};
    auto p = static_cast<std::size_t>(open) - 1;
    return is_name(p) ? tx(p) : std::string_view{};
  }

  // Every run of concatenated literals is rewritten once, as SQL or as text naming the location.
  void strings() {
    group_of_.assign(t_.size(), -1);
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (!is_string(i)) continue;
      std::vector<Piece> pieces{{t_[i].body_begin, t_[i].body_end}};
      std::vector<std::size_t> members{i};
      bool f = t_[i].f_string, raw = t_[i].raw;
      std::size_t j = i + 1;
      while (true) {
        std::size_t k = j;
        if (is_op(k, '+')) ++k;
        if (!is_string(k)) break;
        pieces.push_back({t_[k].body_begin, t_[k].body_end});
        members.push_back(k);
        f = f || t_[k].f_string;
        raw = raw && t_[k].raw;
        j = k + 1;
      }
      // A literal standing alone as a statement is a docstring: documentation, like a comment.
      bool alone =
          (i == 0 || t_[i - 1].kind == Kind::Newline) && (j >= t_.size() || t_[j].kind == Kind::Newline);
      if (alone) {
        for (auto m : members) group_of_[m] = -1;
        i = members.back();
        continue;
      }
      long open = enclosing_[i];
      bool table_arg = open >= 0 && table_method(callee(open)) && static_cast<std::size_t>(open) + 1 == i;
      sql::LexOptions lo;
      lo.braces_opaque = true;  // f-strings and str.format both put unknown text in braces
      lo.backslash_escapes = !raw;
      (void)f;
      auto r = rewrite_embedded(text_, pieces, plan_, models_, out_, lo, table_arg);
      Group g;
      if (r.is_sql) {
        if (r.sql.reads_dataset) {
          g.cls.k = Cls::K::Dataset;
          g.cls.fields = r.sql.exports;
        }
        if (r.sql.reads_other) g.cls.merge(Cls{Cls::K::Other, false, {}});
        if (r.sql.mentions_dataset || r.sql.reads_dataset) about_ = true;
      } else if (r.names_location) {
        g.cls.k = Cls::K::Dataset;
        g.cls.all = true;
        about_ = true;
      } else if (table_arg) {
        g.cls.k = Cls::K::Other;
      }
      if (g.cls.k == Cls::K::Other || g.cls.k == Cls::K::Mixed) reads_other_ = true;
      groups_.push_back(g);
      for (auto m : members) group_of_[m] = static_cast<long>(groups_.size() - 1);
      i = members.back();
    }
  }

  // The start of the expression chain that ends just before token `end` (df.a(x)[y].b -> df).
  std::size_t chain_root(std::size_t end) const {
    std::size_t j = end;
    while (j > 0) {
      std::size_t k = j - 1;
      if ((is_op(k, ')') || is_op(k, ']')) && match_[k] >= 0) {
        j = static_cast<std::size_t>(match_[k]);
        continue;
      }
      if (is_name(k) || is_string(k)) {
        if (k > 0 && is_op(k - 1, '.')) {
          j = k - 1;
          continue;
        }
        return k;
      }
      return j;
    }
    return 0;
  }

  Cls classify(std::size_t b, std::size_t e) const {
    Cls c;
    if (b < e && is_name(b)) {
      auto it = frames_.find(std::string(tx(b)));
      if (it != frames_.end()) c.merge(it->second);
    }
    for (std::size_t j = b; j < e; ++j) {
      if (group_of_[j] >= 0) c.merge(groups_[static_cast<std::size_t>(group_of_[j])].cls);
      if (is_name(j) && tx(j) == "join" && is_op(j + 1, '(') && is_name(j + 2)) {
        auto it = frames_.find(std::string(tx(j + 2)));
        if (it != frames_.end()) c.merge(it->second);
      }
    }
    return c;
  }

  void frames_and_columns() {
    std::size_t stmt = 0;
    for (std::size_t i = 0; i <= t_.size(); ++i) {
      if (i < t_.size() && t_[i].kind != Kind::Newline) {
        column_at(i);
        continue;
      }
      // End of a logical line: record `name = <expr>` assignments.
      if (stmt + 1 < i && is_name(stmt) && is_op(stmt + 1, '=')) {
        Cls c = classify(stmt + 2, i);
        frames_[std::string(tx(stmt))] = c;
      }
      stmt = i + 1;
    }
  }

  void column_at(std::size_t i) {
    // df.user_id
    if (is_op(i, '.') && is_name(i + 1) && !is_op(i + 2, '(') && !is_op(i + 2, '=')) {
      const FieldChange* f = plan_.field(tx(i + 1), false);
      if (!f) return;
      std::size_t root = chain_root(i);
      if (root >= i) return;
      std::string_view rname = is_name(root) ? tx(root) : std::string_view{};
      if (rname == "self" || rname == "cls") return;
      Cls c = classify(root, i);
      decide(f, t_[i + 1].begin, t_[i + 1].end, c, true, rname);
      return;
    }
    if (!is_string(i) || t_[i].f_string || group_of_[i] < 0) return;
    const FieldChange* f = plan_.field(body(i), false);
    if (!f) return;
    // Only a literal on its own (not part of a concatenation).
    if ((i > 0 && (is_string(i - 1) || is_op(i - 1, '+'))) || is_string(i + 1) || is_op(i + 1, '+')) return;
    long open = enclosing_[i];
    if (open < 0) return;
    auto o = static_cast<std::size_t>(open);
    // Dict keys: .agg({"user_id": "max"}), .rename(columns={"user_id": ...}); values are not columns.
    if (is_op(o, '{')) {
      if (!is_op(i + 1, ':')) return;
      open = enclosing_[o];
      if (open < 0) return;
      o = static_cast<std::size_t>(open);
    }
    // List of names: .select(["a", "b"]), df[["a", "b"]]
    if (is_op(o, '[') && o > 0 &&
        (is_op(o - 1, '(') || is_op(o - 1, ',') || is_op(o - 1, '=') || is_op(o - 1, '['))) {
      long outer = enclosing_[o];
      if (outer >= 0 &&
          (is_op(static_cast<std::size_t>(outer), '(') || is_op(static_cast<std::size_t>(outer), '['))) {
        o = static_cast<std::size_t>(outer);
      }
    }
    if (is_op(o, '[')) {
      // Subscript df["x"] (the bracket follows an expression, not an operator).
      if (o == 0 || !(is_name(o - 1) || is_op(o - 1, ')') || is_op(o - 1, ']'))) return;
      std::size_t root = chain_root(o);
      Cls c = classify(root, o);
      decide(f, t_[i].body_begin, t_[i].body_end, c, false, is_name(root) ? tx(root) : std::string_view{});
      return;
    }
    if (!is_op(o, '(')) return;
    std::string_view name = callee(open);
    if (name.empty()) return;
    bool method = o >= 2 && is_op(o - 2, '.');
    if (column_function(name) && (!method || free_module(o - 2))) {
      decide(f, t_[i].body_begin, t_[i].body_end, Cls{}, false, {});
      return;
    }
    if (!method || !column_method(name)) return;
    if (name == "withColumnRenamed" && o + 1 != i) return;  // the second argument is the new name
    std::size_t root = chain_root(o - 2);                   // the receiver ends before `.name(`
    Cls c = classify(root, o - 2);
    decide(f, t_[i].body_begin, t_[i].body_end, c, false, is_name(root) ? tx(root) : std::string_view{});
  }

  // F.col / functions.col / pyspark.sql.functions.col: a module, not a frame.
  bool free_module(std::size_t dot) const {
    if (dot == 0 || !is_name(dot - 1)) return false;
    std::string_view m = tx(dot - 1);
    return m == "F" || m == "functions" || m == "f" || m == "sf" || m == "psf" || m == "fn";
  }

  void decide(const FieldChange* f, std::size_t b, std::size_t e, const Cls& c, bool attribute,
              std::string_view root) {
    if (c.k == Cls::K::Other || (c.k == Cls::K::Dataset && !c.has(f->name))) return;
    if (c.k == Cls::K::Mixed) {
      out_.review(b, "cannot tell whether " + f->name + " is read from " + plan_.dataset_label() +
                         ": the frame joins it with another table; " + what(*f));
      return;
    }
    if (c.k == Cls::K::Unknown) {
      if (!about_) return;
      if (attribute) {
        out_.review(b, "attribute " + std::string(root) + "." + f->name + " may read " +
                           plan_.dataset_label() + " (cannot prove " + std::string(root) +
                           " is its frame); " + what(*f));
        return;
      }
      if (reads_other_) {
        out_.review(b, "cannot prove column \"" + f->name + "\" belongs to " + plan_.dataset_label() +
                           ": this file also reads other tables; " + what(*f));
        return;
      }
    }
    if (!f->rename_to.empty())
      out_.replace(b, e - b, f->rename_to, attribute ? "python.attribute" : "python.column");
    if (f->drop) out_.review(b, "reads dropped field " + f->name);
    if (f->retype)
      out_.review(b, "reads retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type + ")" +
                         (f->expression.empty() ? std::string() : "; convert it like " + f->expression));
  }

  std::string what(const FieldChange& f) const {
    if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
    if (f.drop) return f.name + " is dropped";
    return f.name + " changes type";
  }

  std::string_view text_;
  std::vector<Token> t_;
  const Plan& plan_;
  const ModelIndex& models_;
  Sink& out_;
  std::vector<long> match_, enclosing_, group_of_;
  std::vector<Group> groups_;
  std::map<std::string, Cls> frames_;
  bool about_ = false;
  bool reads_other_ = false;
};

}  // namespace

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out) {
  Rewriter(text, plan, models, out).run();
}

}  // namespace shepherd::rewrite::python
