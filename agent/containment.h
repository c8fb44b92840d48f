// Checks that an external program (the coding agent) changed nothing but files inside the
// repository's working tree: .git state (HEAD, refs, config, hooks, info, shallow, alternates)
// is unchanged, no new or changed symlink points outside the repository, and nothing appeared or
// vanished next to the repository in the workspace.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace shepherd::agent {

struct TreeSnapshot {
  std::map<std::string, std::string> git_state;  // .git-relative path -> content
  std::map<std::string, std::string> symlinks;   // repo-relative path -> link target
  std::vector<std::string> workspace_entries;    // names beside the repository, sorted
};

TreeSnapshot snapshot(const std::filesystem::path& repo, const std::filesystem::path& workspace,
                      const std::vector<std::string>& ignored_workspace_entries);

// Whether `link` (a symlink at repo-relative path) with `target` resolves inside `repo`.
bool symlink_stays_inside(const std::filesystem::path& repo, const std::string& link,
                          const std::string& target);

// Human-readable violations, empty when `after` is acceptable.
std::vector<std::string> violations(const std::filesystem::path& repo, const TreeSnapshot& before,
                                    const TreeSnapshot& after);

}  // namespace shepherd::agent
