// Implementation of cache_trim.h.
#include "controllers/reconcile/cache_trim.h"

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;

json keep(const json& from, std::initializer_list<const char*> keys) {
  json out = json::object();
  if (!from.is_object()) return out;
  for (const char* k : keys) {
    auto it = from.find(k);
    if (it != from.end()) out[k] = *it;
  }
  return out;
}

json trimmed_metadata(const json& obj) {
  return keep(obj.value("metadata", json::object()),
              {"name", "namespace", "uid", "resourceVersion", "generation", "labels", "ownerReferences",
               "creationTimestamp", "deletionTimestamp"});
}

}  // namespace

void trim_job(json& job) {
  json out = keep(job, {"apiVersion", "kind"});
  out["metadata"] = trimmed_metadata(job);
  out["status"] = keep(job.value("status", json::object()),
                       {"conditions", "startTime", "completionTime", "active", "succeeded", "failed"});
  job = std::move(out);
}

void trim_pod(json& pod) {
  json out = keep(pod, {"apiVersion", "kind"});
  out["metadata"] = trimmed_metadata(pod);
  const json status = pod.value("status", json::object());
  json trimmed = keep(status, {"phase"});
  json containers = json::array();
  for (const auto& cs : status.value("containerStatuses", json::array())) {
    json c{{"name", cs.value("name", "")}};
    if (cs.contains("/state/terminated"_json_pointer)) {
      c["state"]["terminated"] = keep(cs["state"]["terminated"], {"exitCode", "reason", "message"});
    }
    containers.push_back(std::move(c));
  }
  if (!containers.empty()) trimmed["containerStatuses"] = std::move(containers);
  out["status"] = std::move(trimmed);
  pod = std::move(out);
}

}  // namespace shepherd::controllers::reconcile
