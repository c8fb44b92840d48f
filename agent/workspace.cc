// Implementation of workspace.h.
#include "agent/workspace.h"

#include <stdlib.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace shepherd::agent {
namespace fs = std::filesystem;

Environment Environment::from_process_env() {
  Environment e;
  if (const char* v = std::getenv("SHEPHERD_WORKDIR"); v != nullptr && *v != '\0') e.workdir = v;
  if (const char* v = std::getenv("SHEPHERD_GIT_CREDENTIALS_DIR"); v != nullptr && *v != '\0')
    e.credentials_dir = v;
  return e;
}

Workspace::Workspace(const fs::path& workdir, const std::string& label) {
  std::error_code ec;
  fs::create_directories(workdir, ec);
  std::string safe;
  for (char c : label) safe += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-') ? c : '_';
  std::string tmpl = (workdir / ("run-" + safe.substr(0, 60) + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("cannot create a workspace under " + workdir.string());
  root_ = tmpl;
  fs::permissions(root_, fs::perms::owner_all, fs::perm_options::replace);
  fs::create_directory(home());
}

Workspace::~Workspace() {
  std::error_code ec;
  // The clone may contain read-only files (packs); make them writable so remove_all succeeds.
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(root_, ec);
}

std::int64_t tree_bytes(const fs::path& dir, std::int64_t stop_after) {
  std::int64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += static_cast<std::int64_t>(it->file_size(ec));
    if (total > stop_after) break;
  }
  return total;
}

}  // namespace shepherd::agent
