// The named steps of decide_plan (see steps.h).
#include "controllers/plan/steps.h"

#include <algorithm>

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;
using api::KStatus;
using api::PlanPhase;

std::string annotation(const api::ObjectMeta& meta, const char* key) {
  const auto it = meta.annotations.find(key);
  return it == meta.annotations.end() ? std::string() : it->second;
}

std::string join_names(const std::vector<std::string>& names, std::size_t max = 3) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += " and " + std::to_string(names.size() - max) + " more";
  return out;
}

bool failed(ConsumerPhase p) { return p == ConsumerPhase::Failed || p == ConsumerPhase::RolledBack; }

}  // namespace

Roster match_consumers(const std::vector<api::ConsumerSpec>& spec,
                       const std::vector<ConsumerSummary>& children) {
  Roster r;
  for (const auto& s : children) r.by_consumer.emplace(s.consumer, &s);
  r.of.assign(spec.size(), nullptr);
  for (std::size_t i = 0; i < spec.size(); ++i) {
    r.in_spec.insert(spec[i].name);
    if (const auto it = r.by_consumer.find(spec[i].name); it != r.by_consumer.end()) r.of[i] = it->second;
  }
  return r;
}

// 1.
std::vector<api::ValidationError> spec_errors(const api::MigrationPlanSpec& spec,
                                              const api::EffectiveSettings& settings,
                                              const std::set<std::string>& secrets_present) {
  auto errors = api::validate_plan_spec(spec, settings);
  const auto missing = api::validate_secrets(
      spec, settings, [&](std::string_view name) { return secrets_present.count(std::string(name)) > 0; });
  errors.insert(errors.end(), missing.begin(), missing.end());
  return errors;
}

InvalidSpec invalid_spec(const std::string& plan_name, const std::vector<api::Condition>& previous,
                         const std::vector<api::ValidationError>& errors) {
  const std::string message = "MigrationPlan " + plan_name + " is invalid: " + api::summarize(errors);
  const api::Condition* stalled = api::find_condition(previous, api::kConditionStalled);
  const bool same = stalled && stalled->status == api::kTrue && stalled->reason == "InvalidSpec" &&
                    stalled->message == message;
  InvalidSpec out{{PlanPhase::Blocked, KStatus::Stalled, "InvalidSpec", message}, std::nullopt};
  if (!same) out.event = api::Event{api::EventType::Warning, "InvalidSpec", message};
  return out;
}

// 2.
std::vector<DeleteConsumerMigration> removals(const std::set<std::string>& in_spec,
                                              const std::vector<ConsumerSummary>& children) {
  std::vector<DeleteConsumerMigration> out;
  for (const auto& s : children)
    if (in_spec.count(s.consumer) == 0 && !s.started && !s.deleting)
      out.push_back(DeleteConsumerMigration{s.name, "consumer " + s.consumer + " was removed from the plan"});
  return out;
}

// 3.
Signals read_signals(const api::ObjectMeta& plan_meta, const api::PlanSignals& handled,
                     const std::vector<ConsumerSummary>& children) {
  Signals out;
  out.handled = handled;
  const std::string rollback_value = annotation(plan_meta, api::kAnnotationRollback);
  out.rollback_requested = !rollback_value.empty() && rollback_value != handled.rollback;
  if (out.rollback_requested) out.handled.rollback = rollback_value;

  const std::string retry_value = annotation(plan_meta, api::kAnnotationRetry);
  if (!retry_value.empty() && retry_value != handled.retry) {
    out.handled.retry = retry_value;
    std::vector<std::string> retried;
    for (const auto& s : children)
      if (s.phase == ConsumerPhase::Failed && !s.deleting && s.retry_annotation != retry_value) {
        out.retries.push_back(AnnotateConsumerMigration{s.name, api::kAnnotationRetry, retry_value});
        retried.push_back(s.consumer);
      }
    out.events.push_back({api::EventType::Normal, "RetryRequested",
                          "retry " + retry_value + ": retrying " + std::to_string(retried.size()) +
                              " failed consumer(s)" + (retried.empty() ? "" : ": " + join_names(retried))});
  }

  const std::string approve_value = annotation(plan_meta, api::kAnnotationApprove);
  if (!approve_value.empty() && approve_value != handled.approve) {
    out.handled.approve = approve_value;
    if (parse_index(approve_value))
      out.events.push_back(
          {api::EventType::Normal, "WaveApproved", "waves up to " + approve_value + " approved"});
    else
      out.events.push_back(
          {api::EventType::Warning, "InvalidApproval",
           "annotation shepherd.dev/approve=\"" + approve_value +
               "\" is not a wave index; set it to the index of the wave to approve, e.g. \"0\""});
  }
  out.approved_through = parse_index(out.handled.approve).value_or(-1);
  return out;
}

// 4a.
Tally tally(const std::vector<ConsumerSummary>& children, const std::set<std::string>& in_spec) {
  Tally t;
  for (const auto& s : children) {
    if (failed(s.phase)) ++t.failures;
    if (api::counts_against_max_parallel(s.phase)) ++t.in_flight;
    if (s.phase == ConsumerPhase::NeedsReview && in_spec.count(s.consumer)) ++t.needs_review;
    if (s.stalled) ++t.stalled;
    if (!api::is_terminal(s.phase) && !s.stalled) ++t.moving;
  }
  return t;
}

// 4b.
WaveTrack track_waves(const WavePlan& plan, const std::vector<const ConsumerSummary*>& of,
                      const std::vector<api::WaveStatus>& previous, const api::RolloutSpec& rollout,
                      std::int64_t approved_through, api::Timestamp now) {
  const std::size_t wave_count = plan.wave_count();
  WaveTrack out;
  out.waves.resize(wave_count);
  out.open_wave = wave_count;
  for (std::size_t k = 0; k < wave_count; ++k) {
    auto& w = out.waves[k];
    if (k < previous.size()) w = previous[k];
    w.index = static_cast<std::int64_t>(k);
    const auto members = plan.members(k);
    w.size = static_cast<std::int64_t>(members.size());
    w.succeeded = w.failed = 0;
    bool complete = true;
    bool any_created = false;
    for (std::size_t i : members) {
      if (of[i] != nullptr) {
        any_created = true;
        if (api::satisfies_dependency(of[i]->phase)) ++w.succeeded;
        if (failed(of[i]->phase)) ++w.failed;
      }
      if (of[i] == nullptr || !api::is_terminal(of[i]->phase)) complete = false;
    }
    if (any_created && !w.startedAt) w.startedAt = now;
    if (complete && !members.empty()) {
      if (!w.completedAt) w.completedAt = now;
    } else {
      w.completedAt.reset();
    }
    if (static_cast<std::int64_t>(k) <= approved_through && rollout.approval == api::Approval::Manual &&
        !w.approvedAt)
      w.approvedAt = now;
    if (!complete && out.open_wave == wave_count) out.open_wave = k;
  }
  return out;
}

// 5.
bool rolling_back(api::PlanPhase previous, bool rollback_requested, bool budget_tripped,
                  api::OnFailure on_failure) {
  return previous == PlanPhase::RollingBack || previous == PlanPhase::RolledBack || rollback_requested ||
         (budget_tripped && on_failure == api::OnFailure::Rollback);
}

Rollback roll_back(const std::vector<ConsumerSummary>& children, const std::string& token,
                   std::int64_t failures, std::int64_t budget) {
  Rollback out;
  bool done = true;
  for (const auto& s : children) {
    if (s.deleting) continue;
    const bool needs_rollback = s.published || s.cut_over;
    // Every consumer that is still moving, or that changed something, gets the rollback signal;
    // its own state machine, which sees its fresh state, decides what that means (stop an attempt
    // that published nothing, or revert). A skip decided here from a possibly stale cache could
    // stop a consumer that had just cut over without reverting it.
    const bool moving = !api::is_terminal(s.phase);
    if ((moving || needs_rollback) && s.phase != ConsumerPhase::RollingBack &&
        s.phase != ConsumerPhase::RolledBack && s.rollback_annotation != token)
      out.actions.push_back(AnnotateConsumerMigration{s.name, api::kAnnotationRollback, token});
    if (moving) done = false;
    if (needs_rollback && s.phase != ConsumerPhase::RolledBack && s.phase != ConsumerPhase::Failed)
      done = false;
  }
  const std::string why = token == kBudgetRollbackToken
                              ? std::to_string(failures) + " failures exceed the failure budget of " +
                                    std::to_string(budget) + " (onFailure: Rollback)"
                              : "rollback requested with shepherd.dev/rollback=" + token;
  out.verdict =
      done ? PlanVerdict{PlanPhase::RolledBack, KStatus::Stalled, "RolledBack",
                         "rolled back: " + why + "; nothing more will start"}
           : PlanVerdict{PlanPhase::RollingBack, KStatus::Reconciling, "RollingBack", "rolling back: " + why};
  return out;
}

// 6.
Gate gate_open_wave(const WavePlan& plan, const std::vector<const ConsumerSummary*>& of,
                    const std::vector<api::WaveStatus>& waves, std::size_t open_wave,
                    const api::RolloutSpec& rollout, std::int64_t approved_through, api::Timestamp now) {
  Gate g;
  if (open_wave >= plan.wave_count()) return g;
  for (std::size_t k = 0; k < open_wave && !g.review_blocked; ++k)
    for (std::size_t i : plan.members(k))
      if (of[i] != nullptr && of[i]->phase == ConsumerPhase::NeedsReview) g.review_blocked = true;
  std::optional<std::size_t> prev;  // the last non-empty wave before the open one
  for (std::size_t k = open_wave; k-- > 0;)
    if (waves[k].size > 0) {
      prev = k;
      break;
    }
  if (prev && waves[*prev].completedAt) {
    const auto ready_at =
        *waves[*prev].completedAt + std::chrono::duration_cast<std::chrono::seconds>(rollout.bakeTime);
    if (now < ready_at) g.bake_left = std::chrono::duration_cast<api::Duration>(ready_at - now);
  }
  g.awaiting_approval =
      rollout.approval == api::Approval::Manual && approved_through < static_cast<std::int64_t>(open_wave);
  g.open = !g.review_blocked && !g.bake_left && !g.awaiting_approval;
  return g;
}

// 7.
Starts start_consumers(const api::MigrationPlanSpec& spec, const WavePlan& plan, const Roster& roster,
                       std::size_t open_wave, bool may_start, std::int64_t in_flight) {
  Starts out;
  if (open_wave >= plan.wave_count()) return out;
  std::int64_t slots = std::max<std::int64_t>(0, spec.rollout.maxParallel - in_flight);
  for (std::size_t i : plan.members(open_wave)) {
    if (roster.of[i] != nullptr) continue;
    bool deps_ok = true;
    bool deps_dead = false;
    for (const auto& dep : spec.consumers[i].dependsOn) {
      const auto it = roster.by_consumer.find(dep);
      const ConsumerPhase p = it == roster.by_consumer.end() ? ConsumerPhase::Pending : it->second->phase;
      if (!api::satisfies_dependency(p)) deps_ok = false;
      if (it != roster.by_consumer.end() && api::is_terminal(p) && !api::satisfies_dependency(p))
        deps_dead = true;
    }
    if (deps_dead) out.dependency_blocked.push_back(spec.consumers[i].name);
    if (!may_start || !deps_ok || slots == 0) continue;
    out.creates.push_back(CreateConsumerMigration{i, open_wave, spec.consumers[i].name});
    --slots;
  }
  return out;
}

// 8.
Progress progress_verdict(const ProgressFacts& f) {
  const auto& t = f.tally;
  const std::string wave_text = "wave " + std::to_string(f.open_wave) + "/" + std::to_string(f.wave_count);
  // A tripped breaker wins over "every wave done": a last consumer that failed beyond the budget
  // must block the plan, not let it report success.
  if (f.tripped)
    return {
        {PlanPhase::Blocked, KStatus::Stalled, "FailureBudgetExceeded",
         std::to_string(t.failures) + " failed consumers exceed the failure budget of " +
             std::to_string(f.budget) +
             " (spec.rollout.maxFailures); retry them with the annotation shepherd.dev/retry, skip them, or "
             "raise maxFailures"},
        std::nullopt};
  if (f.open_wave == f.wave_count && t.needs_review == 0)
    return {{PlanPhase::Succeeded, KStatus::Ready, "Succeeded",
             "all " + std::to_string(f.consumers) + " consumers finished" +
                 (t.failures ? " (" + std::to_string(t.failures) + " failed, within the budget of " +
                                   std::to_string(f.budget) + ")"
                             : "")},
            std::nullopt};
  if (f.paused)
    return {{PlanPhase::Paused, KStatus::Waiting, "Paused",
             "spec.paused is true: nothing new starts; " + std::to_string(t.in_flight) +
                 " consumer(s) still running"},
            std::nullopt};
  if (f.created > 0 || t.moving > 0)
    return {{PlanPhase::Progressing, KStatus::Reconciling, "Progressing",
             wave_text + " in progress: " +
                 std::to_string(t.in_flight + static_cast<std::int64_t>(f.created)) + " running"},
            std::nullopt};
  if (f.gate.bake_left)
    return {{PlanPhase::Progressing, KStatus::Reconciling, "Baking",
             "wave " + std::to_string(f.open_wave) + " starts after the bake time (spec.rollout.bakeTime " +
                 api::format_duration(f.bake_time) + ")"},
            f.gate.bake_left};
  if (f.gate.review_blocked || t.needs_review > 0)
    return {{PlanPhase::Blocked, KStatus::Stalled, "ConsumersNeedReview",
             std::to_string(t.needs_review) +
                 " consumer(s) in NeedsReview; review their ConsumerMigrations, then retry or skip them "
                 "(annotations shepherd.dev/retry, shepherd.dev/skip)"},
            std::nullopt};
  if (f.gate.awaiting_approval)
    return {{PlanPhase::Blocked, KStatus::Waiting, "AwaitingApproval",
             "wave " + std::to_string(f.open_wave) + " awaits approval: kubectl annotate mplan " +
                 f.plan_name + " shepherd.dev/approve=" + std::to_string(f.open_wave) + " --overwrite"},
            std::nullopt};
  if (t.stalled > 0)
    return {
        {PlanPhase::Blocked, KStatus::Stalled, "AnalysisInconclusive",
         std::to_string(t.stalled) +
             " consumer(s) wait for a person after an inconclusive analysis; retry, skip or roll them back"},
        std::nullopt};
  return {{PlanPhase::Blocked, KStatus::Stalled, "DependencyFailed",
           "consumer(s) " + join_names(f.dependency_blocked) +
               " cannot start: a dependency ended Failed, RolledBack, Skipped or NeedsReview; retry it"},
          std::nullopt};
}

// 9.
Totals count_totals(const std::vector<const ConsumerSummary*>& of) {
  Totals out;
  auto& t = out.totals;
  t.consumers = static_cast<std::int64_t>(of.size());
  std::int64_t done = 0;
  for (const ConsumerSummary* s : of) {
    const ConsumerPhase p = s ? s->phase : ConsumerPhase::Pending;
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
  out.progress = std::to_string(done) + "/" + std::to_string(of.size());
  return out;
}

std::int64_t current_wave(const std::vector<api::WaveStatus>& waves) {
  std::size_t current = 0;
  for (std::size_t k = 0; k < waves.size(); ++k)
    if (waves[k].startedAt) current = k;
  return static_cast<std::int64_t>(current);
}

}  // namespace shepherd::controllers::plan
