// Implementation of job_observation.h.
#include "controllers/reconcile/job_observation.h"

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;

std::optional<api::Timestamp> timestamp_at(const json& obj, const json::json_pointer& p) {
  if (!obj.contains(p) || !obj[p].is_string()) return std::nullopt;
  return api::parse_rfc3339(obj[p].get<std::string>());
}

bool condition_true(const json& obj, const std::string& type, json* found = nullptr) {
  for (const auto& c : obj.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == type && c.value("status", "") == "True") {
      if (found != nullptr) *found = c;
      return true;
    }
  }
  return false;
}

}  // namespace

consumer::JobObservation observe_job(const json& job) {
  consumer::JobObservation o;
  o.name = job.value("/metadata/name"_json_pointer, std::string());
  json failed;
  o.succeeded = condition_true(job, "Complete");
  o.failed = condition_true(job, "Failed", &failed);
  o.active = !o.succeeded && !o.failed;
  if (o.failed) {
    o.failure_reason = failed.value("reason", "");
    o.failure_message = failed.value("message", "");
  }
  o.start_time = timestamp_at(job, "/status/startTime"_json_pointer);
  o.completion_time = timestamp_at(job, "/status/completionTime"_json_pointer);
  return o;
}

std::optional<std::string> termination_message(const json& pod) {
  for (const auto& cs : pod.value("/status/containerStatuses"_json_pointer, json::array())) {
    if (cs.contains("/state/terminated"_json_pointer)) return cs["state"]["terminated"].value("message", "");
  }
  return std::nullopt;
}

}  // namespace shepherd::controllers::reconcile
