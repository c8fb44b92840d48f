// Here-documents of shell scripts, see shell_rewriter.h.
#include "shell_rewriter.h"

#include <string>
#include <vector>

#include "sql_rewriter.h"

namespace shepherd::rewrite::shell {

namespace {

struct HereDoc {
  std::size_t begin = 0, end = 0;  // the body: from the line after `<<WORD` to the delimiter line
  bool quoted = false;             // `<<'WORD'`: no expansion inside
  bool sql_client = false;         // fed to psql, mysql, sqlite3, …: SQL whatever it looks like
};

// Is the command before `<<` (the text from the line start) a SQL client?
bool sql_client(std::string_view command) {
  for (std::string_view c : {"psql", "mysql", "mariadb", "sqlite3", "duckdb", "bq", "snowsql", "sqlcmd",
                             "clickhouse-client", "beeline", "spark-sql", "hive", "trino", "presto"}) {
    for (auto p = command.find(c); p != std::string_view::npos; p = command.find(c, p + 1)) {
      std::size_t e = p + c.size();
      bool left = p == 0 || command[p - 1] == ' ' || command[p - 1] == '\t' || command[p - 1] == '/' ||
                  command[p - 1] == '(' || command[p - 1] == '|';
      bool right = e >= command.size() || command[e] == ' ' || command[e] == '\t';
      if (left && right) return true;
    }
  }
  return false;
}

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The here-documents of the script, in order. A `<<` after a `#` that starts a comment is not one,
// nor is `<<<` (a here-string); a `<<` inside a quoted string is rare enough in setup scripts to be
// taken as an operator.
std::vector<HereDoc> heredocs(std::string_view text) {
  std::vector<HereDoc> out;
  std::size_t i = 0;
  while ((i = text.find("<<", i)) != std::string_view::npos) {
    std::size_t line_start = text.rfind('\n', i);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::size_t hash = text.find('#', line_start);
    if (hash < i && (hash == line_start || text[hash - 1] == ' ' || text[hash - 1] == '\t')) {
      i += 2;  // in a comment (a commented-out here-document has no live delimiter either)
      continue;
    }
    std::size_t j = i + 2;
    if (j < text.size() && text[j] == '<') {  // here-string
      i = j + 1;
      continue;
    }
    if (j < text.size() && text[j] == '-') ++j;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    bool quoted = j < text.size() && (text[j] == '\'' || text[j] == '"');
    if (quoted) ++j;
    std::size_t w = j;
    while (j < text.size() && is_ident_char(text[j])) ++j;
    if (j == w) {
      i = j;
      continue;
    }
    std::string_view word = text.substr(w, j - w);
    std::size_t body = text.find('\n', j);
    if (body == std::string_view::npos) break;
    ++body;
    std::size_t line = body;
    std::size_t end = text.size();
    while (line < text.size()) {
      std::size_t nl = text.find('\n', line);
      std::size_t stop = nl == std::string_view::npos ? text.size() : nl;
      if (trim(text.substr(line, stop - line)) == word) {
        end = line;
        break;
      }
      if (nl == std::string_view::npos) break;
      line = nl + 1;
    }
    out.push_back(HereDoc{body, end, quoted, sql_client(text.substr(line_start, i - line_start))});
    i = end;
  }
  return out;
}

bool has_word(std::string_view line, std::string_view word) {
  for (auto pos = line.find(word); pos != std::string_view::npos; pos = line.find(word, pos + 1)) {
    std::size_t end = pos + word.size();
    if ((pos == 0 || !is_ident_char(line[pos - 1])) && (end >= line.size() || !is_ident_char(line[end])))
      return true;
  }
  return false;
}

std::string what(const FieldChange& f) {
  if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
  if (f.drop) return f.name + " is dropped";
  return f.name + " changes type (" + f.from_type + " -> " + f.to_type + ")";
}

}  // namespace

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out) {
  bool about = false;
  std::vector<HereDoc> sql_bodies;
  for (const auto& h : heredocs(text)) {
    std::string_view body = text.substr(h.begin, h.end - h.begin);
    sql::LexOptions lo;
    lo.dollar_opaque = !h.quoted;
    auto tokens = sql::lex(body, lo);
    if (!h.sql_client && !sql::looks_like_sql(body, tokens)) continue;
    sql_bodies.push_back(h);
    OffsetSink sink(out, h.begin);
    auto r = sql::rewrite(body, std::move(tokens), plan, models, sink);
    about = about || r.reads_dataset || r.mentions_dataset;
  }
  if (!about) return;
  // The rest of the script: lines naming a changed field, once per line.
  std::size_t line = 0;
  std::size_t next_body = 0;
  while (line < text.size()) {
    std::size_t nl = text.find('\n', line);
    std::size_t stop = nl == std::string_view::npos ? text.size() : nl;
    while (next_body < sql_bodies.size() && sql_bodies[next_body].end <= line) ++next_body;
    bool in_sql = next_body < sql_bodies.size() && line >= sql_bodies[next_body].begin;
    if (!in_sql) {
      std::string_view l = text.substr(line, stop - line);
      for (const auto& f : plan.fields()) {
        if (!has_word(l, f.name)) continue;
        out.review(line, "shell script line names " + f.name + " of " + plan.dataset_label() + " (" +
                             what(f) + "): check it by hand");
        break;
      }
    }
    if (nl == std::string_view::npos) break;
    line = nl + 1;
  }
}

}  // namespace shepherd::rewrite::shell
