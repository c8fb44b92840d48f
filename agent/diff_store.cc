// Implementation of diff_store.h: one server-side apply PATCH with the service-account token.
#include "agent/diff_store.h"

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

}  // namespace

std::string stored_diff(const std::string& diff, bool* truncated) {
  *truncated = false;
  if (diff.size() <= kMaxStoredDiffBytes) return diff;
  *truncated = true;
  std::size_t cut = diff.rfind('\n', kMaxStoredDiffBytes);
  cut = cut == std::string::npos ? kMaxStoredDiffBytes : cut + 1;
  return diff.substr(0, cut) + "# shepherd: diff truncated after " + std::to_string(cut) + " of " +
         std::to_string(diff.size()) + " bytes; the agent Job's log has the complete diff\n";
}

nlohmann::json diff_config_map(const Task& task, const std::string& diff) {
  bool truncated = false;
  std::string data = stored_diff(diff, &truncated);
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
       {{"diff", data},
        {"bytes", std::to_string(diff.size())},
        {"truncated", truncated ? "true" : "false"}}}};
  if (task.diff.owner) {
    cm["metadata"]["ownerReferences"] = nlohmann::json::array({{{"apiVersion", task.diff.owner->api_version},
                                                                {"kind", task.diff.owner->kind},
                                                                {"name", task.diff.owner->name},
                                                                {"uid", task.diff.owner->uid}}});
  }
  return cm;
}

DiffResult store_diff(const Task& task, const std::string& diff, const Log& log) {
  DiffResult result;
  result.bytes = static_cast<std::int64_t>(diff.size());
  bool truncated = false;
  (void)stored_diff(diff, &truncated);
  result.truncated = truncated;

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
    req.body = diff_config_map(task, diff).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
    fs::path file = fs::path(dir) / (task.diff.config_map + ".diff");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << stored_diff(diff, &truncated);
    if (!out) throw std::runtime_error("cannot write the diff to " + file.string());
    result.file = file.string();
    log.info("no Kubernetes API reachable; diff written to " + file.string());
    return result;
  }
  log.warn("no Kubernetes API and no SHEPHERD_DIFF_DIR: the diff is only in this log");
  return result;
}

}  // namespace shepherd::agent
