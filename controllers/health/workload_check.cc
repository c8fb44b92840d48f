// Workload readiness and restart verdicts for Deployment, StatefulSet, DaemonSet, Job and CronJob.
#include "controllers/health/workload_check.h"

#include <string_view>

namespace shepherd::controllers::health {
namespace {

using nlohmann::json;

const json& items_of(const json& pods) {
  static const json kEmpty = json::array();
  if (pods.is_array()) return pods;
  if (pods.is_object()) {
    const auto it = pods.find("items");
    if (it != pods.end() && it->is_array()) return *it;
  }
  return kEmpty;
}

// j[a][b]... as int64, or `fallback` when absent or not an integer.
std::int64_t int_at(const json& j, const json::json_pointer& ptr, std::int64_t fallback) {
  if (!j.contains(ptr)) return fallback;
  const json& v = j.at(ptr);
  return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

std::string string_at(const json& j, const json::json_pointer& ptr) {
  if (!j.contains(ptr)) return "";
  const json& v = j.at(ptr);
  return v.is_string() ? v.get<std::string>() : "";
}

template <typename F>
void for_each_container_status(const json& pod, F&& f) {
  for (const char* field : {"containerStatuses", "initContainerStatuses"}) {
    const json::json_pointer ptr("/status/" + std::string(field));
    if (!pod.contains(ptr) || !pod.at(ptr).is_array()) continue;
    for (const auto& cs : pod.at(ptr)) {
      if (cs.is_object()) f(cs);
    }
  }
}

std::int64_t pod_restarts(const json& pod) {
  std::int64_t total = 0;
  for_each_container_status(
      pod, [&](const json& cs) { total += int_at(cs, json::json_pointer("/restartCount"), 0); });
  return total;
}

// The condition of `type` in status.conditions, or nullptr.
const json* condition(const json& object, std::string_view type) {
  const json::json_pointer ptr("/status/conditions");
  if (!object.contains(ptr) || !object.at(ptr).is_array()) return nullptr;
  for (const auto& c : object.at(ptr)) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool condition_is(const json* c, std::string_view status) { return c && c->value("status", "") == status; }

CheckResult result(Outcome outcome, std::string reason, std::string message) {
  return CheckResult{outcome, "", std::move(reason), std::move(message)};
}

std::string describe(const json& target) {
  return target.value("kind", "object") + " " + string_at(target, json::json_pointer("/metadata/namespace")) +
         "/" + string_at(target, json::json_pointer("/metadata/name"));
}

CheckResult check_deployment(const json& t, const std::string& who) {
  const json* progressing = condition(t, "Progressing");
  if (condition_is(progressing, "False") && progressing->value("reason", "") == "ProgressDeadlineExceeded") {
    return result(Outcome::Failed, "ProgressDeadlineExceeded",
                  who + ": " + progressing->value("message", ""));
  }
  const std::int64_t replicas = int_at(t, json::json_pointer("/spec/replicas"), 1);
  if (replicas == 0) return result(Outcome::Inconclusive, "ScaledToZero", who + " has 0 replicas");
  const json* available = condition(t, "Available");
  if (!available)
    return result(Outcome::Inconclusive, "NoAvailableCondition", who + " reports no Available condition");
  if (!condition_is(available, "True")) {
    return result(Outcome::Failed, "Unavailable",
                  who + " is not Available: " + available->value("message", ""));
  }
  const std::int64_t updated = int_at(t, json::json_pointer("/status/updatedReplicas"), 0);
  const std::int64_t current = int_at(t, json::json_pointer("/status/replicas"), 0);
  if (updated < replicas || current > updated) {
    return result(Outcome::Inconclusive, "RolloutInProgress",
                  who + ": " + std::to_string(updated) + " of " + std::to_string(replicas) +
                      " replicas updated, " + std::to_string(current) + " exist");
  }
  return result(Outcome::Successful, "Available",
                who + " is Available with " + std::to_string(replicas) + " updated replicas");
}

CheckResult check_statefulset(const json& t, const std::string& who) {
  const std::int64_t replicas = int_at(t, json::json_pointer("/spec/replicas"), 1);
  if (replicas == 0) return result(Outcome::Inconclusive, "ScaledToZero", who + " has 0 replicas");
  const std::int64_t updated = int_at(t, json::json_pointer("/status/updatedReplicas"), 0);
  const std::string current_rev = string_at(t, json::json_pointer("/status/currentRevision"));
  const std::string update_rev = string_at(t, json::json_pointer("/status/updateRevision"));
  if (updated < replicas || current_rev != update_rev) {
    return result(
        Outcome::Inconclusive, "RolloutInProgress",
        who + ": " + std::to_string(updated) + " of " + std::to_string(replicas) + " replicas updated");
  }
  const std::int64_t ready = int_at(t, json::json_pointer("/status/readyReplicas"), 0);
  const std::int64_t available = int_at(t, json::json_pointer("/status/availableReplicas"), ready);
  if (available < replicas) {
    return result(
        Outcome::Failed, "Unavailable",
        who + ": " + std::to_string(available) + " of " + std::to_string(replicas) + " replicas available");
  }
  return result(Outcome::Successful, "Available",
                who + " has all " + std::to_string(replicas) + " replicas available");
}

CheckResult check_daemonset(const json& t, const std::string& who) {
  const std::int64_t desired = int_at(t, json::json_pointer("/status/desiredNumberScheduled"), 0);
  if (desired == 0) return result(Outcome::Inconclusive, "ScaledToZero", who + " is scheduled on no node");
  const std::int64_t updated = int_at(t, json::json_pointer("/status/updatedNumberScheduled"), 0);
  if (updated < desired) {
    return result(Outcome::Inconclusive, "RolloutInProgress",
                  who + ": " + std::to_string(updated) + " of " + std::to_string(desired) + " pods updated");
  }
  const std::int64_t available = int_at(t, json::json_pointer("/status/numberAvailable"), 0);
  if (available < desired) {
    return result(
        Outcome::Failed, "Unavailable",
        who + ": " + std::to_string(available) + " of " + std::to_string(desired) + " pods available");
  }
  return result(Outcome::Successful, "Available",
                who + " has all " + std::to_string(desired) + " pods available");
}

CheckResult check_job(const json& t, const std::string& who) {
  const json* failed = condition(t, "Failed");
  if (condition_is(failed, "True"))
    return result(Outcome::Failed, "JobFailed", who + " failed: " + failed->value("message", ""));
  if (condition_is(condition(t, "Complete"), "True"))
    return result(Outcome::Successful, "JobComplete", who + " completed");
  if (int_at(t, json::json_pointer("/status/active"), 0) > 0) {
    return result(Outcome::Successful, "JobRunning", who + " is running without failures");
  }
  return result(Outcome::Inconclusive, "JobNotStarted", who + " has no active pod yet");
}

CheckResult check_cronjob(const json& t, const std::string& who,
                          const std::optional<api::Timestamp>& applied_at) {
  if (t.contains(json::json_pointer("/spec/suspend")) && t.at(json::json_pointer("/spec/suspend")) == true) {
    return result(Outcome::Inconclusive, "Suspended", who + " is suspended");
  }
  const auto last_success =
      api::parse_rfc3339(string_at(t, json::json_pointer("/status/lastSuccessfulTime")));
  if (last_success && (!applied_at || *last_success >= *applied_at)) {
    return result(Outcome::Successful, "RanSuccessfully",
                  who + " ran successfully at " + api::format_rfc3339(*last_success));
  }
  return result(Outcome::Inconclusive, "NoRunSinceCutover",
                who + " has not completed a run since the cut-over");
}

}  // namespace

RestartBaseline restart_baseline(const json& pods) {
  RestartBaseline baseline;
  for (const auto& pod : items_of(pods)) {
    const std::string name = string_at(pod, json::json_pointer("/metadata/name"));
    if (!name.empty()) baseline[name] = pod_restarts(pod);
  }
  return baseline;
}

std::map<std::string, std::int64_t> restarts_since(const json& pods, const RestartBaseline& baseline,
                                                   const std::optional<api::Timestamp>& applied_at) {
  std::map<std::string, std::int64_t> restarted;
  for (const auto& pod : items_of(pods)) {
    const std::string name = string_at(pod, json::json_pointer("/metadata/name"));
    if (name.empty()) continue;
    const auto known = baseline.find(name);
    if (known != baseline.end()) {
      const std::int64_t grown = pod_restarts(pod) - known->second;
      if (grown > 0) restarted[name] = grown;
      continue;
    }
    std::int64_t count = 0;
    for_each_container_status(pod, [&](const json& cs) {
      const std::int64_t n = int_at(cs, json::json_pointer("/restartCount"), 0);
      if (n <= 0) return;
      const auto finished =
          api::parse_rfc3339(string_at(cs, json::json_pointer("/lastState/terminated/finishedAt")));
      if (applied_at && finished && *finished < *applied_at) return;  // restarted before the cut-over
      count += n;
    });
    if (count > 0) restarted[name] = count;
  }
  return restarted;
}

CheckResult check_workload(const json& target, const json& pods, const RestartBaseline& baseline,
                           const std::optional<api::Timestamp>& applied_at) {
  if (!target.is_object())
    return result(Outcome::Inconclusive, "TargetNotFound", "the cut-over target does not exist");
  const std::string who = describe(target);
  const auto restarted = restarts_since(pods, baseline, applied_at);
  if (!restarted.empty()) {
    std::string list;
    for (const auto& [pod, n] : restarted) {
      if (!list.empty()) list += ", ";
      list += pod + " (" + std::to_string(n) + ")";
    }
    return result(Outcome::Failed, "Restarting", who + ": pods restarted since the cut-over: " + list);
  }
  const std::string kind = target.value("kind", "");
  const bool reports_generation = kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet";
  if (reports_generation) {
    const std::int64_t generation = int_at(target, json::json_pointer("/metadata/generation"), 0);
    const std::int64_t observed = int_at(target, json::json_pointer("/status/observedGeneration"), 0);
    if (observed < generation) {
      return result(Outcome::Inconclusive, "NotObserved",
                    who + ": generation " + std::to_string(generation) +
                        " not yet observed by its controller (" + std::to_string(observed) + ")");
    }
  }
  if (kind == "Deployment") return check_deployment(target, who);
  if (kind == "StatefulSet") return check_statefulset(target, who);
  if (kind == "DaemonSet") return check_daemonset(target, who);
  if (kind == "Job") return check_job(target, who);
  if (kind == "CronJob") return check_cronjob(target, who, applied_at);
  return result(Outcome::Inconclusive, "UnsupportedKind",
                who + ": kind \"" + kind + "\" has no workload check");
}

std::string pod_selector(const nlohmann::json& workload) {
  std::string selector;
  const nlohmann::json* labels = nullptr;
  if (workload.is_object() && workload.contains("spec") && workload["spec"].is_object() &&
      workload["spec"].contains("selector") && workload["spec"]["selector"].is_object()) {
    const auto& sel = workload["spec"]["selector"];
    if (sel.contains("matchLabels") && sel["matchLabels"].is_object()) labels = &sel["matchLabels"];
  }
  if (labels == nullptr) return selector;
  for (const auto& [k, v] : labels->items()) {
    if (v.is_string()) selector += (selector.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  }
  return selector;
}

}  // namespace shepherd::controllers::health
