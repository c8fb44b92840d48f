// Review-only scanning of docs and sample data; see text_rewriter.h.
#include "text_rewriter.h"

#include <cctype>
#include <set>
#include <vector>

namespace shepherd::rewrite::text {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Offsets of `word` as a whole word (identifier boundaries) in `line`.
bool has_word(std::string_view line, std::string_view word) {
  if (word.empty()) return false;
  for (auto pos = line.find(word); pos != std::string_view::npos; pos = line.find(word, pos + 1)) {
    bool left = pos == 0 || !is_ident_char(line[pos - 1]);
    std::size_t end = pos + word.size();
    bool right = end >= line.size() || !is_ident_char(line[end]);
    if (left && right) return true;
  }
  return false;
}

std::string what(const FieldChange& f) {
  if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
  if (f.drop) return f.name + " is dropped";
  return f.name + " changes type (" + f.from_type + " -> " + f.to_type + ")";
}

// Does `text` name the new location somewhere other than inside a mention of the old one (which
// may contain it, e.g. "db.orders_v2" moving to "db.orders")?
bool names_new_location(std::string_view text, const Plan& plan) {
  const std::string& from = plan.old_location();
  const std::string& to = plan.new_location();
  if (to.empty()) return false;
  for (std::size_t at = text.find(to); at != std::string_view::npos; at = text.find(to, at + 1)) {
    bool inside_old = false;
    if (!from.empty()) {
      for (std::size_t o = text.find(from); o != std::string_view::npos && o <= at;
           o = text.find(from, o + 1))
        inside_old = inside_old || at + to.size() <= o + from.size();
    }
    if (!inside_old) return true;
  }
  return false;
}

// The first whitespace-delimited word of `line` at or after `from`, and where it starts.
std::string_view word_at(std::string_view line, std::size_t from, std::size_t& at) {
  at = line.find_first_not_of(" \t", from);
  if (at == std::string_view::npos) return {};
  std::size_t end = line.find_first_of(" \t\r{", at);
  return line.substr(at, (end == std::string_view::npos ? line.size() : end) - at);
}

// A schema diagram (dbdiagram's DBML: `Table orders {` + one `column type` per line, `Ref:
// orders.user_id > customers.id`) that does not name the dataset: a table defining two or more
// of the changed fields is most likely the dataset drawn under a short name, like a CSV header
// with two changed fields. Its column lines and the Ref lines naming them go to review.
void schema_diagram(std::string_view text, const Plan& plan, Sink& out) {
  struct Column {
    std::size_t at;
    const FieldChange* f;
  };
  std::vector<Column> columns;  // of the current table
  std::set<std::string> distinct;
  std::string table;
  bool in_table = false;
  std::set<std::string> drawn;  // lower-case names of tables that define the changed fields
  std::vector<std::pair<std::size_t, std::string_view>> refs;
  auto lower = [](std::string_view w) {
    std::string l(w);
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  };
  for (std::size_t b = 0; b < text.size();) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(b, e - b);
    std::size_t at = 0;
    std::string_view first = word_at(line, 0, at);
    if (!in_table && iequals(first, "table") && line.find('{') != std::string_view::npos) {
      std::size_t name_at = 0;
      table = lower(word_at(line, at + first.size(), name_at));
      in_table = true;
      columns.clear();
      distinct.clear();
    } else if (in_table && line.find('}') != std::string_view::npos) {
      in_table = false;
      if (distinct.size() >= 2) {
        drawn.insert(table);
        for (const auto& c : columns)
          out.review(c.at, "schema diagram table " + table + " has column " + c.f->name + ", a field of " +
                               plan.dataset_label() + " (" + what(*c.f) +
                               "): update the diagram by hand if this table is the dataset");
      }
    } else if (in_table && !first.empty()) {
      if (const FieldChange* f = plan.field(first, true)) {
        columns.push_back(Column{b + at, f});
        distinct.insert(f->name);
      }
    } else if (iequals(first.substr(0, 3), "ref") && (first.size() == 3 || first[3] == ':')) {
      refs.emplace_back(b, line);
    }
    b = e + 1;
  }
  for (const auto& [b, line] : refs) {
    for (const auto& name : drawn) {
      for (const auto& f : plan.fields()) {
        std::string qualified = name + "." + f.name;
        std::string l = lower(line);
        std::size_t at = l.find(qualified);
        if (at == std::string::npos || (at > 0 && is_ident_char(l[at - 1])) ||
            (at + qualified.size() < l.size() && is_ident_char(l[at + qualified.size()])))
          continue;
        out.review(b + at, "schema diagram relates " + qualified + ", a field of " + plan.dataset_label() +
                               " (" + what(f) + "): update the diagram by hand if " + name +
                               " is the dataset");
      }
    }
  }
}

void docs(std::string_view text, const Plan& plan, Sink& out) {
  if (!plan.mentioned_in(text)) return schema_diagram(text, plan, out);
  const std::string& loc = plan.old_location();
  // A text that already names the new location describes the move itself (an allow-list with both
  // versions, a changelog): its mention of the old location is not one the migration leaves behind.
  const bool move_described = names_new_location(text, plan);
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(b, e - b);
    // A dbt doc block's header `{% docs seller_is_exact %}` names the block, which schema.yml
    // refers to by that name: for a renamed field it is a key that stays, not prose about it. The
    // block of a dropped or retyped field describes what changed and is reviewed.
    bool doc_header = false;
    if (std::size_t d = line.find("{% docs "); d != std::string_view::npos) {
      std::size_t close = line.find("%}", d);
      doc_header = close != std::string_view::npos &&
                   line.substr(0, d).find_first_not_of(" \t") == std::string_view::npos &&
                   line.substr(close + 2).find_first_not_of(" \t\r") == std::string_view::npos;
    }
    std::string found;
    for (const auto& f : plan.fields())
      if (has_word(line, f.name) && !(doc_header && !f.rename_to.empty() && !f.retype))
        found += (found.empty() ? "" : "; ") + what(f);
    bool names_location =
        plan.moves() && !move_described && !loc.empty() && line.find(loc) != std::string_view::npos;
    if (names_location)
      found += (found.empty() ? "" : "; ") + std::string("the location moves to ") + plan.new_location();
    if (!found.empty())
      out.review(b, "documentation of " + plan.dataset_label() + " may describe what changed (" + found +
                        "): update the text by hand");
    b = e + 1;
  }
}

// Views and request plans (HTML/JSP/FreeMarker/Mustache templates, JMeter plans) of an app that
// names the dataset: a dropped field shown in a view or posted by a form must go with it. Only
// dropped fields: a renamed column is usually still the same attribute in the view (an ORM maps
// it), and a view's other mentions of the table's name are headings, properties and routes.
void views(std::string_view text, const Plan& plan, Sink& out) {
  if (!plan.mentioned_in(text)) return;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(b, e - b);
    for (const auto& f : plan.fields()) {
      if (!f.drop || !has_word(line, f.name)) continue;
      out.review(b, "view or request plan names " + f.name + ", which " + plan.dataset_label() +
                        " drops: remove it from the page or request by hand");
      break;
    }
    b = e + 1;
  }
}

void sample_data(const std::string& path, std::string_view text, const Plan& plan, Sink& out, char sep) {
  std::size_t e = text.find('\n');
  std::string_view header = text.substr(0, e == std::string_view::npos ? text.size() : e);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  struct Cell {
    std::size_t at;
    const FieldChange* f;
  };
  std::vector<Cell> cells;
  std::set<std::string> distinct;
  std::size_t b = 0;
  while (b <= header.size()) {
    std::size_t c = header.find(sep, b);
    if (c == std::string_view::npos) c = header.size();
    std::string_view cell = header.substr(b, c - b);
    std::size_t off = b;
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '"')) {
      cell.remove_prefix(1);
      ++off;
    }
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '"')) cell.remove_suffix(1);
    if (const FieldChange* f = plan.field(cell, true)) {
      cells.push_back(Cell{off, f});
      distinct.insert(f->name);
    }
    b = c + 1;
  }
  if (cells.empty()) return;
  auto slash = path.find_last_of('/');
  std::string_view name =
      slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
  if (!(plan.mentioned_in(name) || plan.mentioned_in(text) || distinct.size() >= 2)) return;
  for (const auto& c : cells)
    out.review(c.at, "sample data has column " + c.f->name + ", a field of " + plan.dataset_label() + " (" +
                         what(*c.f) + "): update the data by hand if these are the dataset's rows");
}

}  // namespace

void review(const std::string& path, std::string_view text, const Plan& plan, Sink& out) {
  if (ends_with(path, ".csv")) return sample_data(path, text, plan, out, ',');
  if (ends_with(path, ".tsv")) return sample_data(path, text, plan, out, '\t');
  for (std::string_view ext : {".html", ".htm", ".jsp", ".ftl", ".mustache", ".hbs", ".jmx"})
    if (ends_with(path, ext)) return views(text, plan, out);
  docs(text, plan, out);
}

}  // namespace shepherd::rewrite::text
