// The named steps of decide_plan (decide.h), each a pure function with its own table tests
// (tests/unit/controllers-plan/steps_test.cc). decide_plan composes them in this order, which is
// the order of the start gating in docs/architecture.md ("Start gating"):
//   1. spec_errors, invalid_spec  nothing is created from an invalid spec
//   2. removals                   consumers removed from the spec that never started are deleted
//   3. read_signals               approve / retry / rollback annotations, each value handled once
//   4. tally, track_waves         counts over the children; each wave's status and the open wave
//   5. rolling_back, roll_back    a rollback (signal, or budget with onFailure Rollback) is sticky
//   6. gate_open_wave             review, bake time and approval in front of the open wave
//   7. start_consumers            who of the open wave may start (dependencies, maxParallel)
//   8. progress_verdict           phase, condition and requeue when not rolling back
//   9. count_totals, current_wave status totals and progress over the consumers of the spec
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controllers/api/conditions.h"
#include "controllers/api/events.h"
#include "controllers/api/settings.h"
#include "controllers/api/types.h"
#include "controllers/api/validate.h"
#include "controllers/plan/decide.h"
#include "controllers/plan/order.h"

namespace shepherd::controllers::plan {

// The outcome of a decision as the plan shows it: status.phase and the kstatus condition triple.
struct PlanVerdict {
  api::PlanPhase phase = api::PlanPhase::Progressing;
  api::KStatus kstatus = api::KStatus::Reconciling;
  std::string reason;
  std::string message;
  bool operator==(const PlanVerdict&) const = default;
};

// The plan's consumers matched to their ConsumerMigrations by consumer name.
struct Roster {
  std::vector<const ConsumerSummary*> of;                     // by spec index; null: not created
  std::map<std::string, const ConsumerSummary*> by_consumer;  // the first summary per consumer
  std::set<std::string> in_spec;                              // consumer names of the spec
};
Roster match_consumers(const std::vector<api::ConsumerSpec>& spec,
                       const std::vector<ConsumerSummary>& children);

// 1. Semantic validation of the spec and of the git secrets it names (of which the shell observed
// `secrets_present`). `settings` is api::merge_settings(spec).
std::vector<api::ValidationError> spec_errors(const api::MigrationPlanSpec& spec,
                                              const api::EffectiveSettings& settings,
                                              const std::set<std::string>& secrets_present);
// The verdict for an invalid spec (Blocked, Stalled InvalidSpec) and its Warning Event, which is
// emitted once per distinct message: none when `previous` already says Stalled InvalidSpec with it.
struct InvalidSpec {
  PlanVerdict verdict;
  std::optional<api::Event> event;
};
InvalidSpec invalid_spec(const std::string& plan_name, const std::vector<api::Condition>& previous,
                         const std::vector<api::ValidationError>& errors);

// 2. ConsumerMigrations of consumers no longer in the spec that never started (started ones run
// to their end with their frozen spec).
std::vector<DeleteConsumerMigration> removals(const std::set<std::string>& in_spec,
                                              const std::vector<ConsumerSummary>& children);

// 3. The signal annotations of the plan, each handled once per distinct value.
struct Signals {
  api::PlanSignals handled;                        // status.signals after this decision
  bool rollback_requested = false;                 // a rollback value not handled before
  std::vector<AnnotateConsumerMigration> retries;  // shepherd.dev/retry on each Failed consumer
  std::vector<api::Event> events;                  // RetryRequested, WaveApproved, InvalidApproval
  std::int64_t approved_through = -1;              // waves 0..approved_through are approved
};
Signals read_signals(const api::ObjectMeta& plan_meta, const api::PlanSignals& handled,
                     const std::vector<ConsumerSummary>& children);

// 4a. Counts over the plan's children.
struct Tally {
  std::int64_t failures = 0;      // Failed + RolledBack (the failure budget)
  std::int64_t in_flight = 0;     // api::counts_against_max_parallel: not terminal, Pending included
  std::int64_t needs_review = 0;  // NeedsReview, of consumers still in the spec
  std::int64_t stalled = 0;       // waiting for a person (Stalled=True, not terminal)
  std::int64_t moving = 0;        // not terminal and not waiting for a person
};
Tally tally(const std::vector<ConsumerSummary>& children, const std::set<std::string>& in_spec);

// 4b. Each wave's status, rebuilt from its members, carrying the timestamps of `previous` over by
// index; the open wave is the first with a member that is not terminal (or not created):
// wave_count() when every wave is complete.
struct WaveTrack {
  std::vector<api::WaveStatus> waves;
  std::size_t open_wave = 0;
};
WaveTrack track_waves(const WavePlan& plan, const std::vector<const ConsumerSummary*>& of,
                      const std::vector<api::WaveStatus>& previous, const api::RolloutSpec& rollout,
                      std::int64_t approved_through, api::Timestamp now);

// 5a. Rolling back: the plan already is (RollingBack, RolledBack: sticky), a new rollback signal
// came, or the failure budget tripped with onFailure Rollback.
bool rolling_back(api::PlanPhase previous, bool rollback_requested, bool budget_tripped,
                  api::OnFailure on_failure);
// 5b. The rollback signal (`token`: status.signals.rollback, kBudgetRollbackToken when the budget
// tripped it) on every consumer still moving or that changed something (cut over, published), and
// the plan's verdict: RolledBack once every one of them has ended, RollingBack before.
struct Rollback {
  std::vector<AnnotateConsumerMigration> actions;
  PlanVerdict verdict;
};
Rollback roll_back(const std::vector<ConsumerSummary>& children, const std::string& token,
                   std::int64_t failures, std::int64_t budget);

// 6. What stands in front of the open wave: a NeedsReview consumer in an earlier wave, the bake
// time after the last non-empty earlier wave completed, a missing approval (approval Manual).
struct Gate {
  bool open = false;  // a wave is open and nothing stands in front of it
  std::optional<api::Duration> bake_left;
  bool awaiting_approval = false;
  bool review_blocked = false;
};
Gate gate_open_wave(const WavePlan& plan, const std::vector<const ConsumerSummary*>& of,
                    const std::vector<api::WaveStatus>& waves, std::size_t open_wave,
                    const api::RolloutSpec& rollout, std::int64_t approved_through, api::Timestamp now);

// 7. The consumers of the open wave that start now, in order: not created yet, every dependency
// Succeeded/NoChanges, and at most maxParallel - in_flight of them (`may_start`: the gate is open,
// the budget holds, the plan is not paused). Also the consumers whose dependency ended without
// success (they cannot start until it is retried), whether or not anything may start.
struct Starts {
  std::vector<CreateConsumerMigration> creates;
  std::vector<std::string> dependency_blocked;
};
Starts start_consumers(const api::MigrationPlanSpec& spec, const WavePlan& plan, const Roster& roster,
                       std::size_t open_wave, bool may_start, std::int64_t in_flight);

// 8. The plan's verdict when it is not rolling back, in order of precedence: budget tripped,
// every wave done, paused, progressing, baking (requeue when the bake time ends), review needed,
// approval awaited, inconclusive analysis, a failed dependency.
struct ProgressFacts {
  std::string plan_name;
  std::size_t consumers = 0;  // spec.consumers.size()
  std::size_t wave_count = 0;
  std::size_t open_wave = 0;
  bool paused = false;
  bool tripped = false;
  std::int64_t budget = 0;
  api::Duration bake_time{0};
  Tally tally;
  Gate gate;
  std::size_t created = 0;  // consumers started by this decision
  std::vector<std::string> dependency_blocked;
};
struct Progress {
  PlanVerdict verdict;
  std::optional<api::Duration> requeue_after;
};
Progress progress_verdict(const ProgressFacts& facts);

// 9. status.totals and status.progress ("<terminal>/<total>") over the consumers of the spec
// (not created yet: Pending), and status.currentWave (the last wave that started).
struct Totals {
  api::PlanTotals totals;
  std::string progress;
};
Totals count_totals(const std::vector<const ConsumerSummary*>& of);
std::int64_t current_wave(const std::vector<api::WaveStatus>& waves);

}  // namespace shepherd::controllers::plan
