// Runs a program from an argv (never a shell string) in its own process group, with a deadline
// after which the whole group is killed, and captures its output.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace shepherd::agent {

struct RunOptions {
  std::string cwd;                         // "" = current directory
  std::map<std::string, std::string> env;  // added to (or overriding) the inherited environment
  std::vector<std::string> unset_env;      // removed from the inherited environment
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::string stdin_data;
  bool merge_stderr = false;           // stderr goes into `out` (interleaved as written)
  std::size_t max_output = 64u << 20;  // `out` and `err` keep at most this many last bytes
};

struct RunResult {
  int exit_code = -1;  // exit status; 128+signal if killed; 124 timed out; 127 could not start
  bool timed_out = false;
  bool started = false;
  double seconds = 0;
  std::string out;
  std::string err;
  bool out_truncated = false;  // `out` lost its beginning to max_output
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace shepherd::agent
