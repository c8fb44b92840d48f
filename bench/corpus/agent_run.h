// The I/O side of a case: a temporary local bare remote at the pinned commit (from the fetched
// mirror), a checkout of the original files, the real shepherd-agent run in Push mode against that
// remote, the pushed branch read back, and `grep -rlw -i` timed over the same checkout.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "case.h"
#include "score.h"

namespace shepherd::corpus {

struct RunConfig {
  std::string agent;    // path of shepherd-agent
  std::string mirrors;  // directory holding <owner>+<name>/… git directories
  bool keep = false;    // keep the temporary directory (printed)
};

// A case's temporary directory: remote.git (bare, branch corpus-base at the commit) and checkout/
// (the original files). Removed on destruction unless kept.
class Workspace {
 public:
  Workspace(const Case& c, const RunConfig& config);  // throws std::runtime_error with the reason
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::string& dir() const { return dir_; }
  std::string remote() const { return dir_ + "/remote.git"; }
  std::string checkout() const { return dir_ + "/checkout"; }

 private:
  std::string dir_;
  bool keep_ = false;
};

// The git directory of a fetched repository under `mirrors` ("" if there is none).
std::string find_git_dir(const std::string& mirrors, const std::string& repository);

struct AgentRun {
  Observed observed;                          // outcome, edits (from the pushed branch), review
  nlohmann::json result;                      // the complete result the agent printed
  std::map<std::string, std::string> pushed;  // changed file -> new content
  double wall_seconds = 0, cpu_seconds = 0;
  std::string stderr_tail;
};

// The task JSON given to the agent for this case (Push to the workspace's remote, no verify).
nlohmann::json make_task(const Case& c, const std::string& remote_url);

// Runs the agent and reads what it pushed; edits are the token diff of every changed file.
AgentRun run_agent(const Case& c, const Workspace& ws, const RunConfig& config);

struct Timing {
  double wall_seconds = 0, cpu_seconds = 0;
};

// `grep -rlw -i -e name…` over the case's scope in the checkout (fork/exec, no shell).
Timing time_grep(const Case& c, const Workspace& ws);

}  // namespace shepherd::corpus
