// Publishing a migrated tree: one commit on `agent.branch` pushed to origin, idempotently, and
// (PullRequest mode) one open pull/merge request for it.
//
// Idempotence: when the remote branch already exists and its tree equals the new tree, its commit
// is reused and nothing is pushed. When it exists with another tree and its tip was made by
// Shepherd for this plan and consumer (commit trailers), it is replaced with a lease on the old
// tip. Any other existing branch is never overwritten: publishing fails and names the branch.
#pragma once

#include <string>

#include "agent/git.h"
#include "agent/task.h"

namespace shepherd::agent {

// The trailers that mark a commit as Shepherd's for this task (also checked by rollback).
std::string commit_trailers(const Task& task);
std::string commit_message(const Task& task, int edits, int files_changed, std::size_t review_count);

struct PushOutcome {
  std::string commit;
  bool pushed = false;  // false: the remote already had exactly this tree
};

// `tree`: the staged tree; `base`: the commit it was made from.
PushOutcome push_change(const Git& git, const Task& task, const std::string& tree, const std::string& base,
                        const std::string& message, const Log& log);

// Opens (or finds) the pull request for task.agent.branch; returns its URL.
std::string ensure_pull_request(const Task& task, const std::string& token, const std::string& body,
                                const Log& log);

// Text of the pull request: summary, review items, verification, how to get the diff.
std::string pull_request_body(const Task& task, const AgentResult& result);

}  // namespace shepherd::agent
