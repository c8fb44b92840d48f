// Reading and validating a case file (contract in case.h).
#include "case.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string_view>
#include <tuple>

namespace shepherd::corpus {

namespace {

const std::set<std::string> kFamilies = {"dbt", "spark", "java", "airflow", "glue"};
const std::set<std::string> kChangeKinds = {"rename", "retype", "drop", "add"};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The task's dataset and changes are plain JSON objects of strings; YAML scalars become strings
// (a version written as 2 is "2", as the agent's task parser requires).
nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& v : n) a.push_back(to_json(v));
      return a;
    }
    case YAML::NodeType::Scalar:
      return n.as<std::string>();
    default:
      return nullptr;
  }
}

std::string str(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

bool is_hex40(const std::string& s) {
  return s.size() == 40 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

void read_changes(Case& c, std::vector<std::string>& errors) {
  if (!c.changes.is_array() || c.changes.empty()) {
    errors.push_back("changes: a non-empty list is required");
    return;
  }
  for (std::size_t i = 0; i < c.changes.size(); ++i) {
    const auto& ch = c.changes[i];
    const std::string at = "changes[" + std::to_string(i) + "]";
    if (!ch.is_object() || ch.size() != 1 || !kChangeKinds.count(ch.begin().key())) {
      errors.push_back(at + ": one key of rename, retype, drop, add");
      continue;
    }
    const auto& body = ch.begin().value();
    if (!body.is_object() || !body.contains("field")) {
      errors.push_back(at + ": field is required");
      continue;
    }
    if (ch.begin().key() == "drop") c.dropped.push_back(body["field"].get<std::string>());
    if (ch.begin().key() == "rename" && !body.contains("to"))
      errors.push_back(at + ".rename: to is required");
  }
}

void read_expect(const YAML::Node& doc, Case& c, std::vector<std::string>& errors) {
  std::set<std::tuple<std::string, int, std::string>> seen;
  const YAML::Node rows = doc["expect"];
  if (rows && !rows.IsSequence()) errors.push_back("expect: must be a list");
  for (std::size_t i = 0; rows && rows.IsSequence() && i < rows.size(); ++i) {
    const YAML::Node r = rows[i];
    const std::string at = "expect[" + std::to_string(i) + "]";
    ExpectRow row;
    row.file = str(r, "file");
    row.token = str(r, "token");
    row.reason = str(r, "reason");
    try {
      row.line = r["line"] ? r["line"].as<int>() : 0;
    } catch (const YAML::Exception&) {
      row.line = 0;
    }
    const std::string cls = str(r, "class");
    if (cls == "edit") {
      row.cls = Class::Edit;
    } else if (cls == "review") {
      row.cls = Class::Review;
    } else if (cls == "leave") {
      row.cls = Class::Leave;
    } else {
      errors.push_back(at + ".class: one of edit, review, leave (got '" + cls + "')");
    }
    if (r["to"]) {
      if (r["to"].IsSequence()) {
        for (const auto& t : r["to"]) row.to.push_back(t.as<std::string>());
      } else {
        row.to.push_back(r["to"].as<std::string>());
      }
    }
    const std::string also = str(r, "also");
    row.also_review = also == "review";
    if (!also.empty() && !row.also_review) errors.push_back(at + ".also: only 'review'");
    if (row.also_review && row.cls != Class::Edit) errors.push_back(at + ".also: only on an edit row");
    if (row.file.empty()) errors.push_back(at + ".file: required");
    if (row.line < 1) errors.push_back(at + ".line: a line number >= 1 is required");
    if (row.reason.empty()) errors.push_back(at + ".reason: required (why this class)");
    if (std::none_of(c.tracked.begin(), c.tracked.end(),
                     [&](const std::string& t) { return iequals(t, row.token); }))
      errors.push_back(at + ".token: '" + row.token + "' is not a tracked name");
    if (row.cls == Class::Edit && row.to.empty())
      errors.push_back(at + ".to: an edit row needs accepted replacements");
    if (row.cls != Class::Edit && !row.to.empty()) errors.push_back(at + ".to: only on an edit row");
    if (row.cls == Class::Edit && std::any_of(c.dropped.begin(), c.dropped.end(),
                                              [&](const std::string& d) { return iequals(d, row.token); }))
      errors.push_back(at + ".class: a use of a dropped field is review, not edit");
    if (!seen.insert({row.file, row.line, lower(row.token)}).second)
      errors.push_back(at + ": a second row for " + row.file + ":" + std::to_string(row.line) + ":" +
                       row.token);
    c.expect.push_back(std::move(row));
  }
  const YAML::Node globs = doc["leave"];
  for (std::size_t i = 0; globs && globs.IsSequence() && i < globs.size(); ++i) {
    LeaveGlob g{str(globs[i], "glob"), str(globs[i], "reason")};
    if (g.glob.empty() || g.reason.empty())
      errors.push_back("leave[" + std::to_string(i) + "]: glob and reason are required");
    c.leave.push_back(std::move(g));
  }
}

}  // namespace

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

namespace {

// Recursive matcher over the remaining glob and path (paths and globs are short).
bool glob_from(std::string_view g, std::string_view p) {
  if (g.empty()) return p.empty();
  if (g.substr(0, 2) == "**") {
    std::string_view rest = g.substr(2);
    if (!rest.empty() && rest[0] == '/' && glob_from(rest.substr(1), p)) return true;  // "**/" = no directory
    for (std::size_t i = 0; i <= p.size(); ++i)
      if (glob_from(rest, p.substr(i))) return true;
    return false;
  }
  if (g[0] == '*') {
    for (std::size_t i = 0; i <= p.size(); ++i) {
      if (glob_from(g.substr(1), p.substr(i))) return true;
      if (i < p.size() && p[i] == '/') break;
    }
    return false;
  }
  if (p.empty()) return false;
  if (g[0] == '?' ? p[0] == '/' : g[0] != p[0]) return false;
  return glob_from(g.substr(1), p.substr(1));
}

}  // namespace

bool glob_match(const std::string& glob, const std::string& path) { return glob_from(glob, path); }

LoadResult load_case(const std::string& file) {
  LoadResult out;
  Case& c = out.value;
  auto& errors = out.errors;
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    errors.push_back(std::string("not YAML: ") + e.what());
    return out;
  }
  if (!doc.IsMap()) {
    errors.push_back("the case is not a mapping");
    return out;
  }
  c.id = str(doc, "id");
  c.family = str(doc, "family");
  c.repository = str(doc, "repository");
  c.commit = str(doc, "commit");
  c.path = str(doc, "path");
  c.why = str(doc, "why");
  const std::string stem = std::filesystem::path(file).stem().string();
  if (c.id != stem) errors.push_back("id: must equal the file stem '" + stem + "' (got '" + c.id + "')");
  if (!kFamilies.count(c.family))
    errors.push_back("family: one of dbt, spark, java, airflow, glue (got '" + c.family + "')");
  if (c.id.rfind(c.family + "-", 0) != 0) errors.push_back("id: must start with the family and '-'");
  if (c.repository.find('/') == std::string::npos) errors.push_back("repository: owner/name required");
  if (!is_hex40(c.commit)) errors.push_back("commit: 40 hex digits required");
  if (c.why.empty()) errors.push_back("why: required");
  if (c.path.find("..") != std::string::npos || (!c.path.empty() && c.path[0] == '/'))
    errors.push_back("path: relative, without '..'");
  c.dataset = doc["dataset"] ? to_json(doc["dataset"]) : nlohmann::json();
  if (!c.dataset.is_object() || !c.dataset.contains("name") || !c.dataset.contains("from") ||
      !c.dataset.contains("to"))
    errors.push_back("dataset: name, from and to are required");
  c.changes = doc["changes"] ? to_json(doc["changes"]) : nlohmann::json();
  read_changes(c, errors);
  if (doc["tracked"] && doc["tracked"].IsSequence()) {
    for (const auto& t : doc["tracked"]) c.tracked.push_back(t.as<std::string>());
  }
  if (c.tracked.empty()) errors.push_back("tracked: a non-empty list of names is required");
  read_expect(doc, c, errors);
  return out;
}

}  // namespace shepherd::corpus
