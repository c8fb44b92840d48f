// Pull requests on a git forge through its REST API: GitHub (REST v3 pulls) and GitLab (v4 merge
// requests). Find the open one for a branch, open one, close one. The token goes in the
// Authorization header only. Errors throw ForgeError with the API's status (never the token).
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent/task.h"

namespace shepherd::agent {

struct ForgeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PullRequest {
  std::string number;  // GitHub number or GitLab iid
  std::string url;     // html_url / web_url
};

class Forge {
 public:
  virtual ~Forge() = default;
  virtual std::optional<PullRequest> find_open(const std::string& branch) = 0;
  virtual PullRequest create(const std::string& branch, const std::string& base, const std::string& title,
                             const std::string& body) = 0;
  virtual void close(const PullRequest& pr) = 0;
};

// "owner/name" (GitHub) or "group/sub/project" (GitLab) from a clone URL:
// https://host/owner/name.git, ssh://git@host/owner/name.git, git@host:owner/name.git.
std::string project_from_url(const std::string& url);

std::unique_ptr<Forge> make_forge(const PullRequestSettings& settings, const std::string& repository_url,
                                  const std::string& token);

}  // namespace shepherd::agent
