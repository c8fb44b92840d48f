// Python and PySpark/pandas: SQL and table names in string literals go through the SQL and text
// rewriters; column names in column positions (col("x"), df["x"], .select("x"), df.x) are rewritten
// when the frame they are read from provably comes from the dataset (see docs/agent-rewrite.md).
#include "python_rewriter.h"

#include <map>
#include <optional>
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
                "explode",
                "rename_field",
                "drop_fields",
                "select_fields"});
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
  // Other: the table's columns (lower case) when a CREATE TABLE in the tree lists them.
  std::optional<std::set<std::string>> columns;
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
    group_of_.assign(t_.size(), -1);
    catalog_calls();
    sql_nodes();
    strings();
    dynamic_reads();
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
  // [open, close) of the bracket pair opened at `open`.
  std::size_t close_of(std::size_t open) const {
    return match_[open] >= 0 ? static_cast<std::size_t>(match_[open]) : t_.size();
  }

  // The token after `key=` among the arguments of the call opened at `open`, if any.
  std::optional<std::size_t> kwarg(std::size_t open, std::string_view key) const {
    std::size_t close = close_of(open);
    for (std::size_t j = open + 1; j + 2 < close; ++j)
      if (enclosing_[j] == static_cast<long>(open) && is_name(j) && tx(j) == key && is_op(j + 1, '=') &&
          !is_op(j + 2, '=') && (is_op(j - 1, '(') || is_op(j - 1, ',')))
        return j + 2;
    return std::nullopt;
  }
  // A lone literal (not part of a concatenation, not an f-string with fields) at `j`.
  bool lone_literal(std::size_t j) const {
    return is_string(j) && !(t_[j].f_string && body(j).find('{') != std::string_view::npos) &&
           !is_string(j + 1) && !is_op(j + 1, '+') && !is_op(j + 1, '%') && !is_op(j + 1, '.');
  }

  // Walks the receiver chain of the call whose name is at `name` (a.b(…).c[…].name) from right to
  // left, skipping argument lists and subscripts; true as soon as `matches` accepts a receiver's name.
  template <typename Matches>
  bool any_receiver(std::size_t name, Matches matches) const {
    std::size_t k = name;
    while (k >= 2 && is_op(k - 1, '.')) {
      std::size_t p = k - 2;
      if ((is_op(p, ')') || is_op(p, ']')) && match_[p] >= 0) {
        p = static_cast<std::size_t>(match_[p]);
        if (p == 0) return false;
        --p;
      }
      if (!is_name(p)) return false;
      if (matches(tx(p))) return true;
      k = p;
    }
    return false;
  }

  // Is the call whose name is at `name` a write (df.write…, saveAsTable, Glue's write_dynamic_frame)?
  bool write_call(std::size_t name) const {
    if (in(tx(name), {"saveAsTable", "insertInto", "writeTo", "write_dynamic_frame_from_catalog",
                      "write_dynamic_frame_from_options", "to_sql", "to_parquet", "to_csv", "to_gbq"}))
      return true;
    return any_receiver(name, [](std::string_view n) {
      return in(n, {"write", "writeStream", "write_dynamic_frame", "write_data_frame"});
    });
  }

  // Is the call whose name is at `name` made on a reader (spark…, …read…, glueContext…, pd)?
  bool reader_call(std::size_t name) const {
    return any_receiver(name, [](std::string_view n) {
      return in(n, {"read", "readStream", "spark", "session", "sqlContext", "glueContext", "glue_context",
                    "create_dynamic_frame", "create_data_frame", "pd", "pandas"});
    });
  }

  // Is the literal run `members` (followed by token `next`) only part of a name computed at run
  // time: an f-string with fields, or a template filled by .format() / %?
  bool computed(const std::vector<std::size_t>& members, std::size_t next) const {
    for (auto m : members)
      if (t_[m].f_string && body(m).find('{') != std::string_view::npos) return true;
    return is_op(next, '.') || is_op(next, '%');
  }

  // Glue catalog reads and writes: create_dynamic_frame.from_catalog(database="events",
  // table_name="listening_v3"), create_dynamic_frame_from_catalog(…), and the write_ forms. The
  // database and table are given apart; together they must name the dataset.
  void catalog_calls() {
    for (std::size_t i = 0; i + 1 < t_.size(); ++i) {
      if (!is_name(i) || !is_op(i + 1, '(')) continue;
      std::string_view m = tx(i);
      if (!in(m, {"from_catalog", "create_dynamic_frame_from_catalog", "create_data_frame_from_catalog",
                  "write_dynamic_frame_from_catalog"}))
        continue;
      auto table = kwarg(i + 1, "table_name");
      if (!table) continue;
      bool write = write_call(i);
      auto db = kwarg(i + 1, "database");
      if (!lone_literal(*table) || (db && !lone_literal(*db))) {
        // A database from a job argument with the dataset's table name may well be the dataset.
        if (lone_literal(*table) && plan_.matches_old_suffix({std::string(body(*table))})) about_ = true;
        if (lone_literal(*table)) {
          groups_.push_back(Group{});
          group_of_[*table] = static_cast<long>(groups_.size() - 1);
        }
        if (!write) dynamic_.push_back(i);
        continue;
      }
      std::vector<std::size_t> toks;
      if (db) toks.push_back(*db);
      toks.push_back(*table);
      std::vector<std::string> parts;
      parts.reserve(toks.size());
      for (auto t : toks) parts.emplace_back(body(t));
      Group g;
      if (plan_.matches_old_suffix(parts)) {
        about_ = true;
        if (db) {
          move_parts(toks, parts);
          g.cls.k = Cls::K::Dataset;
          g.cls.all = true;
        } else {
          out_.review(t_[i].begin, "Glue " + std::string(m) + " names table " + parts.back() +
                                       " without a literal database; cannot prove it is " +
                                       plan_.dataset_label() + ": check it by hand");
          if (!write) reads_other_ = true;
        }
      } else if (!write) {
        g.cls.k = Cls::K::Other;
        std::string key;
        for (const auto& p : parts) key += (key.empty() ? "" : ".") + lower(p);
        if (auto it = models_.table_columns.find(key); it != models_.table_columns.end())
          g.cls.columns = it->second;
        reads_other_ = true;
      }
      groups_.push_back(g);
      for (auto t : toks) group_of_[t] = static_cast<long>(groups_.size() - 1);
    }
  }

  // Moves a table given as separate literal parts (outermost first) that name the dataset.
  void move_parts(const std::vector<std::size_t>& toks, const std::vector<std::string>& parts) {
    if (!plan_.moves()) return;
    const std::size_t k = parts.size();
    const auto& old = plan_.old_parts();
    auto all_new = plan_.new_suffix(old.size() + 8);
    bool outer_same = all_new.size() == old.size();
    for (std::size_t j = 0; outer_same && j + k < old.size(); ++j)
      if (!iequals(old[j], all_new[j])) outer_same = false;
    if (!outer_same) {
      out_.review(t_[toks.front()].begin, "names " + plan_.dataset_label() + " in parts; it moves to " +
                                              plan_.new_location() + ": set the new location by hand");
      return;
    }
    auto repl = plan_.new_suffix(k);
    for (std::size_t j = 0; j < k; ++j)
      if (parts[j] != repl[j])
        out_.replace(t_[toks[j]].body_begin, t_[toks[j]].body_end - t_[toks[j]].body_begin, repl[j],
                     "glue.catalog");
  }

  // Reads of a table or path whose name is computed at run time (spark.table(name),
  // spark.read.parquet(base + "/x"), f"{db}.t"): such a read may be the dataset.
  void dynamic_reads() {
    for (std::size_t i = 2; i + 2 < t_.size(); ++i) {
      if (!is_name(i) || !is_op(i + 1, '(') || !is_op(i - 1, '.') || !table_method(tx(i))) continue;
      if (is_op(i + 2, ')') || write_call(i) || !reader_call(i)) continue;
      std::size_t a = i + 2;
      if (lone_literal(a)) continue;
      if (is_name(a) && (is_op(a + 1, ')') || is_op(a + 1, ','))) {
        int bound = bound_literal(tx(a));
        if (bound == 1) continue;
        if (bound == 0) {
          reads_other_ = true;
          continue;
        }
      }
      dynamic_.push_back(i);
    }
    for (auto i : dynamic_) {
      if (about_)
        out_.review(t_[i].begin, "reads a table or path computed at run time (" + std::string(tx(i)) +
                                     "(…)); cannot prove whether it is " + plan_.dataset_label() +
                                     ": check it and its column uses by hand");
      else if (spells_dataset_segment(i + 1))
        out_.review(t_[i].begin, "reads a path built at run time that ends in the dataset's name (" +
                                     std::string(tx(i)) + "(… + '" + last_segment() + "')); it may be " +
                                     plan_.dataset_label() + ": check it by hand");
    }
  }

  // The last segment of a path location (`tests/data/employees` -> employees); empty otherwise.
  std::string last_segment() const {
    if (!plan_.location_is_path()) return {};
    std::string_view loc = plan_.old_location();
    while (!loc.empty() && loc.back() == '/') loc.remove_suffix(1);
    auto slash = loc.rfind('/');
    return std::string(slash == std::string_view::npos ? loc : loc.substr(slash + 1));
  }

  // Does a literal among the arguments of the call opened at `open` have the path location's last
  // segment as a whole segment (`base + 'employees'`, `f"{root}/employees/"`)?
  bool spells_dataset_segment(std::size_t open) const {
    std::string seg = last_segment();
    if (seg.empty()) return false;
    for (std::size_t j = open + 1; j < close_of(open); ++j) {
      if (!is_string(j)) continue;
      std::string_view body = text_.substr(t_[j].body_begin, t_[j].body_end - t_[j].body_begin);
      for (const auto& part : split(body, '/'))
        if (iequals(part, seg)) return true;
    }
    return false;
  }

  // 1: `name` is assigned exactly once in the file, from a lone literal naming the dataset; 0: from
  // another lone literal; -1: otherwise.
  int bound_literal(std::string_view name) const {
    std::optional<std::size_t> lit;
    for (std::size_t j = 0; j + 2 < t_.size(); ++j) {
      if (!is_name(j) || tx(j) != name || !is_op(j + 1, '=') || is_op(j + 2, '=')) continue;
      if (j > 0 && (is_op(j - 1, '.') || is_op(j - 1, ',') || is_op(j - 1, '(')))
        continue;  // attribute, kwarg
      if (lit || !lone_literal(j + 2) || !(j + 3 >= t_.size() || t_[j + 3].kind == Kind::Newline)) return -1;
      lit = j + 2;
    }
    if (!lit || group_of_[*lit] < 0) return -1;
    return groups_[static_cast<std::size_t>(group_of_[*lit])].cls.k == Cls::K::Dataset ? 1 : 0;
  }

  // Glue Studio's SQL node: sparkSqlQuery(glueContext, query=q, mapping={"view": frame, …}) runs q
  // over temp views that the mapping names. Its literal (q itself, or the literal q is bound to)
  // is read where the call is (frames_and_columns), once the frames are known, not as free SQL.
  void sql_nodes() {
    for (std::size_t i = 1; i + 1 < t_.size(); ++i) {
      if (!is_name(i) || tx(i) != "sparkSqlQuery" || !is_op(i + 1, '(') ||
          (is_name(i - 1) && tx(i - 1) == "def"))
        continue;
      auto q = kwarg(i + 1, "query");
      auto m = kwarg(i + 1, "mapping");
      if (!q || !m || !is_op(*m, '{')) continue;
      std::optional<std::size_t> lit;
      if (lone_literal(*q)) {
        lit = *q;
      } else if (is_name(*q)) {
        for (std::size_t j = 0; j + 2 < t_.size(); ++j) {
          if (!is_name(j) || tx(j) != tx(*q) || !is_op(j + 1, '=') || is_op(j + 2, '=')) continue;
          if (j > 0 && t_[j - 1].kind != Kind::Newline) continue;  // only `name = …` statements
          if (lit || !lone_literal(j + 2)) {
            lit.reset();
            break;
          }
          lit = j + 2;
        }
      }
      if (lit) sql_node_.emplace(*lit, i + 1);
    }
  }

  // Reads the SQL node whose call opens at `open` and whose query is the literal `lit`: each view
  // of the mapping is what its frame reads; the result is a frame that the job reads by column name.
  Cls sql_node(std::size_t lit, std::size_t open) {
    sql::Context context;
    context.outputs_by_name = true;
    std::size_t m = *kwarg(open, "mapping");
    for (std::size_t j = m + 1; j + 2 < close_of(m); ++j) {
      if (enclosing_[j] != static_cast<long>(m) || !is_string(j) || !is_op(j + 1, ':')) continue;
      std::size_t e = j + 2;
      while (e < close_of(m) && !(enclosing_[e] == static_cast<long>(m) && is_op(e, ','))) ++e;
      Cls c = classify(j + 2, e);
      sql::View v;
      if (c.k == Cls::K::Dataset) {
        v.kind = sql::View::Kind::Dataset;
        v.all = c.all;
        v.fields = c.fields;
      } else if (c.k == Cls::K::Other || !about_) {
        v.kind = sql::View::Kind::Other;  // another table, or a job that never names the dataset
      }
      std::string name(body(j));
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      context.views[name] = std::move(v);
    }
    sql::LexOptions lo;
    lo.braces_opaque = true;
    lo.backslash_escapes = !t_[lit].raw;
    std::vector<Piece> pieces{{t_[lit].body_begin, t_[lit].body_end}};
    auto r = rewrite_embedded(text_, pieces, plan_, models_, out_, lo, false, context);
    // The output's columns are the select list: the dataset's fields it passes under their old
    // names (exports) are the dataset's; every other column (aliased back, another table's) is not.
    Cls c;
    if (r.is_sql && r.sql.reads_dataset) {
      c.k = Cls::K::Dataset;
      c.fields = r.sql.exports;
    } else if (r.is_sql && r.sql.reads_other) {
      c.k = Cls::K::Other;
    }
    return c;
  }

  void strings() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (!is_string(i) || group_of_[i] >= 0 || sql_node_.count(i)) continue;
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
        if (r.sql.reads_other) g.cls.merge(Cls{Cls::K::Other, false, {}, {}});
        if (r.sql.mentions_dataset || r.sql.reads_dataset) about_ = true;
      } else if (r.names_location) {
        g.cls.k = Cls::K::Dataset;
        g.cls.all = true;
        about_ = true;
      } else if (table_arg && !write_call(static_cast<std::size_t>(open) - 1) && !computed(members, j)) {
        g.cls.k = Cls::K::Other;  // a computed name (f"{db}.t", "…{}".format(x)) may be the dataset
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
      // A frame built by hand from rows (test fixtures) is not read from any table: its columns
      // are whatever the rows say, reported by row_field, never rewritten.
      // An empty `pd.DataFrame()` has no columns of its own: it only collects what is appended.
      if (is_name(j) && is_op(j + 1, '(') && !is_op(j + 2, ')') &&
          in(tx(j), {"createDataFrame", "DataFrame", "from_records"}))
        c.merge(Cls{Cls::K::Other, false, {}, {}});
      // A frame made by a Glue mapping has the mapping's output names, which keep the old names
      // (the source side is what is renamed): its columns are not rewritten.
      if (is_name(j) &&
          ((tx(j) == "apply_mapping" && is_op(j + 1, '(')) || (tx(j) == "ApplyMapping" && is_op(j + 1, '.'))))
        return Cls{Cls::K::Other, false, {}, {}};
      // Glue Join.apply(frame1=a, frame2=b): the joined frame has the columns of both.
      if (is_name(j) && tx(j) == "Join" && is_op(j + 1, '.') && is_name(j + 2) && tx(j + 2) == "apply" &&
          is_op(j + 3, '(')) {
        c.merge(joined(frame_kwarg(j + 3, "frame1"), frame_kwarg(j + 3, "frame2")));
      }
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
      // End of a logical line: read the SQL nodes called on it, record `name = <expr>` assignments.
      std::optional<Cls> node;
      for (const auto& [lit, open] : sql_node_)
        if (open >= stmt && open < i) node = sql_node(lit, open);
      if (node && stmt + 3 < i && is_name(stmt) && is_op(stmt + 1, '=') && is_name(stmt + 2) &&
          tx(stmt + 2) == "sparkSqlQuery") {
        frames_[std::string(tx(stmt))] = *node;
      } else if (stmt + 1 < i && is_name(stmt) && is_op(stmt + 1, '=')) {
        Cls c = classify(stmt + 2, i);
        frames_[std::string(tx(stmt))] = c;
      }
      stmt = i + 1;
    }
  }

  void column_at(std::size_t i) {
    // Row(user_id=1, …): a row built by hand.
    if (is_name(i) && is_op(i + 1, '=') && !is_op(i + 2, '=') && enclosing_[i] >= 0 &&
        callee(enclosing_[i]) == "Row" && (is_op(i - 1, '(') || is_op(i - 1, ','))) {
      if (const FieldChange* f = plan_.field(tx(i), false)) row_field(f, i);
      return;
    }
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
    // pandas named aggregation: .agg(first_seen=("user_id", "min")): the tuple's first element is a
    // column of the grouped frame (the keyword is the output name).
    if (is_op(o, '(') && callee(open).empty() && o >= 2 && is_op(o - 1, '=') && is_name(o - 2) &&
        enclosing_[o] >= 0 && is_op(static_cast<std::size_t>(enclosing_[o]), '(') &&
        in(callee(enclosing_[o]), {"agg", "aggregate"})) {
      if (o + 1 != i) return;
      auto agg = static_cast<std::size_t>(enclosing_[o]);
      if (agg < 2 || !is_op(agg - 2, '.')) return;
      std::size_t root = chain_root(agg - 2);
      decide(f, t_[i].body_begin, t_[i].body_end, classify(root, agg - 2), false,
             is_name(root) ? tx(root) : std::string_view{});
      return;
    }
    // Glue ApplyMapping: mappings=[("user_id", "long", "user_id", "long"), …]. The first element
    // is the frame's column; the third is the output name, which downstream code binds by (kept,
    // so that a renamed source is aliased back).
    if (is_op(o, '(') && callee(open).empty() && enclosing_[o] >= 0 &&
        is_op(static_cast<std::size_t>(enclosing_[o]), '[')) {
      if (o + 1 != i) return;  // only the tuple's first element
      if (auto frame = mapping_frame(static_cast<std::size_t>(enclosing_[o]))) {
        decide(f, t_[i].body_begin, t_[i].body_end, *frame, false, {});
      }
      return;
    }
    // Dict keys: .agg({"user_id": "max"}), .rename(columns={"user_id": ...}); values are not columns.
    if (is_op(o, '{')) {
      if (!is_op(i + 1, ':')) return;
      open = enclosing_[o];
      std::string_view outer = open >= 0 ? callee(open) : std::string_view{};
      if (open < 0 || !(column_method(outer) && o >= 2)) {
        row_field(f, i);  // a row or record literal: {"user_id": 1, …}
        return;
      }
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
    std::string_view name = callee(static_cast<long>(o));  // o, not open: a list argument was lifted
    if (name.empty()) return;
    bool method = o >= 2 && is_op(o - 2, '.');
    // pandas readers name columns of the frame they return: usecols=[…], parse_dates=[…],
    // index_col=…, columns=[…]. What the frame holds is what the read reads, which is rarely
    // provable (a CSV exported elsewhere): unknown, so it is reviewed unless the file proves more.
    if (in(name, {"read_csv", "read_parquet", "read_json", "read_excel", "read_table", "read_feather",
                  "read_orc", "read_sql", "read_sql_query", "read_sql_table"})) {
      std::size_t at = enclosing_[i] >= 0 && is_op(static_cast<std::size_t>(enclosing_[i]), '[')
                           ? static_cast<std::size_t>(enclosing_[i])
                           : i;
      if (at >= 2 && is_op(at - 1, '=') && is_name(at - 2) &&
          in(tx(at - 2), {"usecols", "parse_dates", "index_col", "columns"}))
        decide(f, t_[i].body_begin, t_[i].body_end, Cls{}, false, {});
      return;
    }
    // Rows and schemas built by hand (test fixtures, data generators).
    if (in(name, {"createDataFrame", "StructField", "DataFrame", "from_records"})) {
      row_field(f, i);
      return;
    }
    // Glue transforms as classes: DropFields.apply(frame=dyf, paths=["legacy_flag"]),
    // SelectFields.apply(…, paths=[…]), RenameField.apply(frame=dyf, old_name="user_id", …).
    if (name == "apply" && method && is_name(o - 3) &&
        in(tx(o - 3), {"DropFields", "SelectFields", "RenameField"})) {
      bool arg = is_op(i - 1, '=') && is_name(i - 2) && in(tx(i - 2), {"old_name"});
      bool list =
          !is_op(i - 1, '=') && enclosing_[i] >= 0 && is_op(static_cast<std::size_t>(enclosing_[i]), '[');
      if (!arg && !list) return;
      decide(f, t_[i].body_begin, t_[i].body_end, frame_kwarg(o), false, {});
      return;
    }
    // Glue Join.apply(frame1=a, frame2=b, keys1=["user_id"], keys2=["account"]): keys1 are
    // columns of frame1, keys2 of frame2.
    if (name == "apply" && method && is_name(o - 3) && tx(o - 3) == "Join" && enclosing_[i] >= 0 &&
        is_op(static_cast<std::size_t>(enclosing_[i]), '[')) {
      std::size_t list = static_cast<std::size_t>(enclosing_[i]);
      if (list >= 2 && is_op(list - 1, '=') && is_name(list - 2) &&
          (tx(list - 2) == "keys1" || tx(list - 2) == "keys2"))
        decide(f, t_[i].body_begin, t_[i].body_end,
               frame_kwarg(o, tx(list - 2) == "keys1" ? "frame1" : "frame2"), false, {});
      return;
    }
    if (column_function(name) && (!method || free_module(o - 2))) {
      decide(f, t_[i].body_begin, t_[i].body_end, Cls{}, false, {});
      return;
    }
    if (!method || !column_method(name)) return;
    if ((name == "withColumnRenamed" || name == "rename_field") && o + 1 != i) return;  // 2nd: the new name
    std::size_t root = chain_root(o - 2);  // the receiver ends before `.name(`
    Cls c = classify(root, o - 2);
    // a.join(b, "k") / a.merge(b, on=["k"]): the key names a column of both frames.
    if ((name == "join" || name == "merge") && is_name(o + 1)) {
      auto it = frames_.find(std::string(tx(o + 1)));
      c.merge(it == frames_.end() ? Cls{Cls::K::Other, false, {}, {}} : it->second);
    }
    decide(f, t_[i].body_begin, t_[i].body_end, c, false, is_name(root) ? tx(root) : std::string_view{});
  }

  // The frame of a join. The dataset joined with a table whose columns the tree's DDL lists: a
  // changed field that table does not have can only be the dataset's; one it has too is ambiguous.
  Cls joined(const Cls& a, const Cls& b) const {
    const Cls* d = a.k == Cls::K::Dataset ? &a : b.k == Cls::K::Dataset ? &b : nullptr;
    const Cls* o = d == &a ? &b : &a;
    if (d && o->k == Cls::K::Other && o->columns) {
      Cls c{Cls::K::Dataset, false, {}, std::nullopt};
      bool ambiguous = false;
      for (const auto& f : plan_.fields()) {
        if (!d->all && !d->fields.count(f.name)) continue;
        if (o->columns->count(lower(f.name)))
          ambiguous = true;
        else
          c.fields.insert(f.name);
      }
      if (!ambiguous) return c;
    }
    Cls c = a;
    c.merge(b);
    return c;
  }

  // The class of the frame passed as `frame=` to the call opened at `open`.
  Cls frame_kwarg(std::size_t open, std::string_view key = "frame") const {
    auto v = kwarg(open, key);
    // Transforms also take the frame as their first positional argument: ApplyMapping.apply(f, …).
    if (!v && key == "frame" && is_name(open + 1) && (is_op(open + 2, ',') || is_op(open + 2, ')')))
      v = open + 1;
    if (!v || !is_name(*v)) return Cls{};
    auto it = frames_.find(std::string(tx(*v)));
    return it == frames_.end() ? Cls{} : it->second;
  }

  // The frame whose columns a Glue mapping list (`[` at `list`) names: apply_mapping's receiver,
  // ApplyMapping.apply's frame=, or (a list of 4-tuples on its own) unknown; none for other lists.
  std::optional<Cls> mapping_frame(std::size_t list) const {
    long outer = enclosing_[list];
    if (outer >= 0 && is_op(static_cast<std::size_t>(outer), '(')) {
      auto o = static_cast<std::size_t>(outer);
      std::string_view name = callee(outer);
      if (name == "apply_mapping" && o >= 2 && is_op(o - 2, '.')) {
        std::size_t root = chain_root(o - 2);
        return classify(root, o - 2);
      }
      if (name == "apply" && o >= 3 && is_op(o - 2, '.') && is_name(o - 3) && tx(o - 3) == "ApplyMapping")
        return frame_kwarg(o);
      return std::nullopt;
    }
    if (outer >= 0) return std::nullopt;
    // mappings = [("user_id", "long", "user_id", "long"), …] bound to a name first.
    std::size_t first = list + 1;
    if (!is_op(first, '(')) return std::nullopt;
    for (std::size_t k = 0; k < 4; ++k)
      if (!is_string(first + 1 + 2 * k)) return std::nullopt;
    return Cls{};
  }

  // A changed field used as a row key or column of rows built by hand: review in a file about the
  // dataset (the rows may be test data or generated data of the dataset), never an edit.
  void row_field(const FieldChange* f, std::size_t i) {
    if (!about_) return;
    out_.review(t_[i].begin, "builds rows with field " + f->name + " in a file that names " +
                                 plan_.dataset_label() + " (test fixture or data generator?); " + what(*f) +
                                 ": update it by hand if these are the dataset's rows");
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
      if (!about_) {
        // A frame read from a table computed at run time may be the dataset: no silent all-clear.
        if (!dynamic_.empty())
          out_.review(b, "cannot prove whether " + f->name + " is read from " + plan_.dataset_label() +
                             ": this file reads a table or path computed at run time (line " +
                             std::to_string(line_of(t_[dynamic_.front()].begin)) + "); " + what(*f));
        return;
      }
      if (!dynamic_.empty()) {
        out_.review(b, "cannot prove " + f->name + " belongs to " + plan_.dataset_label() +
                           ": this file also reads a table or path computed at run time; " + what(*f));
        return;
      }
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

  int line_of(std::size_t offset) const {
    int n = 1;
    for (std::size_t k = 0; k < offset && k < text_.size(); ++k)
      if (text_[k] == '\n') ++n;
    return n;
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
  std::vector<std::size_t> dynamic_;             // reads of a table computed at run time (the call's name)
  std::map<std::size_t, std::size_t> sql_node_;  // Glue SQL node: query literal -> the call's '('
};

}  // namespace

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out) {
  Rewriter(text, plan, models, out).run();
}

}  // namespace shepherd::rewrite::python
