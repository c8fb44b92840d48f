// Unit tests of controllers/reconcile/cache_trim.h: the trimmed Job and pod keep exactly what the
// consumer reconciler reads (termination message, conditions, owners, labels) and drop the rest.
#include "controllers/reconcile/cache_trim.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;

TEST(CacheTrim, PodKeepsIdentityOwnersAndTheTerminationMessage) {
  json pod = json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "n", "uid": "u", "resourceVersion": "7",
                 "labels": {"job-name": "j"}, "annotations": {"big": "x"},
                 "ownerReferences": [{"kind": "Job", "name": "j", "controller": true}]},
    "spec": {"containers": [{"name": "agent", "image": "i", "env": [{"name": "SHEPHERD_TASK", "value": "{...}"}]}]},
    "status": {"phase": "Succeeded", "podIP": "10.0.0.1",
               "conditions": [{"type": "Ready", "status": "False"}],
               "containerStatuses": [{"name": "agent", "image": "i", "restartCount": 0,
                                      "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                                               "message": "{\"outcome\":\"Changed\"}",
                                                               "finishedAt": "t"}}}]}})");
  trim_pod(pod);
  EXPECT_EQ(pod["metadata"]["labels"]["job-name"], "j");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["name"], "j");
  EXPECT_FALSE(pod["metadata"].contains("annotations"));
  EXPECT_FALSE(pod.contains("spec"));
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
  EXPECT_FALSE(pod["status"].contains("podIP"));
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["terminated"],
            (json{{"exitCode", 0}, {"reason", "Completed"}, {"message", "{\"outcome\":\"Changed\"}"}}));
}

TEST(CacheTrim, JobKeepsConditionsAndTimes) {
  json job = json::parse(R"({
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "j", "namespace": "n", "uid": "u", "labels": {"a": "b"},
                 "ownerReferences": [{"kind": "ConsumerMigration", "name": "c", "controller": true}]},
    "spec": {"template": {"spec": {"containers": [{"name": "agent"}]}}},
    "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}],
               "startTime": "s", "completionTime": "c", "failed": 1, "uncountedTerminatedPods": {}}})");
  trim_job(job);
  EXPECT_FALSE(job.contains("spec"));
  EXPECT_EQ(job["status"]["conditions"][0]["reason"], "DeadlineExceeded");
  EXPECT_EQ(job["status"]["startTime"], "s");
  EXPECT_EQ(job["status"]["failed"], 1);
  EXPECT_FALSE(job["status"].contains("uncountedTerminatedPods"));
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["kind"], "ConsumerMigration");
}

}  // namespace
}  // namespace shepherd::controllers::reconcile
