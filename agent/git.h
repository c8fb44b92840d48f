// The git operations the agent needs, each one `git` run with an argv in the workspace with the
// credential environment of GitAuth. Failures throw GitError with a redacted message.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/deadline.h"
#include "agent/log.h"
#include "agent/subprocess.h"

namespace shepherd::agent {

struct GitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options every git invocation gets: no hooks, no credential helpers, no pager or colour.
std::vector<std::string> git_base_argv(const std::filesystem::path& repo);

class Git {
 public:
  Git(std::filesystem::path repo, std::map<std::string, std::string> env, const Log& log,
      const Deadline& deadline);

  const std::filesystem::path& repo() const { return repo_; }

  // Runs `git <args>` in the repository; never throws.
  RunResult run(const std::vector<std::string>& args, const std::string& stdin_data = "",
                const std::map<std::string, std::string>& extra_env = {}) const;
  // Like run, but throws GitError naming the command (redacted) when git fails; returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& stdin_data = "",
                 const std::map<std::string, std::string>& extra_env = {}) const;

  // --- higher-level steps ---
  // git init + fetch --depth 1 of `revision` (branch, tag or commit; falls back to a full fetch
  // when the server refuses a shallow fetch of a commit id) + detached checkout of it.
  void clone(const std::string& url, const std::string& revision) const;
  // Commit id of refs/heads/<branch> on origin, or nullopt when the branch does not exist.
  std::optional<std::string> remote_branch(const std::string& branch) const;
  // Fetches origin's <branch> into refs/shepherd/<name> with the given depth (0 = full history).
  void fetch_branch(const std::string& branch, const std::string& local_ref, int depth) const;
  std::string rev_parse(const std::string& rev) const;
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const;
  // Stages the whole working tree and returns its tree id.
  std::string stage_all() const;
  // Puts the working tree back to exactly the index (removes everything untracked, even ignored).
  void reset_to_index() const;
  // Unified diff of the index against HEAD (what would be committed).
  std::string staged_diff() const;
  // Paths changed between HEAD and the index.
  std::vector<std::string> staged_files() const;
  // Commit of `tree` with parent `parent`, authored and committed by `name <email>`.
  std::string commit_tree(const std::string& tree, const std::string& parent, const std::string& message,
                          const std::string& name, const std::string& email) const;
  // Pushes `commit` to refs/heads/<branch> only if the remote still has `expected` there
  // ("" = the branch must not exist).
  void push(const std::string& commit, const std::string& branch, const std::string& expected) const;
  // Deletes refs/heads/<branch> on origin only if it still points at `expected`.
  void delete_remote_branch(const std::string& branch, const std::string& expected) const;

 private:
  std::filesystem::path repo_;
  std::map<std::string, std::string> env_;
  const Log& log_;
  const Deadline& deadline_;
};

}  // namespace shepherd::agent
