// Implementation of containment.h.
#include "agent/containment.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/files.h"

namespace shepherd::agent {
namespace fs = std::filesystem;
namespace {

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.lexically_normal();
  auto n = p.lexically_normal();
  auto [ri, ni] = std::mismatch(r.begin(), r.end(), n.begin(), n.end());
  // A trailing empty element of "root/" is fine.
  return ri == r.end() || (std::next(ri) == r.end() && ri->empty());
}

void record_git(const fs::path& git, const fs::path& p, std::map<std::string, std::string>& out) {
  std::error_code ec;
  auto st = fs::symlink_status(p, ec);
  if (ec) return;
  const std::string rel = p.lexically_relative(git).string();
  if (fs::is_symlink(st)) {
    out[rel] = "symlink:" + fs::read_symlink(p, ec).string();
  } else if (fs::is_directory(st)) {
    std::vector<fs::path> children;
    for (const auto& e : fs::directory_iterator(p, ec)) children.push_back(e.path());
    std::sort(children.begin(), children.end());
    out[rel] = "dir";
    for (const auto& c : children) record_git(git, c, out);
  } else if (fs::is_regular_file(st)) {
    out[rel] =
        "file:" + std::to_string(static_cast<int>(st.permissions())) + ":" + base::read_file_or_empty(p);
  } else {
    out[rel] = "special";
  }
}

}  // namespace

bool symlink_stays_inside(const fs::path& repo, const std::string& link, const std::string& target) {
  fs::path root = fs::absolute(repo).lexically_normal();
  fs::path t(target);
  fs::path resolved = t.is_absolute() ? t : (root / fs::path(link).parent_path() / t);
  if (!inside(root, resolved.lexically_normal())) return false;
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(resolved, ec);
  fs::path canon_root = fs::weakly_canonical(root, ec);
  return ec || inside(canon_root, canon);
}

TreeSnapshot snapshot(const fs::path& repo, const fs::path& workspace,
                      const std::vector<std::string>& ignored) {
  TreeSnapshot s;
  const fs::path git = repo / ".git";
  s.git_state[""] = fs::is_symlink(git) ? "symlink" : (fs::is_directory(git) ? "dir" : "missing");
  for (const char* name : {"HEAD", "config", "refs", "packed-refs", "hooks", "info", "shallow",
                           "objects/info", "commondir", "modules"}) {
    if (fs::exists(fs::symlink_status(git / name))) record_git(git, git / name, s.git_state);
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(repo, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it.depth() == 0 && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec)) {
      s.symlinks[it->path().lexically_relative(repo).string()] = fs::read_symlink(it->path(), ec).string();
    }
  }
  for (const auto& e : fs::directory_iterator(workspace, ec)) {
    std::string name = e.path().filename().string();
    if (e.path() == repo || std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
    s.workspace_entries.push_back(name);
  }
  std::sort(s.workspace_entries.begin(), s.workspace_entries.end());
  return s;
}

std::vector<std::string> violations(const fs::path& repo, const TreeSnapshot& before,
                                    const TreeSnapshot& after) {
  std::vector<std::string> out;
  for (const auto& [path, content] : after.git_state) {
    auto it = before.git_state.find(path);
    if (it == before.git_state.end()) {
      out.push_back(".git/" + path + " was created");
    } else if (it->second != content) {
      out.push_back(".git/" + path + " was modified");
    }
  }
  for (const auto& [path, content] : before.git_state) {
    if (!after.git_state.contains(path)) out.push_back(".git/" + path + " was removed");
  }
  for (const auto& [link, target] : after.symlinks) {
    auto it = before.symlinks.find(link);
    if (it != before.symlinks.end() && it->second == target) continue;
    if (!symlink_stays_inside(repo, link, target)) {
      out.push_back("symlink " + link + " -> " + target + " points outside the repository");
    }
  }
  if (before.workspace_entries != after.workspace_entries) {
    out.push_back("files beside the repository in the workspace were created or removed");
  }
  return out;
}

}  // namespace shepherd::agent
