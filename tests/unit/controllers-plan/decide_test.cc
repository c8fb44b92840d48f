// decide_plan, table by table: start gating (parallelism, dependencies, waves, bake, approval,
// paused), circuit breaker (Pause, Rollback), signals, spec changes, invalid specs, status.
#include "controllers/plan/decide.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "controllers/api/conditions.h"
#include "controllers/plan/order.h"

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;
using api::PlanPhase;

const api::Timestamp T0{std::chrono::seconds{1'700'000'000}};

api::MigrationPlan make_plan(std::size_t n, std::vector<std::int64_t> waves = {100}) {
  api::MigrationPlan p;
  p.metadata.name = "plan";
  p.metadata.namespace_ = "ns";
  p.metadata.uid = "uid-1";
  p.metadata.generation = 1;
  p.spec.dataset.name = "events";
  p.spec.changes.push_back(api::Change{api::ChangeKind::Rename, "user_id", "account_id", "", "", ""});
  for (std::size_t i = 0; i < n; ++i) {
    api::ConsumerSpec c;
    c.name = "c" + std::to_string(i);
    c.repository.url = "https://git/" + c.name;
    p.spec.consumers.push_back(c);
  }
  p.spec.rollout.waves = std::move(waves);
  return p;
}

ConsumerSummary summary(const std::string& consumer, ConsumerPhase phase, std::int64_t wave = 0) {
  ConsumerSummary s;
  s.name = consumer_migration_name("plan", consumer);
  s.consumer = consumer;
  s.wave = wave;
  s.phase = phase;
  s.started = phase != ConsumerPhase::Pending;
  return s;
}

std::vector<std::string> created(const PlanDecision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions)
    if (const auto* c = std::get_if<CreateConsumerMigration>(&a)) out.push_back(c->consumer);
  return out;
}

template <typename T>
std::vector<T> actions_of(const PlanDecision& d) {
  std::vector<T> out;
  for (const auto& a : d.actions)
    if (const auto* x = std::get_if<T>(&a)) out.push_back(*x);
  return out;
}

const api::Condition& cond(const PlanDecision& d, const char* type) {
  const auto* c = api::find_condition(d.status.conditions, type);
  EXPECT_NE(c, nullptr) << type;
  static const api::Condition none;
  return c ? *c : none;
}

bool has_event(const PlanDecision& d, const std::string& reason) {
  for (const auto& e : d.events)
    if (e.reason == reason) return true;
  return false;
}

PlanObserved observe(const api::MigrationPlan& p, std::vector<ConsumerSummary> cs = {},
                     api::Timestamp now = T0) {
  PlanObserved o;
  o.plan = p;
  o.settings = api::merge_settings(p.spec);
  o.consumers = std::move(cs);
  o.now = now;
  return o;
}

TEST(DecidePlan, FirstReconcileStartsUpToMaxParallel) {
  auto p = make_plan(25);
  p.spec.rollout.maxParallel = 10;
  const auto d = decide_plan(observe(p));
  ASSERT_EQ(created(d).size(), 10u);
  EXPECT_EQ(created(d).front(), "c0");
  const auto first = actions_of<CreateConsumerMigration>(d)[0];
  EXPECT_EQ(first.index, 0u);
  const auto obj = make_consumer_migration(p, api::merge_settings(p.spec), first.index, first.wave);
  EXPECT_EQ(obj.metadata.name, "plan-c0");
  EXPECT_EQ(obj.metadata.namespace_, "ns");
  EXPECT_EQ(obj.metadata.labels.at(api::kLabelPlan), "plan");
  EXPECT_EQ(obj.metadata.labels.at(api::kLabelConsumer), "c0");
  EXPECT_EQ(obj.metadata.labels.at(api::kLabelWave), "0");
  ASSERT_EQ(obj.metadata.ownerReferences.size(), 1u);
  EXPECT_EQ(obj.metadata.ownerReferences[0].uid, "uid-1");
  EXPECT_TRUE(obj.metadata.ownerReferences[0].controller);
  EXPECT_TRUE(obj.metadata.ownerReferences[0].blockOwnerDeletion);
  EXPECT_EQ(obj.spec.plan, "plan");
  EXPECT_EQ(obj.spec.dataset.name, "events");
  EXPECT_EQ(d.status.phase, PlanPhase::Progressing);
  EXPECT_EQ(d.status.observedGeneration, 1);
  EXPECT_EQ(d.status.progress, "0/25");
  EXPECT_EQ(d.status.totals.consumers, 25);
  EXPECT_EQ(cond(d, api::kConditionReconciling).status, api::kTrue);
  EXPECT_TRUE(d.status_changed);
  EXPECT_TRUE(has_event(d, "Progressing"));
  ASSERT_EQ(d.status.waves.size(), 1u);
  EXPECT_EQ(d.status.waves[0].startedAt, T0);
}

TEST(DecidePlan, FrozenSpecMergesTheConsumerOverrides) {
  auto p = make_plan(1);
  p.spec.agent.gitCredentials.secretName = "git";
  p.spec.consumers[0].agent = nlohmann::json{{"mode", "Push"}};
  p.spec.consumers[0].health = nlohmann::json{{"count", 3}};
  auto o = observe(p);
  o.secrets_present = {"git"};
  const auto first = actions_of<CreateConsumerMigration>(decide_plan(o)).at(0);
  const auto obj = make_consumer_migration(p, api::merge_settings(p.spec), first.index, first.wave);
  EXPECT_EQ(obj.spec.agent.mode, api::AgentMode::Push);
  EXPECT_EQ(obj.spec.agent.gitCredentials.secretName, "git");
  EXPECT_EQ(obj.spec.health.count, 3);
  EXPECT_FALSE(obj.spec.consumer.agent.has_value());
}

// A create whose watch event has not come yet is a Pending consumer: it is not created again, and it
// counts against maxParallel.
TEST(DecidePlan, CreatedButNotCachedCountsAsPending) {
  auto p = make_plan(5);
  p.spec.rollout.maxParallel = 2;
  auto o = observe(p);
  o.created_not_cached = {consumer_migration_name("plan", "c0")};
  const auto d = decide_plan(o);
  EXPECT_EQ(created(d), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(d.status.totals.consumers, 5);
}

TEST(DecidePlan, SecretsToCheckAreThePlansAndTheOverrides) {
  auto p = make_plan(3);
  p.spec.agent.gitCredentials.secretName = "git";
  p.spec.consumers[1].agent = nlohmann::json{{"gitCredentials", {{"secretName", "team-b"}}}};
  p.spec.consumers[2].agent = nlohmann::json{{"mode", "Push"}};
  EXPECT_EQ(secrets_to_check(p.spec, api::merge_settings(p.spec)), (std::set<std::string>{"git", "team-b"}));
  EXPECT_TRUE(secrets_to_check(make_plan(1).spec, api::merge_settings(make_plan(1).spec)).empty());
}

TEST(DecidePlan, MaxParallelCountsEveryNonTerminalConsumer) {
  struct Row {
    std::vector<ConsumerPhase> existing;
    std::size_t want_created;
  };
  const Row rows[] = {
      {{}, 3},
      {{ConsumerPhase::Generating}, 2},
      {{ConsumerPhase::Pending, ConsumerPhase::Analyzing}, 1},  // created-not-started counts too
      {{ConsumerPhase::Generating, ConsumerPhase::CuttingOver, ConsumerPhase::RollingBack}, 0},
      {{ConsumerPhase::Succeeded, ConsumerPhase::NoChanges, ConsumerPhase::Skipped}, 3},
  };
  for (const auto& r : rows) {
    auto p = make_plan(10);
    p.spec.rollout.maxParallel = 3;
    p.spec.rollout.maxFailures = {10, false};
    std::vector<ConsumerSummary> cs;
    for (std::size_t i = 0; i < r.existing.size(); ++i)
      cs.push_back(summary("c" + std::to_string(i), r.existing[i]));
    EXPECT_EQ(created(decide_plan(observe(p, cs))).size(), r.want_created) << r.existing.size();
  }
}

TEST(DecidePlan, DependenciesMustBeSucceededOrNoChanges) {
  struct Row {
    std::optional<ConsumerPhase> dep;  // phase of "c0"; nullopt: not created
    bool dependent_starts;
  };
  const Row rows[] = {
      {std::nullopt, false},
      {ConsumerPhase::Pending, false},
      {ConsumerPhase::Generating, false},
      {ConsumerPhase::Analyzing, false},
      {ConsumerPhase::Succeeded, true},
      {ConsumerPhase::NoChanges, true},
      {ConsumerPhase::NeedsReview, false},
      {ConsumerPhase::Failed, false},
      {ConsumerPhase::Skipped, false},
      {ConsumerPhase::RolledBack, false},
  };
  for (const auto& r : rows) {
    auto p = make_plan(2);
    p.spec.consumers[1].dependsOn = {"c0"};
    p.spec.rollout.maxFailures = {5, false};
    std::vector<ConsumerSummary> cs;
    if (r.dep) cs.push_back(summary("c0", *r.dep));
    const auto c = created(decide_plan(observe(p, cs)));
    const bool starts = std::find(c.begin(), c.end(), "c1") != c.end();
    EXPECT_EQ(starts, r.dependent_starts) << (r.dep ? api::to_string(*r.dep) : "absent");
  }
}

TEST(DecidePlan, DependencyThatFailedBlocksWithReason) {
  auto p = make_plan(2);
  p.spec.consumers[1].dependsOn = {"c0"};
  p.spec.rollout.maxFailures = {5, false};
  const auto d = decide_plan(observe(p, {summary("c0", ConsumerPhase::Failed)}));
  EXPECT_EQ(d.status.phase, PlanPhase::Blocked);
  EXPECT_EQ(cond(d, api::kConditionStalled).reason, "DependencyFailed");
  EXPECT_NE(cond(d, api::kConditionStalled).message.find("c1"), std::string::npos);
}

TEST(DecidePlan, NextWaveWaitsForTerminalWaveAndBakeTime) {
  auto p = make_plan(4, {50, 100});  // waves {c0,c1} {c2,c3}
  p.spec.rollout.bakeTime = std::chrono::minutes{10};
  // Wave 0 partly running: wave 1 does not start.
  auto d = decide_plan(
      observe(p, {summary("c0", ConsumerPhase::Succeeded), summary("c1", ConsumerPhase::Generating)}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.currentWave, 0);
  // Wave 0 done now: baking, requeue after the bake time.
  const std::vector<ConsumerSummary> done{summary("c0", ConsumerPhase::Succeeded),
                                          summary("c1", ConsumerPhase::NoChanges)};
  d = decide_plan(observe(p, done));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::Progressing);
  EXPECT_EQ(cond(d, api::kConditionReady).reason, "Baking");
  ASSERT_TRUE(d.requeue_after);
  EXPECT_EQ(*d.requeue_after, std::chrono::minutes{10});
  EXPECT_EQ(d.status.waves[0].completedAt, T0);
  // 9 minutes later: still baking.
  p.status = d.status;
  d = decide_plan(observe(p, done, T0 + std::chrono::minutes{9}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(*d.requeue_after, std::chrono::minutes{1});
  // 10 minutes later: wave 1 starts.
  d = decide_plan(observe(p, done, T0 + std::chrono::minutes{10}));
  EXPECT_EQ(created(d), (std::vector<std::string>{"c2", "c3"}));
  EXPECT_EQ(actions_of<CreateConsumerMigration>(d)[0].wave, 1u);
  EXPECT_EQ(make_consumer_migration(p, api::merge_settings(p.spec),
                                    actions_of<CreateConsumerMigration>(d)[0].index, 1)
                .metadata.labels.at(api::kLabelWave),
            "1");
  EXPECT_EQ(d.status.currentWave, 1);
  EXPECT_EQ(d.status.waves[1].startedAt, T0 + std::chrono::minutes{10});
}

TEST(DecidePlan, ManualApprovalGatesEveryWave) {
  auto p = make_plan(2, {50, 100});
  p.spec.rollout.approval = api::Approval::Manual;
  auto d = decide_plan(observe(p));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::Blocked);
  EXPECT_EQ(cond(d, api::kConditionReady).reason, "AwaitingApproval");
  EXPECT_EQ(cond(d, api::kConditionStalled).status, api::kFalse);  // a deliberate wait, not a failure
  EXPECT_NE(cond(d, api::kConditionReady).message.find("shepherd.dev/approve=0"), std::string::npos);
  EXPECT_TRUE(has_event(d, "AwaitingApproval"));

  p.status = d.status;
  p.metadata.annotations[api::kAnnotationApprove] = "0";
  d = decide_plan(observe(p));
  EXPECT_EQ(created(d), (std::vector<std::string>{"c0"}));
  EXPECT_EQ(d.status.signals.approve, "0");
  EXPECT_EQ(d.status.waves[0].approvedAt, T0);
  EXPECT_FALSE(d.status.waves[1].approvedAt.has_value());
  EXPECT_TRUE(has_event(d, "WaveApproved"));

  // Wave 0 done; approval "0" does not open wave 1.
  p.status = d.status;
  const std::vector<ConsumerSummary> done{summary("c0", ConsumerPhase::Succeeded)};
  d = decide_plan(observe(p, done));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(cond(d, api::kConditionReady).reason, "AwaitingApproval");
  EXPECT_FALSE(has_event(d, "WaveApproved"));  // same value: handled once
  p.status = d.status;
  p.metadata.annotations[api::kAnnotationApprove] = "1";
  d = decide_plan(observe(p, done));
  EXPECT_EQ(created(d), (std::vector<std::string>{"c1"}));

  // A value that is not an index is reported, not acted on.
  p.metadata.annotations[api::kAnnotationApprove] = "yes";
  d = decide_plan(observe(p, done));
  EXPECT_TRUE(has_event(d, "InvalidApproval"));
}

TEST(DecidePlan, PausedStartsNothing) {
  auto p = make_plan(3);
  p.spec.paused = true;
  const auto d = decide_plan(observe(p, {summary("c0", ConsumerPhase::Generating)}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::Paused);
  EXPECT_EQ(cond(d, api::kConditionReady).reason, "Paused");
  EXPECT_EQ(cond(d, api::kConditionStalled).status, api::kFalse);
  EXPECT_EQ(cond(d, api::kConditionReconciling).status, api::kFalse);
}

TEST(DecidePlan, CircuitBreakerPause) {
  auto p = make_plan(20);
  p.spec.rollout.maxParallel = 2;
  p.spec.rollout.maxFailures = {10, true};  // 2 of 20
  std::vector<ConsumerSummary> cs{summary("c0", ConsumerPhase::Failed),
                                  summary("c1", ConsumerPhase::RolledBack)};
  auto d = decide_plan(observe(p, cs));
  EXPECT_EQ(created(d).size(), 2u);  // 2 failures = budget: not tripped
  cs.push_back(summary("c2", ConsumerPhase::Failed));
  d = decide_plan(observe(p, cs));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::Blocked);
  EXPECT_EQ(cond(d, api::kConditionStalled).status, api::kTrue);
  EXPECT_EQ(cond(d, api::kConditionStalled).reason, "FailureBudgetExceeded");
  EXPECT_TRUE(actions_of<AnnotateConsumerMigration>(d).empty());  // Pause rolls nothing back
  EXPECT_EQ(d.events.at(0).type, api::EventType::Warning);
}

TEST(DecidePlan, CircuitBreakerRollback) {
  auto p = make_plan(5);
  p.spec.rollout.onFailure = api::OnFailure::Rollback;
  auto published = summary("c0", ConsumerPhase::Succeeded);
  published.published = true;
  auto cut = summary("c1", ConsumerPhase::Analyzing);
  cut.cut_over = true;
  const auto dry = summary("c2", ConsumerPhase::Succeeded);  // DryRun: nothing to revert
  const auto running = summary("c3", ConsumerPhase::Generating);
  const auto failed = summary("c4", ConsumerPhase::Failed);
  auto d = decide_plan(observe(p, {published, cut, dry, running, failed}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::RollingBack);
  EXPECT_EQ(d.status.signals.rollback, kBudgetRollbackToken);
  const auto ann = actions_of<AnnotateConsumerMigration>(d);
  std::map<std::string, std::string> by;
  for (const auto& a : ann) by[a.name] = a.key + "=" + a.value;
  EXPECT_EQ(by["plan-c0"], "shepherd.dev/rollback=failure-budget");
  EXPECT_EQ(by["plan-c1"], "shepherd.dev/rollback=failure-budget");
  // A consumer still running gets the rollback signal too: it stops (nothing published) or
  // reverts (something was, after the cache the plan read) by its own fresh state.
  EXPECT_EQ(by["plan-c3"], "shepherd.dev/rollback=failure-budget");
  EXPECT_EQ(by.count("plan-c2"), 0u);
  EXPECT_EQ(by.count("plan-c4"), 0u);
  // Annotated consumers are not annotated again; the plan ends RolledBack when they are.
  p.status = d.status;
  published.rollback_annotation = cut.rollback_annotation = kBudgetRollbackToken;
  published.phase = ConsumerPhase::RollingBack;
  auto stopped = summary("c3", ConsumerPhase::RolledBack);
  stopped.rollback_annotation = kBudgetRollbackToken;
  d = decide_plan(observe(p, {published, cut, dry, stopped, failed}));
  EXPECT_TRUE(actions_of<AnnotateConsumerMigration>(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::RollingBack);
  published.phase = ConsumerPhase::RolledBack;
  cut.phase = ConsumerPhase::RolledBack;
  d = decide_plan(observe(p, {published, cut, dry, stopped, failed}));
  EXPECT_EQ(d.status.phase, PlanPhase::RolledBack);
  EXPECT_EQ(cond(d, api::kConditionStalled).reason, "RolledBack");
  EXPECT_TRUE(has_event(d, "RolledBack"));
}

TEST(DecidePlan, RollbackSignalIsStickyAndHandledOnce) {
  auto p = make_plan(3);
  p.metadata.annotations[api::kAnnotationRollback] = "r1";
  auto pub = summary("c0", ConsumerPhase::Succeeded);
  pub.published = true;
  auto d = decide_plan(observe(p, {pub}));
  EXPECT_EQ(d.status.signals.rollback, "r1");
  EXPECT_EQ(d.status.phase, PlanPhase::RollingBack);
  EXPECT_TRUE(created(d).empty());
  ASSERT_EQ(actions_of<AnnotateConsumerMigration>(d).size(), 1u);
  EXPECT_EQ(actions_of<AnnotateConsumerMigration>(d)[0].value, "r1");
  // Removing the annotation does not resume the plan.
  p.status = d.status;
  p.metadata.annotations.clear();
  pub.phase = ConsumerPhase::RolledBack;
  d = decide_plan(observe(p, {pub}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::RolledBack);
}

TEST(DecidePlan, RetrySignalAnnotatesFailedConsumersOnce) {
  auto p = make_plan(4);
  p.spec.rollout.maxFailures = {10, false};
  p.metadata.annotations[api::kAnnotationRetry] = "t1";
  const std::vector<ConsumerSummary> cs{
      summary("c0", ConsumerPhase::Failed), summary("c1", ConsumerPhase::Succeeded),
      summary("c2", ConsumerPhase::Failed), summary("c3", ConsumerPhase::NeedsReview)};
  auto d = decide_plan(observe(p, cs));
  const auto ann = actions_of<AnnotateConsumerMigration>(d);
  ASSERT_EQ(ann.size(), 2u);
  EXPECT_EQ(ann[0].name, "plan-c0");
  EXPECT_EQ(ann[0].key, api::kAnnotationRetry);
  EXPECT_EQ(ann[0].value, "t1");
  EXPECT_EQ(ann[1].name, "plan-c2");
  EXPECT_EQ(d.status.signals.retry, "t1");
  EXPECT_TRUE(has_event(d, "RetryRequested"));
  p.status = d.status;
  d = decide_plan(observe(p, cs));
  EXPECT_TRUE(actions_of<AnnotateConsumerMigration>(d).empty());
  EXPECT_FALSE(has_event(d, "RetryRequested"));
}

TEST(DecidePlan, SpecChangesWhileRunning) {
  auto p = make_plan(3);
  p.spec.rollout.maxParallel = 10;
  // c1 removed from the spec: its ConsumerMigration was created but never started -> deleted.
  // c9 removed but started -> kept (frozen). c3 new -> created.
  p.spec.consumers.erase(p.spec.consumers.begin() + 1);
  api::ConsumerSpec c3;
  c3.name = "c3";
  c3.repository.url = "u";
  p.spec.consumers.push_back(c3);
  const std::vector<ConsumerSummary> cs{summary("c0", ConsumerPhase::Generating),
                                        summary("c1", ConsumerPhase::Pending),
                                        summary("c9", ConsumerPhase::Analyzing)};
  const auto d = decide_plan(observe(p, cs));
  const auto del = actions_of<DeleteConsumerMigration>(d);
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].name, "plan-c1");
  EXPECT_EQ(created(d), (std::vector<std::string>{"c2", "c3"}));
  EXPECT_EQ(d.status.totals.consumers, 3);
}

TEST(DecidePlan, RolloutSettingsApplyFromTheNextDecision) {
  auto p = make_plan(6);
  p.spec.rollout.maxParallel = 1;
  EXPECT_EQ(created(decide_plan(observe(p, {summary("c0", ConsumerPhase::Generating)}))).size(), 0u);
  p.spec.rollout.maxParallel = 3;
  EXPECT_EQ(created(decide_plan(observe(p, {summary("c0", ConsumerPhase::Generating)}))).size(), 2u);
}

TEST(DecidePlan, InvalidSpecCreatesNothing) {
  struct Row {
    const char* name;
    void (*mutate)(api::MigrationPlan&);
    const char* text;
  };
  const Row rows[] = {
      {"cycle",
       [](api::MigrationPlan& p) {
         p.spec.consumers[0].dependsOn = {"c1"};
         p.spec.consumers[1].dependsOn = {"c0"};
       },
       "dependency cycle c0 -> c1 -> c0"},
      {"unknown", [](api::MigrationPlan& p) { p.spec.consumers[0].dependsOn = {"ghost"}; },
       "unknown consumer \"ghost\""},
      {"placeholder", [](api::MigrationPlan& p) { p.spec.agent.branch = "x/{nope}"; },
       "unknown placeholder {nope}"},
      {"secret", [](api::MigrationPlan& p) { p.spec.agent.gitCredentials.secretName = "missing"; },
       "git secret \"missing\""},
  };
  for (const auto& r : rows) {
    auto p = make_plan(3);
    r.mutate(p);
    auto d = decide_plan(observe(p));
    EXPECT_TRUE(d.actions.empty()) << r.name;
    EXPECT_EQ(d.status.phase, PlanPhase::Blocked) << r.name;
    const auto& stalled = cond(d, api::kConditionStalled);
    EXPECT_EQ(stalled.status, api::kTrue) << r.name;
    EXPECT_EQ(stalled.reason, "InvalidSpec") << r.name;
    EXPECT_NE(stalled.message.find(r.text), std::string::npos) << r.name << ": " << stalled.message;
    ASSERT_EQ(d.events.size(), 1u) << r.name;
    EXPECT_EQ(d.events[0].type, api::EventType::Warning);
    EXPECT_EQ(d.events[0].reason, "InvalidSpec");
    // Same problem next time: no new Event, no status change.
    p.status = d.status;
    d = decide_plan(observe(p));
    EXPECT_TRUE(d.events.empty()) << r.name;
    EXPECT_FALSE(d.status_changed) << r.name;
  }
}

TEST(DecidePlan, SucceedsWhenEveryConsumerIsDone) {
  auto p = make_plan(3);
  p.spec.rollout.maxFailures = {1, false};
  const auto d = decide_plan(
      observe(p, {summary("c0", ConsumerPhase::Succeeded), summary("c1", ConsumerPhase::NoChanges),
                  summary("c2", ConsumerPhase::Failed)}));
  EXPECT_EQ(d.status.phase, PlanPhase::Succeeded);
  EXPECT_EQ(cond(d, api::kConditionReady).status, api::kTrue);
  EXPECT_EQ(d.status.progress, "3/3");
  EXPECT_EQ(d.status.totals.succeeded, 1);
  EXPECT_EQ(d.status.totals.noChanges, 1);
  EXPECT_EQ(d.status.totals.failed, 1);
  EXPECT_EQ(d.status.waves[0].succeeded, 2);
  EXPECT_EQ(d.status.waves[0].failed, 1);
  EXPECT_FALSE(d.requeue_after.has_value());
  // An empty plan is trivially done.
  EXPECT_EQ(decide_plan(observe(make_plan(0))).status.phase, PlanPhase::Succeeded);
}

TEST(DecidePlan, NeedsReviewBlocksTheNextWave) {
  auto p = make_plan(2, {50, 100});
  const auto d = decide_plan(observe(p, {summary("c0", ConsumerPhase::NeedsReview)}));
  EXPECT_TRUE(created(d).empty());
  EXPECT_EQ(d.status.phase, PlanPhase::Blocked);
  EXPECT_EQ(cond(d, api::kConditionStalled).reason, "ConsumersNeedReview");
}

TEST(DecidePlan, InconclusiveAnalysisBlocks) {
  auto p = make_plan(1);
  auto s = summary("c0", ConsumerPhase::Analyzing);
  s.stalled = true;
  const auto d = decide_plan(observe(p, {s}));
  EXPECT_EQ(d.status.phase, PlanPhase::Blocked);
  EXPECT_EQ(cond(d, api::kConditionStalled).reason, "AnalysisInconclusive");
}

TEST(DecidePlan, NoWritesWhenNothingChanged) {
  auto p = make_plan(2);
  auto d = decide_plan(
      observe(p, {summary("c0", ConsumerPhase::Generating), summary("c1", ConsumerPhase::Generating)}));
  p.status = d.status;
  d = decide_plan(
      observe(p, {summary("c0", ConsumerPhase::Generating), summary("c1", ConsumerPhase::Generating)},
              T0 + std::chrono::minutes{5}));
  EXPECT_TRUE(d.actions.empty());
  EXPECT_FALSE(d.status_changed);
  EXPECT_TRUE(d.events.empty());
}

// Property: drive a random plan to the end through decide_plan, finishing consumers at random.
// maxParallel is never exceeded, nothing starts before its dependencies succeeded or before its
// wave opened, and every consumer is created exactly once.
TEST(DecidePlan, SimulationKeepsEveryInvariant) {
  std::mt19937 rng(7);
  for (int round = 0; round < 30; ++round) {
    const std::size_t n = 1 + rng() % 60;
    const std::vector<std::vector<std::int64_t>> lists{{100}, {10, 50, 100}, {5, 25, 100}, {1, 2, 3, 100}};
    auto p = make_plan(n, lists[rng() % lists.size()]);
    p.spec.rollout.maxParallel = 1 + static_cast<std::int64_t>(rng() % 7);
    for (std::size_t i = 1; i < n; ++i)
      if (rng() % 3 == 0) p.spec.consumers[i].dependsOn = {"c" + std::to_string(rng() % i)};
    const auto waves = plan_waves(p.spec.consumers, p.spec.rollout.waves);
    std::map<std::string, ConsumerSummary> cs;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < n; ++i) index[p.spec.consumers[i].name] = i;
    for (int step = 0; step < 10000 && p.status.phase != PlanPhase::Succeeded; ++step) {
      std::vector<ConsumerSummary> list;
      for (const auto& [k, v] : cs) list.push_back(v);
      const auto d = decide_plan(observe(p, list, T0 + std::chrono::seconds{step}));
      p.status = d.status;
      for (const auto& c : created(d)) {
        ASSERT_EQ(cs.count(c), 0u) << "created twice: " << c;
        for (const auto& dep : p.spec.consumers[index[c]].dependsOn)
          ASSERT_TRUE(api::satisfies_dependency(cs.at(dep).phase)) << c << " started before " << dep;
        for (std::size_t other = 0; other < n; ++other)
          if (waves.wave_of[other] < waves.wave_of[index[c]]) {
            ASSERT_TRUE(cs.count(p.spec.consumers[other].name) &&
                        api::is_terminal(cs.at(p.spec.consumers[other].name).phase))
                << c << " started before wave " << waves.wave_of[other] << " finished";
          }
        cs[c] = summary(c, ConsumerPhase::Generating, static_cast<std::int64_t>(waves.wave_of[index[c]]));
      }
      std::int64_t running = 0;
      for (const auto& [k, v] : cs)
        if (!api::is_terminal(v.phase)) ++running;
      ASSERT_LE(running, p.spec.rollout.maxParallel);
      // Finish some running consumers.
      for (auto& [k, v] : cs)
        if (!api::is_terminal(v.phase) && rng() % 2 == 0)
          v.phase = rng() % 4 == 0 ? ConsumerPhase::NoChanges : ConsumerPhase::Succeeded;
    }
    EXPECT_EQ(p.status.phase, PlanPhase::Succeeded) << "n=" << n;
    EXPECT_EQ(cs.size(), n);
    EXPECT_EQ(p.status.progress, std::to_string(n) + "/" + std::to_string(n));
  }
}

}  // namespace
}  // namespace shepherd::controllers::plan
