// The two actions of the agent. Each fills `result` as it goes, so that when a step throws
// (GitError, ForgeError, std::runtime_error) the caller reports Failed with what was done so far.
// `diff_out` receives the full unified diff (for the log).
#pragma once

#include <string>

#include "agent/credentials.h"
#include "agent/deadline.h"
#include "agent/log.h"
#include "agent/task.h"
#include "agent/workspace.h"

namespace shepherd::agent {

// migrate: clone, rewrite, optional coding agent rounds, verify, store the diff, publish.
// Outcome rules (docs/agent.md): no diff and no review -> NoChanges; failing verification ->
// Failed and nothing published; review items -> NeedsReview (published in Push/PullRequest mode
// when there is a verified diff); otherwise Changed.
void migrate(const Task& task, const Environment& env, const Credentials& creds, const Deadline& deadline,
             const Log& log, AgentResult& result, std::string& diff_out);

// rollback: close the pull request, then delete the branch when its tip is still the recorded
// commit, or push a revert of it when others committed on top; NoChanges when nothing is left.
void rollback(const Task& task, const Environment& env, const Credentials& creds, const Deadline& deadline,
              const Log& log, AgentResult& result);

}  // namespace shepherd::agent
