// Scope analysis over SQL tokens. A query is read as WITH-list, set-operation parts and SELECT
// blocks; each block's FROM items become its sources (the dataset, a CTE or derived table that
// passes dataset fields through, or another table). A column is rewritten only when it resolves to
// the dataset through those sources; when it might belong to several, it goes to review.
#include "sql_rewriter.h"

#include <algorithm>
#include <map>
#include <optional>

#include "jinja.h"

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
           Sink& out)
      : text_(text), t_(std::move(toks)), plan_(plan), models_(models), out_(out) {}

  Result run() {
    global_pass();
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
    auto repl = plan_.new_suffix(k);
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

  // Location moves of qualified names anywhere, and dbt source() arguments.
  void global_pass() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i].kind == Kind::Jinja) {
        std::string_view block = tx(i);
        for (const auto& call : jinja::calls(block)) {
          if (call.function != "source" || call.args.size() != 2) continue;
          if (!plan_.matches_old_suffix({call.args[0].value, call.args[1].value}) ||
              plan_.old_parts().size() < 2)
            continue;
          result_.mentions_dataset = true;
          if (!plan_.moves()) continue;
          auto repl = plan_.new_suffix(2);
          if (repl.size() != 2) continue;
          for (std::size_t a = 0; a < 2; ++a)
            if (call.args[a].value != repl[a])
              out_.replace(t_[i].begin + call.args[a].begin, call.args[a].end - call.args[a].begin, repl[a],
                           "dbt.source");
        }
        continue;
      }
      if (!is_name(i) || (i > 0 && is_punct(i - 1, '.'))) continue;
      Chain c = read_chain(i, t_.size());
      for (std::size_t k = std::min(c.parts.size(), plan_.old_parts().size()); k >= 2; --k) {
        if (old_suffix(c.parts, k)) {
          result_.mentions_dataset = true;
          move_location(c.parts, 0, k);
          break;
        }
      }
      i = c.last;
    }
  }

  // ---- statements and queries ----
  void statement(std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (is_punct(i, '(')) {
        i = close_of(i);
        continue;
      }
      if (starts_query(i)) {
        Scope empty;
        expr(b, i, empty, {}, false);
        result_.wrapped.clear();
        result_.exports = query(i, e, {}, nullptr, true);
        return;
      }
    }
    Scope empty;
    expr(b, e, empty, {}, false);
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
          std::string_view last = c.parts.back().text;
          src.label = std::string(c.parts.size() == 1
                                      ? last
                                      : text_.substr(t_[c.first].begin, t_[c.last].end - t_[c.first].begin));
          src.alias = lower(last);
          auto cte = c.parts.size() == 1 ? ctes.find(src.alias) : ctes.end();
          if (cte != ctes.end()) {
            src.kind = Source::Kind::Derived;
            src.fields = cte->second;
          } else if (old_suffix(c.parts, c.parts.size())) {
            src.kind = Source::Kind::Dataset;
            result_.reads_dataset = true;
            result_.mentions_dataset = true;
            if (c.parts.size() == 1) {
              move_location(c.parts, 0, 1);
              auto repl = plan_.new_suffix(1);
              if (plan_.moves() && repl.size() == 1 && repl[0] != last) src.moved_qualifier = repl[0];
            } else if (plan_.moves()) {
              auto repl = plan_.new_suffix(1);
              if (repl.size() == 1 && repl[0] != last) src.moved_qualifier = repl[0];
            }
          } else {
            result_.reads_other = true;
          }
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

  void classify_jinja(std::string_view block, Source& src) {
    src.label = std::string(block);
    for (const auto& call : jinja::calls(block)) {
      if (call.function == "source" && call.args.size() == 2 && plan_.old_parts().size() >= 2 &&
          plan_.matches_old_suffix({call.args[0].value, call.args[1].value})) {
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
      }
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
        apply_hit(Hit{f, &c.parts.back(), nullptr, {}}, false);
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
        apply_hit(*hit, false);
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
        if (hit) apply_hit(*hit, false);
        continue;
      }
      auto hit = resolve(c, scope, false);
      if (hit) apply_hit(*hit, false);
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

  void apply_hit(const Hit& h, bool) {
    const FieldChange& f = *h.field;
    result_.reads_dataset = true;
    if (h.qualifier)
      out_.replace(h.qualifier->begin, h.qualifier->end - h.qualifier->begin, h.new_qualifier,
                   "sql.location");
    if (!f.rename_to.empty())
      out_.replace(h.column->begin, h.column->end - h.column->begin, f.rename_to, "sql.rename");
    if (f.drop) out_.review(h.column->begin, "reads dropped field " + f.name);
    if (f.retype)
      out_.review(h.column->begin,
                  "reads retyped field " + f.name + " (" + f.from_type + " -> " + f.to_type + ")" +
                      (f.expression.empty() ? std::string(": adapt by hand")
                                            : ": not a plain SELECT item; apply " +
                                                  expression(f, h.column->text) + " by hand"));
  }

  std::string_view text_;
  std::vector<Token> t_;
  const Plan& plan_;
  const ModelIndex& models_;
  Sink& out_;
  Result result_;
};

}  // namespace

Result rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out,
               const LexOptions& options) {
  return rewrite(text, lex(text, options), plan, models, out);
}

Result rewrite(std::string_view text, std::vector<Token> tokens, const Plan& plan, const ModelIndex& models,
               Sink& out) {
  Analyzer a(text, std::move(tokens), plan, models, out);
  return a.run();
}

bool looks_like_sql(std::string_view text, const LexOptions& options) {
  return looks_like_sql(text, lex(text, options));
}

bool looks_like_sql(std::string_view text, const std::vector<Token>& tokens) {
  bool select = false, from = false, insert = false, into = false, update = false, set = false,
       create = false, table = false, del = false, merge = false;
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
  }
  return (select && from) || (insert && into) || (update && set) || (create && table) || (del && from) ||
         (merge && into);
}

}  // namespace shepherd::rewrite::sql
