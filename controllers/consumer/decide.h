// The ConsumerMigration state machine (functional core). From the object, its agent Jobs, the
// cut-over target's current value and fresh health measurements to the next status, the actions
// the shell carries out, Events and when to look again.
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
// Contract with the shell: write the status first (when status_changed), then carry out `actions`
// in order. Every action is idempotent (Job names are deterministic; AlreadyExists is success;
// cut-over uses server-side apply), so a crash between steps is repaired by the next reconcile.
// The shell provides `cutover_target` whenever spec.consumer.cutover is set and the phase is
// Generating, CuttingOver or RollingBack, and takes a round of measurements (controllers/health)
// when the phase is Analyzing and now >= next_measurement_at().
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controllers/api/events.h"
#include "controllers/api/types.h"
#include "controllers/consumer/analysis.h"
#include "controllers/consumer/job.h"

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

struct CutoverObservation {
  bool found = false;          // the target workload / ConfigMap exists
  api::PreviousValue current;  // the env var / key now: present and value
  std::string error;           // non-empty: could not be read (retry later)
};

struct ConsumerObserved {
  api::ConsumerMigration cmig;
  std::vector<JobObservation> jobs;  // Jobs owned by this ConsumerMigration
  std::optional<CutoverObservation> cutover_target;
  std::vector<api::Measurement> measurements;  // one round taken by the shell just now, or empty
  std::string default_agent_image;
  api::Timestamp now{};
};

struct CreateJob {
  nlohmann::json job;  // complete batch/v1 Job
};
struct DeleteJob {
  std::string name;  // delete with propagationPolicy Background
};
// Set the cut-over field to `value` (server-side apply, field manager shepherd-operator).
struct ApplyCutover {
  api::CutoverSpec cutover;
  std::string value;
};
// Restore the recorded previous value: set it, or remove the env var / key when absent.
struct RestoreCutover {
  api::CutoverSpec cutover;
  api::PreviousValue previous;
};
using ConsumerAction = std::variant<CreateJob, DeleteJob, ApplyCutover, RestoreCutover>;

struct ConsumerDecision {
  std::vector<ConsumerAction> actions;
  api::ConsumerMigrationStatus status;
  bool status_changed = false;
  std::vector<api::Event> events;
  std::optional<api::Duration> requeue_after;
};

ConsumerDecision decide_consumer(const ConsumerObserved& observed,
                                 const AnalysisJudge& judge = default_analysis_verdict);

// Delay before attempt `failed_attempt + 1`: 10 s × 2^(failed_attempt - 1), at most 5 minutes.
api::Duration retry_backoff(std::int64_t failed_attempt);

// The value the cut-over sets, placeholders expanded.
std::string cutover_value(const api::ConsumerMigration& cmig);

}  // namespace shepherd::controllers::consumer
