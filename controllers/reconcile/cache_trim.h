// What the consumer reconciler reads of its agent Jobs and pods, and nothing else: informer
// transforms that trim each object before it is cached, so that the operator's memory grows with
// the fields it uses, not with the full objects the controller manager, scheduler and kubelet fill in.
#pragma once

#include <nlohmann/json.hpp>

namespace shepherd::controllers::reconcile {

// Keeps apiVersion, kind, the identifying metadata (name, namespace, uid, resourceVersion,
// generation, labels, ownerReferences, creation and deletion timestamps) and status.{conditions,
// startTime, completionTime, active, succeeded, failed}.
void trim_job(nlohmann::json& job);

// Keeps the identifying metadata and status.phase plus, per container, its name and
// state.terminated.{exitCode, reason, message} (the agent's result).
void trim_pod(nlohmann::json& pod);

}  // namespace shepherd::controllers::reconcile
