// decide_plan: waves, gating, failure budget, signals and status of a MigrationPlan (see decide.h),
// composed of the named steps of steps.h.
#include "controllers/plan/decide.h"

#include <map>

#include "controllers/api/conditions.h"
#include "controllers/api/names.h"
#include "controllers/plan/budget.h"
#include "controllers/plan/order.h"
#include "controllers/plan/steps.h"

namespace shepherd::controllers::plan {
namespace {

api::Event event_for(const PlanVerdict& v) {
  const bool warning = v.kstatus == api::KStatus::Stalled || v.phase == api::PlanPhase::RollingBack;
  return {warning ? api::EventType::Warning : api::EventType::Normal, v.reason, v.message};
}

// Writes the verdict into the decision's status; an Event when the phase or the reason changed.
void conclude(PlanDecision& d, const api::MigrationPlan& plan, const PlanVerdict& v, api::Timestamp now) {
  const api::Condition* prev_ready = api::find_condition(plan.status.conditions, api::kConditionReady);
  const std::string prev_reason = prev_ready ? prev_ready->reason : "";
  d.status.phase = v.phase;
  api::set_kstatus(d.status.conditions, v.kstatus, v.reason, v.message, plan.metadata.generation, now);
  if (v.phase != plan.status.phase || v.reason != prev_reason) d.events.push_back(event_for(v));
  d.status_changed = nlohmann::json(d.status) != nlohmann::json(plan.status);
}

}  // namespace

std::string consumer_migration_name(const std::string& plan, const std::string& consumer) {
  return api::bounded_name(plan + "-" + consumer, "", api::kMaxObjectName - 16);  // room for "-diff" etc.
}

api::ConsumerMigration make_consumer_migration(const api::MigrationPlan& plan,
                                               const api::EffectiveSettings& settings, std::size_t index,
                                               std::size_t wave) {
  const auto& c = plan.spec.consumers.at(index);
  api::ConsumerMigration m;
  m.metadata.name = consumer_migration_name(plan.metadata.name, c.name);
  m.metadata.namespace_ = plan.metadata.namespace_;
  m.metadata.labels = {{api::kLabelPlan, api::label_value(plan.metadata.name)},
                       {api::kLabelConsumer, api::label_value(c.name)},
                       {api::kLabelWave, std::to_string(wave)},
                       {api::kLabelManagedBy, api::kManagedByValue}};
  m.metadata.ownerReferences.push_back(
      {api::kApiVersion, api::kPlanKind, plan.metadata.name, plan.metadata.uid, true, true});
  m.spec.plan = plan.metadata.name;
  m.spec.dataset = plan.spec.dataset;
  m.spec.changes = plan.spec.changes;
  m.spec.consumer = c;
  m.spec.consumer.agent.reset();   // merged into spec.agent
  m.spec.consumer.health.reset();  // merged into spec.health
  m.spec.agent = settings.agent(plan.spec, index);
  m.spec.health = settings.health(plan.spec, index);
  return m;
}

std::set<std::string> secrets_to_check(const api::MigrationPlanSpec& spec,
                                       const api::EffectiveSettings& settings) {
  std::set<std::string> names;
  if (!spec.agent.gitCredentials.secretName.empty()) names.insert(spec.agent.gitCredentials.secretName);
  for (const auto& c : settings.consumers)
    if (c.agent && !c.agent->gitCredentials.secretName.empty())
      names.insert(c.agent->gitCredentials.secretName);
  return names;
}

namespace {

// The cached summaries and a Pending one for each ConsumerMigration created but not cached yet.
std::vector<ConsumerSummary> with_created(const PlanObserved& o) {
  std::vector<ConsumerSummary> all = o.consumers;
  std::map<std::string, std::string> consumer_of;  // ConsumerMigration name -> consumer
  for (const auto& c : o.plan.spec.consumers)
    consumer_of[consumer_migration_name(o.plan.metadata.name, c.name)] = c.name;
  for (const auto& name : o.created_not_cached) {
    ConsumerSummary s;
    s.name = name;
    if (auto it = consumer_of.find(name); it != consumer_of.end()) s.consumer = it->second;
    s.phase = api::ConsumerPhase::Pending;
    all.push_back(std::move(s));
  }
  return all;
}

}  // namespace

PlanDecision decide_plan(const PlanObserved& o) {
  // Copied only in the short window between a create and its watch event.
  std::vector<ConsumerSummary> with_pending;
  if (!o.created_not_cached.empty()) with_pending = with_created(o);
  const std::vector<ConsumerSummary>& consumers = o.created_not_cached.empty() ? o.consumers : with_pending;
  const auto& plan = o.plan;
  const auto& spec = plan.spec;
  PlanDecision d;
  d.status = plan.status;
  if (plan.metadata.deletionTimestamp) return d;  // garbage collection removes the children
  d.status.observedGeneration = plan.metadata.generation;

  // 1. Nothing is created from an invalid spec.
  if (const auto errors = spec_errors(spec, o.settings, o.secrets_present); !errors.empty()) {
    const InvalidSpec invalid = invalid_spec(plan.metadata.name, plan.status.conditions, errors);
    conclude(d, plan, invalid.verdict, o.now);
    d.events.clear();  // one Warning per distinct message instead of one per phase change
    if (invalid.event) d.events.push_back(*invalid.event);
    return d;
  }

  const Roster roster = match_consumers(spec.consumers, consumers);
  const WavePlan waves = plan_waves(spec.consumers, spec.rollout.waves);

  // 2. Removed consumers.
  for (auto& del : removals(roster.in_spec, consumers)) d.actions.emplace_back(std::move(del));

  // 3. Signals.
  Signals signals = read_signals(plan.metadata, plan.status.signals, consumers);
  for (auto& retry : signals.retries) d.actions.emplace_back(std::move(retry));
  d.events.insert(d.events.end(), signals.events.begin(), signals.events.end());
  d.status.signals = signals.handled;

  // 4. Counts and waves.
  const Tally counts = tally(consumers, roster.in_spec);
  const auto n = static_cast<std::int64_t>(spec.consumers.size());
  const bool tripped = budget_exceeded(spec.rollout.maxFailures, n, counts.failures);
  const std::int64_t budget = failure_budget(spec.rollout.maxFailures, n);
  WaveTrack track =
      track_waves(waves, roster.of, plan.status.waves, spec.rollout, signals.approved_through, o.now);

  PlanVerdict verdict;
  if (rolling_back(plan.status.phase, signals.rollback_requested, tripped, spec.rollout.onFailure)) {
    // 5. Rollback is sticky: the plan ends RolledBack.
    if (d.status.signals.rollback.empty()) d.status.signals.rollback = kBudgetRollbackToken;
    Rollback rollback = roll_back(consumers, d.status.signals.rollback, counts.failures, budget);
    for (auto& a : rollback.actions) d.actions.emplace_back(std::move(a));
    verdict = std::move(rollback.verdict);
  } else {
    // 6. The gate of the open wave.
    const Gate gate = gate_open_wave(waves, roster.of, track.waves, track.open_wave, spec.rollout,
                                     signals.approved_through, o.now);
    // 7. Start what may start.
    const bool may_start = gate.open && !tripped && !spec.paused;
    Starts starts = start_consumers(spec, waves, roster, track.open_wave, may_start, counts.in_flight);
    if (!starts.creates.empty() && !track.waves[track.open_wave].startedAt)
      track.waves[track.open_wave].startedAt = o.now;
    const std::size_t created = starts.creates.size();
    for (auto& c : starts.creates) d.actions.emplace_back(std::move(c));
    // 8. Phase.
    Progress progress = progress_verdict(
        {plan.metadata.name, spec.consumers.size(), waves.wave_count(), track.open_wave, spec.paused, tripped,
         budget, spec.rollout.bakeTime, counts, gate, created, std::move(starts.dependency_blocked)});
    verdict = std::move(progress.verdict);
    d.requeue_after = progress.requeue_after;
  }

  // 9. Totals and progress over the consumers of the current spec.
  Totals totals = count_totals(roster.of);
  d.status.totals = totals.totals;
  d.status.progress = std::move(totals.progress);
  d.status.waves = std::move(track.waves);
  d.status.currentWave = current_wave(d.status.waves);
  conclude(d, plan, verdict, o.now);
  return d;
}

}  // namespace shepherd::controllers::plan
