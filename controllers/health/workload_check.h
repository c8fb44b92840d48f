// Pure workload health check: is the cut-over target rolled out, available, and are its pods not
// restarting since the cut-over? Input is the target object and its pods as the API server returns
// them (JSON); output is a CheckResult.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controllers/api/time.h"
#include "controllers/health/outcome.h"

namespace shepherd::controllers::health {

// Restart count per pod name (sum over containers and init containers) at cut-over time.
// Not part of api::CutoverStatus yet; the caller keeps it (or passes an empty map, see below).
using RestartBaseline = std::map<std::string, std::int64_t>;

// The baseline of `pods` (a PodList object with "items", or a JSON array of Pods).
RestartBaseline restart_baseline(const nlohmann::json& pods);

// Pods that restarted since the cut-over, with how many times. A pod in the baseline restarted if
// its count grew. A pod not in the baseline (created later, or no baseline recorded) restarted if a
// container has restartCount > 0 and its last termination (lastState.terminated.finishedAt) is at or
// after `applied_at` (or unknown, or applied_at unknown: counted, erring towards Failed).
std::map<std::string, std::int64_t> restarts_since(const nlohmann::json& pods,
                                                   const RestartBaseline& baseline,
                                                   const std::optional<api::Timestamp>& applied_at);

// The label selector of the workload's pods ("k1=v1,k2=v2" from spec.selector.matchLabels, string
// values only); "" when it has none (then no pods are listed).
std::string pod_selector(const nlohmann::json& workload);

// The verdict, first match wins:
//  - target null/not an object -> Inconclusive TargetNotFound
//  - any pod restarted since cut-over -> Failed Restarting
//  - status.observedGeneration < metadata.generation (kinds that report it) -> Inconclusive NotObserved
//  - Deployment: Progressing=False/ProgressDeadlineExceeded -> Failed ProgressDeadlineExceeded;
//    spec.replicas 0 -> Inconclusive ScaledToZero; no Available condition -> Inconclusive
//    NoAvailableCondition; Available=False -> Failed Unavailable; updatedReplicas < replicas or
//    status.replicas > updatedReplicas -> Inconclusive RolloutInProgress; else Successful Available.
//  - StatefulSet: replicas 0 -> ScaledToZero; updatedReplicas < replicas or currentRevision !=
//    updateRevision -> Inconclusive RolloutInProgress; availableReplicas (readyReplicas when absent)
//    < replicas -> Failed Unavailable; else Successful Available.
//  - DaemonSet: desiredNumberScheduled 0 -> Inconclusive ScaledToZero; updatedNumberScheduled <
//    desired -> Inconclusive RolloutInProgress; numberAvailable < desired -> Failed Unavailable; else
//    Successful Available.
//  - Job: condition Failed=True -> Failed JobFailed; Complete=True -> Successful JobComplete;
//    active > 0 -> Successful JobRunning; else Inconclusive JobNotStarted.
//  - CronJob: spec.suspend -> Inconclusive Suspended; status.lastSuccessfulTime >= applied_at ->
//    Successful RanSuccessfully; else Inconclusive NoRunSinceCutover (a CronJob only proves itself
//    by a run; failed runs show up as restarts of their pods or in the Prometheus checks).
//  - any other kind -> Inconclusive UnsupportedKind.
CheckResult check_workload(const nlohmann::json& target, const nlohmann::json& pods,
                           const RestartBaseline& baseline, const std::optional<api::Timestamp>& applied_at);

}  // namespace shepherd::controllers::health
