// The named steps of decide_plan (steps.h), one table each: observed state in, the step's answer out.
#include "controllers/plan/steps.h"

#include <gtest/gtest.h>

#include <chrono>

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;
using api::KStatus;
using api::PlanPhase;
using std::chrono::minutes;

const api::Timestamp T0{std::chrono::seconds{1'700'000'000}};

api::MigrationPlanSpec make_spec(std::size_t n) {
  api::MigrationPlanSpec s;
  s.dataset.name = "events";
  s.changes.push_back(api::Change{api::ChangeKind::Rename, "user_id", "account_id", "", "", ""});
  for (std::size_t i = 0; i < n; ++i) {
    api::ConsumerSpec c;
    c.name = "c" + std::to_string(i);
    c.repository.url = "https://git/" + c.name;
    s.consumers.push_back(c);
  }
  return s;
}

ConsumerSummary child(const std::string& consumer, ConsumerPhase phase) {
  ConsumerSummary s;
  s.name = "plan-" + consumer;
  s.consumer = consumer;
  s.phase = phase;
  s.started = phase != ConsumerPhase::Pending;
  return s;
}

// "c0,c2" for the consumers at `of` that have a ConsumerMigration.
std::string matched(const std::vector<const ConsumerSummary*>& of) {
  std::string out;
  for (const ConsumerSummary* s : of)
    if (s) out += (out.empty() ? "" : ",") + s->consumer;
  return out;
}

template <class A>
std::vector<std::string> names_of(const std::vector<A>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(a.name);
  return out;
}

TEST(MatchConsumers, Table) {
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    std::string want_matched;
  } rows[] = {
      {"none created", {}, ""},
      {"some created",
       {child("c2", ConsumerPhase::Pending), child("c0", ConsumerPhase::Generating)},
       "c0,c2"},
      {"removed from the spec",
       {child("gone", ConsumerPhase::Failed), child("c1", ConsumerPhase::Pending)},
       "c1"},
  };
  const auto spec = make_spec(3);
  for (const auto& r : rows) {
    const Roster roster = match_consumers(spec.consumers, r.children);
    EXPECT_EQ(matched(roster.of), r.want_matched) << r.name;
    EXPECT_EQ(roster.in_spec, (std::set<std::string>{"c0", "c1", "c2"})) << r.name;
    EXPECT_EQ(roster.by_consumer.size(), r.children.size()) << r.name;
  }
}

TEST(SpecErrors, Table) {
  const struct {
    const char* name;
    void (*mutate)(api::MigrationPlanSpec&);
    std::set<std::string> secrets;
    std::vector<std::string> want_fields;
  } rows[] = {
      {"valid", [](api::MigrationPlanSpec&) {}, {}, {}},
      {"missing plan secret",
       [](api::MigrationPlanSpec& s) { s.agent.gitCredentials.secretName = "git"; },
       {},
       {"spec.agent.gitCredentials.secretName"}},
      {"present plan secret",
       [](api::MigrationPlanSpec& s) { s.agent.gitCredentials.secretName = "git"; },
       {"git"},
       {}},
      {"missing override secret",
       [](api::MigrationPlanSpec& s) {
         s.consumers[1].agent = nlohmann::json{{"gitCredentials", {{"secretName", "own"}}}};
       },
       {},
       {"spec.consumers[1].agent.gitCredentials.secretName"}},
      {"override does not parse",
       [](api::MigrationPlanSpec& s) {
         s.consumers[0].health = nlohmann::json{{"count", "x"}};
       },
       {},
       {"spec.consumers[0].health"}},
      {"spec and secret errors together",
       [](api::MigrationPlanSpec& s) {
         s.dataset.name.clear();
         s.agent.gitCredentials.secretName = "git";
       },
       {},
       {"spec.dataset.name", "spec.agent.gitCredentials.secretName"}},
  };
  for (const auto& r : rows) {
    auto spec = make_spec(2);
    r.mutate(spec);
    std::vector<std::string> fields;
    for (const auto& e : spec_errors(spec, api::merge_settings(spec), r.secrets)) fields.push_back(e.field);
    EXPECT_EQ(fields, r.want_fields) << r.name;
  }
}

TEST(InvalidSpec, OneWarningPerDistinctMessage) {
  const std::vector<api::ValidationError> errors{{"spec.dataset.name", "dataset name is required"}};
  const InvalidSpec first = invalid_spec("p", {}, errors);
  EXPECT_EQ(first.verdict.phase, PlanPhase::Blocked);
  EXPECT_EQ(first.verdict.kstatus, KStatus::Stalled);
  EXPECT_EQ(first.verdict.reason, "InvalidSpec");
  EXPECT_EQ(first.verdict.message, "MigrationPlan p is invalid: spec.dataset.name: dataset name is required");
  ASSERT_TRUE(first.event);
  EXPECT_EQ(first.event->type, api::EventType::Warning);
  EXPECT_EQ(first.event->message, first.verdict.message);

  const struct {
    const char* name;
    const char* status;
    const char* reason;
    std::string message;
    bool want_event;
  } rows[] = {
      {"same message already shown", api::kTrue, "InvalidSpec", first.verdict.message, false},
      {"another message", api::kTrue, "InvalidSpec", "MigrationPlan p is invalid: something else", true},
      {"another reason", api::kTrue, "FailureBudgetExceeded", first.verdict.message, true},
      {"not stalled", api::kFalse, "InvalidSpec", first.verdict.message, true},
  };
  for (const auto& r : rows) {
    const std::vector<api::Condition> previous{
        {api::kConditionStalled, r.status, 1, T0, r.reason, r.message}};
    EXPECT_EQ(invalid_spec("p", previous, errors).event.has_value(), r.want_event) << r.name;
  }
}

TEST(Removals, Table) {
  auto started_removed = child("gone-started", ConsumerPhase::Generating);
  auto deleting_removed = child("gone-deleting", ConsumerPhase::Pending);
  deleting_removed.deleting = true;
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    std::vector<std::string> want;
  } rows[] = {
      {"all in the spec", {child("c0", ConsumerPhase::Pending)}, {}},
      {"removed, never started", {child("gone", ConsumerPhase::Pending)}, {"plan-gone"}},
      {"removed, started: runs to its end", {started_removed}, {}},
      {"removed, already deleting", {deleting_removed}, {}},
  };
  for (const auto& r : rows) {
    const auto out = removals({"c0"}, r.children);
    EXPECT_EQ(names_of(out), r.want) << r.name;
    for (const auto& d : out) EXPECT_NE(d.reason.find("removed from the plan"), std::string::npos) << r.name;
  }
}

TEST(ReadSignals, Table) {
  auto failed_retried = child("c1", ConsumerPhase::Failed);
  failed_retried.retry_annotation = "r1";
  const std::vector<ConsumerSummary> children{child("c0", ConsumerPhase::Failed), failed_retried,
                                              child("c2", ConsumerPhase::Succeeded)};
  const struct {
    const char* name;
    std::map<std::string, std::string> annotations;
    api::PlanSignals handled;
    api::PlanSignals want_handled;
    bool want_rollback;
    std::vector<std::string> want_retried;
    std::vector<std::string> want_events;
    std::int64_t want_approved_through;
  } rows[] = {
      {"no annotations", {}, {}, {}, false, {}, {}, -1},
      {"new rollback", {{api::kAnnotationRollback, "t"}}, {}, {"", "", "t"}, true, {}, {}, -1},
      {"rollback already handled",
       {{api::kAnnotationRollback, "t"}},
       {"", "", "t"},
       {"", "", "t"},
       false,
       {},
       {},
       -1},
      {"new retry: Failed consumers not yet carrying it",
       {{api::kAnnotationRetry, "r1"}},
       {},
       {"", "r1", ""},
       false,
       {"plan-c0"},
       {"RetryRequested"},
       -1},
      {"retry already handled",
       {{api::kAnnotationRetry, "r1"}},
       {"", "r1", ""},
       {"", "r1", ""},
       false,
       {},
       {},
       -1},
      {"approve 2", {{api::kAnnotationApprove, "2"}}, {}, {"2", "", ""}, false, {}, {"WaveApproved"}, 2},
      {"approve handled before still approves",
       {{api::kAnnotationApprove, "1"}},
       {"1", "", ""},
       {"1", "", ""},
       false,
       {},
       {},
       1},
      {"approve not an index",
       {{api::kAnnotationApprove, "yes"}},
       {},
       {"yes", "", ""},
       false,
       {},
       {"InvalidApproval"},
       -1},
  };
  for (const auto& r : rows) {
    api::ObjectMeta meta;
    meta.annotations = r.annotations;
    const Signals s = read_signals(meta, r.handled, children);
    EXPECT_EQ(s.handled, r.want_handled) << r.name;
    EXPECT_EQ(s.rollback_requested, r.want_rollback) << r.name;
    EXPECT_EQ(names_of(s.retries), r.want_retried) << r.name;
    for (const auto& a : s.retries) EXPECT_EQ(a.key, api::kAnnotationRetry) << r.name;
    std::vector<std::string> reasons;
    for (const auto& e : s.events) reasons.push_back(e.reason);
    EXPECT_EQ(reasons, r.want_events) << r.name;
    EXPECT_EQ(s.approved_through, r.want_approved_through) << r.name;
  }
}

TEST(Tally, Table) {
  auto stalled = child("c3", ConsumerPhase::Analyzing);
  stalled.stalled = true;
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    Tally want;
  } rows[] = {
      {"empty", {}, {}},
      // Pending counts against maxParallel: a created ConsumerMigration starts its Job at once.
      {"pending and running",
       {child("c0", ConsumerPhase::Pending), child("c1", ConsumerPhase::Generating)},
       {0, 2, 0, 0, 2}},
      {"failures",
       {child("c0", ConsumerPhase::Failed), child("c1", ConsumerPhase::RolledBack)},
       {2, 0, 0, 0, 0}},
      {"stalled holds its slot but does not move", {stalled}, {0, 1, 0, 1, 0}},
      {"needs review of the spec only",
       {child("c0", ConsumerPhase::NeedsReview), child("gone", ConsumerPhase::NeedsReview)},
       {0, 0, 1, 0, 0}},
      {"terminal phases take no slot",
       {child("c0", ConsumerPhase::Succeeded), child("c1", ConsumerPhase::NoChanges),
        child("c2", ConsumerPhase::Skipped)},
       {0, 0, 0, 0, 0}},
  };
  for (const auto& r : rows) {
    const Tally t = tally(r.children, {"c0", "c1", "c2", "c3"});
    EXPECT_EQ(t.failures, r.want.failures) << r.name;
    EXPECT_EQ(t.in_flight, r.want.in_flight) << r.name;
    EXPECT_EQ(t.needs_review, r.want.needs_review) << r.name;
    EXPECT_EQ(t.stalled, r.want.stalled) << r.name;
    EXPECT_EQ(t.moving, r.want.moving) << r.name;
  }
}

TEST(TrackWaves, Table) {
  // Four consumers, waves {c0,c1} {c2,c3}.
  const auto spec = make_spec(4);
  const WavePlan plan = plan_waves(spec.consumers, {50, 100});
  const api::Timestamp earlier = T0 - minutes{5};
  api::WaveStatus started0;
  started0.startedAt = earlier;
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    std::vector<api::WaveStatus> previous;
    api::Approval approval;
    std::int64_t approved_through;
    std::size_t want_open;
    std::int64_t want_succeeded0, want_failed0;
    std::optional<api::Timestamp> want_started0, want_completed0, want_approved0;
  } rows[] = {
      {"nothing created",
       {},
       {},
       api::Approval::Automatic,
       -1,
       0,
       0,
       0,
       std::nullopt,
       std::nullopt,
       std::nullopt},
      {"wave 0 started now",
       {child("c0", ConsumerPhase::Generating)},
       {},
       api::Approval::Automatic,
       -1,
       0,
       0,
       0,
       T0,
       std::nullopt,
       std::nullopt},
      {"start time carried over",
       {child("c0", ConsumerPhase::Generating)},
       {started0},
       api::Approval::Automatic,
       -1,
       0,
       0,
       0,
       earlier,
       std::nullopt,
       std::nullopt},
      {"wave 0 complete: wave 1 opens",
       {child("c0", ConsumerPhase::Succeeded), child("c1", ConsumerPhase::Failed)},
       {started0},
       api::Approval::Automatic,
       -1,
       1,
       1,
       1,
       earlier,
       T0,
       std::nullopt},
      {"approval recorded (Manual)",
       {},
       {},
       api::Approval::Manual,
       0,
       0,
       0,
       0,
       std::nullopt,
       std::nullopt,
       T0},
      {"approval ignored (Automatic)",
       {},
       {},
       api::Approval::Automatic,
       0,
       0,
       0,
       0,
       std::nullopt,
       std::nullopt,
       std::nullopt},
      {"every wave complete",
       {child("c0", ConsumerPhase::Succeeded), child("c1", ConsumerPhase::NoChanges),
        child("c2", ConsumerPhase::Skipped), child("c3", ConsumerPhase::NeedsReview)},
       {},
       api::Approval::Automatic,
       -1,
       2,
       2,
       0,
       T0,
       T0,
       std::nullopt},
  };
  for (const auto& r : rows) {
    api::RolloutSpec rollout;
    rollout.approval = r.approval;
    const Roster roster = match_consumers(spec.consumers, r.children);
    const WaveTrack t = track_waves(plan, roster.of, r.previous, rollout, r.approved_through, T0);
    ASSERT_EQ(t.waves.size(), 2u) << r.name;
    EXPECT_EQ(t.open_wave, r.want_open) << r.name;
    EXPECT_EQ(t.waves[0].index, 0) << r.name;
    EXPECT_EQ(t.waves[1].index, 1) << r.name;
    EXPECT_EQ(t.waves[0].size, 2) << r.name;
    EXPECT_EQ(t.waves[0].succeeded, r.want_succeeded0) << r.name;
    EXPECT_EQ(t.waves[0].failed, r.want_failed0) << r.name;
    EXPECT_EQ(t.waves[0].startedAt, r.want_started0) << r.name;
    EXPECT_EQ(t.waves[0].completedAt, r.want_completed0) << r.name;
    EXPECT_EQ(t.waves[0].approvedAt, r.want_approved0) << r.name;
  }
}

// A wave that was complete and gains a non-terminal member (a retry) is no longer complete.
TEST(TrackWaves, CompletionIsClearedWhenAMemberMovesAgain) {
  const auto spec = make_spec(1);
  const WavePlan plan = plan_waves(spec.consumers, {100});
  api::WaveStatus done;
  done.startedAt = done.completedAt = T0 - minutes{1};
  const std::vector<ConsumerSummary> children{child("c0", ConsumerPhase::Pending)};
  const WaveTrack t =
      track_waves(plan, match_consumers(spec.consumers, children).of, {done}, api::RolloutSpec{}, -1, T0);
  EXPECT_FALSE(t.waves[0].completedAt);
  EXPECT_EQ(t.open_wave, 0u);
}

TEST(RollingBack, Table) {
  const struct {
    PlanPhase previous;
    bool requested, tripped;
    api::OnFailure on_failure;
    bool want;
  } rows[] = {
      {PlanPhase::Progressing, false, false, api::OnFailure::Rollback, false},
      {PlanPhase::Progressing, true, false, api::OnFailure::Pause, true},
      {PlanPhase::Progressing, false, true, api::OnFailure::Pause, false},
      {PlanPhase::Progressing, false, true, api::OnFailure::Rollback, true},
      {PlanPhase::RollingBack, false, false, api::OnFailure::Pause, true},
      {PlanPhase::RolledBack, false, false, api::OnFailure::Pause, true},
      {PlanPhase::Blocked, false, false, api::OnFailure::Rollback, false},
  };
  for (const auto& r : rows)
    EXPECT_EQ(rolling_back(r.previous, r.requested, r.tripped, r.on_failure), r.want)
        << api::to_string(r.previous) << " " << r.requested << r.tripped;
}

TEST(RollBack, Table) {
  auto cut = child("cut", ConsumerPhase::Succeeded);
  cut.cut_over = true;
  auto published = child("pub", ConsumerPhase::Succeeded);
  published.published = true;
  auto signalled = child("sig", ConsumerPhase::Generating);
  signalled.rollback_annotation = "t";
  auto deleting = child("del", ConsumerPhase::Generating);
  deleting.deleting = true;
  auto cut_failed = child("cutfail", ConsumerPhase::Failed);
  cut_failed.cut_over = true;
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    std::vector<std::string> want_annotated;
    PlanPhase want_phase;
  } rows[] = {
      {"nothing to undo",
       {child("a", ConsumerPhase::Succeeded), child("b", ConsumerPhase::Failed)},
       {},
       PlanPhase::RolledBack},
      {"running ones are told",
       {child("a", ConsumerPhase::Generating), child("b", ConsumerPhase::Pending)},
       {"plan-a", "plan-b"},
       PlanPhase::RollingBack},
      {"cut over and published ones are told",
       {cut, published},
       {"plan-cut", "plan-pub"},
       PlanPhase::RollingBack},
      {"told once", {signalled}, {}, PlanPhase::RollingBack},
      {"already rolling back", {child("a", ConsumerPhase::RollingBack)}, {}, PlanPhase::RollingBack},
      {"rolled back: done", {child("a", ConsumerPhase::RolledBack)}, {}, PlanPhase::RolledBack},
      {"a deleted one is left alone", {deleting}, {}, PlanPhase::RolledBack},
      {"cut over, then failed: counts as ended", {cut_failed}, {"plan-cutfail"}, PlanPhase::RolledBack},
  };
  for (const auto& r : rows) {
    const Rollback out = roll_back(r.children, "t", 0, 0);
    EXPECT_EQ(names_of(out.actions), r.want_annotated) << r.name;
    for (const auto& a : out.actions) {
      EXPECT_EQ(a.key, api::kAnnotationRollback) << r.name;
      EXPECT_EQ(a.value, "t") << r.name;
    }
    EXPECT_EQ(out.verdict.phase, r.want_phase) << r.name;
    EXPECT_NE(out.verdict.message.find("shepherd.dev/rollback=t"), std::string::npos) << r.name;
  }
  // The budget's token says why.
  const Rollback budget = roll_back({}, kBudgetRollbackToken, 3, 2);
  EXPECT_EQ(budget.verdict.reason, "RolledBack");
  EXPECT_EQ(budget.verdict.kstatus, KStatus::Stalled);
  EXPECT_NE(budget.verdict.message.find("3 failures exceed the failure budget of 2"), std::string::npos);
}

TEST(GateOpenWave, Table) {
  // Six consumers, waves {c0,c1} {c2,c3} {c4,c5}.
  const auto spec = make_spec(6);
  const WavePlan plan = plan_waves(spec.consumers, {33, 66, 100});
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    std::size_t open_wave;
    api::Approval approval;
    std::int64_t approved_through;
    std::optional<api::Timestamp> completed_before;  // of wave open_wave - 1
    bool want_open;
    std::optional<api::Duration> want_bake_left;
    bool want_awaiting, want_review;
  } rows[] = {
      {"first wave, automatic",
       {},
       0,
       api::Approval::Automatic,
       -1,
       std::nullopt,
       true,
       std::nullopt,
       false,
       false},
      {"first wave, manual, not approved",
       {},
       0,
       api::Approval::Manual,
       -1,
       std::nullopt,
       false,
       std::nullopt,
       true,
       false},
      {"first wave, manual, approved",
       {},
       0,
       api::Approval::Manual,
       0,
       std::nullopt,
       true,
       std::nullopt,
       false,
       false},
      {"baking", {}, 1, api::Approval::Automatic, -1, T0 - minutes{4}, false, minutes{6}, false, false},
      {"baked", {}, 1, api::Approval::Automatic, -1, T0 - minutes{10}, true, std::nullopt, false, false},
      {"earlier wave needs review",
       {child("c0", ConsumerPhase::NeedsReview)},
       2,
       api::Approval::Automatic,
       -1,
       T0 - minutes{60},
       false,
       std::nullopt,
       false,
       true},
      {"every wave done", {}, 3, api::Approval::Manual, -1, std::nullopt, false, std::nullopt, false, false},
  };
  for (const auto& r : rows) {
    api::RolloutSpec rollout;
    rollout.approval = r.approval;
    rollout.bakeTime = minutes{10};
    std::vector<api::WaveStatus> waves(3);
    for (std::size_t k = 0; k < 3; ++k) waves[k].size = 2;
    if (r.open_wave > 0 && r.open_wave <= 3) waves[r.open_wave - 1].completedAt = r.completed_before;
    const Roster roster = match_consumers(spec.consumers, r.children);
    const Gate g = gate_open_wave(plan, roster.of, waves, r.open_wave, rollout, r.approved_through, T0);
    EXPECT_EQ(g.open, r.want_open) << r.name;
    EXPECT_EQ(g.bake_left, r.want_bake_left) << r.name;
    EXPECT_EQ(g.awaiting_approval, r.want_awaiting) << r.name;
    EXPECT_EQ(g.review_blocked, r.want_review) << r.name;
  }
}

// The bake time counts from the last earlier wave that has members, skipping empty ones.
TEST(GateOpenWave, BakeTimeSkipsEmptyWaves) {
  const auto spec = make_spec(6);
  const WavePlan plan = plan_waves(spec.consumers, {33, 66, 100});
  api::RolloutSpec rollout;
  rollout.bakeTime = minutes{10};
  std::vector<api::WaveStatus> waves(3);
  waves[0].size = 2;
  waves[0].completedAt = T0 - minutes{3};
  waves[1].size = 0;  // empty
  const Gate g =
      gate_open_wave(plan, std::vector<const ConsumerSummary*>(6, nullptr), waves, 2, rollout, -1, T0);
  EXPECT_EQ(g.bake_left, api::Duration{minutes{7}});
  EXPECT_FALSE(g.open);
}

TEST(StartConsumers, Table) {
  // Five consumers in one wave; c3 depends on c0, c4 depends on c1.
  auto spec = make_spec(5);
  spec.consumers[3].dependsOn = {"c0"};
  spec.consumers[4].dependsOn = {"c1"};
  const WavePlan plan = plan_waves(spec.consumers, {100});
  const struct {
    const char* name;
    std::vector<ConsumerSummary> children;
    bool may_start;
    std::int64_t max_parallel, in_flight;
    std::vector<std::string> want_created, want_blocked;
  } rows[] = {
      {"first start: up to maxParallel, dependencies wait", {}, true, 10, 0, {"c0", "c1", "c2"}, {}},
      {"maxParallel bounds the starts", {}, true, 2, 0, {"c0", "c1"}, {}},
      {"in flight take slots (Pending included)",
       {child("c0", ConsumerPhase::Pending)},
       true,
       2,
       1,
       {"c1"},
       {}},
      {"no slot left", {}, true, 2, 2, {}, {}},
      {"more in flight than maxParallel (lowered)", {}, true, 2, 5, {}, {}},
      {"dependency succeeded",
       {child("c0", ConsumerPhase::Succeeded), child("c1", ConsumerPhase::NoChanges)},
       true,
       10,
       0,
       {"c2", "c3", "c4"},
       {}},
      {"dependency failed: blocked",
       {child("c0", ConsumerPhase::Failed), child("c1", ConsumerPhase::Generating)},
       true,
       10,
       1,
       {"c2"},
       {"c3"}},
      {"gate closed: nothing starts, blocked still reported",
       {child("c1", ConsumerPhase::Skipped)},
       false,
       10,
       0,
       {},
       {"c4"}},
  };
  for (const auto& r : rows) {
    spec.rollout.maxParallel = r.max_parallel;
    const Roster roster = match_consumers(spec.consumers, r.children);
    const Starts s = start_consumers(spec, plan, roster, 0, r.may_start, r.in_flight);
    std::vector<std::string> created;
    for (const auto& c : s.creates) {
      created.push_back(c.consumer);
      EXPECT_EQ(spec.consumers[c.index].name, c.consumer) << r.name;
      EXPECT_EQ(c.wave, 0u) << r.name;
    }
    EXPECT_EQ(created, r.want_created) << r.name;
    EXPECT_EQ(s.dependency_blocked, r.want_blocked) << r.name;
  }
  // Past the last wave nothing starts.
  EXPECT_TRUE(start_consumers(spec, plan, match_consumers(spec.consumers, {}), 1, true, 0).creates.empty());
}

TEST(ProgressVerdict, Table) {
  const auto facts = [](auto mutate) {
    ProgressFacts f;
    f.plan_name = "p";
    f.consumers = 4;
    f.wave_count = 2;
    f.open_wave = 0;
    f.budget = 1;
    f.bake_time = minutes{10};
    mutate(f);
    return f;
  };
  const struct {
    const char* name;
    ProgressFacts facts;
    PlanPhase want_phase;
    KStatus want_kstatus;
    const char* want_reason;
    bool want_requeue;
  } rows[] = {
      {"budget tripped wins", facts([](ProgressFacts& f) {
         f.tripped = true;
         f.open_wave = 2;
       }),
       PlanPhase::Blocked, KStatus::Stalled, "FailureBudgetExceeded", false},
      {"every wave done", facts([](ProgressFacts& f) { f.open_wave = 2; }), PlanPhase::Succeeded,
       KStatus::Ready, "Succeeded", false},
      {"done but a consumer needs review", facts([](ProgressFacts& f) {
         f.open_wave = 2;
         f.tally.needs_review = 1;
       }),
       PlanPhase::Blocked, KStatus::Stalled, "ConsumersNeedReview", false},
      {"paused", facts([](ProgressFacts& f) {
         f.paused = true;
         f.tally.moving = 1;
       }),
       PlanPhase::Paused, KStatus::Waiting, "Paused", false},
      {"started some", facts([](ProgressFacts& f) { f.created = 2; }), PlanPhase::Progressing,
       KStatus::Reconciling, "Progressing", false},
      {"some moving", facts([](ProgressFacts& f) { f.tally.moving = 1; }), PlanPhase::Progressing,
       KStatus::Reconciling, "Progressing", false},
      {"baking", facts([](ProgressFacts& f) { f.gate.bake_left = minutes{3}; }), PlanPhase::Progressing,
       KStatus::Reconciling, "Baking", true},
      {"review blocks the next wave", facts([](ProgressFacts& f) { f.gate.review_blocked = true; }),
       PlanPhase::Blocked, KStatus::Stalled, "ConsumersNeedReview", false},
      {"awaiting approval", facts([](ProgressFacts& f) { f.gate.awaiting_approval = true; }),
       PlanPhase::Blocked, KStatus::Waiting, "AwaitingApproval", false},
      {"inconclusive analysis", facts([](ProgressFacts& f) { f.tally.stalled = 1; }), PlanPhase::Blocked,
       KStatus::Stalled, "AnalysisInconclusive", false},
      {"a dependency failed", facts([](ProgressFacts& f) { f.dependency_blocked = {"c3"}; }),
       PlanPhase::Blocked, KStatus::Stalled, "DependencyFailed", false},
  };
  for (const auto& r : rows) {
    const Progress p = progress_verdict(r.facts);
    EXPECT_EQ(p.verdict.phase, r.want_phase) << r.name;
    EXPECT_EQ(p.verdict.kstatus, r.want_kstatus) << r.name;
    EXPECT_EQ(p.verdict.reason, r.want_reason) << r.name;
    EXPECT_FALSE(p.verdict.message.empty()) << r.name;
    EXPECT_EQ(p.requeue_after.has_value(), r.want_requeue) << r.name;
    if (r.want_requeue) {
      EXPECT_EQ(p.requeue_after, r.facts.gate.bake_left) << r.name;
    }
  }
}

TEST(ProgressVerdict, MessagesNameWhatToDo) {
  ProgressFacts f;
  f.plan_name = "p";
  f.consumers = 3;
  f.wave_count = 2;
  f.open_wave = 1;
  f.gate.awaiting_approval = true;
  EXPECT_NE(
      progress_verdict(f).verdict.message.find("kubectl annotate mplan p shepherd.dev/approve=1 --overwrite"),
      std::string::npos);
  f.gate.awaiting_approval = false;
  f.tally.in_flight = 2;
  f.tally.moving = 2;
  f.created = 1;
  EXPECT_EQ(progress_verdict(f).verdict.message, "wave 1/2 in progress: 3 running");
  f = ProgressFacts{};
  f.consumers = 3;
  f.open_wave = f.wave_count = 1;
  f.tally.failures = 1;
  f.budget = 1;
  EXPECT_EQ(progress_verdict(f).verdict.message,
            "all 3 consumers finished (1 failed, within the budget of 1)");
}

TEST(CountTotals, Table) {
  const std::vector<ConsumerSummary> children{
      child("a", ConsumerPhase::Generating),  child("b", ConsumerPhase::Analyzing),
      child("c", ConsumerPhase::Succeeded),   child("d", ConsumerPhase::NoChanges),
      child("e", ConsumerPhase::NeedsReview), child("f", ConsumerPhase::Failed),
      child("g", ConsumerPhase::RolledBack),  child("h", ConsumerPhase::Skipped),
      child("i", ConsumerPhase::Pending),     child("j", ConsumerPhase::RollingBack)};
  const struct {
    const char* name;
    std::vector<const ConsumerSummary*> of;
    api::PlanTotals want;
    const char* want_progress;
  } rows[] = {
      {"empty plan", {}, {}, "0/0"},
      {"not created counts as Pending", {nullptr, nullptr}, {2, 2, 0, 0, 0, 0, 0, 0, 0}, "0/2"},
      {"every phase",
       {&children[0], &children[1], &children[2], &children[3], &children[4], &children[5], &children[6],
        &children[7], &children[8], &children[9], nullptr},
       {11, 2, 3, 1, 1, 1, 1, 1, 1},
       "6/11"},
  };
  for (const auto& r : rows) {
    const Totals t = count_totals(r.of);
    EXPECT_EQ(t.totals, r.want) << r.name;
    EXPECT_EQ(t.progress, r.want_progress) << r.name;
  }
}

TEST(CurrentWave, Table) {
  api::WaveStatus started, not_started;
  started.startedAt = T0;
  const struct {
    std::vector<api::WaveStatus> waves;
    std::int64_t want;
  } rows[] = {
      {{}, 0},
      {{not_started, not_started}, 0},
      {{started, not_started}, 0},
      {{started, started, not_started}, 1},
      {{started, not_started, started}, 2},
  };
  for (const auto& r : rows) EXPECT_EQ(current_wave(r.waves), r.want) << r.waves.size();
}

}  // namespace
}  // namespace shepherd::controllers::plan
