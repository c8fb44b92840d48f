// Round-trips fully populated MigrationPlan and ConsumerMigration objects (spec and status, every
// field set to a non-default value) from the C++ model through the real API server with the CRDs
// in crds/, and checks that what comes back parses to the same model. A field the CRD does not
// declare is pruned silently by the API server; this test is what catches it.
#include <gtest/gtest.h>

#include "controllers/api/types.h"
#include "tests/support/cluster.h"

namespace shepherd::testing {
namespace {

using nlohmann::json;
namespace api = controllers::api;

const char* kPlan = R"J({
  "apiVersion": "shepherd.dev/v1alpha1", "kind": "MigrationPlan",
  "metadata": {"name": "full"},
  "spec": {
    "dataset": {"name": "listening_events", "from": {"version": "3", "location": "prod.events.listening_v3"},
                "to": {"version": "4", "location": "prod.events.listening_v4"}},
    "changes": [{"rename": {"field": "user_id", "to": "account_id"}},
                {"retype": {"field": "ts", "from": "INT64", "to": "TIMESTAMP", "expression": "UNIX_MILLIS({field})"}},
                {"drop": {"field": "legacy_flag"}}, {"add": {"field": "country", "type": "STRING"}}],
    "consumers": [
      {"name": "feature-store", "repository": {"url": "https://git.example.com/fs.git", "revision": "main", "path": "jobs/"},
       "owner": "team-fs", "verify": {"command": ["make", "test"], "timeoutSeconds": 600}},
      {"name": "recs-pipeline", "repository": {"url": "https://git.example.com/recs.git"}, "dependsOn": ["feature-store"],
       "cutover": {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "recs", "name": "recs-api"},
                   "env": {"container": "api", "name": "TABLE", "value": "prod.events.listening_v4"}},
       "health": {"count": 3}, "agent": {"retries": 5}}],
    "agent": {"image": "registry.example/shepherd-agent:1", "mode": "PullRequest", "branch": "mig/{plan}",
              "timeoutSeconds": 900, "retries": 1, "gitCredentials": {"secretName": "git-token"},
              "codingAgent": {"command": ["llm", "--fix"], "maxIterations": 2},
              "author": {"name": "Shepherd Bot", "email": "bot@example.com"},
              "resources": {"limits": {"cpu": "1"}},
              "pod": {"labels": {"a": "b"}, "annotations": {"c": "d"}, "nodeSelector": {"e": "f"},
                      "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
                      "serviceAccountName": "agent-sa"}},
    "rollout": {"waves": [10, 50, 100], "maxParallel": 3, "maxFailures": "20%", "approval": "Manual",
                "bakeTime": "5m", "onFailure": "Rollback"},
    "health": {"interval": "15s", "count": 4, "failureLimit": 1, "inconclusiveLimit": 2,
               "checks": [{"name": "errors", "prometheus": {"address": "http://prom:9090", "query": "sum(x{c=\"{{consumer}}\"})"},
                           "threshold": {"max": 0.01}},
                          {"name": "workload", "workload": {}}]},
    "paused": true
  }})J";

const char* kPlanStatus = R"J({
  "observedGeneration": 3, "phase": "Blocked", "currentWave": 1, "progress": "1/2",
  "totals": {"consumers": 2, "pending": 1, "running": 0, "succeeded": 1, "noChanges": 0, "needsReview": 0,
             "failed": 0, "rolledBack": 0, "skipped": 0},
  "waves": [{"index": 0, "size": 1, "succeeded": 1, "failed": 0, "startedAt": "2026-01-01T00:00:00Z",
             "completedAt": "2026-01-01T00:10:00Z", "approvedAt": "2026-01-01T00:00:00Z"}],
  "conditions": [{"type": "Ready", "status": "False", "observedGeneration": 3,
                  "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "AwaitingApproval", "message": "wave 1"}],
  "signals": {"approve": "0", "retry": "r1", "rollback": "x"}
})J";

const char* kCmigStatus = R"J({
  "observedGeneration": 1, "phase": "RollingBack", "attempts": 3, "retryFrom": 2,
  "job": {"name": "c-3", "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:01:00Z"},
  "result": {"outcome": "Changed", "commit": "3f2a", "branch": "mig/p", "pullRequest": "https://x/pr/1",
             "filesChanged": 3, "edits": 11, "review": [{"file": "a.py", "line": 42, "message": "reads dropped field"}],
             "verify": {"exitCode": 0, "seconds": 41.5}, "diff": {"configMap": "c-diff", "bytes": 2312},
             "message": "ok"},
  "cutover": {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "recs", "name": "recs-api"},
              "previous": {"present": true, "value": "prod.events.listening_v3"}, "appliedAt": "2026-01-01T00:02:00Z"},
  "analysis": {"measurements": [{"check": "errors", "at": "2026-01-01T00:03:00Z", "value": "0.5",
                                 "outcome": "Failed", "message": "AboveMaximum: 0.5 > 0.01"}],
               "rounds": 1, "successes": 0, "failures": 1, "inconclusive": 0, "startedAt": "2026-01-01T00:02:00Z"},
  "rollback": {"reason": "HealthCheckFailed", "startedAt": "2026-01-01T00:04:00Z", "job": "c-3-rollback-1",
               "attempts": 1, "restored": true},
  "conditions": [{"type": "Reconciling", "status": "True", "observedGeneration": 1,
                  "lastTransitionTime": "2026-01-01T00:04:00Z", "reason": "RollingBack", "message": "health failed"}],
  "signals": {"retry": "a", "rollback": "b", "skip": "c"},
  "nextAttemptAt": "2026-01-01T00:05:00Z",
  "message": "rolling back"
})J";

// The model's JSON of an object as the API server returned it (server-side metadata dropped).
json model_json_of_plan(const json& j) {
  auto p = api::parse_plan(j);
  EXPECT_TRUE(p.value) << p.error;
  if (!p.value) return nullptr;
  json out = *p.value;
  out.erase("metadata");
  return out;
}

json model_json_of_cmig(const json& j) {
  auto c = api::parse_consumer_migration(j);
  EXPECT_TRUE(c.value) << c.error;
  if (!c.value) return nullptr;
  json out = *c.value;
  out.erase("metadata");
  return out;
}

class ApiSchemaTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    auto r = kubectl({"apply", "-f", Cluster::get().source_dir + "/crds/"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* crd : {"migrationplans.shepherd.dev", "consumermigrations.shepherd.dev"}) {
      kubectl({"wait", "--for=condition=Established", std::string("crd/") + crd, "--timeout=60s"});
    }
  }

  // Creates the object, then writes its status, through the real API server; returns what the
  // server stored.
  json create_with_status(const std::string& resource, json obj, const json& status) {
    obj["metadata"]["namespace"] = ns();
    auto created = kubectl({"create", "-f", "-", "-o", "json"}, obj.dump());
    EXPECT_EQ(created.exit_code, 0) << created.err;
    if (created.exit_code != 0) return nullptr;
    json stored = json::parse(created.out);
    stored["status"] = status;
    auto replaced = kubectl({"replace", "--subresource=status", "-f", "-", "-o", "json"}, stored.dump());
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    if (replaced.exit_code != 0) return nullptr;
    return kubectl_get_json(resource, obj["metadata"]["name"], ns());
  }
};

TEST_F(ApiSchemaTest, MigrationPlanSurvivesTheSchemaUnchanged) {
  auto plan = api::parse_plan(json::parse(kPlan));
  ASSERT_TRUE(plan.value) << plan.error;
  plan.value->status = json::parse(kPlanStatus).get<api::PlanStatus>();
  json sent = *plan.value;
  sent["metadata"] = {{"name", "full"}};
  json stored = create_with_status("migrationplan", sent, sent["status"]);
  ASSERT_FALSE(stored.is_null());
  json expected = *plan.value;
  expected.erase("metadata");
  EXPECT_EQ(model_json_of_plan(stored), expected);
}

TEST_F(ApiSchemaTest, ConsumerMigrationTheOperatorCreatesSurvivesTheSchemaUnchanged) {
  auto plan = api::parse_plan(json::parse(kPlan));
  ASSERT_TRUE(plan.value) << plan.error;
  api::ConsumerMigration cmig;
  cmig.metadata.name = "full-recs";
  cmig.spec.plan = "full";
  cmig.spec.dataset = plan.value->spec.dataset;
  cmig.spec.changes = plan.value->spec.changes;
  cmig.spec.consumer = plan.value->spec.consumers[1];
  cmig.spec.agent = api::effective_agent(plan.value->spec.agent, cmig.spec.consumer);
  cmig.spec.health = api::effective_health(plan.value->spec.health, cmig.spec.consumer);
  cmig.status = json::parse(kCmigStatus).get<api::ConsumerMigrationStatus>();
  json sent = cmig;
  json stored = create_with_status("consumermigration", sent, sent["status"]);
  ASSERT_FALSE(stored.is_null());
  json expected = cmig;
  expected.erase("metadata");
  EXPECT_EQ(model_json_of_cmig(stored), expected);
}

}  // namespace
}  // namespace shepherd::testing
