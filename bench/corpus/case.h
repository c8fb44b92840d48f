// A corpus case (bench/corpus/cases/<family>-<name>.yaml, format in bench/corpus/README.md): which
// repository at which commit, the task given to the agent, and the hand-written expectation for
// every occurrence of the tracked names. load_case() reads and validates one file; every problem
// is reported (a case with errors is not run).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shepherd::corpus {

enum class Class { Edit, Review, Leave };

// One hand-classified place: the occurrences of `token` on `line` of `file` (path relative to the
// repository root, line 1-based in the original file).
struct ExpectRow {
  std::string file;
  int line = 0;
  std::string token;
  Class cls = Class::Leave;
  std::vector<std::string> to;  // edit: accepted replacement texts of the token occurrence
  bool also_review = false;     // edit: a review item there instead is acceptable
  std::string reason;
};

// Every tracked occurrence in files matching `glob` is `leave` (unless a row classifies it).
struct LeaveGlob {
  std::string glob;
  std::string reason;
};

struct Case {
  std::string id, family, repository, commit, path, why;
  nlohmann::json dataset;  // exactly the agent task's "dataset"
  nlohmann::json changes;  // exactly the agent task's "changes"
  std::vector<std::string> tracked;
  std::vector<ExpectRow> expect;
  std::vector<LeaveGlob> leave;
  std::vector<std::string> dropped;  // fields dropped by `changes` (derived)
};

struct LoadResult {
  Case value;
  std::vector<std::string> errors;  // empty = valid
};

LoadResult load_case(const std::string& file);

// Case-insensitive ASCII equality (tracked names match ignoring case, like `grep -i`).
bool iequals(const std::string& a, const std::string& b);

// Glob over '/'-separated paths: `**` matches any run of characters (across '/'), `*` any run
// without '/', `?` one character other than '/'. A trailing "/**" also matches the directory's
// files at any depth.
bool glob_match(const std::string& glob, const std::string& path);

}  // namespace shepherd::corpus
