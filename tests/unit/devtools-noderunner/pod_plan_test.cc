// Unit tests of hack/node-runner/pod_plan.h.
#include "hack/node-runner/pod_plan.h"

#include <gtest/gtest.h>

namespace shepherd::noderunner {
namespace {

using nlohmann::json;

RunnerConfig config() {
  RunnerConfig c;
  c.images["shepherd-agent"] = "/opt/bin/shepherd-agent";
  c.pods_dir = "/pods";
  c.api_port = "6443";
  return c;
}

json agent_pod() {
  return json::parse(R"({
    "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
    "spec": {
      "serviceAccountName": "shepherd-agent",
      "containers": [{
        "name": "agent", "image": "ghcr.example/shepherd/shepherd-agent:0.1.0",
        "args": ["--verbose"],
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "env": [{"name": "SHEPHERD_TASK", "value": "{}"},
                {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "volumeMounts": [{"name": "git", "mountPath": "/var/run/shepherd/git"},
                         {"name": "workspace", "mountPath": "/workspace"},
                         {"name": "kube-api-access-x", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
      }],
      "volumes": [{"name": "git", "secret": {"secretName": "git-token", "optional": true}},
                  {"name": "workspace", "emptyDir": {}},
                  {"name": "kube-api-access-x", "projected": {"sources": []}}]
    }})");
}

TEST(PodPlan, ImageNames) {
  EXPECT_EQ(image_name("shepherd-agent"), "shepherd-agent");
  EXPECT_EQ(image_name("reg.io:5000/a/shepherd-agent:1.2"), "shepherd-agent");
  EXPECT_EQ(image_name("shepherd-agent@sha256:abc"), "shepherd-agent");
}

TEST(PodPlan, MapsTheAgentPodToALocalProcess) {
  auto r = plan_exec(agent_pod(), config());
  ASSERT_TRUE(std::holds_alternative<LocalExec>(r)) << std::get<std::string>(r);
  const auto& e = std::get<LocalExec>(r);
  EXPECT_EQ(e.pod_dir, "/pods/ns_p_u1");
  EXPECT_EQ(e.argv, (std::vector<std::string>{"/opt/bin/shepherd-agent", "--verbose"}));
  EXPECT_EQ(e.env.at("SHEPHERD_TASK"), "{}");
  EXPECT_EQ(e.env.at("POD"), "p");
  EXPECT_EQ(e.env.at("SHEPHERD_GIT_CREDENTIALS_DIR"), "/pods/ns_p_u1/volumes/git");
  EXPECT_EQ(e.env.at("SHEPHERD_WORKDIR"), "/pods/ns_p_u1/volumes/workspace");
  EXPECT_EQ(e.env.at("SHEPHERD_SERVICEACCOUNT_DIR"), "/pods/ns_p_u1/serviceaccount");
  EXPECT_EQ(e.env.at("SHEPHERD_TERMINATION_LOG"), "/pods/ns_p_u1/termination-log");
  EXPECT_EQ(e.env.at("KUBERNETES_SERVICE_PORT"), "6443");
  EXPECT_EQ(e.service_account, "shepherd-agent");
  ASSERT_EQ(e.secret_volumes.size(), 1u);
  EXPECT_EQ(e.secret_volumes[0].secret_name, "git-token");
  EXPECT_TRUE(e.secret_volumes[0].optional);
}

TEST(PodPlan, RefusesWhatItCannotRun) {
  auto pod = agent_pod();
  pod["spec"]["containers"][0]["image"] = "busybox";
  auto r = plan_exec(pod, config());
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r),
            "container agent: image busybox has no local binary (known: shepherd-agent)");
  pod = agent_pod();
  pod["spec"]["volumes"][1] = {{"name", "workspace"}, {"hostPath", {{"path", "/"}}}};
  r = plan_exec(pod, config());
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("only emptyDir and secret"), std::string::npos);
}

TEST(PodPlan, StatusesLookLikeAKubeletsOwn) {
  auto pod = agent_pod();
  auto running = running_status(pod, "2026-01-01T00:00:00Z");
  EXPECT_EQ(running["phase"], "Running");
  EXPECT_TRUE(running["containerStatuses"][0]["state"].contains("running"));
  auto ok = terminated_status(pod, 0, "{\"outcome\":\"Changed\"}", "a", "b");
  EXPECT_EQ(ok["phase"], "Succeeded");
  EXPECT_EQ(ok["containerStatuses"][0]["state"]["terminated"]["message"], "{\"outcome\":\"Changed\"}");
  EXPECT_EQ(ok["containerStatuses"][0]["state"]["terminated"]["reason"], "Completed");
  auto failed = terminated_status(pod, 3, "", "a", "b");
  EXPECT_EQ(failed["phase"], "Failed");
  EXPECT_EQ(failed["containerStatuses"][0]["state"]["terminated"]["exitCode"], 3);
  EXPECT_FALSE(failed["containerStatuses"][0]["state"]["terminated"].contains("message"));
}

TEST(PodPlan, TerminationMessageFollowsTheKubeletsRules) {
  EXPECT_EQ(termination_message("file", "log", 1, "FallbackToLogsOnError"), "file");
  EXPECT_EQ(termination_message(std::string(5000, 'x'), "", 0, "File").size(), 4096u);
  EXPECT_EQ(termination_message("", "boom\n", 1, "FallbackToLogsOnError"), "boom\n");
  EXPECT_EQ(termination_message("", "boom\n", 0, "FallbackToLogsOnError"), "");
  EXPECT_EQ(termination_message("", "boom\n", 1, "File"), "");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "line" + std::to_string(i) + "\n";
  auto tail = termination_message("", many, 1, "FallbackToLogsOnError");
  EXPECT_EQ(tail.rfind("line20\n", 0), 0u) << tail.substr(0, 20);  // the last 80 lines
  EXPECT_LE(termination_message("", std::string(10000, 'y'), 1, "FallbackToLogsOnError").size(), 2048u);
}

}  // namespace
}  // namespace shepherd::noderunner
