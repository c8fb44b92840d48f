// The CRDs of crds/ installed on the real test control plane: what the API server rejects (with a
// message naming the field), what it accepts, the defaults it fills in, printer columns, short
// names, the `shepherd` category, the status subresource and the spec freeze of a started
// ConsumerMigration. Manifests are JSON (valid YAML) built from one valid plan, so that each case
// changes exactly one thing.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace {

using nlohmann::json;
using shepherd::testing::Cluster;
using shepherd::testing::ClusterTest;
using shepherd::testing::kubectl;
using shepherd::testing::kubectl_get_json;
using shepherd::testing::kubectl_ok;
using shepherd::testing::ProcessResult;

// The smallest valid plan: everything else is defaulted.
json minimal_plan(const std::string& name) {
  json p = json::parse(R"json({
    "apiVersion": "shepherd.dev/v1alpha1", "kind": "MigrationPlan",
    "metadata": {"name": "NAME"},
    "spec": {
      "dataset": {"name": "listening_events", "from": {"version": "3"}, "to": {"version": "4"}},
      "changes": [{"rename": {"field": "user_id", "to": "account_id"}}]
    }
  })json");
  p["metadata"]["name"] = name;
  return p;
}

// docs/api.md's example plan: every field set.
json full_plan(const std::string& name) {
  json p = json::parse(R"json({
    "apiVersion": "shepherd.dev/v1alpha1", "kind": "MigrationPlan",
    "metadata": {"name": "NAME"},
    "spec": {
      "dataset": {"name": "listening_events",
                  "from": {"version": "3", "location": "prod.events.listening_v3"},
                  "to": {"version": "4", "location": "prod.events.listening_v4"}},
      "changes": [
        {"rename": {"field": "user_id", "to": "account_id"}},
        {"retype": {"field": "ts", "from": "INT64", "to": "TIMESTAMP", "expression": "UNIX_MILLIS({field})"}},
        {"drop": {"field": "legacy_flag"}},
        {"add": {"field": "country", "type": "STRING"}}
      ],
      "consumers": [
        {"name": "recs-pipeline",
         "repository": {"url": "https://git.example.com/recs/pipeline.git", "revision": "main", "path": "jobs/"},
         "owner": "team-recs",
         "dependsOn": ["feature-store"],
         "verify": {"command": ["make", "test"], "timeoutSeconds": 900},
         "cutover": {"target": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "recs", "name": "recs-api"},
                     "env": {"container": "api", "name": "LISTENING_EVENTS_TABLE", "value": "prod.events.listening_v4"}},
         "health": {},
         "agent": {}},
        {"name": "feature-store",
         "repository": {"url": "git@git.example.com:recs/features.git"},
         "cutover": {"configMap": {"namespace": "recs", "name": "recs-config", "key": "table",
                                   "value": "prod.events.listening_v4"}},
         "health": {"count": 5, "checks": [{"name": "workload", "workload": {}}]},
         "agent": {"mode": "Push", "pod": {"nodeSelector": {"pool": "agents"}}}}
      ],
      "agent": {
        "image": "", "mode": "DryRun", "branch": "shepherd/{plan}", "timeoutSeconds": 1800, "retries": 2,
        "gitCredentials": {"secretName": "git-token"},
        "codingAgent": {"command": ["llm-cli"], "maxIterations": 3},
        "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": 2, "memory": "2Gi"}},
        "pod": {"labels": {"team": "data"}, "annotations": {"a": "b"}, "nodeSelector": {"pool": "agents"},
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "agents", "effect": "NoSchedule"}],
                "serviceAccountName": "shepherd-agent"}
      },
      "rollout": {"waves": [5, 25, 100], "maxParallel": 10, "maxFailures": "10%", "approval": "Manual",
                  "bakeTime": "10m", "onFailure": "Pause"},
      "health": {
        "interval": "30s", "count": 10, "failureLimit": 0, "inconclusiveLimit": 0,
        "checks": [
          {"name": "error-rate",
           "prometheus": {"address": "http://prometheus.monitoring:9090",
                          "query": "sum(rate(job_errors_total{consumer=\"{{consumer}}\"}[5m]))"},
           "threshold": {"max": 0.01}},
          {"name": "workload", "workload": {}}
        ]
      },
      "paused": false
    }
  })json");
  p["metadata"]["name"] = name;
  return p;
}

// A ConsumerMigration made by hand (no plan).
json minimal_cmig(const std::string& name) {
  json c = json::parse(R"json({
    "apiVersion": "shepherd.dev/v1alpha1", "kind": "ConsumerMigration",
    "metadata": {"name": "NAME", "labels": {"shepherd.dev/plan": "listening-events-v4"}},
    "spec": {
      "dataset": {"name": "listening_events", "from": {"version": "3"}, "to": {"version": "4"}},
      "changes": [{"drop": {"field": "legacy_flag"}}],
      "consumer": {"name": "recs-pipeline", "repository": {"url": "https://git.example.com/recs/pipeline.git"}}
    }
  })json");
  c["metadata"]["name"] = name;
  return c;
}

class CrdsTest : public ClusterTest {
 protected:
  static void SetUpTestSuite() {
    const auto& c = Cluster::get();
    ASSERT_FALSE(c.kubeconfig.empty());
    auto r = kubectl({"apply", "-f", c.source_dir + "/crds/"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = kubectl({"wait", "--for=condition=Established", "--timeout=60s", "crd/migrationplans.shepherd.dev",
                 "crd/consumermigrations.shepherd.dev"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Creates the object for real (or with --dry-run=server) in the test namespace.
  ProcessResult create(const json& obj, bool dry_run = false) {
    std::vector<std::string> args{"create", "-n", ns(), "-f", "-", "-o", "name"};
    if (dry_run) args.push_back("--dry-run=server");
    return kubectl(args, obj.dump());
  }

  void patch_status(const std::string& resource, const std::string& name, const json& status) {
    kubectl_ok({"patch", resource, name, "-n", ns(), "--subresource=status", "--type=merge", "-p",
                json{{"status", status}}.dump()});
  }
};

// One invalid manifest: what to break, and what the API server must say.
struct InvalidCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::vector<std::string> expect;  // substrings of stderr, the first being the field path
};

std::vector<InvalidCase> invalid_plans() {
  return {
      {"missing dataset", [](json& p) { p["spec"].erase("dataset"); }, {"spec.dataset: Required value"}},
      {"missing from.version",
       [](json& p) { p["spec"]["dataset"]["from"].erase("version"); },
       {"spec.dataset.from.version: Required value"}},
      {"same from and to",
       [](json& p) { p["spec"]["dataset"]["to"] = p["spec"]["dataset"]["from"]; },
       {"spec.dataset", "must differ from dataset.from"}},
      {"no changes",
       [](json& p) { p["spec"]["changes"] = json::array(); },
       {"spec.changes", "at least 1 items"}},
      {"201 changes",
       [](json& p) {
         json changes = json::array();
         for (int i = 0; i < 201; ++i) changes.push_back({{"drop", {{"field", "f" + std::to_string(i)}}}});
         p["spec"]["changes"] = changes;
       },
       {"spec.changes", "must have at most 200 items"}},
      {"change with two keys",
       [](json& p) {
         p["spec"]["changes"][0]["drop"] = {{"field", "x"}};
       },
       {"spec.changes[0]", "exactly one of rename, retype, drop, add"}},
      {"empty change",
       [](json& p) { p["spec"]["changes"][1] = json::object(); },
       {"spec.changes[1]", "exactly one of rename, retype, drop, add"}},
      {"retype expression without {field}",
       [](json& p) { p["spec"]["changes"][1]["retype"]["expression"] = "UNIX_MILLIS(ts)"; },
       {"spec.changes[1].retype.expression", "{field}"}},
      {"bad field name",
       [](json& p) { p["spec"]["changes"][2]["drop"]["field"] = "legacy flag"; },
       {"spec.changes[2].drop.field"}},
      {"consumer name not a DNS label",
       [](json& p) { p["spec"]["consumers"][0]["name"] = "Recs_Pipeline"; },
       {"spec.consumers[0].name"}},
      {"duplicate consumer names",
       [](json& p) { p["spec"]["consumers"][1]["name"] = "recs-pipeline"; },
       {"spec.consumers[1]", "Duplicate value"}},
      {"consumer depends on itself",
       [](json& p) { p["spec"]["consumers"][0]["dependsOn"] = {"recs-pipeline"}; },
       {"spec.consumers[0].dependsOn", "cannot depend on itself"}},
      {"consumer without repository",
       [](json& p) { p["spec"]["consumers"][0].erase("repository"); },
       {"spec.consumers[0].repository: Required value"}},
      {"repository path escapes",
       [](json& p) { p["spec"]["consumers"][0]["repository"]["path"] = "jobs/../../etc"; },
       {"spec.consumers[0].repository.path"}},
      {"cutover with env and configMap",
       [](json& p) {
         p["spec"]["consumers"][0]["cutover"]["configMap"] = {{"name", "c"}, {"key", "k"}, {"value", "v"}};
       },
       {"spec.consumers[0].cutover", "exactly one of env, configMap"}},
      {"cutover env without target",
       [](json& p) { p["spec"]["consumers"][0]["cutover"].erase("target"); },
       {"spec.consumers[0].cutover", "target is required"}},
      {"cutover target kind and apiVersion disagree",
       [](json& p) { p["spec"]["consumers"][0]["cutover"]["target"]["apiVersion"] = "batch/v1"; },
       {"spec.consumers[0].cutover.target", "apiVersion"}},
      {"agent mode not in enum",
       [](json& p) { p["spec"]["agent"]["mode"] = "Yolo"; },
       {"spec.agent.mode: Unsupported value: \"Yolo\""}},
      {"retries above 10", [](json& p) { p["spec"]["agent"]["retries"] = 11; }, {"spec.agent.retries"}},
      {"waves not increasing",
       [](json& p) {
         p["spec"]["rollout"]["waves"] = {25, 5, 100};
       },
       {"spec.rollout.waves", "strictly increasing"}},
      {"waves repeat",
       [](json& p) {
         p["spec"]["rollout"]["waves"] = {5, 5, 100};
       },
       {"spec.rollout.waves", "strictly increasing"}},
      {"last wave not 100",
       [](json& p) {
         p["spec"]["rollout"]["waves"] = {5, 50};
       },
       {"spec.rollout.waves", "last wave must be 100"}},
      {"wave above 100",
       [](json& p) {
         p["spec"]["rollout"]["waves"] = {5, 150};
       },
       {"spec.rollout.waves[1]"}},
      {"maxParallel 0",
       [](json& p) { p["spec"]["rollout"]["maxParallel"] = 0; },
       {"spec.rollout.maxParallel"}},
      {"maxFailures percent above 100",
       [](json& p) { p["spec"]["rollout"]["maxFailures"] = "150%"; },
       {"spec.rollout.maxFailures"}},
      {"maxFailures negative",
       [](json& p) { p["spec"]["rollout"]["maxFailures"] = -1; },
       {"spec.rollout.maxFailures"}},
      {"approval not in enum",
       [](json& p) { p["spec"]["rollout"]["approval"] = "Sometimes"; },
       {"spec.rollout.approval: Unsupported value"}},
      {"bakeTime not a duration",
       [](json& p) { p["spec"]["rollout"]["bakeTime"] = "10 minutes"; },
       {"spec.rollout.bakeTime"}},
      {"interval below 1s",
       [](json& p) { p["spec"]["health"]["interval"] = "500ms"; },
       {"spec.health", "interval must be at least 1s"}},
      {"threshold without min or max",
       [](json& p) { p["spec"]["health"]["checks"][0]["threshold"] = json::object(); },
       {"spec.health.checks[0].threshold", "must set min or max"}},
      {"check with prometheus and workload",
       [](json& p) { p["spec"]["health"]["checks"][0]["workload"] = json::object(); },
       {"spec.health.checks[0]", "exactly one of prometheus, workload"}},
      {"duplicate check names",
       [](json& p) { p["spec"]["health"]["checks"][1]["name"] = "error-rate"; },
       {"spec.health.checks[1]", "Duplicate value"}},
      {"consumer health override check without threshold",
       [](json& p) {
         p["spec"]["consumers"][1]["health"]["checks"] = {
             {{"name", "q"}, {"prometheus", {{"address", "http://p:9090"}, {"query", "up"}}}}};
       },
       {"spec.consumers[1].health.checks[0]", "needs threshold with prometheus"}},
      {"serviceAccountName invalid",
       [](json& p) { p["spec"]["agent"]["pod"]["serviceAccountName"] = "Bad_SA"; },
       {"spec.agent.pod.serviceAccountName"}},
      {"paused not a boolean", [](json& p) { p["spec"]["paused"] = "yes"; }, {"spec.paused"}},
  };
}

TEST_F(CrdsTest, RejectsInvalidPlansNamingTheField) {
  auto cases = invalid_plans();
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json p = full_plan("invalid");
    c.mutate(p);
    auto r = create(p, /*dry_run=*/true);
    EXPECT_NE(r.exit_code, 0) << "accepted: " << c.name;
    for (const auto& want : c.expect) EXPECT_NE(r.err.find(want), std::string::npos) << "stderr: " << r.err;
  }
}

TEST_F(CrdsTest, RejectsInvalidConsumerMigrations) {
  struct Case {
    std::string name;
    std::function<void(json&)> mutate;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"missing consumer", [](json& c) { c["spec"].erase("consumer"); }, "spec.consumer: Required value"},
      {"bad consumer name", [](json& c) { c["spec"]["consumer"]["name"] = "-x"; }, "spec.consumer.name"},
      {"change with two keys",
       [](json& c) {
         c["spec"]["changes"][0]["add"] = {{"field", "x"}};
       },
       "spec.changes[0]"},
      {"planRef without name", [](json& c) { c["spec"]["planRef"] = json::object(); },
       "spec.planRef.name: Required value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json m = minimal_cmig("invalid");
    c.mutate(m);
    auto r = create(m, /*dry_run=*/true);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << "stderr: " << r.err;
  }
}

TEST_F(CrdsTest, AcceptsValidObjects) {
  auto r = create(full_plan("full"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = create(minimal_plan("minimal"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = create(minimal_cmig("by-hand"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A percent and an integer maxFailures, the boundary values of bounded lists.
  json p = full_plan("bounds");
  p["spec"]["rollout"]["maxFailures"] = 3;
  p["spec"]["rollout"]["waves"] = {100};
  json changes = json::array();
  for (int i = 0; i < 200; ++i) changes.push_back({{"drop", {{"field", "f" + std::to_string(i)}}}});
  p["spec"]["changes"] = changes;
  r = create(p, /*dry_run=*/true);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// 10,000 consumers, each with dependsOn and a cut-over, every tenth with a health override: CEL
// rules run on every consumer, so this is the plan that would exceed the API server's CEL cost
// budget. (The request stays under the API server's 3 MiB body limit.)
TEST_F(CrdsTest, AcceptsTenThousandConsumers) {
  json p = minimal_plan("ten-thousand");
  json consumers = json::array();
  for (int i = 0; i < 10000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "c-%05d", i);
    json c = {{"name", name},
              {"repository", {{"url", std::string("https://git.example.com/t/") + name + ".git"}}}};
    if (i > 0) {
      char dep[32];
      std::snprintf(dep, sizeof dep, "c-%05d", i - 1);
      c["dependsOn"] = {dep};
    }
    c["cutover"] = {{"target", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
                    {"env", {{"container", "app"}, {"name", "TABLE"}, {"value", "prod.events.v4"}}}};
    if (i % 10 == 0)
      c["health"] = {{"checks",
                      {{{"name", "q"},
                        {"prometheus", {{"address", "http://p:9090"}, {"query", "up"}}},
                        {"threshold", {{"min", 1}, {"max", 2}}}}}}};
    consumers.push_back(c);
  }
  p["spec"]["consumers"] = consumers;
  auto r = create(p, /*dry_run=*/true);
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  // One more consumer is one too many.
  p["spec"]["consumers"].push_back({{"name", "one-too-many"}, {"repository", {{"url", "https://x/y.git"}}}});
  r = create(p, /*dry_run=*/true);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("spec.consumers: Too many: 10001"), std::string::npos) << r.err.substr(0, 2000);
}

TEST_F(CrdsTest, AppliesDefaults) {
  ASSERT_EQ(create(minimal_plan("defaults")).exit_code, 0);
  json spec = kubectl_get_json("mplan", "defaults", ns())["spec"];
  EXPECT_EQ(spec["agent"]["mode"], "DryRun");
  EXPECT_EQ(spec["agent"]["branch"], "shepherd/{plan}");
  EXPECT_EQ(spec["agent"]["timeoutSeconds"], 1800);
  EXPECT_EQ(spec["agent"]["retries"], 2);
  EXPECT_EQ(spec["agent"]["pod"]["serviceAccountName"], "shepherd-agent");
  EXPECT_FALSE(spec["agent"].contains("image"));
  EXPECT_EQ(spec["rollout"]["waves"], json({100}));
  EXPECT_EQ(spec["rollout"]["maxParallel"], 10);
  EXPECT_EQ(spec["rollout"]["maxFailures"], 0);
  EXPECT_EQ(spec["rollout"]["approval"], "Automatic");
  EXPECT_EQ(spec["rollout"]["bakeTime"], "0s");
  EXPECT_EQ(spec["rollout"]["onFailure"], "Pause");
  EXPECT_EQ(spec["health"]["interval"], "30s");
  EXPECT_EQ(spec["health"]["count"], 10);
  EXPECT_EQ(spec["health"]["failureLimit"], 0);
  EXPECT_EQ(spec["health"]["inconclusiveLimit"], 0);
  EXPECT_EQ(spec["paused"], false);

  // A consumer's overrides get no defaults: what they leave out comes from the plan.
  json p = full_plan("overrides");
  ASSERT_EQ(create(p).exit_code, 0);
  json consumers = kubectl_get_json("mplan", "overrides", ns())["spec"]["consumers"];
  EXPECT_EQ(consumers[0]["health"], json::object());
  EXPECT_EQ(consumers[0]["agent"], json::object());
  EXPECT_EQ(consumers[1]["agent"],
            json({{"mode", "Push"}, {"pod", {{"nodeSelector", {{"pool", "agents"}}}}}}));

  // A hand-made ConsumerMigration gets the same agent and health defaults.
  ASSERT_EQ(create(minimal_cmig("defaults")).exit_code, 0);
  json cspec = kubectl_get_json("cmig", "defaults", ns())["spec"];
  EXPECT_EQ(cspec["agent"]["mode"], "DryRun");
  EXPECT_EQ(cspec["agent"]["pod"]["serviceAccountName"], "shepherd-agent");
  EXPECT_EQ(cspec["health"]["count"], 10);
}

TEST_F(CrdsTest, PrinterColumnsShortNamesAndCategory) {
  ASSERT_EQ(create(full_plan("plan-a")).exit_code, 0);
  patch_status(
      "mplan", "plan-a",
      {{"phase", "Progressing"}, {"currentWave", 1}, {"progress", "37/120"}, {"totals", {{"failed", 2}}}});
  std::string out = kubectl_ok({"get", "mplan", "-n", ns()});
  auto header = out.substr(0, out.find('\n'));
  for (const char* col : {"NAME", "PHASE", "WAVE", "PROGRESS", "FAILED", "AGE"})
    EXPECT_NE(header.find(col), std::string::npos) << col << " missing in " << header;
  EXPECT_NE(out.find("Progressing"), std::string::npos) << out;
  EXPECT_NE(out.find("37/120"), std::string::npos) << out;

  json cm = minimal_cmig("recs-pipeline");
  ASSERT_EQ(create(cm).exit_code, 0);
  patch_status("cmig", "recs-pipeline",
               {{"phase", "Analyzing"},
                {"attempts", 2},
                {"result", {{"outcome", "Changed"}, {"edits", 31}, {"reviewCount", 4321}}}});
  out = kubectl_ok({"get", "cmig", "-n", ns()});
  header = out.substr(0, out.find('\n'));
  EXPECT_NE(out.find("4321"), std::string::npos) << out;
  for (const char* col : {"NAME", "PLAN", "PHASE", "OUTCOME", "ATTEMPTS", "REVIEW", "AGE"})
    EXPECT_NE(header.find(col), std::string::npos) << col << " missing in " << header;
  EXPECT_NE(out.find("listening-events-v4"), std::string::npos) << out;
  EXPECT_NE(out.find("Analyzing"), std::string::npos) << out;
  EXPECT_NE(out.find("Changed"), std::string::npos) << out;

  out = kubectl_ok({"get", "cmig", "-n", ns(), "-o", "wide"});
  EXPECT_NE(out.substr(0, out.find('\n')).find("EDITS"), std::string::npos) << out;

  // -o wide adds READY and REASON.
  out = kubectl_ok({"get", "mplan", "-n", ns(), "-o", "wide"});
  EXPECT_NE(out.substr(0, out.find('\n')).find("READY"), std::string::npos) << out;

  // Plural, singular, short names and the category.
  for (const char* r : {"migrationplans", "migrationplan", "mplan"})
    EXPECT_NE(kubectl_ok({"get", r, "-n", ns(), "-o", "name"}).find("migrationplan.shepherd.dev/plan-a"),
              std::string::npos)
        << r;
  for (const char* r : {"consumermigrations", "consumermigration", "cmig"})
    EXPECT_NE(
        kubectl_ok({"get", r, "-n", ns(), "-o", "name"}).find("consumermigration.shepherd.dev/recs-pipeline"),
        std::string::npos)
        << r;
  out = kubectl_ok({"get", "shepherd", "-n", ns(), "-o", "name"});
  EXPECT_NE(out.find("migrationplan.shepherd.dev/plan-a"), std::string::npos) << out;
  EXPECT_NE(out.find("consumermigration.shepherd.dev/recs-pipeline"), std::string::npos) << out;
}

TEST_F(CrdsTest, StatusIsASubresourceAndValidated) {
  ASSERT_EQ(create(minimal_plan("status")).exit_code, 0);
  // Writing status through the main resource is ignored.
  kubectl_ok(
      {"patch", "mplan", "status", "-n", ns(), "--type=merge", "-p", R"({"status":{"phase":"Succeeded"}})"});
  EXPECT_FALSE(kubectl_get_json("mplan", "status", ns()).contains("status"));

  // Through /status: a full status with conditions is accepted.
  json status = json::parse(R"json({
    "observedGeneration": 1, "phase": "Blocked", "currentWave": 0, "progress": "0/2",
    "totals": {"consumers": 2, "pending": 1, "running": 0, "succeeded": 0, "noChanges": 0,
               "needsReview": 0, "failed": 1, "rolledBack": 0, "skipped": 0},
    "waves": [{"index": 0, "size": 1, "succeeded": 0, "failed": 1, "startedAt": "2026-01-01T00:00:00Z"}],
    "signals": {"approve": "1", "retry": "a", "rollback": "b"},
    "conditions": [
      {"type": "Ready", "status": "False", "reason": "FailureBudgetExceeded", "message": "1 failed > 0",
       "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"},
      {"type": "Stalled", "status": "True", "reason": "FailureBudgetExceeded", "message": "1 failed > 0",
       "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}
    ]
  })json");
  patch_status("mplan", "status", status);
  EXPECT_EQ(kubectl_get_json("mplan", "status", ns())["status"]["phase"], "Blocked");
  auto r = kubectl({"wait", "--for=condition=Stalled", "--timeout=5s", "mplan/status", "-n", ns()});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // ... and an invalid one is rejected, naming the field.
  r = kubectl({"patch", "mplan", "status", "-n", ns(), "--subresource=status", "--type=merge", "-p",
               R"({"status":{"phase":"Done"}})"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("status.phase: Unsupported value"), std::string::npos) << r.err;
  r = kubectl({"patch", "mplan", "status", "-n", ns(), "--subresource=status", "--type=json", "-p",
               R"([{"op":"replace","path":"/status/conditions/0/reason","value":"not camel case"}])"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("status.conditions[0].reason"), std::string::npos) << r.err;
}

TEST_F(CrdsTest, ConsumerMigrationSpecFreezesOnceStarted) {
  ASSERT_EQ(create(minimal_cmig("frozen")).exit_code, 0);
  // While Pending (or without status) the spec may change.
  patch_status("cmig", "frozen", {{"phase", "Pending"}});
  kubectl_ok(
      {"patch", "cmig", "frozen", "-n", ns(), "--type=merge", "-p", R"({"spec":{"agent":{"retries":3}}})"});
  // Started: the spec is frozen, status and metadata still change.
  patch_status("cmig", "frozen", {{"phase", "Generating"}, {"attempts", 1}});
  auto r = kubectl(
      {"patch", "cmig", "frozen", "-n", ns(), "--type=merge", "-p", R"({"spec":{"agent":{"retries":4}}})"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("spec: Invalid value"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("spec is frozen"), std::string::npos) << r.err;
  kubectl_ok({"annotate", "cmig", "frozen", "-n", ns(), "shepherd.dev/retry=1"});
  patch_status("cmig", "frozen", {{"signals", {{"retry", "1"}}}});
}

TEST_F(CrdsTest, ExplainDocumentsFields) {
  std::string out = kubectl_ok({"explain", "mplan.spec.rollout.maxFailures"});
  EXPECT_NE(out.find("circuit breaker"), std::string::npos) << out;
  out = kubectl_ok({"explain", "cmig.status.cutover.previous.present"});
  EXPECT_NE(out.find("rollback removes it"), std::string::npos) << out;
  out = kubectl_ok({"explain", "mplan.spec.consumers.cutover.env.container"});
  EXPECT_NE(out.find("Name of the container"), std::string::npos) << out;
}

}  // namespace
