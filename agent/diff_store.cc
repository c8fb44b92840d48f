// Implementation of diff_store.h: one server-side apply PATCH with the service-account token.
#include "agent/diff_store.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/http.h"
#include "base/files.h"

namespace shepherd::agent {
namespace fs = std::filesystem;
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string read_trimmed(const fs::path& p) {
  std::string s = base::read_file_or_empty(p);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// At most `max` bytes of `text`, cut after a newline, plus a marker line saying so.
std::string cut_at_line(const std::string& text, std::size_t max, const char* what, bool* truncated) {
  *truncated = false;
  if (text.size() <= max) return text;
  *truncated = true;
  std::size_t cut = max == 0 ? std::string::npos : text.rfind('\n', max - 1);
  cut = cut == std::string::npos ? 0 : cut + 1;
  return text.substr(0, cut) + "# shepherd: " + what + " truncated after " + std::to_string(cut) + " of " +
         std::to_string(text.size()) + " bytes; the agent Job's log has the complete " + what + "\n";
}

// What goes into the ConfigMap: the review list first (it is what a person works from), then as
// much of the diff as fits beside it.
struct Stored {
  std::string diff, review;
  bool diff_truncated = false, review_truncated = false;
};

Stored stored(const std::string& diff, const std::vector<ReviewItem>& review) {
  Stored s;
  s.review = cut_at_line(review_text(review), kMaxStoredReviewBytes, "review list", &s.review_truncated);
  s.diff = cut_at_line(diff, std::min(kMaxStoredDiffBytes, kMaxStoredBytes - s.review.size()), "diff",
                       &s.diff_truncated);
  return s;
}

}  // namespace

std::string stored_diff(const std::string& diff, bool* truncated, std::size_t max) {
  return cut_at_line(diff, max, "diff", truncated);
}

std::string review_text(const std::vector<ReviewItem>& review) {
  std::string out;
  for (const auto& item : review) {
    std::string message = item.message;
    for (char& c : message)
      if (c == '\n' || c == '\r') c = ' ';
    out += item.file + (item.line > 0 ? ":" + std::to_string(item.line) : "") + ": " + message + "\n";
  }
  return out;
}

nlohmann::json diff_config_map(const Task& task, const std::string& diff,
                               const std::vector<ReviewItem>& review) {
  const Stored s = stored(diff, review);
  nlohmann::json cm = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata",
       {{"name", task.diff.config_map},
        {"namespace", task.namespace_},
        {"labels",
         {{"app.kubernetes.io/managed-by", "shepherd"}, {"app.kubernetes.io/component", "agent-diff"}}},
        {"annotations",
         {{"shepherd.dev/plan", task.plan},
          {"shepherd.dev/consumer", task.consumer.name},
          {"shepherd.dev/attempt", std::to_string(task.attempt)},
          {"shepherd.dev/action", to_string(task.action)}}}}},
      {"data",
       {{"diff", s.diff},
        {"bytes", std::to_string(diff.size())},
        {"truncated", s.diff_truncated ? "true" : "false"},
        {"review", s.review},
        {"reviewCount", std::to_string(review.size())}}}};
  if (task.diff.owner) {
    cm["metadata"]["ownerReferences"] = nlohmann::json::array({{{"apiVersion", task.diff.owner->api_version},
                                                                {"kind", task.diff.owner->kind},
                                                                {"name", task.diff.owner->name},
                                                                {"uid", task.diff.owner->uid}}});
  }
  return cm;
}

DiffResult store_diff(const Task& task, const std::string& diff, const std::vector<ReviewItem>& review,
                      const Log& log) {
  DiffResult result;
  result.bytes = static_cast<std::int64_t>(diff.size());
  result.truncated = stored(diff, review).diff_truncated;

  const fs::path sa = env_or("SHEPHERD_SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount");
  const std::string host = env_or("KUBERNETES_SERVICE_HOST", "");
  const std::string port = env_or("KUBERNETES_SERVICE_PORT", "443");
  std::error_code ec;
  if (!host.empty() && fs::exists(sa / "token", ec)) {
    HttpRequest req;
    req.method = "PATCH";
    const std::string authority = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    req.url = "https://" + authority + ":" + port + "/api/v1/namespaces/" + url_encode(task.namespace_) +
              "/configmaps/" + url_encode(task.diff.config_map) + "?fieldManager=shepherd-agent&force=true";
    req.headers["Authorization"] = "Bearer " + read_trimmed(sa / "token");
    req.headers["Content-Type"] = "application/apply-patch+yaml";
    req.headers["Accept"] = "application/json";
    if (fs::exists(sa / "ca.crt", ec)) req.ca_file = (sa / "ca.crt").string();
    req.body =
        diff_config_map(task, diff, review).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    HttpResponse res = http_call(req);
    if (res.status < 200 || res.status >= 300) {
      std::string why =
          res.status == 0 ? res.error : "HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300);
      throw std::runtime_error("cannot store the diff in ConfigMap " + task.namespace_ + "/" +
                               task.diff.config_map + " (" + why +
                               "); check the agent's service account may patch configmaps");
    }
    result.config_map = task.diff.config_map;
    log.info("diff (" + std::to_string(diff.size()) + " bytes) stored in ConfigMap " + task.namespace_ + "/" +
             task.diff.config_map);
    return result;
  }
  const std::string dir = env_or("SHEPHERD_DIFF_DIR", "");
  if (!dir.empty()) {
    fs::create_directories(dir);
    // Files have no size limit: both are written whole.
    fs::path file = fs::path(dir) / (task.diff.config_map + ".diff");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << diff;
    const fs::path review_file = fs::path(dir) / (task.diff.config_map + ".review");
    std::ofstream review_out(review_file, std::ios::binary | std::ios::trunc);
    review_out << review_text(review);
    if (!out || !review_out) throw std::runtime_error("cannot write the diff and review list to " + dir);
    result.file = file.string();
    result.truncated = false;
    log.info("no Kubernetes API reachable; diff written to " + file.string());
    return result;
  }
  log.warn("no Kubernetes API and no SHEPHERD_DIFF_DIR: the diff is only in this log");
  return result;
}

}  // namespace shepherd::agent
