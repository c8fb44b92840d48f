// One run's private directory under SHEPHERD_WORKDIR (default /workspace, an emptyDir in the
// pod): repo/ (the clone), home/ (HOME for verification and the coding agent). Mode 0700, removed
// on destruction. Nothing the agent writes lives outside it (the termination log and the diff
// ConfigMap aside).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace shepherd::agent {

// Where the agent's inputs come from, read from the environment once in main.
struct Environment {
  std::filesystem::path workdir = "/workspace";                     // SHEPHERD_WORKDIR
  std::filesystem::path credentials_dir = "/var/run/shepherd/git";  // SHEPHERD_GIT_CREDENTIALS_DIR
  static Environment from_process_env();
};

class Workspace {
 public:
  // Throws std::runtime_error when the directory cannot be made.
  Workspace(const std::filesystem::path& workdir, const std::string& label);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path repo() const { return root_ / "repo"; }
  std::filesystem::path home() const { return root_ / "home"; }

 private:
  std::filesystem::path root_;
};

// Bytes of regular files under `dir`, not following symlinks; stops counting past `stop_after`.
std::int64_t tree_bytes(const std::filesystem::path& dir, std::int64_t stop_after);

}  // namespace shepherd::agent
