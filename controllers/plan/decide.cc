// decide_plan: waves, gating, failure budget, signals and status of a MigrationPlan (see decide.h).
#include "controllers/plan/decide.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "controllers/api/conditions.h"
#include "controllers/api/names.h"
#include "controllers/api/validate.h"
#include "controllers/plan/budget.h"
#include "controllers/plan/order.h"

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;
using api::KStatus;
using api::PlanPhase;

std::string annotation(const api::ObjectMeta& meta, const char* key) {
  const auto it = meta.annotations.find(key);
  return it == meta.annotations.end() ? std::string() : it->second;
}

std::optional<std::int64_t> parse_index(const std::string& s) {
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 0) return std::nullopt;
  return v;
}

// The kstatus condition triple and the Event for the outcome of a decision.
struct Verdict {
  PlanPhase phase = PlanPhase::Progressing;
  KStatus kstatus = KStatus::Reconciling;
  std::string reason;
  std::string message;
};

api::Event event_for(const Verdict& v) {
  const bool warning = v.kstatus == KStatus::Stalled || v.phase == PlanPhase::RollingBack;
  return {warning ? api::EventType::Warning : api::EventType::Normal, v.reason, v.message};
}

std::string join_names(const std::vector<std::string>& names, std::size_t max = 3) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += " and " + std::to_string(names.size() - max) + " more";
  return out;
}

}  // namespace

ConsumerSummary summarize(const api::ConsumerMigration& cmig) {
  ConsumerSummary s;
  s.name = cmig.metadata.name;
  s.consumer = cmig.spec.consumer.name;
  if (const auto it = cmig.metadata.labels.find(api::kLabelWave); it != cmig.metadata.labels.end())
    s.wave = parse_index(it->second).value_or(0);
  const auto& st = cmig.status;
  s.phase = st.phase;
  s.started = st.attempts > 0 || st.phase != ConsumerPhase::Pending;
  s.cut_over = st.cutover && st.cutover->appliedAt && !(st.rollback && st.rollback->restored);
  s.published = st.result && (!st.result->commit.empty() || !st.result->pullRequest.empty());
  s.stalled = api::is_condition_true(st.conditions, api::kConditionStalled) && !api::is_terminal(st.phase);
  s.deleting = cmig.metadata.deletionTimestamp.has_value();
  s.retry_annotation = annotation(cmig.metadata, api::kAnnotationRetry);
  s.rollback_annotation = annotation(cmig.metadata, api::kAnnotationRollback);
  s.skip_annotation = annotation(cmig.metadata, api::kAnnotationSkip);
  return s;
}

std::string consumer_migration_name(const std::string& plan, const std::string& consumer) {
  return api::bounded_name(plan + "-" + consumer, "", api::kMaxObjectName - 16);  // room for "-diff" etc.
}

api::ConsumerMigration make_consumer_migration(const api::MigrationPlan& plan, std::size_t index,
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
  m.spec.agent = api::effective_agent(plan.spec.agent, c);
  m.spec.health = api::effective_health(plan.spec.health, c);
  return m;
}

PlanDecision decide_plan(const PlanObserved& o) {
  const auto& plan = o.plan;
  const auto& spec = plan.spec;
  const std::int64_t gen = plan.metadata.generation;
  PlanDecision d;
  d.status = plan.status;
  auto& st = d.status;
  const PlanPhase prev_phase = plan.status.phase;
  const api::Condition* prev_ready = api::find_condition(plan.status.conditions, api::kConditionReady);
  const std::string prev_reason = prev_ready ? prev_ready->reason : "";

  if (plan.metadata.deletionTimestamp) return d;  // garbage collection removes the children
  st.observedGeneration = gen;

  const auto finish = [&](const Verdict& v) {
    st.phase = v.phase;
    api::set_kstatus(st.conditions, v.kstatus, v.reason, v.message, gen, o.now);
    if (v.phase != prev_phase || v.reason != prev_reason) d.events.push_back(event_for(v));
    d.status_changed = nlohmann::json(st) != nlohmann::json(plan.status);
  };

  // 1. Semantic validation: nothing is created from an invalid spec.
  auto errors = api::validate_plan_spec(spec);
  const auto missing = api::validate_secrets(
      spec, [&](std::string_view name) { return o.secrets_present.count(std::string(name)) > 0; });
  errors.insert(errors.end(), missing.begin(), missing.end());
  if (!errors.empty()) {
    const std::string message =
        "MigrationPlan " + plan.metadata.name + " is invalid: " + api::summarize(errors);
    const api::Condition* stalled = api::find_condition(plan.status.conditions, api::kConditionStalled);
    const bool same = stalled && stalled->status == api::kTrue && stalled->reason == "InvalidSpec" &&
                      stalled->message == message;
    finish({PlanPhase::Blocked, KStatus::Stalled, "InvalidSpec", message});
    d.events.clear();
    if (!same) d.events.push_back({api::EventType::Warning, "InvalidSpec", message});
    return d;
  }

  const std::size_t n = spec.consumers.size();
  const WavePlan wp = plan_waves(spec.consumers, spec.rollout.waves);
  const std::size_t wave_count = wp.wave_count();

  std::map<std::string, const ConsumerSummary*> by_consumer;
  for (const auto& s : o.consumers) by_consumer.emplace(s.consumer, &s);
  std::vector<const ConsumerSummary*> of(n, nullptr);
  std::set<std::string> in_spec;
  for (std::size_t i = 0; i < n; ++i) {
    in_spec.insert(spec.consumers[i].name);
    if (const auto it = by_consumer.find(spec.consumers[i].name); it != by_consumer.end()) of[i] = it->second;
  }

  // 2. Removed consumers that never started are deleted; started ones run to their end (frozen).
  for (const auto& s : o.consumers)
    if (in_spec.count(s.consumer) == 0 && !s.started && !s.deleting)
      d.actions.push_back(
          DeleteConsumerMigration{s.name, "consumer " + s.consumer + " was removed from the plan"});

  // 3. Signals.
  const std::string rollback_value = annotation(plan.metadata, api::kAnnotationRollback);
  const bool rollback_requested = !rollback_value.empty() && rollback_value != plan.status.signals.rollback;
  if (rollback_requested) st.signals.rollback = rollback_value;

  const std::string retry_value = annotation(plan.metadata, api::kAnnotationRetry);
  if (!retry_value.empty() && retry_value != plan.status.signals.retry) {
    st.signals.retry = retry_value;
    std::vector<std::string> retried;
    for (const auto& s : o.consumers)
      if (s.phase == ConsumerPhase::Failed && !s.deleting && s.retry_annotation != retry_value) {
        d.actions.push_back(AnnotateConsumerMigration{s.name, api::kAnnotationRetry, retry_value});
        retried.push_back(s.consumer);
      }
    d.events.push_back({api::EventType::Normal, "RetryRequested",
                        "retry " + retry_value + ": retrying " + std::to_string(retried.size()) +
                            " failed consumer(s)" + (retried.empty() ? "" : ": " + join_names(retried))});
  }

  const std::string approve_value = annotation(plan.metadata, api::kAnnotationApprove);
  if (!approve_value.empty() && approve_value != plan.status.signals.approve) {
    st.signals.approve = approve_value;
    if (const auto k = parse_index(approve_value))
      d.events.push_back(
          {api::EventType::Normal, "WaveApproved", "waves up to " + approve_value + " approved"});
    else
      d.events.push_back(
          {api::EventType::Warning, "InvalidApproval",
           "annotation shepherd.dev/approve=\"" + approve_value +
               "\" is not a wave index; set it to the index of the wave to approve, e.g. \"0\""});
  }
  const std::int64_t approved_through = parse_index(st.signals.approve).value_or(-1);

  // 4. Counts.
  std::int64_t failures = 0;
  std::int64_t in_flight = 0;
  for (const auto& s : o.consumers) {
    if (s.phase == ConsumerPhase::Failed || s.phase == ConsumerPhase::RolledBack) ++failures;
    if (!api::is_terminal(s.phase)) ++in_flight;
  }
  const auto n64 = static_cast<std::int64_t>(n);
  const bool tripped = budget_exceeded(spec.rollout.maxFailures, n64, failures);
  const std::int64_t budget = failure_budget(spec.rollout.maxFailures, n64);

  const auto terminal = [&](std::size_t i) { return of[i] != nullptr && api::is_terminal(of[i]->phase); };

  // Waves: rebuild, carrying timestamps over by index.
  std::vector<api::WaveStatus> waves(wave_count);
  std::size_t open_wave = wave_count;  // first wave with a non-terminal member
  for (std::size_t k = 0; k < wave_count; ++k) {
    auto& w = waves[k];
    if (k < plan.status.waves.size()) w = plan.status.waves[k];
    w.index = static_cast<std::int64_t>(k);
    const auto members = wp.members(k);
    w.size = static_cast<std::int64_t>(members.size());
    w.succeeded = w.failed = 0;
    bool complete = true;
    bool any_created = false;
    for (std::size_t i : members) {
      if (of[i] != nullptr) {
        any_created = true;
        if (api::satisfies_dependency(of[i]->phase)) ++w.succeeded;
        if (of[i]->phase == ConsumerPhase::Failed || of[i]->phase == ConsumerPhase::RolledBack) ++w.failed;
      }
      if (!terminal(i)) complete = false;
    }
    if (any_created && !w.startedAt) w.startedAt = o.now;
    if (complete && !members.empty()) {
      if (!w.completedAt) w.completedAt = o.now;
    } else {
      w.completedAt.reset();
    }
    if (static_cast<std::int64_t>(k) <= approved_through && spec.rollout.approval == api::Approval::Manual &&
        !w.approvedAt)
      w.approvedAt = o.now;
    if (!complete && open_wave == wave_count) open_wave = k;
  }

  // 5. Rollback (signal or budget with onFailure Rollback) is sticky: the plan ends RolledBack.
  const bool budget_rollback = tripped && spec.rollout.onFailure == api::OnFailure::Rollback;
  const bool rolling_back = prev_phase == PlanPhase::RollingBack || prev_phase == PlanPhase::RolledBack ||
                            rollback_requested || budget_rollback;
  Verdict verdict;
  if (rolling_back) {
    if (st.signals.rollback.empty()) st.signals.rollback = kBudgetRollbackToken;
    const std::string token = st.signals.rollback;
    bool done = true;
    for (const auto& s : o.consumers) {
      if (s.deleting) continue;
      const bool needs_rollback = s.published || s.cut_over;
      // Every consumer that is still moving, or that changed something, gets the rollback signal;
      // its own state machine, which sees its fresh state, decides what that means (stop an attempt
      // that published nothing, or revert). A skip decided here from a possibly stale cache could
      // stop a consumer that had just cut over without reverting it.
      const bool moving = !api::is_terminal(s.phase);
      if ((moving || needs_rollback) && s.phase != ConsumerPhase::RollingBack &&
          s.phase != ConsumerPhase::RolledBack && s.rollback_annotation != token)
        d.actions.push_back(AnnotateConsumerMigration{s.name, api::kAnnotationRollback, token});
      if (!api::is_terminal(s.phase)) done = false;
      if (needs_rollback && s.phase != ConsumerPhase::RolledBack && s.phase != ConsumerPhase::Failed)
        done = false;
    }
    const std::string why = st.signals.rollback == kBudgetRollbackToken
                                ? std::to_string(failures) + " failures exceed the failure budget of " +
                                      std::to_string(budget) + " (onFailure: Rollback)"
                                : "rollback requested with shepherd.dev/rollback=" + token;
    verdict =
        done ? Verdict{PlanPhase::RolledBack, KStatus::Stalled, "RolledBack",
                       "rolled back: " + why + "; nothing more will start"}
             : Verdict{PlanPhase::RollingBack, KStatus::Reconciling, "RollingBack", "rolling back: " + why};
  } else {
    // 6. Gate of the open wave.
    bool gate_open = open_wave < wave_count;
    std::optional<api::Duration> bake_left;
    bool awaiting_approval = false;
    bool review_blocked = false;
    if (gate_open) {
      for (std::size_t k = 0; k < open_wave && !review_blocked; ++k)
        for (std::size_t i : wp.members(k))
          if (of[i] != nullptr && of[i]->phase == ConsumerPhase::NeedsReview) review_blocked = true;
      std::optional<std::size_t> prev;
      for (std::size_t k = open_wave; k-- > 0;)
        if (waves[k].size > 0) {
          prev = k;
          break;
        }
      if (prev && waves[*prev].completedAt) {
        const auto ready_at = *waves[*prev].completedAt +
                              std::chrono::duration_cast<std::chrono::seconds>(spec.rollout.bakeTime);
        if (o.now < ready_at) bake_left = std::chrono::duration_cast<api::Duration>(ready_at - o.now);
      }
      awaiting_approval = spec.rollout.approval == api::Approval::Manual &&
                          approved_through < static_cast<std::int64_t>(open_wave);
      gate_open = !review_blocked && !bake_left && !awaiting_approval;
    }
    // 7. Start what may start.
    std::size_t created = 0;
    std::vector<std::string> dependency_blocked;
    const bool may_start = gate_open && !tripped && !spec.paused;
    if (open_wave < wave_count) {
      std::int64_t slots = std::max<std::int64_t>(0, spec.rollout.maxParallel - in_flight);
      for (std::size_t i : wp.members(open_wave)) {
        if (of[i] != nullptr) continue;
        bool deps_ok = true;
        bool deps_dead = false;
        for (const auto& dep : spec.consumers[i].dependsOn) {
          const auto it = by_consumer.find(dep);
          const ConsumerPhase p = it == by_consumer.end() ? ConsumerPhase::Pending : it->second->phase;
          if (!api::satisfies_dependency(p)) deps_ok = false;
          if (it != by_consumer.end() && api::is_terminal(p) && !api::satisfies_dependency(p))
            deps_dead = true;
        }
        if (deps_dead) dependency_blocked.push_back(spec.consumers[i].name);
        if (!may_start || !deps_ok || slots == 0) continue;
        d.actions.push_back(CreateConsumerMigration{i, open_wave, spec.consumers[i].name});
        --slots;
        ++created;
        if (!waves[open_wave].startedAt) waves[open_wave].startedAt = o.now;
      }
    }
    // 8. Phase.
    std::int64_t needs_review = 0;
    std::int64_t stalled = 0;
    std::int64_t moving = 0;  // non-terminal, not waiting for a person
    for (const auto& s : o.consumers) {
      if (s.phase == ConsumerPhase::NeedsReview && in_spec.count(s.consumer)) ++needs_review;
      if (s.stalled) ++stalled;
      if (!api::is_terminal(s.phase) && !s.stalled) ++moving;
    }
    const std::string wave_text = "wave " + std::to_string(open_wave) + "/" + std::to_string(wave_count);
    // A tripped breaker wins over "every wave done": a last consumer that failed beyond the budget
    // must block the plan, not let it report success.
    if (tripped) {
      verdict = {
          PlanPhase::Blocked, KStatus::Stalled, "FailureBudgetExceeded",
          std::to_string(failures) + " failed consumers exceed the failure budget of " +
              std::to_string(budget) +
              " (spec.rollout.maxFailures); retry them with the annotation shepherd.dev/retry, skip them, or "
              "raise maxFailures"};
    } else if (open_wave == wave_count && needs_review == 0) {
      verdict = {PlanPhase::Succeeded, KStatus::Ready, "Succeeded",
                 "all " + std::to_string(n) + " consumers finished" +
                     (failures ? " (" + std::to_string(failures) + " failed, within the budget of " +
                                     std::to_string(budget) + ")"
                               : "")};
    } else if (spec.paused) {
      verdict = {PlanPhase::Paused, KStatus::Waiting, "Paused",
                 "spec.paused is true: nothing new starts; " + std::to_string(in_flight) +
                     " consumer(s) still running"};
    } else if (created > 0 || moving > 0) {
      verdict = {PlanPhase::Progressing, KStatus::Reconciling, "Progressing",
                 wave_text + " in progress: " +
                     std::to_string(in_flight + static_cast<std::int64_t>(created)) + " running"};
    } else if (bake_left) {
      verdict = {PlanPhase::Progressing, KStatus::Reconciling, "Baking",
                 "wave " + std::to_string(open_wave) + " starts after the bake time (spec.rollout.bakeTime " +
                     api::format_duration(spec.rollout.bakeTime) + ")"};
      d.requeue_after = *bake_left;
    } else if (review_blocked || needs_review > 0) {
      verdict = {PlanPhase::Blocked, KStatus::Stalled, "ConsumersNeedReview",
                 std::to_string(needs_review) +
                     " consumer(s) in NeedsReview; review their ConsumerMigrations, then retry or skip them "
                     "(annotations shepherd.dev/retry, shepherd.dev/skip)"};
    } else if (awaiting_approval) {
      verdict = {PlanPhase::Blocked, KStatus::Waiting, "AwaitingApproval",
                 "wave " + std::to_string(open_wave) + " awaits approval: kubectl annotate mplan " +
                     plan.metadata.name + " shepherd.dev/approve=" + std::to_string(open_wave) +
                     " --overwrite"};
    } else if (stalled > 0) {
      verdict = {
          PlanPhase::Blocked, KStatus::Stalled, "AnalysisInconclusive",
          std::to_string(stalled) +
              " consumer(s) wait for a person after an inconclusive analysis; retry, skip or roll them back"};
    } else {
      verdict = {
          PlanPhase::Blocked, KStatus::Stalled, "DependencyFailed",
          "consumer(s) " + join_names(dependency_blocked) +
              " cannot start: a dependency ended Failed, RolledBack, Skipped or NeedsReview; retry it"};
    }
  }

  // 9. Totals and progress over the consumers of the current spec.
  api::PlanTotals t;
  t.consumers = n64;
  std::int64_t done = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ConsumerPhase p = of[i] ? of[i]->phase : ConsumerPhase::Pending;
    if (api::is_terminal(p)) ++done;
    switch (p) {
      case ConsumerPhase::Pending:
        ++t.pending;
        break;
      case ConsumerPhase::Succeeded:
        ++t.succeeded;
        break;
      case ConsumerPhase::NoChanges:
        ++t.noChanges;
        break;
      case ConsumerPhase::NeedsReview:
        ++t.needsReview;
        break;
      case ConsumerPhase::Failed:
        ++t.failed;
        break;
      case ConsumerPhase::RolledBack:
        ++t.rolledBack;
        break;
      case ConsumerPhase::Skipped:
        ++t.skipped;
        break;
      default:
        ++t.running;
        break;
    }
  }
  st.totals = t;
  st.progress = std::to_string(done) + "/" + std::to_string(n);
  st.waves = std::move(waves);
  std::size_t current = 0;
  for (std::size_t k = 0; k < wave_count; ++k)
    if (st.waves[k].startedAt) current = k;
  st.currentWave = static_cast<std::int64_t>(current);
  finish(verdict);
  return d;
}

}  // namespace shepherd::controllers::plan
