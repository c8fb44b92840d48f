// The migrate action (actions.h): clone, rewrite, coding agent, verify, diff, publish.
#include <iostream>
#include <memory>

#include "agent/actions.h"
#include "agent/coding_agent.h"
#include "agent/diff_store.h"
#include "agent/git.h"
#include "agent/publish.h"
#include "agent/rewrite_step.h"
#include "agent/verify.h"

namespace shepherd::agent {
namespace {

// Stages the tree, runs the verification on it and puts the tree back to exactly what was staged
// (build outputs of the verification are never committed). Returns the tree id.
std::string stage_and_verify(const Git& git, const Task& task, const Workspace& ws, const Deadline& deadline,
                             const Log& log, const std::string& base_tree, VerifyResult& verify) {
  std::string tree = git.stage_all();
  if (tree != base_tree) {
    verify =
        run_verify(task.consumer.verify, ws.repo() / task.consumer.repository.path, ws.home(), deadline, log);
    git.reset_to_index();
  } else {
    verify = VerifyResult{};
  }
  return tree;
}

}  // namespace

void migrate(const Task& task, const Environment& env, const Credentials& creds, const Deadline& deadline,
             const Log& log, AgentResult& result, std::string& diff_out) {
  Workspace ws(env.workdir, task.consumer.name + "-" + std::to_string(task.attempt));
  std::string base, base_tree;
  {
    GitAuth auth(creds, ws.root());
    Git git(ws.repo(), auth.env(), log, deadline);
    git.clone(task.consumer.repository.url, task.consumer.repository.revision);
  }
  Git git(ws.repo(),
          {{"GIT_TERMINAL_PROMPT", "0"},
           {"GIT_CONFIG_NOSYSTEM", "1"},
           {"GIT_CONFIG_GLOBAL", "/dev/null"},
           {"HOME", ws.home().string()}},
          log, deadline);
  base = git.rev_parse("HEAD");
  base_tree = git.rev_parse("HEAD^{tree}");
  log.info("cloned " + task.consumer.repository.revision + " at " + base);

  const std::int64_t size = tree_bytes(ws.repo(), task.limits.max_repo_bytes);
  if (size > task.limits.max_repo_bytes) {
    throw std::runtime_error("the repository is larger than task.limits.maxRepoBytes (" +
                             std::to_string(task.limits.max_repo_bytes) + " bytes)");
  }
  if (!task.consumer.repository.path.empty() &&
      !std::filesystem::is_directory(ws.repo() / task.consumer.repository.path)) {
    throw std::runtime_error("task.consumer.repository.path: '" + task.consumer.repository.path +
                             "' is not a directory in the repository at " +
                             task.consumer.repository.revision);
  }

  RewriteOutcome rw = rewrite_repository(task, ws.repo());
  for (const auto& note : rw.notes) log.info(note);
  log.info("rewrite: " + std::to_string(rw.edits) + " edit(s) in " + std::to_string(rw.files_changed) +
           " of " + std::to_string(rw.files_scanned) + " file(s), " + std::to_string(rw.review.size()) +
           " review item(s)");
  result.edits = rw.edits;
  std::vector<ReviewItem> review = rw.review;

  VerifyResult verify;
  std::string tree = stage_and_verify(git, task, ws, deadline, log, base_tree, verify);

  const auto& ca = task.agent.coding_agent;
  for (int round = 1; !ca.command.empty() && round <= ca.max_iterations; ++round) {
    if (review.empty() && verify_passed(verify)) break;
    if (deadline.expired()) break;
    CodingAgentRound r = run_coding_agent(task, ws, review, verify, round, deadline, log);
    if (!r.violations.empty()) {
      std::string what;
      for (const auto& v : r.violations) what += (what.empty() ? "" : "; ") + v;
      throw std::runtime_error("the coding agent left the repository (" + what + "); nothing was published");
    }
    // The engine tells what is still left (and picks up anything the agent reintroduced).
    RewriteOutcome again = rewrite_repository(task, ws.repo());
    result.edits += again.edits;
    review = again.review;
    rw.mentions = again.mentions;
    tree = stage_and_verify(git, task, ws, deadline, log, base_tree, verify);
  }

  result.review = review;
  result.review_count = review.size();
  result.verify = verify;
  diff_out = git.staged_diff();
  result.files_changed = static_cast<int>(git.staged_files().size());
  result.diff = store_diff(task, diff_out, review, log);

  if (tree == base_tree) {
    result.edits = 0;
    // No false all-clear: a repository that names the dataset is never "NoChanges".
    NoChangeDecision d = decide_without_change(
        review, rw.mentions,
        task.dataset.from.location.empty() ? task.dataset.name : task.dataset.from.location,
        changed_fields(task));
    result.outcome = d.outcome;
    result.message = d.message;
    result.review = d.review;
    return;
  }
  if (!verify_passed(verify)) {
    result.outcome = Outcome::Failed;
    result.message =
        std::string("verification ") +
        (verify.timed_out ? "timed out" : "failed with exit code " + std::to_string(verify.exit_code)) +
        "; nothing was published (the diff is in the diff ConfigMap)";
    return;
  }
  result.outcome = review.empty() ? Outcome::Changed : Outcome::NeedsReview;
  if (task.agent.mode == Mode::DryRun) {
    result.message =
        "dry run: " + std::to_string(result.files_changed) + " file(s) would change; nothing was pushed";
    return;
  }

  GitAuth auth(creds, ws.root());
  Git publisher(ws.repo(), auth.env(), log, deadline);
  PushOutcome pushed =
      push_change(publisher, task, tree, base,
                  commit_message(task, result.edits, result.files_changed, review.size()), log);
  result.commit = pushed.commit;
  result.branch = task.agent.branch;
  result.message = (pushed.pushed ? "pushed " : "already published on ") + task.agent.branch;
  if (task.agent.mode == Mode::PullRequest) {
    result.pull_request = ensure_pull_request(task, creds.token, pull_request_body(task, result), log);
    result.message += "; pull request " + result.pull_request;
  }
  if (result.outcome == Outcome::NeedsReview)
    result.message += "; " + std::to_string(review.size()) + " place(s) need review";
}

}  // namespace shepherd::agent
