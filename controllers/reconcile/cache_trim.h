// What the consumer reconciler reads of its agent Jobs and pods, and nothing else: informer
// transforms that trim each object before it is cached, so that the operator's memory grows with
// the fields it uses, not with the full objects the controller manager, scheduler and kubelet fill in.
//
// Also the shape of each of the operator's informer caches (docs/architecture.md, "Caches"): the
// label selector, the trim, compact (MessagePack) storage, the indexes the reconcilers query and,
// for ConsumerMigrations, the summary the plan reconciler reads for each child.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "controllers/plan/decide.h"
#include "runtime/informer.h"
#include "runtime/projection.h"

namespace shepherd::controllers::reconcile {

// Keeps apiVersion, kind, the identifying metadata (name, namespace, uid, resourceVersion, creation
// and deletion timestamps), ownerReferences' apiVersion/kind/name/uid/controller, the labels
// `job-name` and `shepherd.dev/*`, and status.{conditions' type/status/reason/message, startTime,
// completionTime, active, succeeded, failed}.
void trim_job(nlohmann::json& job);

// Keeps the identifying metadata and status.phase plus, per container, its name and
// state.terminated.{exitCode, reason, message} (the agent's result).
void trim_pod(nlohmann::json& pod);

// The label every object the operator creates carries; its informers for Jobs and pods select on
// it, so the operator caches only its own children, not every Job and pod of the cluster.
inline constexpr const char* kManagedBySelector = "app.kubernetes.io/managed-by=shepherd-operator";
// The pod index on the "job-name" label (value: the Job's name).
inline constexpr const char* kJobNameIndex = "job-name";

// MigrationPlans: metadata and status only (the spec is skipped while decoding), parsed, no
// indexes. The plan reconciler reads the spec with a GET when metadata.generation changes and
// keeps it typed per generation (PlanReconciler::SpecMemo).
runtime::InformerOptions plan_informer_options();
// ConsumerMigrations: compact, indexed by owner UID, projected to ConsumerSummaryProjection.
runtime::InformerOptions consumer_migration_informer_options();
// Agent Jobs and pods: the operator's own (kManagedBySelector), trimmed, compact; Jobs indexed by
// owner UID, pods by kJobNameIndex.
runtime::InformerOptions agent_job_informer_options();
runtime::InformerOptions agent_pod_informer_options();

// The projection kept beside each cached ConsumerMigration: its plan::ConsumerSummary, encoded with
// plan::encode_summary (controllers/plan/summary.h), read typed with runtime::by_index_as.
struct ConsumerSummaryProjection {
  using Value = plan::ConsumerSummary;
  // nullopt when the object cannot be read as a ConsumerMigration.
  static std::optional<Value> project(const nlohmann::json& cmig);
  static std::string encode(const Value& v) { return plan::encode_summary(v); }
  static std::optional<Value> decode(std::string_view bytes) { return plan::decode_summary(bytes); }
};

}  // namespace shepherd::controllers::reconcile
