// Table tests of env-var cut-over: all five workload kinds, previous present/absent, errors, patches.
#include "controllers/cutover/env_cutover.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::cutover {
namespace {

using nlohmann::json;

const api::CutoverEnv kEnv{"api", "LISTENING_EVENTS_TABLE", "prod.events.listening_v4"};

json containers(json env) {
  json api = {{"name", "api"}, {"image", "recs:1"}};
  if (!env.is_null()) api["env"] = std::move(env);
  return json::array({{{"name", "sidecar"}, {"image", "proxy:1"}}, api});
}

// A live object of `kind` whose pod template has the two containers above.
json workload(const std::string& api_version, const std::string& kind, json env) {
  json pod_spec = {{"containers", containers(std::move(env))}};
  json spec;
  if (kind == "CronJob") {
    spec = {{"schedule", "* * * * *"}, {"jobTemplate", {{"spec", {{"template", {{"spec", pod_spec}}}}}}}};
  } else {
    spec = {{"template", {{"spec", pod_spec}}}};
  }
  return {{"apiVersion", api_version},
          {"kind", kind},
          {"metadata", {{"name", "recs-api"}, {"namespace", "recs"}, {"resourceVersion", "42"}}},
          {"spec", spec}};
}

struct Kind {
  std::string api_version;
  std::string kind;
  std::string pod_spec;
};

class EveryKind : public ::testing::TestWithParam<Kind> {};

TEST_P(EveryKind, ReadsPreviousAndBuildsAnApplyOfOnlyThatEntry) {
  const auto& k = GetParam();
  const api::CutoverTarget target{k.api_version, k.kind, "recs", "recs-api"};
  const json live = workload(k.api_version, k.kind,
                             json::array({{{"name", "OTHER"}, {"value", "x"}},
                                          {{"name", kEnv.name}, {"value", "prod.events.listening_v3"}}}));
  const auto located = locate_env(live, target, kEnv);
  ASSERT_TRUE(std::holds_alternative<EnvLocation>(located)) << std::get<CutoverError>(located).message;
  const auto& at = std::get<EnvLocation>(located);
  EXPECT_EQ(at.pod_spec, k.pod_spec);
  EXPECT_EQ(at.container_index, 1u);
  EXPECT_EQ(at.env_index, 1u);
  EXPECT_TRUE(at.previous.present);
  EXPECT_EQ(at.previous.value, "prod.events.listening_v3");

  const auto patch = env_apply_patch(target, kEnv, kEnv.value);
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->type, PatchType::Apply);
  json expected = {{"apiVersion", k.api_version},
                   {"kind", k.kind},
                   {"metadata", {{"name", "recs-api"}, {"namespace", "recs"}}}};
  expected[json::json_pointer(k.pod_spec + "/containers")] =
      json::array({{{"name", "api"}, {"env", json::array({{{"name", kEnv.name}, {"value", kEnv.value}}})}}});
  EXPECT_EQ(patch->body, expected) << patch->body.dump();
}

TEST_P(EveryKind, AbsentVariableAndItsRemoval) {
  const auto& k = GetParam();
  const api::CutoverTarget target{k.api_version, k.kind, "recs", "recs-api"};
  const json without = workload(k.api_version, k.kind, json());
  const auto located = locate_env(without, target, kEnv);
  ASSERT_TRUE(std::holds_alternative<EnvLocation>(located));
  EXPECT_FALSE(std::get<EnvLocation>(located).previous.present);
  EXPECT_FALSE(std::get<EnvLocation>(located).env_index);

  // After the cut-over the variable is there; rolling back to "absent" removes exactly it.
  const json with =
      workload(k.api_version, k.kind, json::array({{{"name", kEnv.name}, {"value", kEnv.value}}}));
  const auto plan = plan_env_rollback(with, target, kEnv, api::PreviousValue{false, ""});
  ASSERT_TRUE(std::holds_alternative<std::optional<Patch>>(plan));
  const auto& patch = std::get<std::optional<Patch>>(plan);
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->type, PatchType::JsonPatch);
  const std::string c = k.pod_spec + "/containers/1";
  EXPECT_EQ(patch->body, json::parse(R"([
    {"op":"test","path":"/metadata/resourceVersion","value":"42"},
    {"op":"test","path":")" + c + R"(/name","value":"api"},
    {"op":"test","path":")" + c + R"(/env/0/name","value":"LISTENING_EVENTS_TABLE"},
    {"op":"remove","path":")" + c + R"(/env/0"}])"));
  // Already absent: nothing to do.
  const auto done = plan_env_rollback(without, target, kEnv, api::PreviousValue{false, ""});
  ASSERT_TRUE(std::holds_alternative<std::optional<Patch>>(done));
  EXPECT_FALSE(std::get<std::optional<Patch>>(done));
}

INSTANTIATE_TEST_SUITE_P(All, EveryKind,
                         ::testing::Values(Kind{"apps/v1", "Deployment", "/spec/template/spec"},
                                           Kind{"apps/v1", "StatefulSet", "/spec/template/spec"},
                                           Kind{"apps/v1", "DaemonSet", "/spec/template/spec"},
                                           Kind{"batch/v1", "Job", "/spec/template/spec"},
                                           Kind{"batch/v1", "CronJob",
                                                "/spec/jobTemplate/spec/template/spec"}),
                         [](const auto& param_info) { return param_info.param.kind; });

const api::CutoverTarget kDeploy{"apps/v1", "Deployment", "recs", "recs-api"};

TEST(EnvRollback, PreviousPresentReappliesItOnlyWhenDifferent) {
  const json live =
      workload("apps/v1", "Deployment", json::array({{{"name", kEnv.name}, {"value", kEnv.value}}}));
  const auto plan =
      plan_env_rollback(live, kDeploy, kEnv, api::PreviousValue{true, "prod.events.listening_v3"});
  ASSERT_TRUE(std::holds_alternative<std::optional<Patch>>(plan));
  EXPECT_EQ(std::get<std::optional<Patch>>(plan), env_apply_patch(kDeploy, kEnv, "prod.events.listening_v3"));
  const auto same = plan_env_rollback(live, kDeploy, kEnv, api::PreviousValue{true, kEnv.value});
  EXPECT_FALSE(std::get<std::optional<Patch>>(same));
  // Previous present but empty string: restored as an empty value, not removed.
  const auto empty = plan_env_rollback(live, kDeploy, kEnv, api::PreviousValue{true, ""});
  EXPECT_EQ(std::get<std::optional<Patch>>(empty), env_apply_patch(kDeploy, kEnv, ""));
}

struct ErrorCase {
  std::string name;
  json live;
  api::CutoverTarget target;
  std::string reason;
};

class EnvErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(EnvErrors, NameTheProblem) {
  const auto& c = GetParam();
  const auto located = locate_env(c.live, c.target, kEnv);
  ASSERT_TRUE(std::holds_alternative<CutoverError>(located));
  const auto& e = std::get<CutoverError>(located);
  EXPECT_EQ(e.reason, c.reason);
  EXPECT_NE(e.message.find("recs-api"), std::string::npos) << e.message;
  // Rollback planning reports the same error instead of guessing.
  const auto plan = plan_env_rollback(c.live, c.target, kEnv, api::PreviousValue{false, ""});
  ASSERT_TRUE(std::holds_alternative<CutoverError>(plan));
  EXPECT_EQ(std::get<CutoverError>(plan).reason, c.reason);
}

json with_api_container_renamed() {
  json live = workload("apps/v1", "Deployment", json());
  live["spec"]["template"]["spec"]["containers"][1]["name"] = "web";
  return live;
}

INSTANTIATE_TEST_SUITE_P(
    All, EnvErrors,
    ::testing::Values(
        ErrorCase{"target_missing", json(), kDeploy, "TargetNotFound"},
        ErrorCase{"wrong_object", workload("apps/v1", "StatefulSet", json()), kDeploy, "TargetMismatch"},
        ErrorCase{"unsupported_kind",
                  [] {
                    json l = workload("apps/v1", "ReplicaSet", json());
                    return l;
                  }(),
                  api::CutoverTarget{"apps/v1", "ReplicaSet", "recs", "recs-api"}, "UnsupportedKind"},
        ErrorCase{"container_missing", with_api_container_renamed(), kDeploy, "ContainerNotFound"},
        ErrorCase{
            "value_from",
            workload("apps/v1", "Deployment",
                     json::array({{{"name", kEnv.name},
                                   {"valueFrom", {{"configMapKeyRef", {{"name", "c"}, {"key", "k"}}}}}}})),
            kDeploy, "ValueFromNotSupported"},
        ErrorCase{"duplicate",
                  workload("apps/v1", "Deployment",
                           json::array({{{"name", kEnv.name}, {"value", "a"}},
                                        {{"name", kEnv.name}, {"value", "b"}}})),
                  kDeploy, "DuplicateEnv"},
        ErrorCase{"no_containers",
                  json{{"apiVersion", "apps/v1"},
                       {"kind", "Deployment"},
                       {"metadata", {{"name", "recs-api"}, {"namespace", "recs"}}},
                       {"spec", json::object()}},
                  kDeploy, "InvalidObject"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(EnvErrors, ContainerNotFoundListsWhatExists) {
  const auto located = locate_env(with_api_container_renamed(), kDeploy, kEnv);
  const auto& e = std::get<CutoverError>(located);
  EXPECT_NE(e.message.find("\"api\""), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sidecar, web"), std::string::npos) << e.message;
}

TEST(Patches, RequestShape) {
  EXPECT_EQ(content_type(PatchType::Apply), "application/apply-patch+yaml");
  EXPECT_EQ(content_type(PatchType::JsonPatch), "application/json-patch+json");
  EXPECT_EQ(patch_query(PatchType::Apply), "fieldManager=shepherd-operator&force=true");
  EXPECT_EQ(patch_query(PatchType::JsonPatch), "fieldManager=shepherd-operator");
  EXPECT_FALSE(env_apply_patch(api::CutoverTarget{"v1", "Pod", "recs", "p"}, kEnv, "x"));
}

}  // namespace
}  // namespace shepherd::controllers::cutover
