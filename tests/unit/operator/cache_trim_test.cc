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
    "metadata": {"name": "j", "namespace": "n", "uid": "u", "generation": 1,
                 "labels": {"a": "b", "shepherd.dev/plan": "p", "batch.kubernetes.io/controller-uid": "x"},
                 "ownerReferences": [{"apiVersion": "shepherd.dev/v1alpha1", "kind": "ConsumerMigration",
                                      "name": "c", "uid": "cu", "controller": true, "blockOwnerDeletion": true}]},
    "spec": {"template": {"spec": {"containers": [{"name": "agent"}]}}},
    "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded",
                               "message": "m", "lastProbeTime": "t", "lastTransitionTime": "t"}],
               "startTime": "s", "completionTime": "c", "failed": 1, "uncountedTerminatedPods": {}}})");
  trim_job(job);
  EXPECT_FALSE(job.contains("spec"));
  EXPECT_EQ(job["status"]["conditions"][0]["reason"], "DeadlineExceeded");
  EXPECT_EQ(job["status"]["startTime"], "s");
  EXPECT_EQ(job["status"]["failed"], 1);
  EXPECT_FALSE(job["status"].contains("uncountedTerminatedPods"));
  EXPECT_EQ(job["metadata"]["ownerReferences"][0],
            json::parse(R"({"apiVersion": "shepherd.dev/v1alpha1", "kind": "ConsumerMigration",
                            "name": "c", "uid": "cu", "controller": true})"));
  EXPECT_EQ(job["metadata"]["labels"], (json{{"shepherd.dev/plan", "p"}}));
  EXPECT_FALSE(job["metadata"].contains("generation"));
  EXPECT_EQ(job["status"]["conditions"][0],
            (json{{"type", "Failed"}, {"status", "True"}, {"reason", "DeadlineExceeded"}, {"message", "m"}}));
}

// The summary kept beside each cached ConsumerMigration reads back as plan::summarize's result.
TEST(CacheTrim, ConsumerSummaryRoundTrips) {
  json cm = json::parse(R"({
    "apiVersion": "shepherd.dev/v1alpha1", "kind": "ConsumerMigration",
    "metadata": {"name": "p-c1", "namespace": "n", "uid": "u",
                 "labels": {"shepherd.dev/wave": "2"},
                 "annotations": {"shepherd.dev/retry": "t1"}},
    "spec": {"planRef": {"name": "p"}, "dataset": {"name": "d", "from": {"version": "1"}, "to": {"version": "2"}},
             "changes": [{"rename": {"field": "a", "to": "b"}}],
             "consumer": {"name": "c1", "repository": {"url": "https://example.com/c1.git"}}},
    "status": {"phase": "Succeeded", "attempts": 1,
               "result": {"outcome": "Changed", "commit": "abc"}}})");
  // Through the ConsumerMigration cache as the plan reconciler reads it.
  runtime::Store store(consumer_migration_informer_options().store);
  auto bogus =
      json{{"kind", "ConsumerMigration"},
           {"metadata", {{"name", "bogus"}, {"namespace", "n"}, {"ownerReferences", {{{"uid", "plan"}}}}}},
           {"status", {{"phase", "Bogus"}}}};
  cm["metadata"]["ownerReferences"] = json::array({{{"uid", "plan"}}});
  store.upsert(runtime::make_cached(cm));
  store.upsert(runtime::make_cached(bogus));
  const auto read = runtime::by_index_as<ConsumerSummaryProjection>(store, runtime::kOwnerIndex, "plan");
  ASSERT_EQ(read.size(), 2u);
  // Unreadable objects are reported, not guessed.
  EXPECT_EQ(read[0], std::nullopt);  // n/bogus sorts first
  ASSERT_TRUE(read[1]);
  const auto& s = *read[1];
  auto parsed = api::parse_consumer_migration(cm);
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(s, plan::summarize(*parsed.value));
  EXPECT_EQ(s.name, "p-c1");
  EXPECT_EQ(s.consumer, "c1");
  EXPECT_EQ(s.wave, 2);
  EXPECT_EQ(s.phase, api::ConsumerPhase::Succeeded);
  EXPECT_TRUE(s.started);
  EXPECT_TRUE(s.published);
  EXPECT_EQ(s.retry_annotation, "t1");
}

}  // namespace
}  // namespace shepherd::controllers::reconcile
