// The MigrationPlan controller's decision (functional core): from what was observed (the plan, a
// summary of its ConsumerMigrations, which git secrets exist, the clock) to what should happen
// (create / delete / annotate ConsumerMigrations), the new status, Events and when to look again.
//
// Start gating: creating a ConsumerMigration IS the permission to start it. The plan creates a
// consumer's ConsumerMigration only when that consumer may start: its wave is open (previous waves
// terminal, bake time passed, approved when approval is Manual), all its dependencies are
// Succeeded/NoChanges, nothing is paused or tripped, and fewer than maxParallel ConsumerMigrations
// of the plan are non-terminal. The consumer controller starts its first Job as soon as it sees
// the object. Per consumer that is 1 create here + 1 Job create + 2 status writes by the consumer
// controller (Generating, then the result) on the path without cut-over, plus one Event per
// consumer phase change. Consumers not yet allowed to start exist only as counts in plan status.
//
// Signals (annotations on the plan), each handled once per distinct value, recorded in
// status.signals:
//   shepherd.dev/approve: "<k>"    approves waves 0..k (Manual approval).
//   shepherd.dev/retry: "<token>"  sets shepherd.dev/retry: "<token>" on every Failed consumer.
//   shepherd.dev/rollback: "<t>"   sets shepherd.dev/rollback: "<t>" on every consumer that was cut
//                                  over or published and on every one still running (its own state
//                                  machine stops or reverts it); plan ends
//                                  RolledBack. The failure budget with onFailure Rollback does the
//                                  same with the token "failure-budget".
#pragma once

#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "controllers/api/events.h"
#include "controllers/api/settings.h"
#include "controllers/api/types.h"
#include "controllers/plan/summary.h"

namespace shepherd::controllers::plan {

struct PlanObserved {
  api::MigrationPlan plan;                 // metadata (generation, annotations, uid), spec, status
  api::EffectiveSettings settings;         // api::merge_settings(plan.spec), merged once per spec
  std::vector<ConsumerSummary> consumers;  // the ConsumerMigrations this plan owns, as cached
  // ConsumerMigrations an earlier reconcile created that the cache has not shown yet: they exist
  // and count as Pending (runtime::Expectations tells the shell which).
  std::vector<std::string> created_not_cached;
  std::set<std::string> secrets_present;  // of secrets_to_check(spec, settings), those that exist
  api::Timestamp now{};
};

// Create the ConsumerMigration of spec.consumers[index] in wave `wave`. The object is built with
// make_consumer_migration when the action is carried out, one at a time: a first reconcile may
// start maxParallel consumers (up to thousands), each object about 1.3 KB typed.
struct CreateConsumerMigration {
  std::size_t index = 0;
  std::size_t wave = 0;
  std::string consumer;  // spec.consumers[index].name
};
struct DeleteConsumerMigration {
  std::string name;
  std::string reason;
};
struct AnnotateConsumerMigration {
  std::string name;
  std::string key;
  std::string value;
};
using PlanAction = std::variant<CreateConsumerMigration, DeleteConsumerMigration, AnnotateConsumerMigration>;

struct PlanDecision {
  std::vector<PlanAction> actions;  // carry out in order
  api::PlanStatus status;           // the status to write when status_changed
  bool status_changed = false;
  std::vector<api::Event> events;
  std::optional<api::Duration> requeue_after;
};

// The composition of the named steps in steps.h.
PlanDecision decide_plan(const PlanObserved& observed);

// The git credential secrets the spec names (the plan's, and each consumer's override), whose
// existence the shell observes into PlanObserved::secrets_present. `settings` is
// api::merge_settings(spec); an override that does not parse names none (decide_plan reports it).
std::set<std::string> secrets_to_check(const api::MigrationPlanSpec& spec,
                                       const api::EffectiveSettings& settings);

// Deterministic ConsumerMigration name: "<plan>-<consumer>", bounded to 253 characters.
std::string consumer_migration_name(const std::string& plan, const std::string& consumer);

// The ConsumerMigration the plan creates for spec.consumers[index] in wave `wave`: frozen spec
// (effective agent and health from `settings`, api::merge_settings(plan.spec)), labels,
// ownerReference to the plan.
api::ConsumerMigration make_consumer_migration(const api::MigrationPlan& plan,
                                               const api::EffectiveSettings& settings, std::size_t index,
                                               std::size_t wave);

inline constexpr const char* kBudgetRollbackToken = "failure-budget";

}  // namespace shepherd::controllers::plan
