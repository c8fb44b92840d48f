// Implementation of publish.h.
#include "agent/publish.h"

#include "agent/forge.h"

namespace shepherd::agent {

std::string commit_trailers(const Task& task) {
  return "Shepherd-Plan: " + task.namespace_ + "/" + task.plan +
         "\nShepherd-Consumer: " + task.consumer.name + "\n";
}

std::string commit_message(const Task& task, int edits, int files_changed, std::size_t review_count) {
  std::string m =
      "Migrate " + task.consumer.name + " to " + task.dataset.name + " v" + task.dataset.to.version + "\n\n";
  m += "Shepherd rewrote " + std::to_string(edits) + " reference(s) in " + std::to_string(files_changed) +
       " file(s) for the schema change of " + task.dataset.name + " (v" + task.dataset.from.version +
       " -> v" + task.dataset.to.version + ").\n";
  if (review_count > 0) m += std::to_string(review_count) + " place(s) need a person's review.\n";
  m += "\n" + commit_trailers(task);
  return m;
}

PushOutcome push_change(const Git& git, const Task& task, const std::string& tree, const std::string& base,
                        const std::string& message, const Log& log) {
  const std::string& branch = task.agent.branch;
  PushOutcome out;
  std::string expected;
  if (auto remote = git.remote_branch(branch)) {
    git.fetch_branch(branch, "refs/shepherd/published", 1);
    const std::string remote_tree = git.rev_parse("refs/shepherd/published^{tree}");
    if (remote_tree == tree) {
      log.info("branch " + branch + " already has this change at " + *remote + "; not pushing again");
      out.commit = *remote;
      return out;
    }
    std::string remote_message = git.ok({"log", "-1", "--format=%B", "refs/shepherd/published"});
    if (remote_message.find(commit_trailers(task)) == std::string::npos) {
      throw GitError("branch " + branch + " already exists on the remote and was not made by Shepherd for " +
                     task.consumer.name + "; delete it or choose another task.agent.branch");
    }
    log.info("branch " + branch + " has an earlier Shepherd change for this consumer; replacing it");
    expected = *remote;
  }
  out.commit = git.commit_tree(tree, base, message, task.agent.author.name, task.agent.author.email);
  git.push(out.commit, branch, expected);
  out.pushed = true;
  log.info("pushed " + out.commit + " to " + branch);
  return out;
}

std::string ensure_pull_request(const Task& task, const std::string& token, const std::string& body,
                                const Log& log) {
  const auto& settings = *task.agent.pull_request;
  auto forge = make_forge(settings, task.consumer.repository.url, token);
  if (auto existing = forge->find_open(task.agent.branch)) {
    log.info("pull request already open: " + existing->url);
    return existing->url;
  }
  const std::string base = settings.base.empty() ? task.consumer.repository.revision : settings.base;
  const std::string title =
      "Migrate " + task.consumer.name + " to " + task.dataset.name + " v" + task.dataset.to.version;
  PullRequest pr = forge->create(task.agent.branch, base, title, body);
  log.info("opened pull request " + pr.url);
  return pr.url;
}

std::string pull_request_body(const Task& task, const AgentResult& result) {
  std::string b = "Automated migration by [Shepherd](https://shepherd.dev) for plan `" + task.plan +
                  "` (namespace `" + task.namespace_ + "`), consumer `" + task.consumer.name + "`.\n\n";
  b += "Dataset `" + task.dataset.name + "` v" + task.dataset.from.version + " → v" +
       task.dataset.to.version + ": " + std::to_string(result.edits) + " edit(s) in " +
       std::to_string(result.files_changed) + " file(s).\n\n";
  if (result.verify.ran) {
    b += "Verification exited " + std::to_string(result.verify.exit_code) + " after " +
         std::to_string(static_cast<int>(result.verify.seconds)) + " s.\n\n";
  }
  if (!result.review.empty()) {
    b += "**Needs review** (" + std::to_string(result.review.size()) + "):\n\n";
    std::size_t shown = 0;
    for (const auto& r : result.review) {
      if (++shown > 50) {
        b += "- … and " + std::to_string(result.review.size() - 50) + " more\n";
        break;
      }
      b += "- `" + r.file + ":" + std::to_string(r.line) + "` " + r.message + "\n";
    }
    b += "\n";
  }
  b += "Full diff: `kubectl -n " + task.namespace_ + " get configmap " + task.diff.config_map +
       " -o jsonpath='{.data.diff}'`\n";
  return b;
}

}  // namespace shepherd::agent
