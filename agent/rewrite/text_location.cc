// Location moves in free text, by whole dotted names and whole path segments, so that
// `listening_v30`, `old_listening_v3` or `other.events.listening_v3.bak` are never touched.
#include "text_location.h"

#include <string>
#include <vector>

#include "prefilter.h"

namespace shepherd::rewrite {

namespace {

bool is_name_char(char c) { return is_ident_char(c) || c == '-' || static_cast<unsigned char>(c) >= 0x80; }

struct Segment {
  std::size_t begin, end;
};

// Do the k segments from `from` name the last k parts of the old location (ignoring case)?
bool old_suffix(std::string_view text, const std::vector<Segment>& segs, std::size_t from, std::size_t k,
                const Plan& plan) {
  const auto& old = plan.old_parts();
  if (k == 0 || k > old.size()) return false;
  std::size_t off = old.size() - k;
  for (std::size_t j = 0; j < k; ++j)
    if (!iequals(text.substr(segs[from + j].begin, segs[from + j].end - segs[from + j].begin), old[off + j]))
      return false;
  return true;
}

std::string_view seg_text(std::string_view text, const Segment& s) {
  return text.substr(s.begin, s.end - s.begin);
}

std::vector<Segment> segments(std::string_view text, std::size_t b, std::size_t e, char sep) {
  std::vector<Segment> out;
  std::size_t s = b;
  for (std::size_t i = b; i <= e; ++i) {
    if (i == e || text[i] == sep) {
      out.push_back(Segment{s, i});
      s = i + 1;
    }
  }
  return out;
}

// A web route or URL rather than storage: "/api/plays/{id}", "/plays/<int:id>", "/plays/:id",
// "https://host/api/plays". Its segments name endpoints, not tables.
// `run` starts at `b` in `text`; a leading '/' is just before it.
bool route_like(std::string_view text, std::size_t b, std::string_view run) {
  if (run.substr(0, 7) == "http://" || run.substr(0, 8) == "https://") return true;
  if (b == 0 || text[b - 1] != '/') return false;
  // `{id}` is a route parameter; `${root}` is a Scala/shell interpolation, not one.
  bool brace = false;
  for (auto p = text.find('{'); p != std::string_view::npos && !brace; p = text.find('{', p + 1))
    brace = p == 0 || text[p - 1] != '$';
  return brace || text.find('<') != std::string_view::npos || run.find("/:") != std::string_view::npos ||
         run.substr(0, 4) == "api/";
}

bool path_location(std::string_view text, const Plan& plan, Sink& out) {
  const std::string& old = plan.old_location();
  bool found = false;
  for (auto pos = text.find(old); pos != std::string_view::npos; pos = text.find(old, pos + 1)) {
    std::size_t end = pos + old.size();
    bool left = pos == 0 || !is_name_char(text[pos - 1]);
    bool right = end == text.size() || !is_name_char(text[end]) || text[end] == '/';
    if (text[end - 1] == '/') right = true;
    if (end < text.size() && text[end] == '.') right = false;
    if (!left || !right) continue;
    found = true;
    if (plan.moves()) out.replace(pos, old.size(), plan.new_location(), "text.location");
  }
  return found;
}

// Spark's and Hive's warehouse layout stores table db.t under `<warehouse>/db.db/t/`: the segment
// pair at s names a table. 1: the dataset (moved when the location moves); -1: another table of a
// warehouse (its table segment may equal the dataset's, but it is not the dataset); 0: not that
// layout, or a location with fewer than two parts.
int warehouse_table(std::string_view text, const std::vector<Segment>& segs, std::size_t s, const Plan& plan,
                    Sink& out) {
  const auto& old = plan.old_parts();
  std::string_view db = seg_text(text, segs[s]);
  if (old.size() < 2 || s + 1 >= segs.size() || db.size() <= 3 || !iequals(db.substr(db.size() - 3), ".db"))
    return 0;
  db = db.substr(0, db.size() - 3);
  std::string_view table = seg_text(text, segs[s + 1]);
  if (!iequals(db, old[old.size() - 2]) || !iequals(table, old.back())) return -1;
  if (!plan.moves()) return 1;
  auto repl = plan.new_suffix(2);
  if (repl.size() != 2) {
    out.review(segs[s].begin, "warehouse path names " + plan.dataset_label() + "; move it to " +
                                  plan.new_location() + " by hand");
    return 1;
  }
  if (db != repl[0]) out.replace(segs[s].begin, db.size(), repl[0], "text.location");
  if (table != repl[1]) out.replace(segs[s + 1].begin, table.size(), repl[1], "text.location");
  return 1;
}

}  // namespace

bool rewrite_location_text(std::string_view text, const Plan& plan, Sink& out, bool table_argument) {
  return rewrite_location_text(text, plan, out, table_argument, nullptr);
}

bool rewrite_location_text(std::string_view text, const Plan& plan, Sink& out, bool table_argument,
                           bool* names_other) {
  const auto& old = plan.old_parts();
  if (old.empty()) return false;
  if (plan.location_is_path()) return path_location(text, plan, out);
  bool found = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_name_char(text[i])) {
      ++i;
      continue;
    }
    // A run of name characters and separators ('.' for table names, '/' for paths).
    std::size_t b = i;
    while (i < text.size() && (is_name_char(text[i]) || text[i] == '.' || text[i] == '/' || text[i] == ':'))
      ++i;
    std::size_t e = i;
    while (e > b && (text[e - 1] == '.' || text[e - 1] == ':')) --e;  // sentence punctuation
    std::string_view run = text.substr(b, e - b);
    // Every match ends with a segment equal to the old last part; most runs are plain words.
    if (!contains_ignoring_case(run, old.back())) continue;
    if (run.find('/') != std::string_view::npos && !route_like(text, b, run)) {
      // Path: consecutive whole segments equal to the last >= 2 parts of the table name.
      auto segs = segments(text, b, e, '/');
      for (std::size_t s = 0; s < segs.size(); ++s) {
        if (int w = warehouse_table(text, segs, s, plan, out); w != 0) {
          found = found || w > 0;
          if (w < 0 && names_other) *names_other = true;
          ++s;  // the table segment is settled
          continue;
        }
        for (std::size_t k = std::min(old.size(), segs.size() - s); k >= 1; --k) {
          if (!old_suffix(text, segs, s, k, plan)) continue;
          found = true;
          if (k == 1) {
            out.review(segs[s].begin, "path segment " + std::string(seg_text(text, segs[s])) +
                                          " may be the storage of " + plan.dataset_label() + "; move it to " +
                                          plan.new_location() + " by hand if so");
          } else if (plan.moves()) {
            auto repl = plan.new_suffix(k);
            if (repl.size() == k) {
              for (std::size_t j = 0; j < k; ++j)
                if (seg_text(text, segs[s + j]) != repl[j])
                  out.replace(segs[s + j].begin, segs[s + j].end - segs[s + j].begin, repl[j],
                              "text.location");
            } else {
              out.review(segs[s].begin, "path names " + plan.dataset_label() + "; move it by hand");
            }
          }
          s += k - 1;
          break;
        }
      }
      continue;
    }
    if (run.find(':') != std::string_view::npos) continue;  // a URL or key:value, not a table name
    auto parts = segments(text, b, e, '.');
    for (std::size_t k = std::min(old.size(), parts.size()); k >= 1; --k) {
      if (k == 1 && !(table_argument && parts.size() == 1)) break;
      if (!old_suffix(text, parts, 0, k, plan)) continue;
      found = true;
      if (!plan.moves()) break;
      // The whole old location spelled (a bare `visits` that was the location) becomes the whole
      // new one, as in SQL.
      auto repl = k == old.size() ? plan.new_suffix(std::size_t(-1)) : plan.new_suffix(k);
      if (repl.size() == k) {
        for (std::size_t j = 0; j < k; ++j)
          if (seg_text(text, parts[j]) != repl[j])
            out.replace(parts[j].begin, parts[j].end - parts[j].begin, repl[j], "text.location");
      } else {
        std::string joined;
        for (std::size_t j = 0; j < repl.size(); ++j) joined += (j ? "." : "") + repl[j];
        out.replace(parts[0].begin, parts[k - 1].end - parts[0].begin, joined, "text.location");
      }
      break;
    }
  }
  return found;
}

}  // namespace shepherd::rewrite
