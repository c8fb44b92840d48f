// Implementation of credentials.h.
#include "agent/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "base/files.h"

namespace shepherd::agent {
namespace fs = std::filesystem;
namespace {

std::string first_line(std::string s) {
  auto nl = s.find_first_of("\r\n");
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

void write_private(const fs::path& p, const std::string& content, fs::perms perms) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + p.string());
    out << content;
  }
  fs::permissions(p, perms, fs::perm_options::replace);
}

// The askpass program git runs with a prompt as $1. It reads the token from the mounted file, so
// neither this script nor any argv ever holds the secret.
constexpr const char* kAskpass =
    "#!/bin/sh\n"
    "# shepherd-agent askpass: answers git's credential prompts from the mounted secret.\n"
    "case \"$1\" in\n"
    "  [Uu]sername*) printf '%s\\n' \"$SHEPHERD_GIT_USERNAME\" ;;\n"
    "  *) head -n 1 \"$SHEPHERD_GIT_TOKEN_FILE\" ;;\n"
    "esac\n";

}  // namespace

Credentials load_credentials(const fs::path& dir) {
  Credentials c;
  std::error_code ec;
  if (fs::is_regular_file(dir / "token", ec)) {
    c.token_file = dir / "token";
    c.token = first_line(base::read_file_or_empty(c.token_file));
    if (c.token.empty()) c.token_file.clear();
  }
  if (fs::is_regular_file(dir / "username", ec)) {
    std::string u = first_line(base::read_file_or_empty(dir / "username"));
    if (!u.empty()) c.username = u;
  }
  if (fs::is_regular_file(dir / "ssh-privatekey", ec)) c.ssh_key_file = dir / "ssh-privatekey";
  if (fs::is_regular_file(dir / "known_hosts", ec)) c.known_hosts_file = dir / "known_hosts";
  return c;
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char ch : word) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string ssh_command(const fs::path& key, const fs::path& known_hosts, const fs::path& private_dir) {
  std::string cmd = "ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes";
  if (!key.empty()) cmd += " -i " + shell_quote(key.string());
  if (!known_hosts.empty()) {
    cmd += " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + shell_quote(known_hosts.string());
  } else {
    cmd += " -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=" +
           shell_quote((private_dir / "known_hosts").string());
  }
  return cmd;
}

GitAuth::GitAuth(const Credentials& credentials, const fs::path& parent) {
  fs::create_directories(parent);
  std::string tmpl = (parent / "git-auth-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("cannot create a private directory in " + parent.string());
  dir_ = tmpl;
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace);

  env_["GIT_TERMINAL_PROMPT"] = "0";
  env_["GIT_CONFIG_NOSYSTEM"] = "1";
  env_["GIT_CONFIG_GLOBAL"] = "/dev/null";
  env_["HOME"] = dir_.string();        // nothing of a user's ~/.gitconfig or ~/.ssh applies
  env_["GIT_ASKPASS"] = "/bin/false";  // never prompt for a password we do not have
  env_["SSH_ASKPASS"] = "/bin/false";
  if (credentials.has_token()) {
    write_private(dir_ / "askpass", kAskpass, fs::perms::owner_read | fs::perms::owner_exec);
    env_["GIT_ASKPASS"] = (dir_ / "askpass").string();
    env_["SHEPHERD_GIT_TOKEN_FILE"] = credentials.token_file.string();
    env_["SHEPHERD_GIT_USERNAME"] = credentials.username;
  }
  fs::path key;
  if (credentials.has_ssh_key()) {
    // ssh refuses keys readable by others; secret volumes are often 0644, so use a 0600 copy.
    key = dir_ / "id";
    std::string material = base::read_file_or_empty(credentials.ssh_key_file);
    if (!material.empty() && material.back() != '\n') material += '\n';
    write_private(key, material, fs::perms::owner_read | fs::perms::owner_write);
  }
  fs::path known_hosts;
  if (!credentials.known_hosts_file.empty()) {
    known_hosts = dir_ / "known_hosts.pinned";
    write_private(known_hosts, base::read_file_or_empty(credentials.known_hosts_file),
                  fs::perms::owner_read | fs::perms::owner_write);
  }
  env_["GIT_SSH_COMMAND"] = ssh_command(key, known_hosts, dir_);
}

GitAuth::~GitAuth() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace shepherd::agent
