// Java and Scala: SQL in string literals (JDBC, spark.sql, text blocks, triple quotes, string
// concatenation) goes through the SQL rewriter; table names in strings move; Spark column names in
// column positions are rewritten when the file reads the dataset and no other table, otherwise
// reviewed; JDBC result-set labels (rs.getLong("user_id")) are rewritten when the query that made
// the result set is provably known (Java), otherwise reviewed; generated accessors (getUserId(),
// Scio's _.user_id) are always reviewed.
#include "jvm_rewriter.h"

#include <map>
#include <optional>
#include <set>
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
  return in(m, {"col",
                "column",
                "apply",
                "select",
                "groupBy",
                "orderBy",
                "sort",
                "drop",
                "dropDuplicates",
                "withColumnRenamed",
                "usingColumns",
                "partitionBy",
                "repartition",
                "cube",
                "rollup",
                "agg",
                "sortWithinPartitions",
                "countDistinct",
                "count_distinct",
                "sum",
                "max",
                "min",
                "avg",
                "first",
                "last",
                "collect_list",
                "collect_set",
                "asc",
                "desc",
                "bucketBy",
                "sortBy",
                "join",
                "pivot"});
}

// ResultSet methods whose first argument may be a column label (updaters too: updatable result sets).
bool result_set_call(std::string_view m) {
  if (m == "findColumn" || m == "updateNull") return true;
  std::string_view type;
  if (m.substr(0, 3) == "get")
    type = m.substr(3);
  else if (m.substr(0, 6) == "update")
    type = m.substr(6);
  else
    return false;
  return in(
      type,
      {"Array", "AsciiStream",      "BigDecimal", "BinaryStream", "Blob",      "Boolean", "Byte",
       "Bytes", "CharacterStream",  "Clob",       "Date",         "Double",    "Float",   "Int",
       "Long",  "NCharacterStream", "NClob",      "NString",      "Object",    "Ref",     "RowId",
       "Short", "SQLXML",           "String",     "Time",         "Timestamp", "URL",     "UnicodeStream"});
}

bool table_call(std::string_view m) {
  return in(m, {"table", "load", "parquet", "csv", "json", "orc", "saveAsTable", "insertInto", "from", "to",
                "fromQuery", "bigQueryTable", "typedBigQuery", "bigQuerySelect", "avroFile", "textFile",
                "withTableName", "writeTo"});
}

// Calls that write their table argument rather than read it (Spark's DataFrameWriter and writeTo,
// Glue's catalog sink). A frame written to another table carries the columns of what was read, so
// a write does not make the file's column names ambiguous the way a second read does.
bool write_call(std::string_view m) {
  return in(m, {"saveAsTable", "insertInto", "writeTo", "getCatalogSink"});
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
    jdbc_ = has_result_set_call();
    // Rows read here at all, by label or by position (rs.getDate(4)); a getter without an
    // argument (visit.getDate()) is a bean's, not a result set's.
    for (std::size_t i = 1; i + 1 < t_.size() && !rows_read_here_; ++i)
      rows_read_here_ = t_[i].kind == Kind::Name && is_op(i + 1, '(') && !is_op(i + 2, ')') &&
                        is_op(i - 1, '.') && result_set_call(tx(i)) && tx(i).substr(0, 3) == "get";
    for (std::size_t i = 0; i < t_.size() && !spark_program_; ++i)
      spark_program_ = t_[i].kind == Kind::Name && in(tx(i), {"SparkSession", "Dataset", "DataFrame",
                                                              "JavaRDD", "spark", "sparkSession"});
    annotations();
    catalog_calls();
    strings();
    dynamic_reads();
    columns();
    dropped_attribute_uses();
  }

 private:
  std::string_view tx(std::size_t i) const { return text_.substr(t_[i].begin, t_[i].end - t_[i].begin); }
  bool is_op(std::size_t i, char c) const {
    return i < t_.size() && t_[i].kind == Kind::Op && t_[i].end == t_[i].begin + 1 && text_[t_[i].begin] == c;
  }
  bool is_string(std::size_t i) const { return i < t_.size() && t_[i].kind == Kind::String; }

  // ---- JPA / Spring Data mappings ----
  //
  // @Table(name = "listening_v3", schema = "events") maps an entity to a table; its @Column and
  // @JoinColumn names are columns of that table. A JPQL @Query names entities and attributes, not
  // tables and columns, so its text is not SQL to rewrite (a native query is).

  // [open, close] of the argument list of the annotation at `at` (`@`), if it has one.
  std::optional<std::pair<std::size_t, std::size_t>> annotation_args(std::size_t at) const {
    std::size_t n = at + 1;
    // @javax.persistence.Table(…): the simple name is the last part.
    while (n + 2 < t_.size() && t_[n].kind == Kind::Name && is_op(n + 1, '.') && t_[n + 2].kind == Kind::Name)
      n += 2;
    if (n >= t_.size() || t_[n].kind != Kind::Name || !is_op(n + 1, '(')) return std::nullopt;
    int depth = 0;
    for (std::size_t j = n + 1; j < t_.size(); ++j) {
      if (is_op(j, '(')) ++depth;
      if (is_op(j, ')') && --depth == 0) return std::pair(n + 1, j);
    }
    return std::nullopt;
  }
  std::string_view annotation_name(std::size_t at) const {
    std::size_t n = at + 1;
    while (n + 2 < t_.size() && t_[n].kind == Kind::Name && is_op(n + 1, '.') && t_[n + 2].kind == Kind::Name)
      n += 2;
    return n < t_.size() && t_[n].kind == Kind::Name ? tx(n) : std::string_view{};
  }
  // The literal given for `key` (`key = "…"`, or the lone first argument for `value`) in [open, close].
  std::optional<std::size_t> named_literal(std::size_t open, std::size_t close, std::string_view key) const {
    if (key == "value" && is_string(open + 1) && (is_op(open + 2, ')') || is_op(open + 2, ',')))
      return open + 1;
    for (std::size_t j = open + 1; j + 2 < close; ++j)
      if (t_[j].kind == Kind::Name && tx(j) == key && is_op(j + 1, '=') && is_string(j + 2) &&
          (j + 3 >= close || is_op(j + 3, ',') || is_op(j + 3, ')')) &&
          (is_op(j - 1, '(') || is_op(j - 1, ',')))
        return j + 2;
    return std::nullopt;
  }
  bool named_true(std::size_t open, std::size_t close, std::string_view key) const {
    for (std::size_t j = open + 1; j + 2 <= close; ++j)
      if (t_[j].kind == Kind::Name && tx(j) == key && is_op(j + 1, '=') && t_[j + 2].kind == Kind::Name &&
          tx(j + 2) == "true")
        return true;
    return false;
  }
  std::string_view body_of(std::size_t i) const {
    return text_.substr(t_[i].body_begin, t_[i].body_end - t_[i].body_begin);
  }

  void annotations() {
    for (std::size_t i = 0; i + 2 < t_.size(); ++i) {
      if (!is_op(i, '@')) continue;
      if (t_[i + 1].kind == Kind::Name && (tx(i + 1) == "MappedSuperclass" || tx(i + 1) == "Embeddable"))
        shared_mapping_ = true;
      auto args = annotation_args(i);
      if (!args) continue;
      std::string_view name = annotation_name(i);
      auto [open, close] = *args;
      if (name == "Table") {
        table_annotation(open, close);
      } else if ((name == "Query" && !named_true(open, close, "nativeQuery")) || name == "NamedQuery") {
        for (std::size_t j = open + 1; j < close; ++j)
          if (is_string(j)) skip_.insert(j);  // JPQL: entities and attributes, not SQL
      }
    }
  }

  // Parts the annotation gives, outermost first: [catalog], [schema], name.
  void table_annotation(std::size_t open, std::size_t close) {
    auto name = named_literal(open, close, "name");
    if (!name) name = named_literal(open, close, "value");
    if (!name) return;
    std::vector<std::size_t> toks;
    for (auto key : {"catalog", "schema"})
      if (auto t = named_literal(open, close, key)) toks.push_back(*t);
    toks.push_back(*name);
    for (auto t : toks) skip_.insert(t);
    catalog_name(toks, "@Table", t_[open - 1].begin);
  }

  // A table given as separate literal parts (JPA @Table, Glue database + table name), outermost
  // first. Moves the parts that change; a bare name whose schema changes goes to review.
  // Returns whether the parts name the dataset.
  bool catalog_name(const std::vector<std::size_t>& toks, const std::string& what_, std::size_t at) {
    std::vector<std::string> parts;
    parts.reserve(toks.size());
    for (auto t : toks) parts.emplace_back(body_of(t));
    if (!plan_.matches_old_suffix(parts)) {
      if (what_ == "@Table") entity_other_ = true;
      return false;
    }
    if (what_ == "@Table") entity_dataset_ = true;
    about_ = true;
    if (!plan_.moves()) return true;
    const std::size_t k = parts.size();
    auto all_new = plan_.new_suffix(plan_.old_parts().size() + 8);
    const auto& old = plan_.old_parts();
    // The parts not written here (e.g. the schema of a bare @Table name) must stay the same.
    bool outer_same = all_new.size() >= k && all_new.size() - k == old.size() - k;
    for (std::size_t j = 0; outer_same && j + k < old.size(); ++j)
      if (!iequals(old[j], all_new[j])) outer_same = false;
    if (!outer_same) {
      out_.review(at, what_ + " names " + plan_.dataset_label() +
                          " without all of its qualifiers; it moves to " + plan_.new_location() +
                          ": set the new location by hand");
      return true;
    }
    auto repl = plan_.new_suffix(k);
    for (std::size_t j = 0; j < k; ++j)
      if (parts[j] != repl[j])
        out_.replace(t_[toks[j]].body_begin, t_[toks[j]].body_end - t_[toks[j]].body_begin, repl[j],
                     scala_ ? "scala.catalog" : "java.catalog");
    return true;
  }

  // ---- Glue catalog sources and sinks (Scala: getCatalogSource(database = …, tableName = …)) ----
  void catalog_calls() {
    for (std::size_t i = 2; i + 1 < t_.size(); ++i) {
      if (t_[i].kind != Kind::Name || !is_op(i + 1, '(') || !is_op(i - 1, '.')) continue;
      std::string_view m = tx(i);
      if (m != "getCatalogSource" && m != "getCatalogSink") continue;
      std::size_t open = i + 1, close = open;
      for (int depth = 0; close < t_.size(); ++close) {
        if (is_op(close, '(')) ++depth;
        if (is_op(close, ')') && --depth == 0) break;
      }
      if (close >= t_.size()) continue;
      auto db = named_literal(open, close, "database");
      auto table = named_literal(open, close, "tableName");
      if (!table) continue;
      std::vector<std::size_t> toks;
      if (db) toks.push_back(*db);
      toks.push_back(*table);
      for (auto t : toks) skip_.insert(t);
      if (!db) {
        if (plan_.matches_old_suffix({std::string(body_of(*table))})) {
          // The database is not a literal (a job argument, usually): the table may be another one.
          out_.review(t_[i].begin, "Glue " + std::string(m) + " names table " + std::string(body_of(*table)) +
                                       " in a database given at run time; cannot prove it is " +
                                       plan_.dataset_label() + ": check it by hand");
          about_ = true;
        }
        if (m == "getCatalogSource") reads_other_ = true;
        continue;
      }
      bool ours = catalog_name(toks, "Glue " + std::string(m), t_[i].begin);
      if (!ours && m == "getCatalogSource") reads_other_ = true;
    }
  }

  // Walks the receiver chain of the call named at `callee` (a.b(…).c(…).callee) from right to left,
  // skipping argument lists; true as soon as `matches` accepts a receiver's name.
  template <typename Matches>
  bool any_receiver(std::size_t callee, Matches matches) const {
    std::size_t k = callee;
    while (k >= 2 && is_op(k - 1, '.')) {
      std::size_t p = k - 2;
      if (is_op(p, ')')) {
        int depth = 0;
        while (true) {
          if (is_op(p, ')')) ++depth;
          if (is_op(p, '(') && --depth == 0) break;
          if (p == 0) return false;
          --p;
        }
        if (p == 0) return false;
        --p;
      }
      if (t_[p].kind != Kind::Name) return false;
      if (matches(tx(p))) return true;
      k = p;
    }
    return false;
  }

  // Is the call named at `callee` a write (saveAsTable, df.write….parquet(…), writeStream)?
  bool write_target(std::size_t callee) const {
    return write_call(tx(callee)) || any_receiver(callee, [](std::string_view n) {
             return in(n, {"write", "writeStream", "saveToBigQuery", "saveAsTextFile"});
           });
  }

  // Table reads whose argument is not a literal (spark.table(name), read.parquet(base + "/x")):
  // the table cannot be known here. A name bound once in the file to a literal is resolved.
  void dynamic_reads() {
    for (std::size_t i = 2; i + 2 < t_.size(); ++i) {
      if (t_[i].kind != Kind::Name || !is_op(i + 1, '(') || !is_op(i - 1, '.')) continue;
      std::string_view m = tx(i);
      if (!in(m, {"table", "parquet", "orc", "load", "csv", "json", "avro", "bigQueryTable", "typedBigQuery",
                  "delta"}))
        continue;
      if (write_target(i) || is_op(i + 2, ')')) continue;
      // Only Spark-like readers: `spark.table`, `….read….parquet`, `sc.bigQueryTable`.
      std::size_t a = i + 2;
      bool literal_only = is_string(a) && !t_[a].interpolated && (is_op(a + 1, ')') || is_op(a + 1, ','));
      if (literal_only) continue;
      if (!reader_chain(i)) continue;
      if (t_[a].kind == Kind::Name && (is_op(a + 1, ')') || is_op(a + 1, ',')) && !is_op(a - 1, '.')) {
        int bound = resolved_literal(tx(a));
        if (bound == 1) continue;  // a literal naming the dataset: already counted
        if (bound == 0) {
          reads_other_ = true;  // a literal naming something else
          continue;
        }
      }
      dynamic_.push_back(i);
    }
    for (auto i : dynamic_)
      if (about_)
        out_.review(t_[i].begin, "reads a table or path computed at run time (" + std::string(tx(i)) +
                                     "(…)); cannot prove whether it is " + plan_.dataset_label() +
                                     ": check it and its column uses by hand");
  }

  // Is the receiver chain of the call at `m` a Spark/Scio reader (spark…, …read…, sc…)?
  bool reader_chain(std::size_t m) const {
    return any_receiver(m, [](std::string_view n) {
      return in(n, {"read", "readStream", "spark", "sparkSession", "sc", "session", "glueContext"});
    });
  }

  // 1: `name` is bound once in the file to a literal that names the dataset; 0: to another
  // literal; -1: not bound to a lone literal.
  int resolved_literal(std::string_view name) const {
    std::optional<std::size_t> lit;
    for (std::size_t j = 1; j + 3 < t_.size(); ++j) {
      if (!assigns(j, name)) continue;
      // An interpolated literal counts when the text around its holes names the table (a warehouse
      // path under an interpolated root, s"${root}/events.db/plays/data").
      if (lit || !is_string(j + 2) ||
          (t_[j + 2].interpolated && !names_location_.count(j + 2) && !names_other_.count(j + 2)))
        return -1;
      if (!(is_op(j + 3, ';') || t_[j + 3].kind == Kind::Name || is_op(j + 3, '}') || is_op(j + 3, ')')))
        return -1;
      lit = j + 2;
    }
    if (!lit) return -1;
    return names_location_.count(*lit) ? 1 : 0;
  }

  void strings() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (!is_string(i) || t_[i].dollar || skip_.count(i)) continue;
      std::vector<Piece> pieces{{t_[i].body_begin, t_[i].body_end}};
      bool interpolated = t_[i].interpolated, triple = t_[i].triple;
      std::size_t last = i;
      while (is_op(last + 1, '+') && is_string(last + 2) && !t_[last + 2].dollar) {
        last += 2;
        pieces.push_back({t_[last].body_begin, t_[last].body_end});
        interpolated = interpolated || t_[last].interpolated;
      }
      // A lone literal equal to a field name is a column name, handled in columns().
      if (pieces.size() == 1 &&
          plan_.field(text_.substr(pieces[0].begin, pieces[0].end - pieces[0].begin), false))
        continue;
      bool table_arg = i >= 2 && is_op(i - 1, '(') && t_[i - 2].kind == Kind::Name && table_call(tx(i - 2));
      if (table_arg && pieces.size() == 1 && tx(i - 2) == "withTableName") {
        jdbc_insert_table(i);
        continue;
      }
      sql::LexOptions lo;
      lo.dollar_opaque = interpolated;
      lo.backslash_escapes = !(scala_ && triple);
      lo.margin_pipes = scala_ && triple;
      // A Java query whose rows this file does not read itself (no result-set getter here, no
      // Spark frame) is read elsewhere by column name (a RowMapper class, a ResultSetExtractor),
      // out of the engine's sight: renamed output columns keep their old names (`visited_on AS
      // visit_date`). With a getter, the labels here are followed and renamed with the query
      // (label() below); in a Spark program the frame's column uses here are renamed with it.
      sql::Context context;
      context.outputs_by_name = !scala_ && !rows_read_here_ && !spark_program_;
      auto r = rewrite_embedded(text_, pieces, plan_, models_, out_, lo, table_arg, context);
      if (jdbc_) runs_[i] = Run{last, r.is_sql, r.sql};
      if (r.is_sql) {
        about_ = about_ || r.sql.reads_dataset || r.sql.mentions_dataset;
        reads_other_ = reads_other_ || r.sql.reads_other;
      } else if (r.names_location) {
        about_ = true;
        names_location_.insert(i);
      } else if (r.names_other_table) {
        names_other_.insert(i);
      } else if (table_arg && !write_target(i - 2)) {
        reads_other_ = true;
      }
      i = last;
    }
  }

  // SimpleJdbcInsert.withTableName("t"): Spring looks the table's columns up by this name, which
  // must stay a bare table name (a schema goes in withSchemaName). The table part moves here; a
  // schema that the new location adds or changes goes to review.
  void jdbc_insert_table(std::size_t i) {
    std::string_view body = body_of(i);
    if (!plan_.matches_old_suffix({std::string(body)})) {
      insert_other_ = true;
      reads_other_ = true;
      return;
    }
    insert_dataset_ = true;
    about_ = true;
    names_location_.insert(i);
    if (!plan_.moves()) return;
    auto all_new = plan_.new_suffix(std::size_t(-1));
    const auto& old = plan_.old_parts();
    if (all_new.back() != body)
      out_.replace(t_[i].body_begin, body.size(), all_new.back(),
                   scala_ ? "scala.jdbcinsert" : "java.jdbcinsert");
    bool schema_same = all_new.size() == old.size();
    for (std::size_t j = 0; schema_same && j + 1 < old.size(); ++j) schema_same = iequals(old[j], all_new[j]);
    if (!schema_same)
      out_.review(t_[i].begin, "SimpleJdbcInsert table " + std::string(body) + " moves to " +
                                   plan_.new_location() +
                                   ": set its schema with .withSchemaName(…) (a dotted table name breaks the "
                                   "column lookup)");
  }

  // MapSqlParameterSource.addValue("f", …) / params.put: for a SimpleJdbcInsert of the dataset, the
  // parameter names are matched to its columns. Only when the file inserts into no other table and
  // no SQL of the file binds `:f` (a named parameter, which keeps its own name).
  void insert_parameter(std::size_t i, const FieldChange& f) {
    if (!insert_dataset_ || insert_other_) return;
    if (text_.find(":" + f.name) != std::string_view::npos) {
      out_.review(t_[i].begin, "parameter " + f.name + " of an insert into " + plan_.dataset_label() +
                                   " is also a named SQL parameter in this file; " + what(f));
      return;
    }
    if (!f.rename_to.empty())
      out_.replace(t_[i].body_begin, t_[i].body_end - t_[i].body_begin, f.rename_to,
                   scala_ ? "scala.jdbcinsert" : "java.jdbcinsert");
    if (f.drop || f.retype)
      out_.review(t_[i].begin, "insert into " + plan_.dataset_label() + " sets " + what(f));
  }

  void columns() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const Token& t = t_[i];
      if (t.kind == Kind::String && skip_.count(i)) continue;
      if (t.kind == Kind::String && !t.interpolated && !t.triple) {
        if (jdbc_ && result_set_label(i)) {
          qualified_label(i);
          // JDBC labels are matched ignoring case, as the driver does.
          if (const FieldChange* f = plan_.field(text_.substr(t.body_begin, t.body_end - t.body_begin), true))
            if (about_) label(i, *f);
          continue;
        }
        const FieldChange* f = plan_.field(text_.substr(t.body_begin, t.body_end - t.body_begin), false);
        if (!f) continue;
        if (is_op(i + 1, '+') || (i > 0 && is_op(i - 1, '+'))) continue;
        if (t.dollar) {
          decide(*f, t.body_begin, t.body_end, "$\"" + f->name + "\"");
          continue;
        }
        // The call this literal is an argument of.
        const std::size_t j = argument_open(i);
        if (j == 0 || !is_op(j, '(') || t_[j - 1].kind != Kind::Name) continue;
        std::string_view callee = tx(j - 1);
        if (callee == "addValue" && j + 1 == i && j >= 2 && is_op(j - 2, '.')) {
          insert_parameter(i, *f);
          continue;
        }
        if ((callee == "Column" || callee == "JoinColumn") && annotation_open(j)) {
          std::string_view key = is_op(i - 1, '=') && t_[i - 2].kind == Kind::Name ? tx(i - 2)
                                 : j + 1 == i                                      ? "value"
                                                                                   : "";
          if (key == "name" || (key == "value" && callee == "Column")) jpa_column(*f, i, callee);
          continue;  // referencedColumnName names the other entity's column
        }
        bool method = j >= 2 && is_op(j - 2, '.');
        // Scala df("user_id") applies a DataFrame to a column name.
        bool apply = scala_ && !method && !column_call(callee) && j + 1 == i && is_op(i + 1, ')');
        if (!column_call(callee) && !apply) continue;
        if (callee == "withColumnRenamed" && j + 1 != i) continue;
        decide(*f, t.body_begin, t.body_end, std::string(callee) + "(\"" + f->name + "\")",
               callee == "col" && j + 1 == i && is_op(i + 1, ')') && output_select_item(j - 1) ? t_[i + 1].end
                                                                                               : 0);
        continue;
      }
      if (t.kind == Kind::Name && about_ && i > 0 && is_op(i - 1, '.')) accessor(i);
      if (t.kind == Kind::Name && entity_dataset_ && i > 0 && !is_op(i - 1, '.')) implicit_attribute(i);
    }
  }

  // Is the '(' at j the argument list of an annotation (`@Column(`, `@javax.persistence.Column(`)?
  bool annotation_open(std::size_t j) const {
    std::size_t k = j - 1;
    while (k >= 2 && is_op(k - 1, '.') && t_[k - 2].kind == Kind::Name) k -= 2;
    return k >= 1 && is_op(k - 1, '@');
  }

  // @Column(name = "user_id") / @JoinColumn(name = "user_id"): a column of the entity's table.
  void jpa_column(const FieldChange& exact, std::size_t i, std::string_view callee) {
    const Token& t = t_[i];
    const FieldChange* f = plan_.field(body_of(i), true);
    if (!f) f = &exact;
    if (!entity_dataset_) {
      // A mapped superclass or embeddable without a @Table of its own: its columns belong to the
      // entities that use it, which may include the dataset's.
      if (shared_mapping_ && !entity_other_)
        out_.review(t.body_begin,
                    std::string(shown_prefix(callee)) + std::string(body_of(i)) +
                        "\") in a @MappedSuperclass/@Embeddable maps a column of every entity that "
                        "uses it; if one maps " +
                        plan_.dataset_label() + ": " + what(*f));
      return;  // another table's entity (or no @Table here): not ours
    }
    std::string shown = "@" + std::string(callee) + "(name = \"" + std::string(body_of(i)) + "\")";
    if (entity_other_) {
      out_.review(t.body_begin, "cannot prove " + shown + " maps a column of " + plan_.dataset_label() +
                                    ": this file maps more than one table; " + what(*f));
      return;
    }
    if (!f->rename_to.empty())
      out_.replace(t.body_begin, t.body_end - t.body_begin, f->rename_to, "java.jpa.column");
    if (f->drop)
      out_.review(t.body_begin, "maps dropped field " + f->name + " (" + shown +
                                    "): remove the attribute or mark it @Transient by hand");
    if (f->retype)
      out_.review(t.body_begin, "maps retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type +
                                    ") in " + shown + ": change the attribute's Java type by hand");
  }

  static std::string shown_prefix(std::string_view callee) {
    return "@" + std::string(callee) + "(name = \"";
  }

  // `private Long userId;` in an entity of the dataset without a @Column name: JPA derives the
  // column from the attribute's name (userId or, with Spring's naming strategy, user_id).
  void implicit_attribute(std::size_t i) {
    if (!(is_op(i + 1, ';') || is_op(i + 1, '='))) return;
    if (!(t_[i - 1].kind == Kind::Name || is_op(i - 1, '>') || is_op(i - 1, ']'))) return;
    if (t_[i - 1].kind == Kind::Name && in(tx(i - 1), {"return", "new", "throw", "else", "case"})) return;
    std::string_view name = tx(i);
    const FieldChange* f = nullptr;
    for (const auto& c : plan_.fields())
      if (name == c.name || name == camel(c.name, false)) f = &c;
    if (!f) return;
    if (method_around(i)) return;  // a local variable, not an attribute
    for (std::size_t j = i; j > 0; --j) {
      if (is_op(j - 1, ';') || is_op(j - 1, '{') || is_op(j - 1, '}')) break;
      if (t_[j - 1].kind == Kind::Name && in(tx(j - 1), {"Column", "JoinColumn", "Transient", "static"}))
        return;
    }
    out_.review(t_[i].begin, "JPA attribute " + std::string(name) + " of an entity of " +
                                 plan_.dataset_label() + " maps to column " + f->name + " by its name; " +
                                 what(*f) + ": add or adapt @Column by hand");
    if (f->drop) dropped_attributes_.emplace(i, std::string(name));
  }

  // Every other use of an entity attribute whose column is dropped (its getter's `return
  // this.description`, its setter's parameter) goes with the attribute: listed for review.
  void dropped_attribute_uses() {
    for (const auto& [decl, name] : dropped_attributes_)
      for (std::size_t i = 0; i < t_.size(); ++i)
        if (i != decl && t_[i].kind == Kind::Name && tx(i) == name)
          out_.review(t_[i].begin, "uses JPA attribute " + name + " of an entity of " +
                                       plan_.dataset_label() +
                                       ", whose column is dropped: remove or replace it by hand");
  }

  int line_of(std::size_t offset) const {
    int n = 1;
    for (std::size_t k = 0; k < offset && k < text_.size(); ++k)
      if (text_[k] == '\n') ++n;
    return n;
  }

  // Accessors of generated classes (Avro/Beam/Scio): the field's name changes the method's name,
  // and the class must be regenerated first, so these are listed rather than rewritten.
  void accessor(std::size_t i) {
    std::string_view name = tx(i);
    // `this.x` in an entity of the dataset is its own attribute, not a generated record's accessor
    // (implicit_attribute and dropped_attribute_uses decide about it).
    if (entity_dataset_ && i >= 2 && t_[i - 2].kind == Kind::Name && tx(i - 2) == "this") return;
    for (const auto& f : plan_.fields()) {
      std::string upper = camel(f.name, true);
      bool snake = f.name.find('_') != std::string::npos;  // `ts` alone is too common to flag
      if (name == "get" + upper || name == "set" + upper ||
          (snake && (name == f.name || name == camel(f.name, false)))) {
        out_.review(t_[i].begin, "accessor " + std::string(name) + " of " + plan_.dataset_label() +
                                     " record; " + what(f) +
                                     ": regenerate the record class and update by hand");
        return;
      }
    }
  }

  // ---- JDBC result-set labels ----
  //
  // rs.getLong("user_id") names a column of the query that made `rs`. The label changes with the
  // query only if that query selects the field from the dataset under its own name (then the
  // query's rewrite renames the output column too). That is proved here, in Java, by following
  // `rs` back to its one declaration in the same method, `ResultSet rs = x.executeQuery(q)` or
  // `x.executeQuery()` with `PreparedStatement x = c.prepareStatement(q)` declared there too, where
  // `q` is a string literal (or concatenation of literals), a local declared once from one, or a
  // final constant of the file. Anything less certain goes to review with the reason.

  struct Run {
    std::size_t last;  // last literal token of the run
    bool is_sql;
    sql::Result sql;
  };

  bool has_result_set_call() const {
    for (std::size_t i = 0; i + 2 < t_.size(); ++i)
      if (t_[i].kind == Kind::Name && is_op(i + 1, '(') && is_string(i + 2) && i > 0 && is_op(i - 1, '.') &&
          result_set_call(tx(i)))
        return true;
    return false;
  }

  // `recv.getXxx("label"` with the literal as the whole first argument.
  bool result_set_label(std::size_t i) const {
    return i >= 4 && is_op(i - 1, '(') && t_[i - 2].kind == Kind::Name && result_set_call(tx(i - 2)) &&
           is_op(i - 3, '.') && (is_op(i + 1, ')') || is_op(i + 1, ','));
  }

  // rs.getInt("visits.pet_id"): a label qualified with the dataset's table name. Whether the driver
  // still resolves it once the table moves depends on the driver and the query: review.
  void qualified_label(std::size_t i) {
    std::string_view body = body_of(i);
    auto dot = body.rfind('.');
    if (dot == std::string_view::npos || !plan_.moves()) return;
    if (!plan_.matches_old_suffix(split(body.substr(0, dot), '.'))) return;
    out_.review(t_[i].begin, "result-set label " + std::string(body) + " is qualified with the table " +
                                 plan_.dataset_label() + ", which moves to " + plan_.new_location() +
                                 ": check that the driver still resolves it");
  }

  void label(std::size_t i, const FieldChange& f) {
    const Token& t = t_[i];
    bool simple = t_[i - 4].kind == Kind::Name && !is_op(i - 5, '.');
    std::string receiver = simple ? std::string(tx(i - 4)) + "." : "";
    std::string shown = receiver + std::string(tx(i - 2)) + "(\"" +
                        std::string(text_.substr(t.body_begin, t.body_end - t.body_begin)) + "\")";
    std::string why;
    const Run* q = scala_ ? nullptr : query_of_receiver(i, why);
    if (scala_) why = "result sets are followed to their query in Java only";
    if (q && !q->is_sql) {
      why = "the query text is not SQL the engine can read";
      q = nullptr;
    }
    if (q) {
      const sql::Result& r = q->sql;
      if (!r.reads_dataset && !r.mentions_dataset && r.reads_other) return;  // another table's column
      if (r.exports.count(f.name)) {
        if (!f.rename_to.empty())
          out_.replace(t.body_begin, t.body_end - t.body_begin, f.rename_to, "java.resultset");
        if (f.drop) out_.review(t.body_begin, "reads dropped field " + f.name + " through " + shown);
        if (f.retype)
          out_.review(t.body_begin,
                      "reads retyped field " + f.name + " (" + f.from_type + " -> " + f.to_type +
                          ") through " + shown +
                          ", which the query passes through unconverted: adapt the getter by hand");
        return;
      }
      if (r.wrapped.count(f.name)) return;  // converted back in the query: same name, same type
      why = "the query does not select " + f.name + " from " + plan_.dataset_label() + " under that name";
    }
    out_.review(t.body_begin,
                "cannot prove " + shown + " reads " + plan_.dataset_label() + ": " + why + "; " + what(f));
  }

  // The query that made the result set `recv` in recv.getXxx("label"), or null with the reason.
  const Run* query_of_receiver(std::size_t i, std::string& why) {
    if (t_[i - 4].kind != Kind::Name || is_op(i - 5, '.')) {
      why = "the result set is not a local variable";
      return nullptr;
    }
    std::string_view rs = tx(i - 4);
    auto method = method_around(i);
    if (!method) {
      why = "it is not inside a method";
      return nullptr;
    }
    auto decl = local_value(rs, *method, i);
    if (!decl) {
      why = std::string(rs) + " is not a local declared once in this method";
      return nullptr;
    }
    auto call = call_of(decl->first, decl->second);
    if (!call || call->name != "executeQuery") {
      why = std::string(rs) + " is not assigned from executeQuery() in this method";
      return nullptr;
    }
    std::size_t arg = call->open + 1;
    if (is_op(arg, ')')) {
      // ps.executeQuery() on a PreparedStatement prepared in this method.
      if (t_[call->receiver].kind != Kind::Name || call->receiver + 2 != call->name_at) {
        why = "the statement is not a local variable";
        return nullptr;
      }
      std::string_view ps = tx(call->receiver);
      auto prep = local_value(ps, *method, i);
      auto made = prep ? call_of(prep->first, prep->second) : std::nullopt;
      if (!made || (made->name != "prepareStatement" && made->name != "prepareCall")) {
        why = std::string(ps) + " is not prepared once in this method";
        return nullptr;
      }
      arg = made->open + 1;
    }
    const Run* q = sql_argument(arg, *method);
    if (!q) why = "the query is not a string literal or constant of this file";
    return q;
  }

  // A first argument that is a literal run, a local declared once from one, or a final constant.
  const Run* sql_argument(std::size_t a, std::pair<std::size_t, std::size_t> method) {
    auto whole = [&](std::size_t last) { return is_op(last + 1, ')') || is_op(last + 1, ','); };
    if (is_string(a)) {
      auto it = runs_.find(a);
      return it != runs_.end() && whole(it->second.last) ? &it->second : nullptr;
    }
    if (t_[a].kind != Kind::Name || !whole(a) || is_op(a - 1, '.')) return nullptr;
    std::string_view name = tx(a);
    std::optional<std::pair<std::size_t, std::size_t>> value;
    if (assignments(name, method.first, method.second) > 0) {
      value = local_value(name, method, a);
    } else if (assignments(name, 0, t_.size()) == 1) {
      value = constant_value(name);
    }
    if (!value || !is_string(value->first)) return nullptr;
    auto it = runs_.find(value->first);
    if (it == runs_.end() || it->second.last + 1 != value->second) return nullptr;
    return &it->second;
  }

  // Positions of `name =` (an assignment, not ==) in tokens [b, e).
  std::size_t assignments(std::string_view name, std::size_t b, std::size_t e) const {
    std::size_t n = 0;
    for (std::size_t j = b; j + 1 < e; ++j)
      if (assigns(j, name)) ++n;
    return n;
  }
  bool assigns(std::size_t j, std::string_view name) const {
    return t_[j].kind == Kind::Name && tx(j) == name && is_op(j + 1, '=') && !is_op(j + 2, '=') &&
           !(j > 0 && (is_op(j - 1, '.') || is_op(j - 1, '=') || is_op(j - 1, '!') || is_op(j - 1, '<') ||
                       is_op(j - 1, '>')));
  }

  // The initializer [begin, end) of the one declaration `Type name = …;` of a local in `method`,
  // before `use`, if it is assigned nowhere else in the method.
  std::optional<std::pair<std::size_t, std::size_t>> local_value(std::string_view name,
                                                                 std::pair<std::size_t, std::size_t> method,
                                                                 std::size_t use) const {
    std::optional<std::size_t> at;
    for (std::size_t j = method.first; j + 1 < method.second; ++j) {
      if (!assigns(j, name)) continue;
      if (at) return std::nullopt;
      at = j;
    }
    if (!at || *at > use) return std::nullopt;
    // A declaration: a type (a name, or the end of a generic or array type) right before the name.
    bool typed = *at > 0 && (t_[*at - 1].kind == Kind::Name || is_op(*at - 1, '>') || is_op(*at - 1, ']'));
    if (!typed) return std::nullopt;
    return initializer(*at + 2, method.second);
  }

  // The initializer of the file's one `final … name = …;`.
  std::optional<std::pair<std::size_t, std::size_t>> constant_value(std::string_view name) const {
    for (std::size_t j = 1; j + 1 < t_.size(); ++j) {
      if (!assigns(j, name)) continue;
      bool final = false;
      std::size_t k = j;
      auto part_of_declaration = [&](std::size_t x) {
        return t_[x].kind == Kind::Name || is_op(x, '<') || is_op(x, '>') || is_op(x, '.');
      };
      while (k > 0 && part_of_declaration(k - 1)) {
        --k;
        if (t_[k].kind == Kind::Name && tx(k) == "final") final = true;
      }
      if (!final || t_[j - 1].kind != Kind::Name) return std::nullopt;
      for (const auto& m : methods_)
        if (m.first < j && j < m.second) return std::nullopt;  // a local of some other method
      return initializer(j + 2, t_.size());
    }
    return std::nullopt;
  }

  // [b, end of the expression): up to the `;` (or the `)` closing a try-with-resources list) at
  // bracket depth 0.
  std::optional<std::pair<std::size_t, std::size_t>> initializer(std::size_t b, std::size_t limit) const {
    int depth = 0;
    for (std::size_t j = b; j < limit; ++j) {
      if (is_op(j, '(') || is_op(j, '[') || is_op(j, '{')) ++depth;
      if (is_op(j, ')') || is_op(j, ']') || is_op(j, '}')) {
        if (depth == 0) return is_op(j, ')') && j > b ? std::optional(std::pair(b, j)) : std::nullopt;
        --depth;
      }
      if (depth == 0 && is_op(j, ';')) return j > b ? std::optional(std::pair(b, j)) : std::nullopt;
    }
    return std::nullopt;
  }

  struct Call {
    std::size_t receiver;  // first token of the receiver chain
    std::size_t name_at;   // the method name
    std::string_view name;
    std::size_t open;  // its '('
  };

  // [b, e) is exactly `receiver.method(…)`; the receiver may be any expression (`c`, `this.c`,
  // `c.createStatement()`).
  std::optional<Call> call_of(std::size_t b, std::size_t e) const {
    if (e <= b + 3 || !is_op(e - 1, ')')) return std::nullopt;
    int depth = 0;
    std::size_t open = e - 1;
    while (true) {
      if (is_op(open, ')')) ++depth;
      if (is_op(open, '(') && --depth == 0) break;
      if (open == b) return std::nullopt;
      --open;
    }
    if (open < b + 3 || t_[open - 1].kind != Kind::Name || !is_op(open - 2, '.')) return std::nullopt;
    return Call{b, open - 1, tx(open - 1), open};
  }

  // The innermost method or constructor body [`{`, `}`] around token i.
  std::optional<std::pair<std::size_t, std::size_t>> method_around(std::size_t i) {
    if (!methods_found_) find_methods();
    std::optional<std::pair<std::size_t, std::size_t>> best;
    for (const auto& m : methods_)
      if (m.first < i && i < m.second && (!best || m.first > best->first)) best = m;
    return best;
  }

  void find_methods() {
    methods_found_ = true;
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (is_op(i, '{')) open.push_back(i);
      if (is_op(i, '}') && !open.empty()) {
        if (method_body(open.back())) methods_.emplace_back(open.back(), i);
        open.pop_back();
      }
    }
  }

  // `… name(params) [throws A, B] {` where name is declared (a type or modifier before it), not
  // called (`new X() {`), and not a statement (`if (…) {`).
  bool method_body(std::size_t brace) const {
    if (brace == 0) return false;
    std::size_t k = brace - 1;
    for (std::size_t j = k; j > 0 && (t_[j].kind == Kind::Name || is_op(j, '.') || is_op(j, ',')); --j) {
      if (t_[j].kind == Kind::Name && tx(j) == "throws") {
        k = j - 1;
        break;
      }
    }
    if (!is_op(k, ')')) return false;
    int depth = 0;
    std::size_t p = k;
    while (true) {
      if (is_op(p, ')')) ++depth;
      if (is_op(p, '(') && --depth == 0) break;
      if (p == 0) return false;
      --p;
    }
    if (p < 2 || t_[p - 1].kind != Kind::Name) return false;
    std::string_view name = tx(p - 1);
    if (in(name, {"if", "for", "while", "switch", "catch", "synchronized", "try", "return", "throw", "new"}))
      return false;
    std::size_t before = p - 2;
    if (t_[before].kind == Kind::Name) return !in(tx(before), {"new", "record", "return", "throw", "else"});
    return is_op(before, '>') || is_op(before, ']');
  }

  // The literal run's opening token `(` preceding argument i, walking back over sibling arguments;
  // 0 when i is not inside an argument list of this statement.
  std::size_t argument_open(std::size_t i) const {
    std::size_t j = i;
    int depth = 0;
    while (j > 0) {
      --j;
      if (is_op(j, ')')) ++depth;
      if (is_op(j, '(')) {
        if (depth == 0) return j;
        --depth;
      }
      if (is_op(j, ';') || is_op(j, '{') || is_op(j, '}')) return 0;
    }
    return 0;
  }

  // Is the call at `c` (`col` of `col("f")`, closed right after its literal) a whole argument of
  // `.select(…)` (no `.as(…)` after it), and is the field's name not used again later in the file?
  // Then the select's output leaves the file under the old name (written to a table, returned to a
  // caller that reads it by name): a rename keeps that name with an alias, like a CREATE VIEW AS.
  bool output_select_item(std::size_t c) const {
    if (c < 1 || !(is_op(c - 1, '(') || is_op(c - 1, ','))) return false;
    std::size_t close = c + 3;  // col ( "f" )
    if (!is_op(close, ')') || !(is_op(close + 1, ',') || is_op(close + 1, ')'))) return false;
    std::size_t open = argument_open(c);
    if (open < 2 || t_[open - 1].kind != Kind::Name || tx(open - 1) != "select" || !is_op(open - 2, '.'))
      return false;
    std::string_view field = body_of(c + 2);
    for (std::size_t k = close + 1; k < t_.size(); ++k)
      if (is_string(k) && iequals(body_of(k), field)) return false;
    return true;
  }

  void decide(const FieldChange& f, std::size_t b, std::size_t e, const std::string& shown,
              std::size_t alias_at = 0) {
    if (!about_) {
      // A frame read from a table computed at run time may be the dataset: no silent all-clear.
      if (!dynamic_.empty())
        out_.review(b, "cannot prove whether " + shown + " reads " + plan_.dataset_label() +
                           ": this file reads a table or path computed at run time (line " +
                           std::to_string(line_of(t_[dynamic_.front()].begin)) + "); " + what(f));
      return;
    }
    if (!dynamic_.empty()) {
      out_.review(b, "cannot prove " + shown + " belongs to " + plan_.dataset_label() +
                         ": this file also reads a table or path computed at run time; " + what(f));
      return;
    }
    if (reads_other_) {
      out_.review(b, "cannot prove " + shown + " belongs to " + plan_.dataset_label() +
                         ": this file also reads other tables; " + what(f));
      return;
    }
    if (!f.rename_to.empty()) {
      out_.replace(b, e - b, f.rename_to, scala_ ? "scala.column" : "java.column");
      // alias_at: just after `col("…")`, an output select item that keeps its old name.
      if (alias_at != 0 && !f.retype)
        out_.replace(alias_at, 0, ".as(\"" + f.name + "\")", scala_ ? "scala.column" : "java.column");
    }
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
  bool entity_dataset_ = false;           // a JPA @Table of the file maps the dataset
  bool entity_other_ = false;             // a JPA @Table of the file maps another table
  bool shared_mapping_ = false;           // the file has a @MappedSuperclass or @Embeddable
  std::set<std::size_t> skip_;            // literals already handled (annotation parts, JPQL)
  std::set<std::size_t> names_location_;  // literals that name the dataset's location
  std::set<std::size_t> names_other_;     // literals that provably name another table (warehouse paths)
  std::vector<std::size_t> dynamic_;      // reads of a table computed at run time (callee token)
  bool jdbc_ = false;                     // the file calls a ResultSet getter with a literal
  std::map<std::size_t, std::string> dropped_attributes_;  // declaration token -> attribute name
  bool insert_dataset_ = false;                            // a SimpleJdbcInsert of the file names the dataset
  bool insert_other_ = false;        // a SimpleJdbcInsert of the file names another table
  bool rows_read_here_ = false;      // the file calls a ResultSet getter (label or index)
  bool spark_program_ = false;       // the file works with Spark frames (Dataset, SparkSession, …)
  std::map<std::size_t, Run> runs_;  // literal runs by first token (only when jdbc_)
  bool methods_found_ = false;
  std::vector<std::pair<std::size_t, std::size_t>> methods_;
};

}  // namespace

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out, bool scala) {
  Rewriter(text, plan, models, out, scala).run();
}

}  // namespace shepherd::rewrite::jvm
