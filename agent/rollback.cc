// The rollback action (actions.h): close the pull request, then restore the branch.
#include "agent/actions.h"
#include "agent/forge.h"
#include "agent/git.h"
#include "agent/publish.h"

namespace shepherd::agent {

void rollback(const Task& task, const Environment& env, const Credentials& creds, const Deadline& deadline,
              const Log& log, AgentResult& result) {
  const RollbackTarget& target = *task.rollback;
  const std::string branch = target.branch.empty() ? task.agent.branch : target.branch;
  result.branch = branch;
  std::vector<std::string> done;

  if (task.agent.pull_request && !branch.empty()) {
    auto forge = make_forge(*task.agent.pull_request, task.consumer.repository.url, creds.token);
    if (auto pr = forge->find_open(branch)) {
      forge->close(*pr);
      result.pull_request = pr->url;
      done.push_back("closed pull request " + pr->url);
      log.info("closed pull request " + pr->url);
    } else {
      result.pull_request = target.pull_request;
      log.info("no open pull request for " + branch);
    }
  }

  if (!target.commit.empty() && !branch.empty()) {
    Workspace ws(env.workdir, task.consumer.name + "-rollback-" + std::to_string(task.attempt));
    GitAuth auth(creds, ws.root());
    Git git(ws.repo(), auth.env(), log, deadline);
    std::filesystem::create_directories(ws.repo());
    git.ok({"init", "--quiet"});
    git.ok({"remote", "add", "origin", task.consumer.repository.url});
    auto tip = git.remote_branch(branch);
    if (!tip) {
      log.info("branch " + branch + " does not exist on the remote; nothing to revert");
    } else if (*tip == target.commit) {
      git.delete_remote_branch(branch, *tip);
      done.push_back("deleted branch " + branch + " (its tip was the migration commit)");
      log.info("deleted branch " + branch + " at " + *tip);
    } else {
      git.fetch_branch(branch, "refs/shepherd/rollback", 0);
      const std::string head = git.rev_parse("refs/shepherd/rollback");
      bool contains = git.run({"cat-file", "-e", target.commit + "^{commit}"}).exit_code == 0 &&
                      git.is_ancestor(target.commit, head);
      if (!contains) {
        log.info("branch " + branch + " no longer contains " + target.commit + "; left untouched");
      } else {
        git.ok({"checkout", "--quiet", "--detach", head});
        git.ok({"revert", "--no-commit", "--no-edit", target.commit});
        const std::string tree = git.ok({"write-tree"});
        std::string tree_id = tree.substr(0, tree.find_first_of("\r\n"));
        const std::string message = "Revert Shepherd migration of " + task.consumer.name +
                                    "\n\nThis reverts commit " + target.commit + ".\n\n" +
                                    commit_trailers(task);
        const std::string revert =
            git.commit_tree(tree_id, head, message, task.agent.author.name, task.agent.author.email);
        git.push(revert, branch, head);
        result.commit = revert;
        done.push_back("pushed revert " + revert + " to " + branch + " (others had committed on top)");
        log.info("pushed revert " + revert + " to " + branch);
      }
    }
  }

  if (done.empty()) {
    result.outcome = Outcome::NoChanges;
    result.message = "nothing published by the migration is left to roll back";
  } else {
    result.outcome = Outcome::Changed;
    for (const auto& d : done) result.message += (result.message.empty() ? "" : "; ") + d;
  }
}

}  // namespace shepherd::agent
