// Table tests of the workload check for every kind, and of restart detection against a baseline.
#include "controllers/health/workload_check.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::health {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const api::Timestamp kApplied{seconds{1'700'000'000}};  // 2023-11-14T22:13:20Z

json meta(int generation = 2) {
  return {{"name", "recs-api"}, {"namespace", "recs"}, {"generation", generation}};
}

json deployment(json status, int replicas = 3) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", meta()},
          {"spec", {{"replicas", replicas}}},
          {"status", std::move(status)}};
}
json available(const char* s, const char* reason = "MinimumReplicasAvailable") {
  return {{"type", "Available"}, {"status", s}, {"reason", reason}, {"message", "m"}};
}
json healthy_deploy_status() {
  return {{"observedGeneration", 2},
          {"replicas", 3},
          {"updatedReplicas", 3},
          {"availableReplicas", 3},
          {"conditions", json::array({available("True")})}};
}
json pod(const std::string& name, int restarts, const std::string& finished = "") {
  json cs = {{"name", "api"}, {"restartCount", restarts}};
  if (!finished.empty()) cs["lastState"] = {{"terminated", {{"finishedAt", finished}}}};
  return {{"metadata", {{"name", name}}}, {"status", {{"containerStatuses", json::array({cs})}}}};
}

struct Case {
  std::string name;
  json target;
  json pods;
  RestartBaseline baseline;
  Outcome outcome;
  std::string reason;
};

class Workload : public ::testing::TestWithParam<Case> {};

TEST_P(Workload, Judges) {
  const auto& c = GetParam();
  const CheckResult r = check_workload(c.target, c.pods, c.baseline, kApplied);
  EXPECT_EQ(r.outcome, c.outcome) << r.message;
  EXPECT_EQ(r.reason, c.reason) << r.message;
  EXPECT_FALSE(r.message.empty());
}

json with(json object, const json::json_pointer& ptr, json value) {
  object[ptr] = std::move(value);
  return object;
}

const json kNoPods = json::array();

INSTANTIATE_TEST_SUITE_P(
    All, Workload,
    ::testing::Values(
        Case{"deploy_healthy",
             deployment(healthy_deploy_status()),
             kNoPods,
             {},
             Outcome::Successful,
             "Available"},
        Case{"deploy_not_observed",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/observedGeneration"), 1),
             kNoPods,
             {},
             Outcome::Inconclusive,
             "NotObserved"},
        Case{"deploy_unavailable",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/conditions"),
                  json::array({available("False", "MinimumReplicasUnavailable")})),
             kNoPods,
             {},
             Outcome::Failed,
             "Unavailable"},
        Case{"deploy_no_available_condition",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/conditions"),
                  json::array()),
             kNoPods,
             {},
             Outcome::Inconclusive,
             "NoAvailableCondition"},
        Case{"deploy_rollout_in_progress",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/updatedReplicas"), 1),
             kNoPods,
             {},
             Outcome::Inconclusive,
             "RolloutInProgress"},
        Case{"deploy_old_pods_still_there",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/replicas"), 4),
             kNoPods,
             {},
             Outcome::Inconclusive,
             "RolloutInProgress"},
        Case{"deploy_progress_deadline",
             with(deployment(healthy_deploy_status()), json::json_pointer("/status/conditions"),
                  json::array({available("True"),
                               {{"type", "Progressing"},
                                {"status", "False"},
                                {"reason", "ProgressDeadlineExceeded"},
                                {"message", "slow"}}})),
             kNoPods,
             {},
             Outcome::Failed,
             "ProgressDeadlineExceeded"},
        Case{"deploy_scaled_to_zero",
             deployment(healthy_deploy_status(), 0),
             kNoPods,
             {},
             Outcome::Inconclusive,
             "ScaledToZero"},
        Case{"deploy_restarts_grew",
             deployment(healthy_deploy_status()),
             json::array({pod("p1", 3)}),
             {{"p1", 2}},
             Outcome::Failed,
             "Restarting"},
        Case{"deploy_restarts_same",
             deployment(healthy_deploy_status()),
             json::array({pod("p1", 2)}),
             {{"p1", 2}},
             Outcome::Successful,
             "Available"},
        Case{"deploy_new_pod_restarted_after_cutover",
             deployment(healthy_deploy_status()),
             json{{"items", json::array({pod("p9", 1, "2023-11-14T22:20:00Z")})}},
             {},
             Outcome::Failed,
             "Restarting"},
        Case{"deploy_unknown_pod_restarted_before_cutover",
             deployment(healthy_deploy_status()),
             json::array({pod("p9", 4, "2023-11-14T21:00:00Z")}),
             {},
             Outcome::Successful,
             "Available"},
        Case{"deploy_unknown_pod_restart_time_unknown",
             deployment(healthy_deploy_status()),
             json::array({pod("p9", 1)}),
             {},
             Outcome::Failed,
             "Restarting"},
        Case{"sts_healthy",
             json{{"kind", "StatefulSet"},
                  {"metadata", meta()},
                  {"spec", {{"replicas", 2}}},
                  {"status",
                   {{"observedGeneration", 2},
                    {"updatedReplicas", 2},
                    {"readyReplicas", 2},
                    {"availableReplicas", 2},
                    {"currentRevision", "r2"},
                    {"updateRevision", "r2"}}}},
             kNoPods,
             {},
             Outcome::Successful,
             "Available"},
        Case{"sts_revision_rolling",
             json{{"kind", "StatefulSet"},
                  {"metadata", meta()},
                  {"spec", {{"replicas", 2}}},
                  {"status",
                   {{"observedGeneration", 2},
                    {"updatedReplicas", 2},
                    {"readyReplicas", 2},
                    {"currentRevision", "r1"},
                    {"updateRevision", "r2"}}}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "RolloutInProgress"},
        Case{"sts_not_ready",
             json{{"kind", "StatefulSet"},
                  {"metadata", meta()},
                  {"spec", {{"replicas", 2}}},
                  {"status",
                   {{"observedGeneration", 2},
                    {"updatedReplicas", 2},
                    {"readyReplicas", 1},
                    {"currentRevision", "r2"},
                    {"updateRevision", "r2"}}}},
             kNoPods,
             {},
             Outcome::Failed,
             "Unavailable"},
        Case{"ds_healthy",
             json{{"kind", "DaemonSet"},
                  {"metadata", meta()},
                  {"status",
                   {{"observedGeneration", 2},
                    {"desiredNumberScheduled", 3},
                    {"updatedNumberScheduled", 3},
                    {"numberAvailable", 3}}}},
             kNoPods,
             {},
             Outcome::Successful,
             "Available"},
        Case{"ds_updating",
             json{{"kind", "DaemonSet"},
                  {"metadata", meta()},
                  {"status",
                   {{"observedGeneration", 2},
                    {"desiredNumberScheduled", 3},
                    {"updatedNumberScheduled", 2},
                    {"numberAvailable", 3}}}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "RolloutInProgress"},
        Case{"ds_unavailable",
             json{{"kind", "DaemonSet"},
                  {"metadata", meta()},
                  {"status",
                   {{"observedGeneration", 2},
                    {"desiredNumberScheduled", 3},
                    {"updatedNumberScheduled", 3},
                    {"numberAvailable", 2}}}},
             kNoPods,
             {},
             Outcome::Failed,
             "Unavailable"},
        Case{"ds_no_nodes",
             json{{"kind", "DaemonSet"},
                  {"metadata", meta()},
                  {"status", {{"observedGeneration", 2}, {"desiredNumberScheduled", 0}}}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "ScaledToZero"},
        Case{"job_complete",
             json{{"kind", "Job"},
                  {"metadata", meta()},
                  {"status", {{"conditions", json::array({{{"type", "Complete"}, {"status", "True"}}})}}}},
             kNoPods,
             {},
             Outcome::Successful,
             "JobComplete"},
        Case{"job_failed",
             json{{"kind", "Job"},
                  {"metadata", meta()},
                  {"status",
                   {{"conditions", json::array({{{"type", "Failed"},
                                                 {"status", "True"},
                                                 {"message", "BackoffLimitExceeded"}}})}}}},
             kNoPods,
             {},
             Outcome::Failed,
             "JobFailed"},
        Case{"job_running",
             json{{"kind", "Job"}, {"metadata", meta()}, {"status", {{"active", 1}}}},
             kNoPods,
             {},
             Outcome::Successful,
             "JobRunning"},
        Case{"job_not_started",
             json{{"kind", "Job"}, {"metadata", meta()}, {"status", json::object()}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "JobNotStarted"},
        Case{"cronjob_ran_after_cutover",
             json{{"kind", "CronJob"},
                  {"metadata", meta()},
                  {"status", {{"lastSuccessfulTime", "2023-11-14T23:00:00Z"}}}},
             kNoPods,
             {},
             Outcome::Successful,
             "RanSuccessfully"},
        Case{"cronjob_ran_before_cutover",
             json{{"kind", "CronJob"},
                  {"metadata", meta()},
                  {"status", {{"lastSuccessfulTime", "2023-11-14T20:00:00Z"}}}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "NoRunSinceCutover"},
        Case{"cronjob_suspended",
             json{{"kind", "CronJob"},
                  {"metadata", meta()},
                  {"spec", {{"suspend", true}}},
                  {"status", {{"lastSuccessfulTime", "2023-11-14T23:00:00Z"}}}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "Suspended"},
        Case{"cronjob_job_pod_restarting",
             json{{"kind", "CronJob"}, {"metadata", meta()}, {"status", json::object()}},
             json::array({pod("job-abc", 2, "2023-11-14T23:00:00Z")}),
             {},
             Outcome::Failed,
             "Restarting"},
        Case{"target_missing", json(), kNoPods, {}, Outcome::Inconclusive, "TargetNotFound"},
        Case{"unsupported_kind",
             json{{"kind", "ReplicaSet"}, {"metadata", meta()}},
             kNoPods,
             {},
             Outcome::Inconclusive,
             "UnsupportedKind"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(RestartBaseline, SumsContainersAndInitContainers) {
  json p = pod("p1", 2);
  p["status"]["initContainerStatuses"] = json::array({{{"name", "init"}, {"restartCount", 1}}});
  const json list = {{"items", json::array({p, pod("p2", 0)})}};
  EXPECT_EQ(restart_baseline(list), (RestartBaseline{{"p1", 3}, {"p2", 0}}));
  EXPECT_EQ(restarts_since(list, {{"p1", 1}, {"p2", 0}}, kApplied),
            (std::map<std::string, std::int64_t>{{"p1", 2}}));
  EXPECT_TRUE(restart_baseline(json("garbage")).empty());
}

}  // namespace
}  // namespace shepherd::controllers::health
