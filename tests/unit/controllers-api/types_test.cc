// JSON model of the API: CRD defaults on missing fields, round trips, enums, overrides, bad input.
#include "controllers/api/types.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

using nlohmann::json;

json minimal_plan() {
  return json::parse(R"({
    "apiVersion": "shepherd.dev/v1alpha1", "kind": "MigrationPlan",
    "metadata": {"name": "p", "namespace": "ns", "generation": 3},
    "spec": {
      "dataset": {"name": "listening_events", "from": {"version": "3"}, "to": {"version": "4"}},
      "changes": [{"rename": {"field": "user_id", "to": "account_id"}}],
      "consumers": [{"name": "a", "repository": {"url": "https://g/a.git"}}]
    }
  })");
}

TEST(Types, PlanDefaultsMatchTheCrd) {
  const auto plan = minimal_plan().get<MigrationPlan>();
  EXPECT_EQ(plan.metadata.generation, 3);
  EXPECT_EQ(plan.spec.agent.mode, AgentMode::DryRun);
  EXPECT_EQ(plan.spec.agent.branch, "shepherd/{plan}");
  EXPECT_EQ(plan.spec.agent.timeoutSeconds, 1800);
  EXPECT_EQ(plan.spec.agent.retries, 2);
  EXPECT_EQ(plan.spec.agent.codingAgent.maxIterations, 3);
  EXPECT_EQ(plan.spec.agent.pod.serviceAccountName, "shepherd-agent");
  EXPECT_EQ(plan.spec.rollout.waves, (std::vector<std::int64_t>{100}));
  EXPECT_EQ(plan.spec.rollout.maxParallel, 10);
  EXPECT_EQ(plan.spec.rollout.maxFailures, (IntOrPercent{0, false}));
  EXPECT_EQ(plan.spec.rollout.approval, Approval::Automatic);
  EXPECT_EQ(plan.spec.rollout.bakeTime, Duration{0});
  EXPECT_EQ(plan.spec.rollout.onFailure, OnFailure::Pause);
  EXPECT_EQ(plan.spec.health.interval, std::chrono::seconds{30});
  EXPECT_EQ(plan.spec.health.count, 10);
  EXPECT_EQ(plan.spec.health.failureLimit, 0);
  EXPECT_EQ(plan.spec.health.inconclusiveLimit, 0);
  EXPECT_FALSE(plan.spec.paused);
  EXPECT_EQ(plan.status.phase, PlanPhase::Pending);
  EXPECT_EQ(plan.status.observedGeneration, 0);
}

TEST(Types, PlanFullRoundTrip) {
  json j = minimal_plan();
  j["spec"]["changes"] = json::parse(R"J([
    {"rename": {"field": "user_id", "to": "account_id"}},
    {"retype": {"field": "ts", "from": "INT64", "to": "TIMESTAMP", "expression": "UNIX_MILLIS({field})"}},
    {"drop": {"field": "legacy_flag"}},
    {"add": {"field": "country", "type": "STRING"}}])J");
  j["spec"]["consumers"][0] =
      json::parse(R"({"name": "a", "repository": {"url": "u", "revision": "main", "path": "jobs/"},
    "owner": "team", "dependsOn": ["b"], "verify": {"command": ["make", "test"], "timeoutSeconds": 900},
    "cutover": {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "recs", "name": "api"},
                "env": {"container": "api", "name": "T", "value": "v4"}},
    "health": {"count": 3}, "agent": {"mode": "Push"}})");
  j["spec"]["rollout"] = json::parse(R"({"waves": [5, 25, 100], "maxParallel": 4, "maxFailures": "10%",
    "approval": "Manual", "bakeTime": "10m", "onFailure": "Rollback"})");
  j["spec"]["health"] =
      json::parse(R"({"interval": "1m", "count": 5, "failureLimit": 1, "inconclusiveLimit": 2,
    "checks": [{"name": "err", "prometheus": {"address": "http://p:9090", "query": "q"}, "threshold": {"max": 0.01}},
               {"name": "w", "workload": {}}]})");
  j["status"] =
      json::parse(R"({"observedGeneration": 2, "phase": "Progressing", "currentWave": 1, "progress": "1/2",
    "totals": {"consumers": 2, "succeeded": 1}, "waves": [{"index": 0, "size": 1, "succeeded": 1, "startedAt": "2024-01-01T00:00:00Z"}],
    "conditions": [{"type": "Ready", "status": "False", "reason": "Progressing", "message": "m", "observedGeneration": 2,
                    "lastTransitionTime": "2024-01-01T00:00:00Z"}],
    "signals": {"approve": "0"}})");
  const auto plan = j.get<MigrationPlan>();
  EXPECT_EQ(plan.spec.changes.size(), 4u);
  EXPECT_EQ(plan.spec.changes[1].kind, ChangeKind::Retype);
  EXPECT_EQ(plan.spec.changes[1].from, "INT64");
  EXPECT_EQ(plan.spec.changes[1].expression, "UNIX_MILLIS({field})");
  EXPECT_EQ(plan.spec.changes[3].type, "STRING");
  EXPECT_EQ(plan.spec.rollout.maxFailures, (IntOrPercent{10, true}));
  EXPECT_EQ(plan.spec.rollout.bakeTime, std::chrono::minutes{10});
  EXPECT_EQ(plan.spec.health.checks[0].threshold.max, 0.01);
  EXPECT_FALSE(plan.spec.health.checks[0].threshold.min.has_value());
  EXPECT_TRUE(plan.spec.health.checks[1].workload);
  EXPECT_EQ(plan.status.phase, PlanPhase::Progressing);
  EXPECT_EQ(plan.status.signals.approve, "0");
  ASSERT_TRUE(plan.spec.consumers[0].cutover);
  EXPECT_EQ(plan.spec.consumers[0].cutover->target.namespace_, "recs");
  // Round trip: serialising and parsing again yields the same JSON.
  const json once = plan;
  const json twice = once.get<MigrationPlan>();
  EXPECT_EQ(once, twice);
  EXPECT_EQ(once["spec"]["rollout"]["maxFailures"], "10%");
  EXPECT_EQ(once["spec"]["rollout"]["bakeTime"], "10m");
  EXPECT_EQ(once["spec"]["changes"], j["spec"]["changes"]);
  EXPECT_EQ(once["kind"], "MigrationPlan");
}

TEST(Types, ConsumerOverridesMergeOverPlanSettings) {
  auto plan = minimal_plan().get<MigrationPlan>();
  plan.spec.agent.gitCredentials.secretName = "git";
  plan.spec.health.count = 7;
  ConsumerSpec c;
  c.agent = json{{"mode", "PullRequest"}, {"pod", {{"labels", {{"x", "y"}}}}}};
  c.health = json{{"interval", "5s"}};
  const AgentSpec a = effective_agent(plan.spec.agent, c);
  EXPECT_EQ(a.mode, AgentMode::PullRequest);
  EXPECT_EQ(a.gitCredentials.secretName, "git");
  EXPECT_EQ(a.pod.labels.at("x"), "y");
  EXPECT_EQ(a.pod.serviceAccountName, "shepherd-agent");
  const HealthSpec h = effective_health(plan.spec.health, c);
  EXPECT_EQ(h.interval, std::chrono::seconds{5});
  EXPECT_EQ(h.count, 7);
  ConsumerSpec none;
  EXPECT_EQ(effective_agent(plan.spec.agent, none).mode, AgentMode::DryRun);
}

TEST(Types, MaxFailuresIntOrPercent) {
  struct Row {
    json in;
    std::optional<IntOrPercent> want;
  };
  const Row rows[] = {{json(0), IntOrPercent{0, false}},
                      {json(5), IntOrPercent{5, false}},
                      {json("5"), IntOrPercent{5, false}},
                      {json("10%"), IntOrPercent{10, true}},
                      {json("100%"), IntOrPercent{100, true}},
                      {json("101%"), std::nullopt},
                      {json(-1), std::nullopt},
                      {json("x%"), std::nullopt},
                      {json("%"), std::nullopt},
                      {json(1.5), std::nullopt},
                      {json(""), std::nullopt}};
  for (const auto& r : rows) EXPECT_EQ(parse_int_or_percent(r.in), r.want) << r.in.dump();
}

TEST(Types, ConsumerMigrationStatusRoundTrip) {
  const json j = json::parse(R"({"metadata": {"name": "p-a"}, "spec": {"plan": "p", "dataset": {"name": "d"},
    "consumer": {"name": "a", "repository": {"url": "u"}}},
    "status": {"phase": "Analyzing", "attempts": 2, "job": {"name": "p-a-2", "startedAt": "2024-01-01T00:00:00Z"},
      "result": {"outcome": "Changed", "commit": "3f2a", "branch": "b", "filesChanged": 3, "edits": 11,
                 "review": [{"file": "f.py", "line": 42, "message": "m"}], "verify": {"exitCode": 0, "seconds": 41.5},
                 "diff": {"configMap": "p-a-diff", "bytes": 2312}},
      "cutover": {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "x"}, "previous": {"present": true, "value": "v3"}},
      "analysis": {"measurements": [{"check": "e", "value": "0.002", "outcome": "Successful"}], "failures": 0, "inconclusive": 1, "successes": 1},
      "rollback": {"reason": "HealthCheckFailed", "job": "p-a-rollback-1"},
      "signals": {"skip": "t"}, "nextAttemptAt": "2024-01-01T00:00:10Z"}})");
  const auto cm = j.get<ConsumerMigration>();
  EXPECT_EQ(cm.spec.agent.retries, 2);  // defaults inside the frozen spec too
  EXPECT_EQ(cm.status.phase, ConsumerPhase::Analyzing);
  EXPECT_EQ(cm.status.result->review[0].line, 42);
  EXPECT_DOUBLE_EQ(cm.status.result->verify->seconds, 41.5);
  EXPECT_TRUE(cm.status.cutover->previous.present);
  EXPECT_EQ(cm.status.analysis->inconclusive, 1);
  EXPECT_EQ(cm.status.signals.skip, "t");
  ASSERT_TRUE(cm.status.nextAttemptAt);
  const json once = cm;
  EXPECT_EQ(once, json(once.get<ConsumerMigration>()));
  EXPECT_EQ(once["status"]["result"]["commit"], "3f2a");
}

TEST(Types, BadInputIsAnErrorValueNotACrash) {
  const json rows[] = {
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"rollout": {"approval": "Sometimes"}}})"),
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"rollout": {"bakeTime": "ten minutes"}}})"),
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"rollout": {"maxFailures": "ten"}}})"),
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"changes": [{"rename": {}, "drop": {}}]}})"),
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"changes": [{"explode": {}}]}})"),
      json::parse(R"({"metadata": {"name": "x"}, "spec": {"consumers": "a"}})"),
      json::parse(R"({"metadata": {"name": "x"}, "status": {"waves": [{"startedAt": "yesterday"}]}})"),
      json::parse(R"([1, 2])"),
  };
  for (const auto& j : rows) {
    const auto p = parse_plan(j);
    EXPECT_FALSE(p.value.has_value()) << j.dump();
    EXPECT_FALSE(p.error.empty());
  }
  EXPECT_NE(parse_plan(rows[0]).error.find("MigrationPlan x"), std::string::npos);
  EXPECT_NE(parse_plan(rows[0]).error.find("approval"), std::string::npos);
  EXPECT_TRUE(parse_plan(minimal_plan()).value.has_value());
  EXPECT_FALSE(
      parse_consumer_migration(json::parse(R"({"status": {"phase": "Exploded"}})")).value.has_value());
}

TEST(Types, PhaseClassification) {
  for (auto p : {ConsumerPhase::Succeeded, ConsumerPhase::NoChanges, ConsumerPhase::NeedsReview,
                 ConsumerPhase::Failed, ConsumerPhase::RolledBack, ConsumerPhase::Skipped}) {
    EXPECT_TRUE(is_terminal(p)) << to_string(p);
    EXPECT_FALSE(counts_against_max_parallel(p)) << to_string(p);
  }
  // Pending counts: a created ConsumerMigration starts its Job at once (docs/api.md, maxParallel).
  for (auto p : {ConsumerPhase::Pending, ConsumerPhase::Generating, ConsumerPhase::CuttingOver,
                 ConsumerPhase::Analyzing, ConsumerPhase::RollingBack})
    EXPECT_TRUE(counts_against_max_parallel(p)) << to_string(p);
  EXPECT_FALSE(is_terminal(ConsumerPhase::Pending));
  EXPECT_TRUE(satisfies_dependency(ConsumerPhase::Succeeded));
  EXPECT_TRUE(satisfies_dependency(ConsumerPhase::NoChanges));
  EXPECT_FALSE(satisfies_dependency(ConsumerPhase::Skipped));
  EXPECT_FALSE(satisfies_dependency(ConsumerPhase::NeedsReview));
  for (int i = 0; i <= static_cast<int>(ConsumerPhase::Skipped); ++i) {
    const auto p = static_cast<ConsumerPhase>(i);
    EXPECT_EQ(parse_consumer_phase(to_string(p)), p);
  }
}

}  // namespace
}  // namespace shepherd::controllers::api
