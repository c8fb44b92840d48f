// Integration tests of hack/control-plane itself: the API server serves and validates a CRD, the
// Job controller and kwok run Jobs to success or to a chosen failure, and the garbage collector
// deletes dependents of a deleted owner. Every other integration test relies on these facts.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/cluster.h"

namespace shepherd::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// A CRD of our own for this test only, so that it cannot clash with Shepherd's.
constexpr const char* kGadgetCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.controlplane-test.shepherd.dev}
spec:
  group: controlplane-test.shepherd.dev
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              colour: {type: string, enum: [red, green]}
)";

std::string job_manifest(const std::string& name, const std::string& extra_metadata) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: " + name +
         "}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n" + extra_metadata +
         "    spec:\n      restartPolicy: Never\n      containers: [{name: main, image: "
         "example.invalid/none}]\n";
}

std::string job_condition(const json& job) {
  if (job.is_null()) return "";
  for (const auto& c : job.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("status", "") == "True" && (c["type"] == "Complete" || c["type"] == "Failed")) {
      return c["type"].get<std::string>();
    }
  }
  return "";
}

json only_pod_of_job(const std::string& ns, const std::string& job) {
  auto out = kubectl_ok({"get", "pods", "-n", ns, "-l", "job-name=" + job, "-o", "json"});
  auto list = json::parse(out, nullptr, false);
  if (list.is_discarded() || list["items"].size() != 1) return nullptr;
  return list["items"][0];
}

class ControlPlaneTest : public ClusterTest {};

TEST_F(ControlPlaneTest, ServesKubernetes133WithAReadyKwokNode) {
  auto version = json::parse(kubectl_ok({"version", "-o", "json"}), nullptr, false);
  ASSERT_FALSE(version.is_discarded());
  EXPECT_EQ(version["serverVersion"]["major"], "1");
  EXPECT_EQ(version["serverVersion"]["minor"], "33");
  auto node = kubectl_get_json("node", "kwok-node-0");
  ASSERT_FALSE(node.is_null());
  bool ready = false;
  for (const auto& c : node["status"]["conditions"]) {
    if (c["type"] == "Ready") ready = c["status"] == "True";
  }
  EXPECT_TRUE(ready);
}

TEST_F(ControlPlaneTest, CrdServesItsKindAndRejectsSchemaViolations) {
  kubectl_ok({"apply", "-f", "-"}, kGadgetCrd);
  ASSERT_TRUE(wait_for(
      [] {
        return kubectl({"get", "crd", "gadgets.controlplane-test.shepherd.dev", "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"})
                   .out == "True";
      },
      seconds(30)));
  auto ok = kubectl({"apply", "-n", ns(), "-f", "-"},
                    "apiVersion: controlplane-test.shepherd.dev/v1\nkind: Gadget\nmetadata: {name: fine}\n"
                    "spec: {size: 3, colour: red}\n");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto got = kubectl_get_json("gadget", "fine", ns());
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got["spec"]["size"], 3);

  auto too_big =
      kubectl({"apply", "-n", ns(), "-f", "-"},
              "apiVersion: controlplane-test.shepherd.dev/v1\nkind: Gadget\nmetadata: {name: big}\n"
              "spec: {size: 11}\n");
  EXPECT_NE(too_big.exit_code, 0);
  EXPECT_NE(too_big.err.find("spec.size"), std::string::npos) << too_big.err;
  auto bad_enum =
      kubectl({"apply", "-n", ns(), "-f", "-"},
              "apiVersion: controlplane-test.shepherd.dev/v1\nkind: Gadget\nmetadata: {name: blue}\n"
              "spec: {size: 1, colour: blue}\n");
  EXPECT_NE(bad_enum.exit_code, 0);
  EXPECT_NE(bad_enum.err.find("spec.colour"), std::string::npos) << bad_enum.err;
  EXPECT_TRUE(kubectl_get_json("gadget", "big", ns()).is_null());
}

TEST_F(ControlPlaneTest, JobCompletesThroughKwokWithItsTerminationMessage) {
  kubectl_ok({"apply", "-n", ns(), "-f", "-"},
             job_manifest("succeeds",
                          "      annotations: {shepherd.dev/kwok-termination-message: '{\"done\":true}'}\n"));
  ASSERT_TRUE(wait_for([&] { return job_condition(kubectl_get_json("job", "succeeds", ns())) == "Complete"; },
                       seconds(60)));
  auto pod = only_pod_of_job(ns(), "succeeds");
  ASSERT_FALSE(pod.is_null());
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
  EXPECT_EQ(pod["spec"]["nodeName"], "kwok-node-0");  // placed by the real scheduler
  const auto& terminated = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(terminated["exitCode"], 0);
  EXPECT_EQ(terminated["message"], "{\"done\":true}");
}

TEST_F(ControlPlaneTest, JobWithTheFailureLabelFailsWithTheChosenExitCodeAndMessage) {
  kubectl_ok({"apply", "-n", ns(), "-f", "-"},
             job_manifest("fails",
                          "      labels: {shepherd.dev/kwok-fail: \"true\"}\n"
                          "      annotations: {shepherd.dev/kwok-exit-code: \"7\", "
                          "shepherd.dev/kwok-message: \"verification failed\"}\n"));
  ASSERT_TRUE(wait_for([&] { return job_condition(kubectl_get_json("job", "fails", ns())) == "Failed"; },
                       seconds(90)));
  auto pod = only_pod_of_job(ns(), "fails");
  ASSERT_FALSE(pod.is_null());
  EXPECT_EQ(pod["status"]["phase"], "Failed");
  const auto& terminated = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(terminated["exitCode"], 7);
  EXPECT_EQ(terminated["message"], "verification failed");
}

TEST_F(ControlPlaneTest, DeletingAnOwnerGarbageCollectsItsDependents) {
  kubectl_ok({"create", "configmap", "owner", "-n", ns(), "--from-literal=k=v"});
  auto owner = kubectl_get_json("configmap", "owner", ns());
  ASSERT_FALSE(owner.is_null());
  std::string uid = owner["metadata"]["uid"];
  for (const std::string name : {"dep-a", "dep-b"}) {
    kubectl_ok({"apply", "-n", ns(), "-f", "-"},
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name +
                   "\n  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: " + uid +
                   ", controller: true}]\ndata: {x: \"1\"}\n");
  }
  kubectl_ok({"create", "configmap", "bystander", "-n", ns(), "--from-literal=k=v"});
  kubectl_ok({"delete", "configmap", "owner", "-n", ns()});
  EXPECT_TRUE(wait_for(
      [&] {
        return kubectl_get_json("configmap", "dep-a", ns()).is_null() &&
               kubectl_get_json("configmap", "dep-b", ns()).is_null();
      },
      seconds(60)))
      << "the garbage collector did not delete the dependents";
  EXPECT_FALSE(kubectl_get_json("configmap", "bystander", ns()).is_null());
}

}  // namespace
}  // namespace shepherd::testing
