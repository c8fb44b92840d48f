// Scope analysis over SQL tokens. A query is read as WITH-list, set-operation parts and SELECT
// blocks; each block's FROM items become its sources (the dataset, a CTE or derived table that
// passes dataset fields through, or another table). A column is rewritten only when it resolves to
// the dataset through those sources; when it might belong to several, it goes to review.
#include "sql_rewriter.h"

#include <algorithm>
#include <map>
#include <optional>

#include "jinja.h"
#include "prefilter.h"
#include "yaml_rewriter.h"

namespace shepherd::rewrite::sql {

namespace {

// A fixed set of lower-case words, bucketed by length, looked up ignoring ASCII case.
class WordSet {
 public:
  WordSet(std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) by_length_[w.size()].push_back(w);
  }
  bool contains(std::string_view w) const {
    if (w.size() >= kMax) return false;
    for (std::string_view k : by_length_[w.size()])
      if (iequals(w, k)) return true;
    return false;
  }

 private:
  static constexpr std::size_t kMax = 16;
  std::vector<std::string_view> by_length_[kMax];
};

// Words that end a FROM item or cannot be an alias.
bool is_reserved(std::string_view w) {
  static const WordSet kWords{
      "select",   "from",        "where",        "group",     "having",  "qualify",  "window",    "order",
      "limit",    "union",       "except",       "intersect", "join",    "left",     "right",     "inner",
      "outer",    "full",        "cross",        "natural",   "on",      "using",    "as",        "with",
      "lateral",  "tablesample", "for",          "pivot",     "unpivot", "offset",   "fetch",     "into",
      "values",   "set",         "when",         "then",      "else",    "end",      "and",       "or",
      "not",      "in",          "is",           "null",      "case",    "by",       "partition", "over",
      "distinct", "all",         "between",      "like",      "exists",  "asc",      "desc",      "nulls",
      "first",    "last",        "returning",    "struct",    "array",   "interval", "cast",      "true",
      "false",    "recursive",   "materialized", "insert",    "update",  "delete",   "merge"};
  return kWords.contains(w);
}

bool is_join_word(std::string_view w) {
  static const WordSet kWords{"join", "left",  "right",   "inner",  "outer",
                              "full", "cross", "natural", "lateral"};
  return kWords.contains(w);
}

bool is_clause_word(std::string_view w) {
  static const WordSet kWords{"where", "group", "having", "qualify", "window", "order", "limit"};
  return kWords.contains(w);
}

struct Part {
  std::size_t tok;
  std::size_t begin, end;  // the name's bytes, without quotes
  std::string_view text;   // those bytes (a view of the analysed text)
};

// The parts of a dotted name: almost always a few, so they are kept inline.
class Parts {
 public:
  void push_back(const Part& p) {
    if (n_ < kInline)
      inline_[n_] = p;
    else
      more_.push_back(p);
    ++n_;
  }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const Part& operator[](std::size_t i) const { return i < kInline ? inline_[i] : more_[i - kInline]; }
  const Part& front() const { return (*this)[0]; }
  const Part& back() const { return (*this)[n_ - 1]; }

 private:
  static constexpr std::size_t kInline = 6;
  Part inline_[kInline];
  std::vector<Part> more_;
  std::size_t n_ = 0;
};

struct Chain {
  Parts parts;
  std::size_t first = 0, last = 0;  // token indices
};

struct Source {
  enum class Kind { Dataset, Derived, Other };
  Kind kind = Kind::Other;
  std::string alias;             // lower case; explicit alias or the name's last part
  std::set<std::string> fields;  // Derived: plan field names it passes through
  std::string label;             // for messages
  // The dataset was named by its last part without an alias and that part moves: qualifiers
  // spelled with the old table name must move too.
  std::string moved_qualifier;
  // An interpolated table name (f-string `{table}`, Scala `$table`): it may be the dataset.
  bool maybe = false;
};

struct Scope {
  std::vector<Source> sources;
  const Scope* parent = nullptr;
  std::set<std::string> select_aliases;  // lower case output names of the block
};

using Ctes = std::map<std::string, std::set<std::string>>;

struct Hit {
  const FieldChange* field;
  const Part* column;
  const Part* qualifier;  // when the qualifier must move with the table
  std::string new_qualifier;
};

class Analyzer {
 public:
  Analyzer(std::string_view text, std::vector<Token> toks, const Plan& plan, const ModelIndex& models,
           Sink& out, const Context& context)
      : text_(text), t_(std::move(toks)), plan_(plan), models_(models), out_(out), context_(context) {}

  Result run() {
    created_ = creates_dataset();
    global_pass();
    model_ = dbt_model() || !source_variables_.empty();
    std::size_t n = t_.size();
    std::size_t sb = 0;
    for (std::size_t i = 0; i <= n; ++i) {
      if (i < n && is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (i == n || is_punct(i, ';')) {
        statement(sb, i);
        sb = i + 1;
      }
    }
    config_keys();
    return result_;
  }

 private:
  // ---- token helpers ----
  std::string_view tx(std::size_t i) const { return text_.substr(t_[i].begin, t_[i].end - t_[i].begin); }
  bool is_punct(std::size_t i, char c) const {
    return i < t_.size() && t_[i].kind == Kind::Punct && t_[i].end - t_[i].begin == 1 &&
           text_[t_[i].begin] == c;
  }
  bool is_kw(std::size_t i, std::string_view w) const {
    return i < t_.size() && t_[i].kind == Kind::Ident && iequals(tx(i), w);
  }
  bool is_name(std::size_t i) const {
    return i < t_.size() &&
           (t_[i].kind == Kind::Ident || (t_[i].kind == Kind::Quoted && text_[t_[i].begin] != '\''));
  }
  // Index of the ')' closing the '(' at i; unbalanced runs to the end.
  std::size_t close_of(std::size_t i) const {
    return t_[i].match >= 0 ? static_cast<std::size_t>(t_[i].match) : t_.size();
  }
  bool starts_query(std::size_t i) const { return is_kw(i, "select") || is_kw(i, "with"); }

  // Reads `a.b.c` starting at token i (a name), splitting backquoted `a.b.c` into parts.
  Chain read_chain(std::size_t i, std::size_t e) const {
    Chain c;
    c.first = i;
    while (true) {
      const Token& tk = t_[i];
      if (tk.kind == Kind::Quoted) {
        std::size_t b = tk.begin + 1, end = tk.end > tk.begin + 1 ? tk.end - 1 : tk.end;
        bool split_dots = text_[tk.begin] == '`';
        std::size_t s = b;
        for (std::size_t j = b; j <= end; ++j) {
          if (j == end || (split_dots && text_[j] == '.')) {
            c.parts.push_back(Part{i, s, j, text_.substr(s, j - s)});
            s = j + 1;
          }
        }
      } else {
        c.parts.push_back(Part{i, tk.begin, tk.end, tx(i)});
      }
      c.last = i;
      if (i + 2 < e && is_punct(i + 1, '.') && is_name(i + 2) && t_[i + 1].begin == t_[i].end &&
          t_[i + 2].begin == t_[i + 1].end) {
        i += 2;
        continue;
      }
      if (i + 2 < e && is_punct(i + 1, '.') && is_name(i + 2)) {  // `a . b` with spaces is rare but legal
        i += 2;
        continue;
      }
      break;
    }
    return c;
  }

  // Do parts [0, k) name the last k parts of the old location (ignoring case)?
  bool old_suffix(const Parts& parts, std::size_t k) const {
    const auto& old = plan_.old_parts();
    if (k == 0 || k > old.size() || k > parts.size()) return false;
    std::size_t off = old.size() - k;
    for (std::size_t j = 0; j < k; ++j)
      if (!iequals(parts[j].text, old[off + j])) return false;
    return true;
  }

  // Replaces the given name parts (a suffix of the old location) with the new location's parts.
  void move_location(const Parts& parts, std::size_t from, std::size_t to) {
    if (!plan_.moves()) return;
    std::size_t k = to - from;
    if (!keeps_prefix(k)) {
      // `events.t` or a bare `t` relies on the default schema/project; when that part of the location
      // changes too, renaming only the spelled parts would read the new table in the old schema.
      std::string spelled(text_.substr(parts[from].begin, parts[to - 1].end - parts[from].begin));
      out_.review(parts[from].begin, "table name " + spelled + " leaves out part of " + plan_.old_location() +
                                         ", and that part changes: it moves to " + plan_.new_location() +
                                         "; qualify the name by hand");
      return;
    }
    // A name that spells the whole old location (`visits`, `events.t`) becomes the whole new one,
    // also when that has more parts (`clinic.visits`): keeping the default schema would read the
    // table where it no longer is.
    auto repl = k == plan_.old_parts().size() ? plan_.new_suffix(std::size_t(-1)) : plan_.new_suffix(k);
    if (repl.size() == k) {
      for (std::size_t j = 0; j < k; ++j)
        if (!iequals(parts[from + j].text, repl[j]))
          out_.replace(parts[from + j].begin, parts[from + j].end - parts[from + j].begin, repl[j],
                       "sql.location");
      return;
    }
    bool one_token = parts[from].tok == parts[to - 1].tok;
    bool all_plain = true;
    for (std::size_t j = from; j < to; ++j) all_plain = all_plain && t_[parts[j].tok].kind == Kind::Ident;
    if (one_token || all_plain) {
      std::string joined;
      for (std::size_t j = 0; j < repl.size(); ++j) joined += (j ? "." : "") + repl[j];
      out_.replace(parts[from].begin, parts[to - 1].end - parts[from].begin, joined, "sql.location");
    } else {
      out_.review(parts[from].begin, "table name " + plan_.old_location() +
                                         " is quoted part by part; move it to " + plan_.new_location() +
                                         " by hand");
    }
  }

  // Does a name spelled with the last k parts of the old location stay right when only those parts
  // are replaced? Only if the parts it leaves out (aligned from the right) do not change.
  bool keeps_prefix(std::size_t k) const {
    const auto& o = plan_.old_parts();
    auto n = plan_.new_suffix(std::size_t(-1));
    for (std::size_t j = k; j < o.size() && j < n.size(); ++j)
      if (!iequals(o[o.size() - 1 - j], n[n.size() - 1 - j])) return false;
    return true;
  }

  // Does the script CREATE TABLE the dataset itself (a schema.sql that defines it)?
  bool creates_dataset() const {
    for (std::size_t i = 0; i + 2 < t_.size(); ++i) {
      if (!is_kw(i, "create")) continue;
      std::size_t j = i + 1;
      while (j < t_.size() && !is_kw(j, "table") && !is_punct(j, '(') && !is_punct(j, ';') && j < i + 4) ++j;
      if (!is_kw(j, "table")) continue;
      ++j;
      if (is_kw(j, "if") && is_kw(j + 1, "not") && is_kw(j + 2, "exists")) j += 3;
      if (j >= t_.size() || !is_name(j)) continue;
      Chain c = read_chain(j, t_.size());
      if (old_suffix(c.parts, c.parts.size()) && !temporary(c)) return true;
    }
    return false;
  }

  // Is the name at token i the table of `ALTER TABLE [IF EXISTS] [ONLY] name`?
  bool altered(std::size_t i) const {
    while (i > 0 && (is_kw(i - 1, "only") || is_kw(i - 1, "exists") || is_kw(i - 1, "if"))) --i;
    return i >= 2 && is_kw(i - 1, "table") && is_kw(i - 2, "alter");
  }

  // Location moves of qualified names anywhere, and dbt source() arguments.
  // Moves the arguments of source() calls of the dataset in a Jinja block at `base`; true if the
  // block has one.
  bool dataset_sources(std::string_view block, std::size_t base) {
    bool found = false;
    for (const auto& call : jinja::calls(block)) {
      if (call.function != "source" || call.args.size() != 2) continue;
      bool by_location =
          plan_.old_parts().size() >= 2 && plan_.matches_old_suffix({call.args[0].value, call.args[1].value});
      if (!by_location && !yaml::source_is_dataset(call.args[0].value, call.args[1].value, plan_, models_))
        continue;
      found = true;
      result_.mentions_dataset = true;
      if (!plan_.moves()) continue;
      auto repl = plan_.new_suffix(2);
      if (repl.size() != 2) continue;
      // Spelled by its location: both arguments follow it. Declared in sources.yml under another
      // name: the source name stays, and the table argument follows the table's `name:`, which the
      // sources.yml rewrite moves only when it is the physical table name.
      for (std::size_t a = by_location ? 0 : 1; a < 2; ++a)
        if (call.args[a].value != repl[a] &&
            (by_location || iequals(call.args[a].value, plan_.old_parts().back())))
          out_.replace(base + call.args[a].begin, call.args[a].end - call.args[a].begin, repl[a],
                       "dbt.source");
    }
    return found;
  }

  // dbt's ref('x') of a seed (or a model of another package) named like the dataset's table: dbt
  // names its relation x, so it is the dataset on the same evidence as a bare `FROM x`. A model of
  // this tree named x is not: its relation is whatever that model builds.
  bool ref_is_dataset(std::string_view name) const {
    const auto& old = plan_.old_parts();
    if (old.empty() || !iequals(name, old.back())) return false;
    for (const auto& m : models_.models)
      if (iequals(m, name)) return false;
    return true;
  }

  // ref() calls of the dataset in a Jinja block; true if there is one. The ref names a seed or a
  // model file, which the engine does not rename, so a move goes to review.
  bool dataset_refs(std::string_view block, std::size_t base) {
    bool found = false;
    for (const auto& call : jinja::calls(block)) {
      if (call.function != "ref" || call.args.empty() || !ref_is_dataset(call.args.back().value)) continue;
      found = true;
      result_.mentions_dataset = true;
      auto repl = plan_.new_suffix(1);
      if (plan_.moves() && repl.size() == 1 && !iequals(repl[0], call.args.back().value))
        out_.review(base + call.args.back().begin, "ref('" + call.args.back().value + "') reads " +
                                                       plan_.dataset_label() + ", which moves to " +
                                                       plan_.new_location() +
                                                       ": rename the seed or model and this ref by hand");
    }
    return found;
  }

  // A Jinja block that names the dataset but is not a source() of it (a macro, a variable, a ref()
  // to a model or seed named like its table): the engine cannot tell what relation it produces.
  bool unresolved_jinja(std::string_view block) const { return plan_.mentioned_in(block); }

  // A dbt model calls ref(), source() or config() in a Jinja expression; its query is the model's
  // relation, whose columns other models, tests and tools read by name.
  bool dbt_model() const {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i].kind != Kind::Jinja) continue;
      std::string_view block = tx(i);
      if (block.find("config(") != std::string_view::npos || !jinja::calls(block).empty()) return true;
    }
    return false;
  }

  // `{% set rel = source('events', 'plays') %}` (a source() of the dataset, nothing else): records
  // rel, so that `{{ rel }}` in a table position is the dataset. True when the block is one.
  bool source_variable(std::string_view block) {
    auto trim = [](std::string_view v) {
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n' || v.front() == '-'))
        v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '-'))
        v.remove_suffix(1);
      return v;
    };
    if (block.size() < 4) return false;
    std::string_view inner = trim(block.substr(2, block.size() - 4));
    if (inner.substr(0, 4) != "set ") return false;
    inner = trim(inner.substr(4));
    std::size_t n = 0;
    while (n < inner.size() && is_ident_char(inner[n])) ++n;
    if (n == 0) return false;
    std::string name(inner.substr(0, n));
    std::string_view value = inner.substr(n);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.empty() || value.front() != '=') return false;
    value = trim(value.substr(1));
    auto calls = jinja::calls(value);
    if (calls.size() != 1 || calls[0].function != "source" || value.substr(0, 7) != "source(" ||
        value.back() != ')')
      return false;
    source_variables_.insert(name);
    return true;
  }

  void jinja_statements() {
    for (std::size_t at = text_.find("{%"); at != std::string_view::npos; at = text_.find("{%", at + 2)) {
      std::size_t end = text_.find("%}", at + 2);
      end = end == std::string_view::npos ? text_.size() : end + 2;
      std::string_view block = text_.substr(at, end - at);
      bool source = dataset_sources(block, at);
      if (source && source_variable(block)) {  // followed: `{{ rel }}` reads the dataset
        at = end - 2;
        continue;
      }
      if (source || unresolved_jinja(block))
        out_.review(at,
                    std::string(source ? "Jinja statement holds a source() of " : "Jinja statement names ") +
                        plan_.dataset_label() +
                        ": the engine does not follow what it sets or calls; check its uses by hand");
      at = end - 2;
    }
  }

  // A string literal that is the dataset's table name or holds its location: a name used at run
  // time (dynamic SQL, information_schema lookups), which the engine does not rewrite.
  void string_mention(std::size_t i) {
    std::string_view body = tx(i);
    if (body.size() >= 2) body = body.substr(1, body.size() - 2);
    const auto& old = plan_.old_parts();
    bool named = (!old.empty() && iequals(body, old.back())) ||
                 (old.size() >= 2 && contains_ignoring_case(body, plan_.old_location()));
    if (named)
      out_.review(t_[i].begin, "string " + std::string(tx(i)) + " names " + plan_.dataset_label() +
                                   ": a table name used at run time is not rewritten; check it by hand");
  }

  void global_pass() {
    if (text_.find("{%") != std::string_view::npos) jinja_statements();
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i].kind == Kind::String) {
        string_mention(i);
        continue;
      }
      if (t_[i].kind == Kind::Jinja) {
        std::string_view block = tx(i);
        if (!dataset_sources(block, t_[i].begin) && !dataset_refs(block, t_[i].begin) &&
            unresolved_jinja(block))
          out_.review(t_[i].begin, "Jinja expression " + std::string(block) + " names " +
                                       plan_.dataset_label() +
                                       " but is not a source() the engine can resolve; check by hand");
        continue;
      }
      if (!is_name(i) || (i > 0 && is_punct(i - 1, '.'))) continue;
      Chain c = read_chain(i, t_.size());
      for (std::size_t k = std::min(c.parts.size(), plan_.old_parts().size()); k >= 2; --k) {
        if (old_suffix(c.parts, k)) {
          result_.mentions_dataset = true;
          if (plan_.moves() && k == c.parts.size() && altered(c.first) && !created_)
            out_.review(c.parts[0].begin, "ALTER TABLE names " + plan_.old_location() + ", which moves to " +
                                              plan_.new_location() +
                                              ": a schema migration is not edited, check it by hand");
          else
            move_location(c.parts, 0, k);
          break;
        }
      }
      i = c.last;
    }
  }

  // ---- statements and queries ----
  void statement(std::size_t b, std::size_t e) {
    std::size_t h = b;  // dbt puts {{ config(...) }} and hooks before the statement's first word
    while (h < e && t_[h].kind == Kind::Jinja) ++h;
    if (h < e) references(h, e);
    if (dml(h, e)) return;
    if (is_kw(h, "alter") && is_kw(h + 1, "table")) return alter(h, e);
    if (is_kw(h, "drop") && (is_kw(h + 1, "table") || is_kw(h + 1, "view"))) return drop(h, e);
    if (is_kw(h, "copy")) return copy(h, e);
    if (is_kw(h, "create") && create(h, e)) return;
    for (std::size_t i = b; i < e; ++i) {
      if (is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (starts_query(i)) {
        Scope empty;
        expr(b, i, empty, {}, false);
        result_.wrapped.clear();
        // A dbt model's query builds a relation that others read by name; so does a query whose
        // host program says so (a Glue job's SQL node, written out by the job).
        alias_back_ = model_ || context_.outputs_by_name;
        review_star_ = model_;
        result_.exports = query(i, e, {}, nullptr, true);
        alias_back_ = review_star_ = false;
        return;
      }
    }
    Scope empty;
    expr(b, e, empty, {}, false);
  }

  // ---- the dataset's own DDL and DML ----

  bool dml(std::size_t h, std::size_t e) {
    if (is_kw(h, "insert") || (is_kw(h, "replace") && is_kw(h + 1, "into")))
      insert(h, e);
    else if (is_kw(h, "update"))
      update(h, e);
    else if (is_kw(h, "delete"))
      remove(h, e);
    else if (is_kw(h, "merge"))
      merge(h, e);
    else
      return false;
    return true;
  }

  // The CTEs of `WITH … INSERT/UPDATE/DELETE/MERGE`, visible to the statement's FROM items.
  const Ctes& dml_ctes() const {
    static const Ctes kNone;
    return dml_ctes_ ? *dml_ctes_ : kNone;
  }

  // COPY [INTO] t [(cols)] FROM/TO ...: the listed columns are the table's.
  void copy(std::size_t h, std::size_t e) {
    std::size_t i = h + 1;
    if (is_kw(i, "into")) ++i;
    if (is_punct(i, '(')) return;  // COPY (query) TO ...: a query, read below as any other
    Scope target;
    i = target_table(i, e, target, false);
    if (is_punct(i, '(') && !starts_query(i + 1))
      target_columns(i + 1, std::min(close_of(i), e), target, "writes");
  }

  // First token in [b, e) outside parentheses and CASE ... END that is one of the words, else e.
  std::size_t find_kw(std::size_t b, std::size_t e, std::initializer_list<std::string_view> words) const {
    int cases = 0;
    for (std::size_t i = b; i < e; ++i) {
      if (is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (is_kw(i, "case")) ++cases;
      if (is_kw(i, "end") && cases > 0) --cases;
      if (cases > 0) continue;
      for (std::string_view w : words)
        if (is_kw(i, w)) return i;
    }
    return e;
  }

  // One table in a DML/DDL target position (no table functions: `t (cols)` is a column list),
  // with an alias if `as` precedes it or `bare_alias` allows one. Returns the index after it.
  std::size_t target_table(std::size_t i, std::size_t e, Scope& scope, bool bare_alias) {
    Source src;
    if (i < e && t_[i].kind == Kind::Jinja) {
      classify_jinja(tx(i), src);
      ++i;
    } else if (is_name(i) && i < e) {
      Chain c = read_chain(i, e);
      classify_name(c, {}, src);
      i = c.last + 1;
    } else {
      src.label = "an unnamed target";
      scope.sources.push_back(std::move(src));
      return i;
    }
    bool as = is_kw(i, "as");
    if (as) ++i;
    if ((as || bare_alias) && i < e && is_name(i) && !(t_[i].kind == Kind::Ident && is_reserved(tx(i)))) {
      src.alias = lower(read_chain(i, i + 1).parts.back().text);
      src.moved_qualifier.clear();
      ++i;
    }
    scope.sources.push_back(std::move(src));
    return i;
  }

  static bool targets_dataset(const Scope& s) {
    return !s.sources.empty() && s.sources.front().kind == Source::Kind::Dataset;
  }

  // Column names of the target in [b, e) (an INSERT column list, an index's columns): each
  // resolves against the target alone.
  void target_columns(std::size_t b, std::size_t e, const Scope& target, std::string_view verb) {
    if (!targets_dataset(target)) return;
    for (std::size_t i = b; i < e; ++i) {
      if (is_punct(i, '(')) {  // an expression (index on lower(col)): its names are columns too
        continue;
      }
      if (!is_name(i) || (i > b && is_punct(i - 1, '.'))) continue;
      Chain c = read_chain(i, e);
      i = c.last;
      if (is_punct(c.last + 1, '(')) continue;
      if (c.parts.size() == 1 && t_[c.first].kind == Kind::Ident && is_reserved(c.parts[0].text)) continue;
      if (auto hit = resolve(c, target, false)) apply_hit(*hit, verb);
    }
  }

  // A positional row (VALUES without a column list, MERGE's INSERT ROW) fills the dataset's columns
  // in order: a dropped or retyped field shifts or mistypes it, whatever the names say.
  void positional_row(std::size_t at, const Scope& target) {
    if (!targets_dataset(target)) return;
    std::string what_changes;
    for (const auto& f : plan_.fields()) {
      if (!f.drop && !f.retype) continue;
      what_changes +=
          (what_changes.empty() ? "" : ", ") + f.name + (f.drop ? " is dropped" : " changes type");
    }
    if (what_changes.empty()) return;
    result_.reads_dataset = true;
    out_.review(t_[at].begin, "INSERT into " + plan_.dataset_label() +
                                  " without a column list fills columns by position; " + what_changes +
                                  ": list the columns and adapt the rows by hand");
  }

  // SET a = expr, (b, c) = (...): the left sides are the target's columns, the right sides are
  // expressions over every table of the statement.
  void assignments(std::size_t b, std::size_t e, const Scope& target, Scope& all) {
    std::size_t ib = b;
    for (std::size_t i = b; i <= e; ++i) {
      if (i < e && is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (i < e && !is_punct(i, ',')) continue;
      std::size_t eq = ib;
      while (eq < i && !is_punct(eq, '=')) {
        if (is_punct(eq, '(')) eq = close_of(eq);
        ++eq;
      }
      if (eq < i) {
        target_columns(ib, eq, target, "writes");
        expr(eq + 1, i, all, dml_ctes(), false);
      }
      ib = i + 1;
    }
  }

  // INSERT [INTO|OVERWRITE] [TABLE] t [PARTITION (...)] [(cols)] {VALUES ... | query}
  //   [ON CONFLICT (cols) DO UPDATE SET ... | ON DUPLICATE KEY UPDATE ...]
  void insert(std::size_t h, std::size_t e) {
    std::size_t i = h + 1;
    while (i < e && (is_kw(i, "into") || is_kw(i, "overwrite") || is_kw(i, "table") || is_kw(i, "ignore") ||
                     is_kw(i, "or") || is_kw(i, "replace") || is_kw(i, "all")))
      ++i;
    Scope target;
    i = target_table(i, e, target, false);
    if (is_kw(i, "partition") && is_punct(i + 1, '(')) {
      target_columns(i + 2, std::min(close_of(i + 1), e), target, "writes");
      i = close_of(i + 1) + 1;
    }
    bool listed = false;
    if (is_punct(i, '(') && !starts_query(i + 1)) {
      target_columns(i + 1, std::min(close_of(i), e), target, "writes");
      listed = true;
      i = close_of(i) + 1;
    }
    if (is_kw(i, "by") && is_kw(i + 1, "name")) listed = true;  // DuckDB/Spark: matched by name
    std::size_t tail = e;
    for (std::size_t j = i; j < e; ++j) {
      if (is_punct(j, '(')) {
        j = close_of(j);
        continue;
      }
      if (is_kw(j, "on") && (is_kw(j + 1, "conflict") || is_kw(j + 1, "duplicate"))) {
        tail = j;
        break;
      }
    }
    if (!listed && i < tail) positional_row(i, target);
    std::size_t q = i;
    while (q < tail && !starts_query(q) && !(is_punct(q, '(') && starts_query(q + 1))) {
      if (is_punct(q, '(')) q = close_of(q);
      ++q;
    }
    Scope none;
    expr(i, q, none, dml_ctes(), false);  // VALUES rows: literals and expressions
    if (q < tail) {
      result_.wrapped.clear();
      result_.exports =
          query(is_punct(q, '(') ? q + 1 : q, is_punct(q, '(') ? std::min(close_of(q), tail) : tail,
                dml_ctes(), nullptr, true);
      // Without a column list the query's columns land by position: a dropped field it passes
      // (through `*` as well) shifts every column after it in the target.
      if (!listed && !targets_dataset(target))
        for (const auto& f : plan_.fields())
          if (f.drop && result_.exports.count(f.name))
            out_.review(t_[q].begin,
                        "INSERT into " + target.sources.front().label +
                            " without a column list takes the query's columns by position, and it "
                            "passes dropped field " +
                            f.name + ": list the columns by hand");
    }
    if (tail == e) return;
    // The upsert: conflict columns and SET targets are the target's; EXCLUDED/VALUES() name its row.
    Scope all = target;
    if (!all.sources.empty()) {
      Source excluded = all.sources.front();
      excluded.alias = "excluded";
      excluded.moved_qualifier.clear();
      all.sources.push_back(excluded);
    }
    std::size_t j = tail + 2;
    if (is_kw(tail + 1, "conflict") && is_punct(j, '(')) {
      target_columns(j + 1, std::min(close_of(j), e), target, "names");
      j = close_of(j) + 1;
    }
    // DO UPDATE SET a = ... (PostgreSQL) or ON DUPLICATE KEY UPDATE a = ... (MySQL)
    std::size_t start = find_kw(j, e, {"update"}) + 1;
    if (is_kw(start, "set")) ++start;
    if (start >= e) return;
    std::size_t where = find_kw(start, e, {"where", "returning"});
    assignments(start, where, target, all);
    if (where < e) expr(where + 1, e, all, dml_ctes(), false);
  }

  // UPDATE t [AS] a SET ... [FROM ...] [WHERE ...] [RETURNING ...]
  void update(std::size_t h, std::size_t e) {
    std::size_t set = find_kw(h + 1, e, {"set"});
    Scope scope;
    std::vector<std::pair<std::size_t, std::size_t>> deferred;
    std::size_t i = h + 1;
    if (is_kw(i, "only")) ++i;
    from_items(i, set, scope, dml_ctes(), deferred);  // the target, or MySQL's joined targets
    if (set >= e) return;
    Scope target = scope;
    std::size_t from = find_kw(set + 1, e, {"from", "where", "returning"});
    std::size_t where = is_kw(from, "from") ? find_kw(from + 1, e, {"where", "returning"}) : from;
    if (is_kw(from, "from")) from_items(from + 1, where, scope, dml_ctes(), deferred);
    assignments(set + 1, from, target, scope);
    for (auto [db, de] : deferred) expr(db, de, scope, dml_ctes(), false);
    if (where < e) expr(where + 1, e, scope, dml_ctes(), false);
  }

  // DELETE [FROM] t [AS] a [USING ...] [WHERE ...]
  void remove(std::size_t h, std::size_t e) {
    std::size_t i = h + 1;
    if (is_kw(i, "from")) ++i;
    std::size_t end = find_kw(i, e, {"using", "where", "returning"});
    Scope scope;
    std::vector<std::pair<std::size_t, std::size_t>> deferred;
    from_items(i, end, scope, dml_ctes(), deferred);
    std::size_t where = end;
    if (is_kw(end, "using")) {
      where = find_kw(end + 1, e, {"where", "returning"});
      from_items(end + 1, where, scope, dml_ctes(), deferred);
    }
    for (auto [db, de] : deferred) expr(db, de, scope, dml_ctes(), false);
    if (where < e) expr(where + 1, e, scope, dml_ctes(), false);
  }

  // MERGE [INTO] t [AS] a USING s [AS] b ON cond
  //   WHEN [NOT] MATCHED [BY ...] [AND cond] THEN {UPDATE SET ... | INSERT [(cols)] VALUES (...) | ...}
  void merge(std::size_t h, std::size_t e) {
    std::size_t i = h + 1;
    if (is_kw(i, "into")) ++i;
    std::size_t using_at = find_kw(i, e, {"using"});
    Scope target;
    target_table(i, using_at, target, true);
    if (using_at >= e) return;
    Scope all = target;
    std::size_t on = find_kw(using_at + 1, e, {"on"});
    std::vector<std::pair<std::size_t, std::size_t>> deferred;
    from_items(using_at + 1, on, all, dml_ctes(), deferred);
    for (auto [db, de] : deferred) expr(db, de, all, dml_ctes(), false);
    std::size_t when = find_kw(on, e, {"when"});
    if (on < e) expr(on + 1, when, all, dml_ctes(), false);
    while (when < e) {
      std::size_t next = find_kw(when + 1, e, {"when"});
      std::size_t then = find_kw(when + 1, next, {"then"});
      expr(when + 1, then, all, dml_ctes(),
           false);  // MATCHED/NOT/BY/AND cond: only the condition has columns
      std::size_t a = then + 1;
      if (is_kw(a, "update") && is_kw(a + 1, "set")) {
        assignments(a + 2, next, target, all);
      } else if (is_kw(a, "insert")) {
        std::size_t j = a + 1;
        if (is_punct(j, '(')) {
          target_columns(j + 1, std::min(close_of(j), next), target, "writes");
          j = close_of(j) + 1;
        } else if (j < next) {
          positional_row(a, target);  // INSERT VALUES (...) / INSERT ROW
        }
        expr(j, next, all, dml_ctes(), false);
      }
      when = next;
    }
  }

  // ALTER TABLE t ...: a migration of the dataset itself, often one that has already run: every
  // changed field it names goes to review rather than being edited.
  void alter(std::size_t h, std::size_t e) {
    std::size_t i = h + 2;
    if (is_kw(i, "if") && is_kw(i + 1, "exists")) i += 2;
    if (is_kw(i, "only")) ++i;
    // Not target_table(): a bare name would move there, and the migration's own name is not edited.
    if (!is_name(i) || i >= e) return;
    Chain table = read_chain(i, e);
    if (!old_suffix(table.parts, table.parts.size()) || temporary(table)) return;
    result_.reads_dataset = true;
    // The same script created the table: the ALTER is part of that definition (a schema.sql that
    // adds constraints after its CREATE TABLE), so it follows the CREATE rather than being a
    // migration of a table that exists elsewhere.
    if (created_) {
      if (table.parts.size() == 1) move_location(table.parts, 0, 1);
    } else if (plan_.moves() && table.parts.size() == 1)  // longer names are reported by the global pass
      out_.review(table.parts[0].begin, "ALTER TABLE names " + plan_.old_location() + ", which moves to " +
                                            plan_.new_location() +
                                            ": a schema migration is not edited, check it by hand");
    i = table.last + 1;
    for (; i < e; ++i) {
      if (!is_name(i) || (i > 0 && is_punct(i - 1, '.'))) continue;
      if (is_kw(i, "references")) {  // the referenced table's columns are not the dataset's
        while (i < e && !is_punct(i, '(')) ++i;
        if (i < e) i = close_of(i);
        continue;
      }
      Chain c = read_chain(i, e);
      i = c.last;
      const FieldChange* f = plan_.field(c.parts.back().text, true);
      if (!f) continue;
      result_.reads_dataset = true;
      if (created_ && !f->drop && !f->rename_to.empty() && !f->retype) {
        out_.replace(c.parts.back().begin, c.parts.back().text.size(), f->rename_to, "sql.rename");
        continue;
      }
      out_.review(c.parts.back().begin, "ALTER TABLE " + plan_.dataset_label() + " names " +
                                            std::string(c.parts.back().text) + "; " + what(*f) +
                                            ": a schema migration is not edited, check it by hand");
    }
  }

  // DROP TABLE/VIEW [IF EXISTS] t [, u] [IF EXISTS]: the dataset's one-part name moves like any
  // table position (longer names move in the global pass).
  void drop(std::size_t h, std::size_t e) {
    std::size_t i = h + 2;
    if (is_kw(i, "if") && is_kw(i + 1, "exists")) i += 2;
    while (i < e && is_name(i)) {
      Scope target;
      i = target_table(i, e, target, false);
      if (!is_punct(i, ',')) break;
      ++i;
    }
  }

  // CREATE TABLE t (column definitions, constraints) ..., CREATE TABLE/VIEW t AS query,
  // CREATE INDEX i ON t (cols). Returns false for other CREATE statements.
  bool create(std::size_t h, std::size_t e) {
    std::size_t i = h + 1;
    static const WordSet kModifiers{"or",           "replace",   "temp",         "temporary", "transient",
                                    "external",     "global",    "local",        "unlogged",  "volatile",
                                    "secure",       "recursive", "materialized", "unique",    "clustered",
                                    "nonclustered", "fulltext",  "spatial"};
    while (i < e && t_[i].kind == Kind::Ident && kModifiers.contains(tx(i))) ++i;
    if (is_kw(i, "index")) {
      std::size_t on = find_kw(i + 1, e, {"on"});
      std::size_t j = on + 1;
      if (is_kw(j, "only")) ++j;
      Scope target;
      j = target_table(j, e, target, false);
      if (is_kw(j, "using")) j += 2;
      if (is_punct(j, '(')) {
        target_columns(j + 1, std::min(close_of(j), e), target, "names");
        j = close_of(j) + 1;
      }
      if (is_kw(j, "include") && is_punct(j + 1, '(')) {
        target_columns(j + 2, std::min(close_of(j + 1), e), target, "names");
        j = close_of(j + 1) + 1;
      }
      std::size_t where = find_kw(j, e, {"where"});
      if (where < e) target_columns(where + 1, e, target, "reads");
      return true;
    }
    bool view = is_kw(i, "view");
    if (!is_kw(i, "table") && !view) return false;
    ++i;
    if (is_kw(i, "if") && is_kw(i + 1, "not") && is_kw(i + 2, "exists")) i += 3;
    Scope target;
    i = target_table(i, e, target, false);
    bool named_columns = false;
    if (is_punct(i, '(') && !starts_query(i + 1)) {
      std::size_t close = std::min(close_of(i), e);
      if (!view) column_definitions(i + 1, close, target);
      named_columns = true;  // a view's (a, b) list names its output columns
      i = close + 1;
    }
    std::size_t q = i;
    while (q < e && !starts_query(q) && !(is_punct(q, '(') && starts_query(q + 1))) {
      if (is_punct(q, '(')) q = close_of(q);
      ++q;
    }
    if (targets_dataset(target) && !view) target_columns(i, q, target, "names");  // PARTITION/CLUSTER BY
    if (targets_dataset(target) && !view && plan_.moves())
      storage_location(i, e);  // may follow WITH SERDEPROPERTIES
    if (q >= e) return true;
    // CREATE ... AS query: the new relation's columns are the query's output names, and whatever
    // reads them downstream does so by name, so a renamed column keeps its old output name.
    result_.wrapped.clear();
    alias_back_ = review_star_ = !named_columns && !targets_dataset(target);
    result_.exports = query(is_punct(q, '(') ? q + 1 : q, is_punct(q, '(') ? std::min(close_of(q), e) : e, {},
                            nullptr, true);
    alias_back_ = review_star_ = false;
    return true;
  }

  // `LOCATION 's3://bucket/t/'` of the dataset's own external table, spelled with its table name:
  // the moved table keeps its data elsewhere, which the task does not say, so it goes to review.
  void storage_location(std::size_t b, std::size_t e) {
    const auto& old = plan_.old_parts();
    if (old.empty()) return;
    for (std::size_t i = b; i + 1 < e; ++i) {
      if (!is_kw(i, "location") || t_[i + 1].kind != Kind::String) continue;
      if (!contains_ignoring_case(tx(i + 1), old.back())) continue;
      out_.review(t_[i + 1].begin, "LOCATION " + std::string(tx(i + 1)) + " is where " +
                                       plan_.dataset_label() + " keeps its data; it moves to " +
                                       plan_.new_location() +
                                       ": set the new table's storage location by hand");
    }
  }

  // The items of CREATE TABLE t ( ... ) when t is the dataset: a column definition starts with the
  // column's name; constraints list columns in their first parentheses.
  void column_definitions(std::size_t b, std::size_t e, const Scope& target) {
    if (!targets_dataset(target)) return;
    static const WordSet kConstraint{"constraint", "primary", "foreign", "unique", "check",    "key",
                                     "index",      "exclude", "like",    "period", "fulltext", "spatial"};
    std::size_t ib = b;
    for (std::size_t i = b; i <= e; ++i) {
      if (i < e && is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (i < e && !is_punct(i, ',')) continue;
      std::size_t j = ib;
      ib = i + 1;
      if (j >= i) continue;
      if (t_[j].kind == Kind::Ident && kConstraint.contains(tx(j))) {
        if (is_kw(j, "constraint")) j += 2;
        if (is_kw(j, "check")) continue;
        while (j < i && !is_punct(j, '(') && !is_kw(j, "references")) ++j;
        if (is_punct(j, '(')) target_columns(j + 1, std::min(close_of(j), i), target, "names");
        continue;
      }
      if (!is_name(j)) continue;
      Chain c = read_chain(j, j + 1);
      const FieldChange* f = plan_.field(c.parts.back().text, true);
      if (!f) continue;
      result_.reads_dataset = true;
      const Part& p = c.parts.back();
      if (!f->rename_to.empty()) out_.replace(p.begin, p.end - p.begin, f->rename_to, "sql.rename");
      if (f->drop) out_.review(p.begin, "defines dropped field " + f->name + ": remove the column by hand");
      if (f->retype)
        out_.review(p.begin, "defines retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type +
                                 "): change its type by hand");
    }
  }

  // REFERENCES t (cols) anywhere in a statement: when t is the dataset, the columns are its own.
  void references(std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (!is_kw(i, "references")) continue;
      Scope target;
      std::size_t j = target_table(i + 1, e, target, false);
      if (is_punct(j, '(')) target_columns(j + 1, std::min(close_of(j), e), target, "names");
    }
  }

  std::set<std::string> query(std::size_t b, std::size_t e, const Ctes& outer, const Scope* parent,
                              bool top = false) {
    if (!is_kw(b, "with")) return set_operations(b, e, outer, parent, top);
    Ctes ctes = outer;  // the WITH list adds names visible in this query only
    std::size_t i = b;
    {
      ++i;
      if (is_kw(i, "recursive")) ++i;
      while (i < e && is_name(i)) {
        std::string name = lower(read_chain(i, i + 1).parts.back().text);
        ++i;
        if (is_punct(i, '(')) i = close_of(i) + 1;
        if (is_kw(i, "as")) ++i;
        if (is_kw(i, "not")) ++i;
        if (is_kw(i, "materialized")) ++i;
        if (!is_punct(i, '(')) break;
        std::size_t close = std::min(close_of(i), e);
        auto fields = query(i + 1, close, ctes, parent);
        ctes[name] = std::move(fields);
        i = close + 1;
        if (is_punct(i, ',')) {
          ++i;
          continue;
        }
        break;
      }
    }
    if (is_kw(i, "insert") || is_kw(i, "update") || is_kw(i, "delete") || is_kw(i, "merge")) {
      const Ctes* saved = dml_ctes_;
      dml_ctes_ = &ctes;
      dml(i, e);
      dml_ctes_ = saved;
      return {};
    }
    return set_operations(i, e, ctes, parent, top);
  }

  // Set operations: the first part names the output columns.
  std::set<std::string> set_operations(std::size_t i, std::size_t e, const Ctes& ctes, const Scope* parent,
                                       bool top) {
    std::set<std::string> exports;
    bool first = true;
    std::size_t pb = i;
    for (std::size_t j = i; j <= e; ++j) {
      if (j < e && is_punct(j, '(')) {
        j = close_of(j);
        continue;
      }
      bool setop =
          j < e && (is_kw(j, "union") || is_kw(j, "intersect") ||
                    (is_kw(j, "except") && !is_punct(j + 1, '(') && !(j > 0 && is_punct(j - 1, '*'))));
      if (j == e || setop) {
        auto ex = query_part(pb, j, ctes, parent, top);
        if (first) exports = std::move(ex);
        first = false;
        pb = j + 1;
        while (pb < e && (is_kw(pb, "all") || is_kw(pb, "distinct"))) ++pb;
      }
    }
    return exports;
  }

  std::set<std::string> query_part(std::size_t b, std::size_t e, const Ctes& ctes, const Scope* parent,
                                   bool top) {
    if (b >= e) return {};
    if (is_punct(b, '(') && close_of(b) + 1 >= e)
      return query(b + 1, std::min(close_of(b), e), ctes, parent, top);
    if (is_kw(b, "select")) return select_block(b, e, ctes, parent, top);
    if (is_kw(b, "with")) return query(b, e, ctes, parent, top);
    Scope s;
    s.parent = parent;
    expr(b, e, s, ctes, false);
    return {};
  }

  std::set<std::string> select_block(std::size_t b, std::size_t e, const Ctes& ctes, const Scope* parent,
                                     bool top) {
    std::size_t from = e, after_from = e;
    for (std::size_t i = b + 1; i < e; ++i) {
      if (is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (from == e && is_kw(i, "from")) {
        from = i;
        continue;
      }
      if (is_clause_word(tx(i)) && t_[i].kind == Kind::Ident) {
        if (from == e) from = i;  // no FROM: the select list ends at the first clause
        after_from = i;
        break;
      }
    }
    Scope scope;
    scope.parent = parent;
    std::vector<std::pair<std::size_t, std::size_t>> deferred;
    if (from < e && is_kw(from, "from")) from_items(from + 1, after_from, scope, ctes, deferred);

    std::size_t lb = b + 1;
    while (lb < from && (is_kw(lb, "distinct") || is_kw(lb, "all"))) ++lb;
    if (is_kw(lb, "as") && (is_kw(lb + 1, "struct") || is_kw(lb + 1, "value"))) lb += 2;
    std::set<std::string> exports;
    std::size_t ib = lb;
    for (std::size_t i = lb; i <= from; ++i) {
      if (i < from && is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (i == from || is_punct(i, ',')) {
        if (ib < i) select_item(ib, i, scope, ctes, exports, top);
        ib = i + 1;
      }
    }
    for (auto [db, de] : deferred) expr(db, de, scope, ctes, false);
    if (after_from < e) expr(after_from, e, scope, ctes, true);
    return exports;
  }

  void from_items(std::size_t b, std::size_t e, Scope& scope, const Ctes& ctes,
                  std::vector<std::pair<std::size_t, std::size_t>>& deferred) {
    std::size_t i = b;
    while (i < e) {
      if (is_punct(i, ',') || (t_[i].kind == Kind::Ident && is_join_word(tx(i)))) {
        ++i;
        continue;
      }
      if (is_kw(i, "on")) {
        std::size_t j = i + 1;
        while (j < e && !is_punct(j, ',') && !(t_[j].kind == Kind::Ident && is_join_word(tx(j)))) {
          if (is_punct(j, '(')) j = close_of(j);
          ++j;
        }
        deferred.emplace_back(i + 1, std::min(j, e));
        i = j;
        continue;
      }
      if (is_kw(i, "using") && is_punct(i + 1, '(')) {
        using_columns(i + 2, std::min(close_of(i + 1), e), scope);
        i = close_of(i + 1) + 1;
        continue;
      }
      Source src;
      if (is_punct(i, '(')) {
        std::size_t close = std::min(close_of(i), e);
        if (starts_query(i + 1) || is_punct(i + 1, '(')) {
          src.kind = Source::Kind::Derived;
          src.fields = query(i + 1, close, ctes, scope.parent);
          src.label = "a subquery";
        } else {
          from_items(i + 1, close, scope, ctes, deferred);  // parenthesised join
          i = close + 1;
          continue;
        }
        i = close + 1;
      } else if (t_[i].kind == Kind::Jinja) {
        classify_jinja(tx(i), src);
        ++i;
      } else if (t_[i].kind == Kind::Opaque) {
        src.label = std::string(tx(i));
        src.maybe = true;
        ++i;
      } else if (is_name(i)) {
        Chain c = read_chain(i, e);
        std::size_t after = c.last + 1;
        if (is_punct(after, '(')) {  // UNNEST(...), table functions: arguments are expressions
          deferred.emplace_back(after + 1, std::min(close_of(after), e));
          src.label = std::string(c.parts.back().text);
          i = close_of(after) + 1;
        } else {
          classify_name(c, ctes, src);
          i = after;
        }
      } else {
        ++i;
        continue;
      }
      // Alias, then anything up to the next item (FOR SYSTEM_TIME AS OF, TABLESAMPLE, WITH OFFSET).
      if (is_kw(i, "as")) ++i;
      if (i < e && is_name(i) && !(t_[i].kind == Kind::Ident && is_reserved(tx(i)))) {
        src.alias = lower(read_chain(i, i + 1).parts.back().text);
        src.moved_qualifier.clear();  // qualifiers use the alias, which does not move
        ++i;
      }
      while (i < e && !is_punct(i, ',') && !is_kw(i, "on") && !is_kw(i, "using") &&
             !(t_[i].kind == Kind::Ident && is_join_word(tx(i)))) {
        if (is_punct(i, '(')) i = close_of(i);
        ++i;
      }
      scope.sources.push_back(std::move(src));
    }
  }

  // T-SQL's `#name` / `##name` temporary tables and `@name` table variables are not the dataset.
  bool temporary(const Chain& c) const {
    std::size_t f = c.first;
    return f > 0 && t_[f - 1].end == t_[f].begin && (is_punct(f - 1, '#') || is_punct(f - 1, '@'));
  }

  // A table named in a table position: a CTE, the dataset (its one-part name moves here; longer
  // names move in the global pass) or another table.
  void classify_name(const Chain& c, const Ctes& ctes, Source& src) {
    std::string_view last = c.parts.back().text;
    src.label = std::string(
        c.parts.size() == 1 ? last : text_.substr(t_[c.first].begin, t_[c.last].end - t_[c.first].begin));
    src.alias = lower(last);
    auto cte = c.parts.size() == 1 ? ctes.find(src.alias) : ctes.end();
    auto view =
        c.parts.size() == 1 && cte == ctes.end() ? context_.views.find(src.alias) : context_.views.end();
    if (cte != ctes.end()) {
      src.kind = Source::Kind::Derived;
      src.fields = cte->second;
    } else if (view != context_.views.end()) {
      // A view the host program binds to a frame: never a catalog table, so its name never moves.
      if (view->second.kind == View::Kind::Dataset) {
        src.kind = Source::Kind::Derived;
        if (view->second.all)
          for (const auto& f : plan_.fields()) src.fields.insert(f.name);
        else
          src.fields = view->second.fields;
        result_.reads_dataset = true;
      } else if (view->second.kind == View::Kind::Unknown) {
        src.maybe = true;
      } else {
        result_.reads_other = true;
      }
    } else if (old_suffix(c.parts, c.parts.size()) && !temporary(c)) {
      src.kind = Source::Kind::Dataset;
      result_.reads_dataset = true;
      result_.mentions_dataset = true;
      if (c.parts.size() == 1) move_location(c.parts, 0, 1);
      if (plan_.moves() && keeps_prefix(c.parts.size())) {
        auto repl = plan_.new_suffix(1);
        if (repl.size() == 1 && repl[0] != last) src.moved_qualifier = repl[0];
      }
    } else {
      result_.reads_other = true;
    }
  }

  void classify_jinja(std::string_view block, Source& src) {
    src.label = std::string(block);
    if (block.size() >= 4 && !source_variables_.empty()) {
      std::string_view inner = block.substr(2, block.size() - 4);
      while (!inner.empty() && (inner.front() == ' ' || inner.front() == '-')) inner.remove_prefix(1);
      while (!inner.empty() && (inner.back() == ' ' || inner.back() == '-')) inner.remove_suffix(1);
      if (source_variables_.count(std::string(inner))) {
        src.kind = Source::Kind::Dataset;
        result_.reads_dataset = true;
        return;
      }
    }
    bool unresolved = unresolved_jinja(block);
    for (const auto& call : jinja::calls(block)) {
      if (call.function == "source" && call.args.size() == 2 &&
          yaml::source_is_dataset(call.args[0].value, call.args[1].value, plan_, models_)) {
        src.kind = Source::Kind::Dataset;
        src.label = "source('" + call.args[0].value + "', '" + call.args[1].value + "')";
        result_.reads_dataset = true;
        return;
      }
      if (call.function == "ref" && !call.args.empty()) {
        result_.used_models = true;
        auto it = models_.exports.find(call.args.back().value);
        src.label = "ref('" + call.args.back().value + "')";
        if (it != models_.exports.end()) {
          src.kind = Source::Kind::Derived;
          src.fields = it->second;
          return;
        }
        if (ref_is_dataset(call.args.back().value)) {
          src.kind = Source::Kind::Dataset;
          result_.reads_dataset = true;
          return;
        }
      }
    }
    if (unresolved) {  // named like the dataset: its fields go to review (reported in the global pass)
      src.maybe = true;
      return;
    }
    result_.reads_other = true;
  }

  // USING (col): the column is named on both sides, so renaming one side breaks the join.
  void using_columns(std::size_t b, std::size_t e, const Scope& scope) {
    for (std::size_t i = b; i < e; ++i) {
      if (!is_name(i)) continue;
      const FieldChange* f = plan_.field(read_chain(i, i + 1).parts.back().text, true);
      if (!f) continue;
      bool dataset = false, other = false;
      for (const auto& s : scope.sources) {
        if (s.kind == Source::Kind::Dataset || (s.kind == Source::Kind::Derived && s.fields.count(f->name)))
          dataset = true;
        else
          other = true;
      }
      if (!dataset) continue;
      if (!other) {
        Chain c = read_chain(i, i + 1);
        apply_hit(Hit{f, &c.parts.back(), nullptr, {}});
      } else {
        out_.review(t_[i].begin, "JOIN ... USING (" + f->name + ") joins " + plan_.dataset_label() +
                                     " with another table; " + what(*f) +
                                     " on one side only: rewrite the join by hand");
      }
    }
  }

  std::string what(const FieldChange& f) const {
    if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
    if (f.drop) return f.name + " is dropped";
    return f.name + " changes type";
  }

  void select_item(std::size_t b, std::size_t e, Scope& scope, const Ctes& ctes,
                   std::set<std::string>& exports, bool top) {
    // `*`, `t.*`, optionally with EXCEPT (...) / REPLACE (...)
    std::size_t star = e;
    if (is_punct(b, '*'))
      star = b;
    else if (is_name(b)) {
      Chain c = read_chain(b, e);
      if (is_punct(c.last + 1, '.') && is_punct(c.last + 2, '*')) star = c.last + 2;
    }
    if (star < e) {
      std::set<std::string> passed;
      const Source* only = nullptr;
      if (star != b) {
        only = lookup(scope, read_chain(b, e).parts.front().text);
      }
      for (const auto& s : scope.sources) {
        if (only && &s != only) continue;
        if (s.kind == Source::Kind::Dataset) {
          for (const auto& f : plan_.fields()) passed.insert(f.name);
        } else if (s.kind == Source::Kind::Derived) {
          passed.insert(s.fields.begin(), s.fields.end());
        }
      }
      // EXCEPT (cols) names columns of the star's sources.
      if (is_kw(star + 1, "except") && is_punct(star + 2, '(')) {
        std::size_t close = std::min(close_of(star + 2), e);
        for (std::size_t i = star + 3; i < close; ++i) {
          if (!is_name(i)) continue;
          Chain c = read_chain(i, i + 1);
          const FieldChange* f = plan_.field(c.parts.back().text, true);
          if (f && passed.count(f->name)) {
            passed.erase(f->name);
            if (!f->rename_to.empty())
              out_.replace(c.parts.back().begin, c.parts.back().end - c.parts.back().begin, f->rename_to,
                           "sql.rename");
          }
        }
      } else if (star + 1 < e) {
        expr(star + 1, e, scope, ctes, false);
      }
      for (const auto& name : passed) {
        const FieldChange* f = plan_.field(name, false);
        // A dropped field already reviewed where a block of this text reads it by name needs no
        // second item here.
        if (f && top && review_star_ &&
            (!f->rename_to.empty() || (f->drop && !reviewed_drops_.count(f->name))))
          out_.review(t_[star].begin,
                      "SELECT * makes the new relation's columns by name, and " + what(*f) +
                          ": downstream readers of " + f->name + " break; select the columns explicitly (" +
                          (f->drop ? f->name + " is gone" : f->rename_to + " AS " + f->name) + ")");
        if (f && f->retype && top)  // inside a CTE, the named uses downstream are checked instead
          out_.review(t_[star].begin,
                      "SELECT * passes retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type +
                          ") through unchanged; select it explicitly" +
                          (f->expression.empty() ? std::string()
                                                 : " as " + expression(*f, f->name) + " AS " + f->name));
      }
      exports.insert(passed.begin(), passed.end());
      return;
    }
    // A bare column, optionally aliased.
    if (is_name(b)) {
      Chain c = read_chain(b, e);
      std::size_t after = c.last + 1;
      std::optional<std::size_t> alias;
      bool bare = false;
      if (after == e)
        bare = true;
      else if (is_kw(after, "as") && after + 2 == e && is_name(after + 1)) {
        bare = true;
        alias = after + 1;
      } else if (after + 1 == e && is_name(after) &&
                 !(t_[after].kind == Kind::Ident && is_reserved(tx(after)))) {
        bare = true;
        alias = after;
      }
      if (bare) {
        if (alias) scope.select_aliases.insert(lower(read_chain(*alias, *alias + 1).parts.back().text));
        auto hit = resolve(c, scope, false);
        if (!hit) return;
        const FieldChange& f = *hit->field;
        if (f.retype && !f.expression.empty()) {
          // Wrap the read so the output keeps its old name and type.
          std::string ref(text_.substr(t_[c.first].begin, t_[c.last].end - t_[c.first].begin));
          if (!f.rename_to.empty()) {
            std::size_t off = hit->column->begin - t_[c.first].begin;
            ref.replace(off, hit->column->end - hit->column->begin, f.rename_to);
          }
          std::string repl = expression(f, ref);
          if (!alias) repl += " AS " + std::string(hit->column->text);
          if (!alias && top) result_.wrapped.insert(f.name);
          out_.replace(t_[c.first].begin, t_[c.last].end - t_[c.first].begin, repl, "sql.retype");
          if (hit->qualifier)
            out_.review(t_[c.first].begin, "qualifier " + std::string(hit->qualifier->text) +
                                               " should become " + hit->new_qualifier);
          return;
        }
        if (!alias && alias_back_ && !f.rename_to.empty() && !hit->qualifier) {
          // The output column keeps its old name: `account_id AS user_id`. Done where the column is
          // read from the dataset (a CTE's select list as well), so that every block and relation
          // downstream keeps reading the name it always read.
          out_.replace(hit->column->begin, hit->column->end - hit->column->begin,
                       f.rename_to + " AS " + std::string(hit->column->text), "sql.rename");
          result_.reads_dataset = true;
          if (f.retype)
            out_.review(hit->column->begin, "reads retyped field " + f.name + " (" + f.from_type + " -> " +
                                                f.to_type + "): adapt by hand");
          return;
        }
        apply_hit(*hit);
        if (!alias) exports.insert(f.name);
        return;
      }
    }
    expr(b, e, scope, ctes, false);
    // A trailing alias names an output column, not an input one.
    if (e >= 2 && is_name(e - 1) && (is_kw(e - 2, "as") || is_punct(e - 2, ')')))
      scope.select_aliases.insert(lower(read_chain(e - 1, e).parts.back().text));
  }

  std::string expression(const FieldChange& f, std::string_view ref) const {
    std::string out = f.expression;
    for (auto pos = out.find("{field}"); pos != std::string::npos;
         pos = out.find("{field}", pos + ref.size()))
      out.replace(pos, 7, ref);
    return out;
  }

  // Walks the token range resolving column references; descends into subqueries.
  void expr(std::size_t b, std::size_t e, Scope& scope, const Ctes& ctes, bool aliases_visible) {
    for (std::size_t i = b; i < e; ++i) {
      if (is_punct(i, '(') && starts_query(i + 1)) {
        std::size_t close = std::min(close_of(i), e);
        query(i + 1, close, ctes, &scope);
        i = close;
        continue;
      }
      if (t_[i].kind == Kind::Jinja) {
        jinja_mention(i, scope);
        continue;
      }
      if (!is_name(i) || (i > b && is_punct(i - 1, '.'))) continue;
      Chain c = read_chain(i, e);
      i = c.last;
      if (is_punct(c.last + 1, '(')) continue;                // function name
      if (c.first > 0 && is_kw(c.first - 1, "as")) continue;  // an alias being defined
      if (c.parts.size() == 1 && t_[c.first].kind == Kind::Ident && is_reserved(c.parts[0].text)) continue;
      if (c.parts.size() == 1 && aliases_visible && scope.select_aliases.count(lower(c.parts[0].text))) {
        // ORDER BY/GROUP BY may name an output column; only a plain pass-through is safe to follow.
        auto hit = resolve(c, scope, true);
        if (hit) apply_hit(*hit);
        continue;
      }
      auto hit = resolve(c, scope, false);
      if (hit) apply_hit(*hit);
    }
  }

  // dbt config() arguments that name the model's own output columns (unique_key, partition_by,
  // cluster_by, ...). When the model passes a field through under its old name, that output column
  // is renamed with it, so a quoted name there follows; a dropped field, or a retyped one passed
  // through unconverted, goes to review. Names the model does not pass through are left alone.
  void config_keys() {
    if (result_.exports.empty()) return;
    static const std::string_view kColumnKeys[] = {"unique_key",
                                                   "partition_by",
                                                   "cluster_by",
                                                   "clustered_by",
                                                   "partitioned_by",
                                                   "sort",
                                                   "dist",
                                                   "sortkey",
                                                   "distkey",
                                                   "sort_key",
                                                   "dist_key",
                                                   "merge_update_columns",
                                                   "merge_exclude_columns",
                                                   "indexes",
                                                   "primary_key",
                                                   "check_cols",
                                                   "updated_at"};
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i].kind != Kind::Jinja) continue;
      std::string_view block = tx(i);
      if (block.find("config(") == std::string_view::npos) continue;
      for (std::string_view key : kColumnKeys)
        for (auto k = block.find(key); k != std::string_view::npos; k = block.find(key, k + 1)) {
          if (k > 0 && is_ident_char(block[k - 1])) continue;
          std::size_t v = k + key.size();
          while (v < block.size() && block[v] == ' ') ++v;
          if (v >= block.size() || block[v] != '=' || (v + 1 < block.size() && block[v + 1] == '=')) continue;
          // The value runs to the next comma or ')' outside brackets (tags=[...] and others are not read).
          std::size_t end = v + 1;
          for (int depth = 0; end < block.size(); ++end) {
            char c = block[end];
            if (c == '[' || c == '{' || c == '(') ++depth;
            if ((c == ']' || c == '}' || c == ')') && depth-- == 0) break;
            if (c == ',' && depth == 0) break;
          }
          config_value(i, v + 1, end);
        }
    }
  }

  void config_value(std::size_t tok, std::size_t b, std::size_t e) {
    std::string_view value = tx(tok).substr(b, e - b);
    for (const auto& f : plan_.fields()) {
      if (!result_.exports.count(f.name)) continue;
      for (char q : {'\'', '"'}) {
        std::string needle = std::string(1, q) + f.name + std::string(1, q);
        for (auto at = value.find(needle); at != std::string_view::npos; at = value.find(needle, at + 1)) {
          std::size_t off = t_[tok].begin + b + at + 1;
          if (!f.rename_to.empty()) out_.replace(off, f.name.size(), f.rename_to, "dbt.config");
          if (f.drop)
            out_.review(off, "config() names " + f.name + ", an output column of this model; " + what(f) +
                                 ": adapt the config by hand");
          if (f.retype)
            out_.review(off, "config() names " + f.name +
                                 ", an output column of this model that changes type (" + f.from_type +
                                 " -> " + f.to_type + "): adapt the config by hand");
        }
      }
    }
  }

  // A Jinja expression inside a query that quotes a changed field (e.g. a macro's column list).
  void jinja_mention(std::size_t i, const Scope& scope) {
    if (!has_dataset(scope)) return;
    std::string_view block = tx(i);
    for (const auto& f : plan_.fields()) {
      for (char q : {'\'', '"'}) {
        std::string needle = std::string(1, q) + f.name + std::string(1, q);
        if (block.find(needle) != std::string_view::npos)
          out_.review(t_[i].begin,
                      "Jinja expression names " + f.name + "; " + what(f) + ": check it by hand");
      }
    }
  }

  bool has_dataset(const Scope& scope) const {
    for (const Scope* s = &scope; s; s = s->parent)
      for (const auto& src : s->sources)
        if (src.kind != Source::Kind::Other) return true;
    return false;
  }

  // The source whose alias (kept in lower case) is this name, ignoring case.
  const Source* lookup(const Scope& scope, std::string_view name) const {
    for (const Scope* s = &scope; s; s = s->parent)
      for (const auto& src : s->sources)
        if (iequals(src.alias, name)) return &src;
    return nullptr;
  }

  static bool carries(const Source& s, const FieldChange& f) {
    return s.kind == Source::Kind::Dataset || (s.kind == Source::Kind::Derived && s.fields.count(f.name));
  }

  std::optional<Hit> resolve(const Chain& c, const Scope& scope, bool output_alias) {
    const auto& p = c.parts;
    if (p.size() >= 2) {
      // alias.column[.struct_field...]
      if (const Source* src = lookup(scope, p[0].text)) {
        const FieldChange* f = plan_.field(p[1].text, true);
        if (!f || !carries(*src, *f)) return std::nullopt;
        Hit h{f, &p[1], nullptr, {}};
        if (!src->moved_qualifier.empty() && iequals(p[0].text, plan_.old_parts().back())) {
          h.qualifier = &p[0];
          h.new_qualifier = src->moved_qualifier;
        }
        return h;
      }
      // project.dataset.table.column
      for (std::size_t k = p.size() - 1; k >= 2; --k) {
        if (old_suffix(p, k)) {
          const FieldChange* f = plan_.field(p[k].text, true);
          if (f) return Hit{f, &p[k], nullptr, {}};
          return std::nullopt;
        }
      }
      const FieldChange* f = plan_.field(p[1].text, true);
      if (f && has_dataset(scope) && !plan_.field(p[0].text, true))
        out_.review(p[1].begin, "cannot tell whether " + std::string(p[0].text) + "." +
                                    std::string(p[1].text) + " reads " + plan_.dataset_label() + ": " +
                                    std::string(p[0].text) + " is not a table of this query; " + what(*f));
      if (!plan_.field(p[0].text, true)) return std::nullopt;
      // struct_column.subfield: the first part is the column
    }
    const FieldChange* f = plan_.field(p[0].text, true);
    if (!f) return std::nullopt;
    for (const Scope* s = &scope; s; s = s->parent) {
      if (s->sources.empty()) continue;
      bool hit = false, other = false;
      for (const auto& src : s->sources) {
        if (carries(src, *f))
          hit = true;
        else
          other = true;
      }
      if (!hit) {
        for (const auto& src : s->sources)
          if (src.maybe) {
            out_.review(p[0].begin, "cannot tell whether " + src.label + " is " + plan_.dataset_label() +
                                        "; " + what(*f));
            break;
          }
        return std::nullopt;  // belongs to the tables of this query, none of which is ours
      }
      if (other) {
        std::string names;
        for (const auto& src : s->sources)
          if (!carries(src, *f)) names += (names.empty() ? "" : ", ") + src.label;
        out_.review(p[0].begin, "cannot prove " + std::string(p[0].text) + " belongs to " +
                                    plan_.dataset_label() + ": the query also reads " + names + "; " +
                                    what(*f) + (f->drop ? "" : ": qualify it and rewrite by hand"));
        return std::nullopt;
      }
      if (output_alias) return std::nullopt;  // shadowed by a select alias of the same name: leave it
      return Hit{f, &p[0], nullptr, {}};
    }
    return std::nullopt;
  }

  // `verb` says what the statement does with the column: a query "reads" it; INSERT, UPDATE and
  // MERGE "write" it; DDL "defines" or "names" it (a converting expression applies to reads only).
  void apply_hit(const Hit& h, std::string_view verb = "reads") {
    const FieldChange& f = *h.field;
    result_.reads_dataset = true;
    if (h.qualifier)
      out_.replace(h.qualifier->begin, h.qualifier->end - h.qualifier->begin, h.new_qualifier,
                   "sql.location");
    if (!f.rename_to.empty())
      out_.replace(h.column->begin, h.column->end - h.column->begin, f.rename_to, "sql.rename");
    if (f.drop) {
      out_.review(h.column->begin, std::string(verb) + " dropped field " + f.name);
      reviewed_drops_.insert(f.name);
    }
    if (f.retype) {
      std::string how = verb != "reads"        ? ": change it to the new type by hand"
                        : f.expression.empty() ? ": adapt by hand"
                                               : ": not a plain SELECT item; apply " +
                                                     expression(f, h.column->text) + " by hand";
      out_.review(h.column->begin, std::string(verb) + " retyped field " + f.name + " (" + f.from_type +
                                       " -> " + f.to_type + ")" + how);
    }
  }

  std::string_view text_;
  std::vector<Token> t_;
  const Plan& plan_;
  const ModelIndex& models_;
  Sink& out_;
  Result result_;
  bool alias_back_ = false;   // inside CREATE TABLE/VIEW ... AS or a dbt model: outputs keep their names
  bool review_star_ = false;  // a top `SELECT *` there makes the relation's columns: review what it passes
  const Context& context_;
  std::set<std::string> reviewed_drops_;
  std::set<std::string> source_variables_;  // Jinja variables set to a source() of the dataset  // dropped
                                            // fields already reviewed where they are named
  bool model_ = false;                      // the text is a dbt model (calls ref(), source() or config())
  bool created_ = false;                    // the script creates the dataset's table (its ALTERs follow it)
  const Ctes* dml_ctes_ = nullptr;          // inside WITH ... INSERT/UPDATE/DELETE/MERGE
};

}  // namespace

Result rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out,
               const LexOptions& options) {
  return rewrite(text, lex(text, options), plan, models, out);
}

Result rewrite(std::string_view text, std::vector<Token> tokens, const Plan& plan, const ModelIndex& models,
               Sink& out, const Context& context) {
  Analyzer a(text, std::move(tokens), plan, models, out, context);
  return a.run();
}

std::map<std::string, std::set<std::string>> created_tables(std::string_view text) {
  std::map<std::string, std::set<std::string>> out;
  auto t = lex(text);
  auto tx = [&](std::size_t i) { return text.substr(t[i].begin, t[i].end - t[i].begin); };
  auto kw = [&](std::size_t i, std::string_view w) {
    return i < t.size() && t[i].kind == Kind::Ident && iequals(tx(i), w);
  };
  auto name = [&](std::size_t i) {
    if (i >= t.size()) return std::string();
    std::string_view v = tx(i);
    if (t[i].kind == Kind::Quoted && v.size() >= 2 && v[0] != '\'') return lower(v.substr(1, v.size() - 2));
    return t[i].kind == Kind::Ident ? lower(v) : std::string();
  };
  auto punct = [&](std::size_t i, char c) {
    return i < t.size() && t[i].kind == Kind::Punct && t[i].end == t[i].begin + 1 && text[t[i].begin] == c;
  };
  static const std::set<std::string> kConstraint{"constraint", "primary", "foreign", "unique", "check",
                                                 "key",        "index",   "exclude", "like"};
  for (std::size_t i = 0; i + 2 < t.size(); ++i) {
    if (!kw(i, "create")) continue;
    std::size_t j = i + 1;
    while (kw(j, "or") || kw(j, "replace") || kw(j, "external") || kw(j, "temporary") || kw(j, "temp") ||
           kw(j, "transient"))
      ++j;
    if (!kw(j, "table")) continue;
    ++j;
    if (kw(j, "if") && kw(j + 1, "not") && kw(j + 2, "exists")) j += 3;
    std::string table = name(j);
    if (table.empty()) continue;
    while (punct(j + 1, '.') && !name(j + 2).empty()) {
      table += "." + name(j + 2);
      j += 2;
    }
    ++j;
    if (!punct(j, '(') || t[j].match < 0) continue;
    std::size_t close = static_cast<std::size_t>(t[j].match);
    std::set<std::string> cols;
    bool item_start = true;
    for (std::size_t k = j + 1; k < close; ++k) {
      if (punct(k, '(') && t[k].match >= 0) {
        k = static_cast<std::size_t>(t[k].match);
        continue;
      }
      if (punct(k, ',')) {
        item_start = true;
        continue;
      }
      if (item_start) {
        std::string col = name(k);
        if (!col.empty() && !kConstraint.count(col)) cols.insert(col);
        item_start = false;
      }
    }
    if (cols.empty()) continue;
    out[table] = cols;
    i = close;
  }
  return out;
}

bool looks_like_sql(std::string_view text, const LexOptions& options) {
  return looks_like_sql(text, lex(text, options));
}

bool looks_like_sql(std::string_view text, const std::vector<Token>& tokens) {
  bool select = false, from = false, insert = false, into = false, update = false, set = false,
       create = false, table = false, del = false, merge = false, alter = false, index = false;
  for (const auto& t : tokens) {
    if (t.kind != Kind::Ident) continue;
    std::string_view w = text.substr(t.begin, t.end - t.begin);
    if (w.size() > 6 || w.size() < 3) continue;
    select |= iequals(w, "select");
    from |= iequals(w, "from");
    insert |= iequals(w, "insert");
    into |= iequals(w, "into");
    update |= iequals(w, "update");
    set |= iequals(w, "set");
    create |= iequals(w, "create");
    table |= iequals(w, "table") || iequals(w, "view");
    del |= iequals(w, "delete");
    merge |= iequals(w, "merge");
    alter |= iequals(w, "alter");
    index |= iequals(w, "index");
  }
  return (select && from) || (insert && into) || (update && set) || (create && table) || (del && from) ||
         (merge && into) || (alter && table) || (create && index);
}

}  // namespace shepherd::rewrite::sql
