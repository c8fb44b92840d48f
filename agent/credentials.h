// Git credentials from the mounted secret directory (env SHEPHERD_GIT_CREDENTIALS_DIR, default
// /var/run/shepherd/git) and the environment that hands them to git without ever putting them in
// argv, URLs or logs: an askpass script for https tokens and an ssh command for keys, both in a
// private (0700) directory removed on destruction.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace shepherd::agent {

// Files in the secret directory (all optional):
//   token            https token (GitHub/GitLab personal or app token); also the forge API token
//   username         https user name sent with the token (default "x-access-token")
//   ssh-privatekey   private key for ssh:// and user@host:path URLs
//   known_hosts      pinned host keys; without it ssh accepts a new host key (logged as a warning)
struct Credentials {
  std::string token;  // the secret itself (held in memory only to redact it and for the forge API)
  std::string username = "x-access-token";
  std::filesystem::path token_file;
  std::filesystem::path ssh_key_file;
  std::filesystem::path known_hosts_file;
  bool has_token() const { return !token.empty(); }
  bool has_ssh_key() const { return !ssh_key_file.empty(); }
};

Credentials load_credentials(const std::filesystem::path& dir);

// Quotes one word for a POSIX shell ('…' with embedded quotes escaped); GIT_SSH_COMMAND is run by
// a shell, so every path put into it goes through this.
std::string shell_quote(const std::string& word);

// The ssh command for GIT_SSH_COMMAND given the key and known_hosts paths (known_hosts may be
// empty: then StrictHostKeyChecking=accept-new with a known_hosts in `private_dir`).
std::string ssh_command(const std::filesystem::path& key, const std::filesystem::path& known_hosts,
                        const std::filesystem::path& private_dir);

// RAII owner of the private directory with the askpass script and the ssh key copy.
class GitAuth {
 public:
  // Creates `parent`/git-auth-XXXXXX (mode 0700). Throws std::runtime_error on I/O failure.
  GitAuth(const Credentials& credentials, const std::filesystem::path& parent);
  ~GitAuth();
  GitAuth(const GitAuth&) = delete;
  GitAuth& operator=(const GitAuth&) = delete;

  // Environment for every git child process: askpass, ssh command, no prompts, no user config.
  const std::map<std::string, std::string>& env() const { return env_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace shepherd::agent
