// One round of the optional external coding agent (task.agent.codingAgent.command): writes the
// prompt file, runs the argv in the repository with SHEPHERD_PROMPT_FILE set and no git
// credentials in its environment, then checks that it stayed inside the repository.
#pragma once

#include <string>
#include <vector>

#include "agent/deadline.h"
#include "agent/log.h"
#include "agent/task.h"
#include "agent/workspace.h"

namespace shepherd::agent {

struct CodingAgentRound {
  int exit_code = 0;
  bool timed_out = false;
  std::vector<std::string> violations;  // non-empty: the round broke containment; the run fails
};

CodingAgentRound run_coding_agent(const Task& task, const Workspace& ws,
                                  const std::vector<ReviewItem>& review, const VerifyResult& verify,
                                  int iteration, const Deadline& deadline, const Log& log);

}  // namespace shepherd::agent
