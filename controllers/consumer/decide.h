// The ConsumerMigration state machine (functional core). From the object, its agent Jobs and what
// it asked the shell to observe (the cut-over's object, a health measurement round) to the next
// status, the actions the shell carries out (ready to send), Events, metric events and when to
// look again.
//
//   Pending --(Job created)--> Generating --result--> NoChanges | NeedsReview | Failed
//                                  |  Changed
//                                  v
//                  [cutover] CuttingOver --applied--> [checks, or published] Analyzing --> Succeeded
//                                  |                                          | failed
//                                  +------- target missing ------------------>+--> RollingBack --> RolledBack
//   attempt failed with retries left: Pending with status.nextAttemptAt (backoff 10 s × 2^(n-1), max 5 min)
//   signals: skip -> Skipped; rollback -> RollingBack; retry -> new series of attempts from Failed,
//   NeedsReview or RolledBack (or a new analysis after an inconclusive one, or resuming a failed
//   rollback).
//
// Built from the cut-over steps (controllers/cutover/step.h) and the analysis state machine
// (controllers/health/analysis.h); this file only sequences the phases around them.
//
// Contract with the shell:
//  1. Observe the migration and its Jobs, call decide_consumer. When the decision has `requests`,
//     it is incomplete (nothing else in it counts): carry out each request — GET the object of an
//     ObserveTarget into `target`, take a round for MeasureNow into `round`, list the pods of an
//     ObserveJobPods into `job_pods` — and decide again with the same observations plus those. A
//     request is never repeated once its answer is in `observed`, so this ends after at most one
//     round of each kind of request (kConsumerRequestKinds).
//  2. Write the status first (when status_changed), then carry out `actions` in order. Every action
//     is idempotent (Job names are deterministic; AlreadyExists is success; a cut-over is a
//     server-side apply, a removal a JSON patch guarded by the resourceVersion it was planned from),
//     so a crash between steps is repaired by the next reconcile. Record `events` and `metrics`.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controllers/api/events.h"
#include "controllers/api/types.h"
#include "controllers/consumer/job.h"
#include "controllers/cutover/patch.h"
#include "controllers/health/analysis.h"
#include "controllers/health/outcome.h"
#include "controllers/health/placeholders.h"

namespace shepherd::controllers::consumer {

struct JobObservation {
  std::string name;
  bool active = false;         // status.active > 0 (or not finished yet)
  bool succeeded = false;      // condition Complete=True
  bool failed = false;         // condition Failed=True
  std::string failure_reason;  // of the Failed condition: DeadlineExceeded, BackoffLimitExceeded, ...
  std::string failure_message;
  std::optional<api::Timestamp> start_time;
  std::optional<api::Timestamp> completion_time;
  // The agent container's termination message (the result, or log lines with
  // FallbackToLogsOnError); absent when the pod is gone or has not terminated.
  std::optional<std::string> termination_message;
};

// What a GET of the object in an ObserveTarget request returned.
struct ObjectRead {
  enum class Status { Found, NotFound, Failed };
  Status status = Status::Failed;
  nlohmann::json object;  // Found: the object as the API server returned it
  std::string error;      // Failed: why it could not be read ("503 ServiceUnavailable: ...")
};

// One measurement round the shell took for a MeasureNow request (health::measure_round).
struct MeasuredRound {
  api::Timestamp at{};
  std::vector<health::NamedResult> results;  // one per check, in spec order
};

struct ConsumerObserved {
  api::ConsumerMigration cmig;
  std::vector<JobObservation> jobs;    // Jobs owned by this ConsumerMigration
  std::optional<ObjectRead> target;    // answer to ObserveTarget, when requested
  std::optional<MeasuredRound> round;  // answer to MeasureNow, when requested
  // Answers to ObserveJobPods: Job name -> the termination message its pods, listed from the API
  // server, carry (nullopt when none has one).
  std::map<std::string, std::optional<std::string>> job_pods;
  std::string default_agent_image;
  api::Timestamp now{};
};

// Requests: what the decision needs observed before it can be made.
// GET this object (the cut-over's workload or ConfigMap) into observed.target.
struct ObserveTarget {
  api::CutoverTarget object;
};
// Take one round of every check of `health` now (Prometheus queries with `context`; the workload
// check against `workload` and its pods when set, with restarts counted from `applied_at`) into
// observed.round.
struct MeasureNow {
  api::HealthSpec health;
  health::QueryContext context;
  std::optional<api::CutoverTarget> workload;
  std::optional<api::Timestamp> applied_at;
};
// List the pods of this finished Job from the API server (label job-name=<job>) and put the
// termination message they carry into observed.job_pods[job]. Asked when the cached pods carry
// none: the pod cache can lag the Job cache, and "no result" must not be concluded from a lag.
struct ObserveJobPods {
  std::string job;
};
using ConsumerRequest = std::variant<ObserveTarget, MeasureNow, ObserveJobPods>;
// How many kinds of request there are: the shell's bound on decide-again rounds.
inline constexpr int kConsumerRequestKinds = static_cast<int>(std::variant_size_v<ConsumerRequest>);

struct CreateJob {
  nlohmann::json job;  // complete batch/v1 Job
};
struct DeleteJob {
  std::string name;  // delete with propagationPolicy Background
};
// Send a ready patch to `object`: the cut-over's server-side apply (force, field manager
// shepherd-operator) or a rollback's apply / guarded JSON patch (cutover/patch.h).
struct PatchTarget {
  api::CutoverTarget object;
  cutover::Patch patch;
};
using ConsumerAction = std::variant<CreateJob, DeleteJob, PatchTarget>;

// Domain events worth a metric (reconcile::DomainObserver), decided with the transition.
struct AgentJobFinished {
  std::string outcome;  // the agent's outcome (Changed, NoChanges, NeedsReview, Failed); Failed without one
};
struct RollbackStarted {
  std::string reason;  // HealthCheckFailed, Requested, FailureBudgetExceeded, CutoverTargetNotFound
};
struct HealthMeasured {
  std::string check;
  std::string outcome;  // Successful, Failed, Inconclusive
};
using MetricEvent = std::variant<AgentJobFinished, RollbackStarted, HealthMeasured>;

struct ConsumerDecision {
  std::vector<ConsumerRequest> requests;  // non-empty: observe these and decide again (see above)
  std::vector<ConsumerAction> actions;
  api::ConsumerMigrationStatus status;
  bool status_changed = false;
  std::vector<api::Event> events;
  std::vector<MetricEvent> metrics;
  std::optional<api::Duration> requeue_after;
};

ConsumerDecision decide_consumer(const ConsumerObserved& observed);

// The workload check of a MeasureNow request, from the GET of its `workload` and the pods listed
// by health::pod_selector of the object (an empty list when it has no selector): check_workload of
// the object; Inconclusive TargetNotFound when it does not exist or could not be read (with why).
health::CheckResult workload_result(const ObjectRead& workload, const nlohmann::json& pods,
                                    const std::optional<api::Timestamp>& applied_at);

// Delay before attempt `failed_attempt + 1`: 10 s × 2^(failed_attempt - 1), at most 5 minutes.
api::Duration retry_backoff(std::int64_t failed_attempt);

// The value the cut-over sets, placeholders expanded.
std::string cutover_value(const api::ConsumerMigration& cmig);

// spec.consumer.cutover with the target's and the ConfigMap's namespace defaulted to the
// migration's own (docs/api.md); nullopt without a cut-over.
std::optional<api::CutoverSpec> effective_cutover(const api::ConsumerMigration& cmig);

}  // namespace shepherd::controllers::consumer
