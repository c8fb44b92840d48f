// Agent Job builder (names, security, task) and the agent result parser.
#include "controllers/consumer/job.h"

#include <gtest/gtest.h>

#include <set>

namespace shepherd::controllers::consumer {
namespace {

using nlohmann::json;

api::ConsumerMigration make_cmig() {
  api::ConsumerMigration m;
  m.metadata.name = "listening-events-v4-recs-pipeline";
  m.metadata.namespace_ = "data";
  m.metadata.uid = "uid-9";
  m.spec.plan = "listening-events-v4";
  m.spec.dataset.name = "listening_events";
  m.spec.changes.push_back(api::Change{api::ChangeKind::Rename, "user_id", "account_id", "", "", ""});
  m.spec.consumer.name = "recs-pipeline";
  m.spec.consumer.repository = {"https://git/recs.git", "main", "jobs/"};
  m.spec.consumer.verify.command = {"make", "test"};
  m.spec.agent.mode = api::AgentMode::Push;
  m.spec.agent.branch = "shepherd/{plan}/{consumer}";
  m.spec.agent.gitCredentials.secretName = "git-token";
  m.spec.agent.pod.labels = {{"team", "recs"}, {api::kLabelPlan, "spoofed"}};
  m.spec.agent.pod.nodeSelector = {{"pool", "agents"}};
  m.spec.agent.pod.tolerations = json::array({{{"key", "agents"}, {"operator", "Exists"}}});
  m.spec.agent.resources = {{"limits", {{"memory", "1Gi"}}}};
  return m;
}

TEST(JobNames, DeterministicBoundedAndUnique) {
  EXPECT_EQ(job_name("plan-c0", 1), "plan-c0-1");
  EXPECT_EQ(job_name("plan-c0", 12), "plan-c0-12");
  const std::string longname(200, 'a');
  std::set<std::string> seen;
  for (std::int64_t attempt = 1; attempt <= 50; ++attempt) {
    const auto n = job_name(longname, attempt);
    EXPECT_LE(n.size(), 63u);
    EXPECT_EQ(n, job_name(longname, attempt));
    EXPECT_TRUE(seen.insert(n).second) << n;
    const auto r = rollback_job_name(longname, attempt, 1);
    EXPECT_LE(r.size(), 63u);
    EXPECT_TRUE(seen.insert(r).second) << r;
  }
  // Two long names that share their first 63 characters still differ.
  EXPECT_NE(job_name(longname + "x", 1), job_name(longname + "y", 1));
  // Never ends the cut part with '-'.
  const auto cut = job_name(std::string(60, 'a') + "-----bbbb", 3);
  EXPECT_EQ(cut.find("--"), std::string::npos) << cut;
  EXPECT_LE(diff_config_map_name(std::string(250, 'z')).size(), 253u);
}

TEST(JobBuilder, SpecAndSecurity) {
  JobOptions o;
  o.attempt = 2;
  o.default_image = "shepherd-agent:1";
  const json job = build_agent_job(make_cmig(), o);
  EXPECT_EQ(job["apiVersion"], "batch/v1");
  EXPECT_EQ(job["kind"], "Job");
  EXPECT_EQ(job["metadata"]["name"], "listening-events-v4-recs-pipeline-2");
  EXPECT_EQ(job["metadata"]["namespace"], "data");
  const auto& labels = job["metadata"]["labels"];
  EXPECT_EQ(labels[api::kLabelPlan], "listening-events-v4");  // the user's pod label cannot spoof it
  EXPECT_EQ(labels[api::kLabelConsumer], "recs-pipeline");
  EXPECT_EQ(labels[api::kLabelAttempt], "2");
  EXPECT_EQ(labels[api::kLabelManagedBy], "shepherd-operator");
  const auto& owner = job["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "ConsumerMigration");
  EXPECT_EQ(owner["uid"], "uid-9");
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["blockOwnerDeletion"], true);
  const auto& spec = job["spec"];
  EXPECT_EQ(spec["backoffLimit"], 0);
  EXPECT_EQ(spec["activeDeadlineSeconds"], 1800);
  EXPECT_FALSE(spec.contains("ttlSecondsAfterFinished"));
  const auto& pod = spec["template"]["spec"];
  EXPECT_EQ(spec["template"]["metadata"]["labels"]["team"], "recs");
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["serviceAccountName"], "shepherd-agent");
  EXPECT_EQ(pod["automountServiceAccountToken"], true);
  EXPECT_EQ(pod["nodeSelector"]["pool"], "agents");
  EXPECT_EQ(pod["tolerations"][0]["key"], "agents");
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["image"], "shepherd-agent:1");
  EXPECT_EQ(c["resources"]["limits"]["memory"], "1Gi");
  const auto& sc = c["securityContext"];
  EXPECT_EQ(sc["runAsNonRoot"], true);
  EXPECT_EQ(sc["runAsUser"], 65532);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["capabilities"]["drop"], json::array({"ALL"}));
  EXPECT_EQ(sc["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "FallbackToLogsOnError");
  std::set<std::string> mounts;
  for (const auto& m : c["volumeMounts"]) mounts.insert(m["mountPath"].get<std::string>());
  EXPECT_EQ(mounts, (std::set<std::string>{"/workspace", "/tmp", "/var/run/shepherd/git"}));
  bool secret_optional = false;
  for (const auto& v : pod["volumes"])
    if (v.contains("secret"))
      secret_optional = v["secret"]["optional"] == true && v["secret"]["secretName"] == "git-token";
  EXPECT_TRUE(secret_optional);
  // Only SHEPHERD_TASK carries the task; nothing secret in env.
  json task;
  for (const auto& e : c["env"])
    if (e["name"] == "SHEPHERD_TASK") task = json::parse(e["value"].get<std::string>());
  EXPECT_EQ(task["apiVersion"], "shepherd.dev/agent-task/v1");
  EXPECT_EQ(task["action"], "migrate");
  EXPECT_EQ(task["attempt"], 2);
  EXPECT_EQ(task["namespace"], "data");
  EXPECT_EQ(task["plan"], "listening-events-v4");
  EXPECT_EQ(task["agent"]["branch"], "shepherd/listening-events-v4/recs-pipeline");
  EXPECT_EQ(task["agent"]["mode"], "Push");
  EXPECT_EQ(task["consumer"]["repository"]["path"], "jobs/");
  EXPECT_EQ(task["consumer"]["verify"]["command"], json::array({"make", "test"}));
  EXPECT_EQ(task["changes"][0]["rename"]["to"], "account_id");
  EXPECT_EQ(task["diff"]["configMap"], "listening-events-v4-recs-pipeline-diff");
  EXPECT_EQ(task["diff"]["owner"]["uid"], "uid-9");
  EXPECT_FALSE(task.contains("rollback"));
  // Same input, same Job.
  EXPECT_EQ(job, build_agent_job(make_cmig(), o));
}

TEST(JobBuilder, ImageOverrideTtlAndNoSecret) {
  auto m = make_cmig();
  m.spec.agent.image = "custom:2";
  m.spec.agent.gitCredentials.secretName.clear();
  JobOptions o;
  o.default_image = "shepherd-agent:1";
  o.ttl_seconds_after_finished = 3600;
  const json job = build_agent_job(m, o);
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["image"], "custom:2");
  EXPECT_EQ(job["spec"]["ttlSecondsAfterFinished"], 3600);
  EXPECT_EQ(job["spec"]["template"]["spec"]["volumes"].size(), 2u);
}

TEST(JobBuilder, RollbackTask) {
  auto m = make_cmig();
  m.status.result = api::AgentResult{};
  m.status.result->commit = "3f2a";
  m.status.result->branch = "shepherd/x";
  m.status.result->pullRequest = "https://git/pr/1";
  JobOptions o;
  o.action = JobAction::Rollback;
  o.attempt = 2;
  o.rollback_attempt = 1;
  const json job = build_agent_job(m, o);
  EXPECT_EQ(job["metadata"]["name"], "listening-events-v4-recs-pipeline-2-rollback-1");
  const json task = build_task(m, o);
  EXPECT_EQ(task["action"], "rollback");
  EXPECT_EQ(task["rollback"]["commit"], "3f2a");
  EXPECT_EQ(task["rollback"]["branch"], "shepherd/x");
  EXPECT_EQ(task["rollback"]["pullRequest"], "https://git/pr/1");
  EXPECT_FALSE(task.contains("diff"));
}

TEST(ResultParser, Table) {
  struct Row {
    std::string text;
    const char* error_contains;  // nullptr: valid
  };
  const std::string valid = R"({"apiVersion":"shepherd.dev/agent-result/v1","action":"migrate","attempt":1,
    "outcome":"Changed","commit":"3f2a","branch":"b","pullRequest":"","filesChanged":3,"edits":11,
    "review":[{"file":"a.py","line":4,"message":"m"}],"reviewCount":1,
    "verify":{"exitCode":0,"seconds":41.2,"timedOut":false,"outputTail":"ok"},
    "diff":{"configMap":"x-diff","bytes":2312,"truncated":false},"message":"done"})";
  const Row rows[] = {
      {valid, nullptr},
      {R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"NoChanges"})", nullptr},
      {"", "no result"},
      {"Cloning into 'repo'...\nfatal: could not read Username",
       "not a JSON object: Cloning into 'repo'... fatal"},
      {"[1,2]", "not a JSON object"},
      {R"({"apiVersion":"shepherd.dev/agent-result/v2","outcome":"Changed"})",
       "apiVersion \"shepherd.dev/agent-result/v2\""},
      {R"({"outcome":"Changed"})", "apiVersion (none)"},
      {R"({"apiVersion":"shepherd.dev/agent-result/v1"})", "no outcome"},
      {R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Great"})",
       "malformed: outcome: unknown value"},
      {R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Changed","edits":"many"})",
       "malformed: edits"},
      {R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Changed","message":")" +
           std::string(5000, 'x') + "\"}",
       "over the 4096-byte limit"},
  };
  for (const auto& r : rows) {
    const auto p = parse_agent_result(r.text);
    if (r.error_contains == nullptr) {
      EXPECT_TRUE(p.value.has_value()) << p.error;
    } else {
      EXPECT_FALSE(p.value.has_value()) << r.text.substr(0, 80);
      EXPECT_NE(p.error.find(r.error_contains), std::string::npos) << p.error;
    }
  }
  const auto r = parse_agent_result(valid).value.value();
  EXPECT_EQ(r.outcome, api::Outcome::Changed);
  EXPECT_EQ(r.commit, "3f2a");
  EXPECT_EQ(r.filesChanged, 3);
  EXPECT_EQ(r.review.at(0).line, 4);
  EXPECT_DOUBLE_EQ(r.verify->seconds, 41.2);
  EXPECT_EQ(r.diff->bytes, 2312);
}

}  // namespace
}  // namespace shepherd::controllers::consumer
