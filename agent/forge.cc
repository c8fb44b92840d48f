// Implementation of forge.h for GitHub, GitLab and Gitea.
#include "agent/forge.h"

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <thread>

#include "agent/http.h"

namespace shepherd::agent {
namespace {

using nlohmann::json;

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

class RestForge : public Forge {
 protected:
  RestForge(std::string api, std::string token)
      : api_(trim_slash(std::move(api))), token_(std::move(token)) {}

  json call(const std::string& method, const std::string& path, const json& body, const std::string& what) {
    HttpRequest req;
    req.method = method;
    req.url = api_ + path;
    req.headers["Authorization"] = auth_scheme() + " " + token_;
    req.headers["User-Agent"] = "shepherd-agent";
    req.headers["Accept"] = accept();
    req.headers["Content-Type"] = "application/json";
    if (!body.is_null()) req.body = body.dump();
    HttpResponse res = http_call(req);
    last_status_ = res.status;
    if (res.status == 0) throw ForgeError(what + ": " + method + " " + path + ": " + res.error);
    if (res.status < 200 || res.status >= 300) {
      throw ForgeError(what + ": " + method + " " + path + " returned HTTP " + std::to_string(res.status) +
                       ": " + res.body.substr(0, 300));
    }
    json j = json::parse(res.body, nullptr, false);
    if (j.is_discarded())
      throw ForgeError(what + ": " + method + " " + path + " returned a body that is not JSON");
    return j;
  }
  virtual std::string accept() const { return "application/json"; }
  virtual std::string auth_scheme() const { return "Bearer"; }

  // After a create failed: the open request of `branch` when the answer's status is one of
  // `exists` (one is already open for it: a race with another attempt), else nullopt.
  std::optional<PullRequest> adopt_existing(std::initializer_list<int> exists, const std::string& branch) {
    for (int status : exists)
      if (last_status_ == status) return find_open(branch);
    return std::nullopt;
  }

  static std::string id_string(const json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_string()) return v.get<std::string>();
    throw ForgeError("the API returned an object without a number");
  }

  std::string api_;
  std::string token_;
  int last_status_ = 0;
};

class GitHub final : public RestForge {
 public:
  GitHub(std::string api, std::string token, std::string repo)
      : RestForge(std::move(api), std::move(token)), repo_(std::move(repo)) {
    owner_ = repo_.substr(0, repo_.find('/'));
  }

  std::optional<PullRequest> find_open(const std::string& branch) override {
    json list = call("GET", "/repos/" + repo_ + "/pulls?state=open&head=" + url_encode(owner_ + ":" + branch),
                     nullptr, "finding the pull request");
    if (!list.is_array()) throw ForgeError("finding the pull request: expected a JSON array");
    for (const auto& pr : list) {
      // A forge that ignores `head` must not make us adopt someone else's pull request.
      if (pr.contains("head") && pr["head"].value("ref", "") != branch) continue;
      return PullRequest{id_string(pr.at("number")), pr.value("html_url", "")};
    }
    return std::nullopt;
  }

  PullRequest create(const std::string& branch, const std::string& base, const std::string& title,
                     const std::string& body) override {
    try {
      json pr = call("POST", "/repos/" + repo_ + "/pulls",
                     {{"title", title}, {"head", branch}, {"base", base}, {"body", body}},
                     "opening the pull request");
      return PullRequest{id_string(pr.at("number")), pr.value("html_url", "")};
    } catch (const ForgeError&) {
      if (auto existing = adopt_existing({422}, branch)) return *existing;  // GitHub: 422 when one exists
      throw;
    }
  }

  void close(const PullRequest& pr) override {
    call("PATCH", "/repos/" + repo_ + "/pulls/" + pr.number, {{"state", "closed"}},
         "closing the pull request");
  }

 private:
  std::string accept() const override { return "application/vnd.github+json"; }
  std::string repo_, owner_;
};

class GitLab final : public RestForge {
 public:
  GitLab(std::string api, std::string token, const std::string& project)
      : RestForge(std::move(api), std::move(token)), project_(url_encode(project)) {}

  std::optional<PullRequest> find_open(const std::string& branch) override {
    json list = call(
        "GET", "/projects/" + project_ + "/merge_requests?state=opened&source_branch=" + url_encode(branch),
        nullptr, "finding the merge request");
    if (!list.is_array()) throw ForgeError("finding the merge request: expected a JSON array");
    for (const auto& mr : list) {
      if (mr.value("source_branch", branch) != branch) continue;
      return PullRequest{id_string(mr.at("iid")), mr.value("web_url", "")};
    }
    return std::nullopt;
  }

  PullRequest create(const std::string& branch, const std::string& base, const std::string& title,
                     const std::string& body) override {
    try {
      json mr =
          call("POST", "/projects/" + project_ + "/merge_requests",
               {{"source_branch", branch}, {"target_branch", base}, {"title", title}, {"description", body}},
               "opening the merge request");
      return PullRequest{id_string(mr.at("iid")), mr.value("web_url", "")};
    } catch (const ForgeError&) {
      // 409: "Another open merge request already exists for this source branch".
      if (auto existing = adopt_existing({409}, branch)) return *existing;
      throw;
    }
  }

  void close(const PullRequest& pr) override {
    call("PUT", "/projects/" + project_ + "/merge_requests/" + pr.number, {{"state_event", "close"}},
         "closing the merge request");
  }

 private:
  std::string project_;
};

// Gitea and Forgejo (API v1, under /api/v1): close to GitHub's pulls API but its own paths, paging
// and answers, so a client of its own.
class Gitea final : public RestForge {
 public:
  Gitea(std::string api, std::string token, std::string repo)
      : RestForge(std::move(api), std::move(token)), repo_(std::move(repo)) {}

  std::optional<PullRequest> find_open(const std::string& branch) override {
    // The list has no head filter: page through the open ones (50 a page, Gitea's default maximum).
    for (int page = 1; page <= kMaxPages; ++page) {
      json list = call("GET", "/repos/" + repo_ + "/pulls?state=open&limit=50&page=" + std::to_string(page),
                       nullptr, "finding the pull request");
      if (!list.is_array()) throw ForgeError("finding the pull request: expected a JSON array");
      for (const auto& pr : list) {
        if (!pr.contains("head") || pr["head"].value("ref", "") != branch) continue;
        return PullRequest{id_string(pr.at("number")), pr.value("html_url", "")};
      }
      if (list.size() < 50) break;
    }
    return std::nullopt;
  }

  PullRequest create(const std::string& branch, const std::string& base, const std::string& title,
                     const std::string& body) override {
    // Gitea takes a push in through a queue: right after the agent's push the new branch can be
    // unknown to it for a moment (404 or 422). Asked again with backoff, 7.5 s at most.
    std::chrono::milliseconds wait{500};
    for (int attempt = 1;; ++attempt) {
      try {
        json pr = call("POST", "/repos/" + repo_ + "/pulls",
                       {{"title", title}, {"head", branch}, {"base", base}, {"body", body}},
                       "opening the pull request");
        return PullRequest{id_string(pr.at("number")), pr.value("html_url", "")};
      } catch (const ForgeError&) {
        // 409: "pull request already exists for these targets".
        if (auto existing = adopt_existing({409, 422}, branch)) return *existing;
        if ((last_status_ != 404 && last_status_ != 422) || attempt == kCreateAttempts) throw;
      }
      std::this_thread::sleep_for(wait);
      wait *= 2;
    }
  }

  void close(const PullRequest& pr) override {
    call("PATCH", "/repos/" + repo_ + "/pulls/" + pr.number, {{"state", "closed"}},
         "closing the pull request");
  }

 private:
  static constexpr int kMaxPages = 40;       // 2,000 open pull requests
  static constexpr int kCreateAttempts = 5;  // waits 0.5 + 1 + 2 + 4 s
  std::string auth_scheme() const override { return "token"; }
  std::string repo_;
};

}  // namespace

std::string project_from_url(const std::string& url) {
  std::string path;
  auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    auto slash = url.find('/', scheme + 3);
    path = slash == std::string::npos ? "" : url.substr(slash + 1);
  } else if (auto colon = url.find(':'); colon != std::string::npos && url.find('/') > colon) {
    path = url.substr(colon + 1);  // scp-like user@host:path
  } else {
    path = url;
  }
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.ends_with(".git")) path.resize(path.size() - 4);
  return path;
}

std::unique_ptr<Forge> make_forge(const PullRequestSettings& settings, const std::string& repository_url,
                                  const std::string& token) {
  std::string project = settings.repository.empty() ? project_from_url(repository_url) : settings.repository;
  if (project.empty())
    throw ForgeError("task.agent.pullRequest.repository: cannot derive it from the repository URL; set it");
  if (settings.provider == Provider::GitLab)
    return std::make_unique<GitLab>(settings.api_url, token, project);
  if (project.find('/') == std::string::npos || project.find('/') != project.rfind('/')) {
    throw ForgeError("task.agent.pullRequest.repository: must be owner/name for " +
                     to_string(settings.provider) + " (got '" + project + "')");
  }
  if (settings.provider == Provider::Gitea) return std::make_unique<Gitea>(settings.api_url, token, project);
  return std::make_unique<GitHub>(settings.api_url, token, project);
}

}  // namespace shepherd::agent
