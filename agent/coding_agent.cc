// Implementation of coding_agent.h.
#include "agent/coding_agent.h"

#include <fstream>

#include "agent/containment.h"
#include "agent/prompt.h"
#include "agent/subprocess.h"

namespace shepherd::agent {

CodingAgentRound run_coding_agent(const Task& task, const Workspace& ws,
                                  const std::vector<ReviewItem>& review, const VerifyResult& verify,
                                  int iteration, const Deadline& deadline, const Log& log) {
  CodingAgentRound round;
  const auto prompt_file = ws.root() / ("prompt-" + std::to_string(iteration) + ".md");
  {
    std::ofstream out(prompt_file, std::ios::binary | std::ios::trunc);
    out << build_prompt(task, review, verify, iteration);
  }
  const std::vector<std::string> ignored = {"home", prompt_file.filename().string()};
  TreeSnapshot before = snapshot(ws.repo(), ws.root(), ignored);

  RunOptions o;
  o.cwd = ws.repo().string();
  o.merge_stderr = true;
  o.max_output = std::size_t{64} * 1024;
  o.timeout = deadline.cap(std::chrono::hours(1));
  o.unset_env = {"SHEPHERD_TASK", "GIT_ASKPASS", "GIT_SSH_COMMAND", "SSH_AUTH_SOCK",
                 "SHEPHERD_GIT_TOKEN_FILE"};
  o.env["SHEPHERD_PROMPT_FILE"] = prompt_file.string();
  o.env["SHEPHERD_REPOSITORY"] = ws.repo().string();
  o.env["SHEPHERD_ITERATION"] = std::to_string(iteration);
  o.env["HOME"] = ws.home().string();
  o.env["TMPDIR"] = ws.home().string();
  log.info("coding agent round " + std::to_string(iteration) + ": running " +
           task.agent.coding_agent.command[0]);
  RunResult r = run(task.agent.coding_agent.command, o);
  round.exit_code = r.exit_code;
  round.timed_out = r.timed_out;
  std::string tail = r.out.size() > 2000 ? r.out.substr(r.out.size() - 2000) : r.out;
  log.info("coding agent round " + std::to_string(iteration) + " exited " + std::to_string(r.exit_code) +
           (r.started ? "" : " (" + r.err + ")") + "; output tail:\n" + tail);

  TreeSnapshot after = snapshot(ws.repo(), ws.root(), ignored);
  round.violations = violations(ws.repo(), before, after);
  return round;
}

}  // namespace shepherd::agent
