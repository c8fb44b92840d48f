// Tests of the record -> apply -> confirm sequence, including restarts and reverted cut-overs.
#include "controllers/cutover/step.h"

#include <gtest/gtest.h>

#include "controllers/cutover/configmap_cutover.h"
#include "controllers/cutover/env_cutover.h"

namespace shepherd::controllers::cutover {
namespace {

using nlohmann::json;
using std::chrono::seconds;

api::CutoverSpec env_spec() {
  api::CutoverSpec s;
  s.target = {"apps/v1", "Deployment", "recs", "recs-api"};
  s.env = api::CutoverEnv{"api", "TABLE", "v4"};
  return s;
}

json deployment(std::optional<std::string> value) {
  json c = {{"name", "api"}, {"image", "x"}};
  if (value) c["env"] = json::array({{{"name", "TABLE"}, {"value", *value}}});
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "recs-api"}, {"namespace", "recs"}}},
          {"spec", {{"template", {{"spec", {{"containers", json::array({c})}}}}}}}};
}

api::CutoverStatus recorded(bool applied) {
  api::CutoverStatus st;
  st.target = env_spec().target;
  st.previous = {true, "v3"};
  if (applied) st.appliedAt = api::Timestamp{seconds{1'700'000'000}};
  return st;
}

TEST(NextCutoverStep, RecordsPreviousBeforeAnything) {
  const auto patch = *env_apply_patch(env_spec().target, *env_spec().env, "v4");
  EXPECT_EQ(next_cutover_step(env_spec(), std::nullopt, deployment("v3"), "v4"),
            (CutoverStep{RecordPrevious{{true, "v3"}, patch}}));
  EXPECT_EQ(next_cutover_step(env_spec(), std::nullopt, deployment(std::nullopt), "v4"),
            (CutoverStep{RecordPrevious{{false, ""}, patch}}));
  // Even when the value is there already: the apply makes shepherd-operator an owner of the field.
  EXPECT_EQ(next_cutover_step(env_spec(), std::nullopt, deployment("v4"), "v4"),
            (CutoverStep{RecordPrevious{{true, "v4"}, patch}}));
}

TEST(NextCutoverStep, AppliesThenConfirms) {
  const auto patch = env_apply_patch(env_spec().target, *env_spec().env, "v4");
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("v3"), "v4"),
            CutoverStep{ApplyCutover{*patch}});
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("v4"), "v4"),
            CutoverStep{MarkApplied{}});
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(true), deployment("v4"), "v4"),
            CutoverStep{CutoverDone{}});
}

TEST(NextCutoverStep, SetsTheExpandedValueNotTheSpecsTemplate) {
  // The caller expands placeholders; the step compares and applies the value it is given.
  const auto patch = env_apply_patch(env_spec().target, *env_spec().env, "events_v4");
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("v4"), "events_v4"),
            CutoverStep{ApplyCutover{*patch}});
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("events_v4"), "events_v4"),
            CutoverStep{MarkApplied{}});
}

TEST(NextCutoverStep, ReappliesWhenStatusSaysAppliedButObjectLacksIt) {
  const auto step = next_cutover_step(env_spec(), recorded(true), deployment("v3"), "v4");
  EXPECT_TRUE(std::holds_alternative<ApplyCutover>(step));
}

TEST(NextCutoverStep, ConfigMapAndErrors) {
  api::CutoverSpec cm;
  cm.target = env_spec().target;
  cm.configMap = api::CutoverConfigMap{"recs", "cfg", "table", "v4"};
  const json live = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "cfg"}, {"namespace", "recs"}}},
                     {"data", {{"table", "v3"}}}};
  EXPECT_EQ(next_cutover_step(cm, std::nullopt, live, "v4"),
            (CutoverStep{RecordPrevious{{true, "v3"}, configmap_apply_patch(*cm.configMap, "v4")}}));
  EXPECT_TRUE(std::holds_alternative<ApplyCutover>(next_cutover_step(cm, recorded(false), live, "v4")));
  EXPECT_EQ(changed_object(cm), (api::CutoverTarget{"v1", "ConfigMap", "recs", "cfg"}));
  EXPECT_EQ(changed_object(env_spec()).name, "recs-api");

  const auto missing = next_cutover_step(env_spec(), std::nullopt, json(), "v4");
  ASSERT_TRUE(std::holds_alternative<CutoverError>(missing));
  EXPECT_EQ(std::get<CutoverError>(missing).reason, "TargetNotFound");
  api::CutoverSpec neither;
  neither.target = env_spec().target;
  EXPECT_EQ(std::get<CutoverError>(next_cutover_step(neither, std::nullopt, deployment("v3"), "v4")).reason,
            "InvalidSpec");
}

TEST(RollbackPatch, DispatchesOnTheKindOfCutover) {
  api::CutoverSpec cm;
  cm.configMap = api::CutoverConfigMap{"recs", "cfg", "table", "v4"};
  const json live = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "cfg"}, {"namespace", "recs"}}},
                     {"data", {{"table", "v4"}}}};
  EXPECT_EQ(rollback_patch(cm, live, {true, "v3"}),
            (plan_configmap_rollback(live, *cm.configMap, {true, "v3"})));
  EXPECT_EQ(rollback_patch(env_spec(), deployment("v4"), {true, "v3"}),
            (plan_env_rollback(deployment("v4"), env_spec().target, *env_spec().env, {true, "v3"})));
  ASSERT_TRUE(std::holds_alternative<std::optional<Patch>>(
      rollback_patch(env_spec(), deployment("v4"), {true, "v3"})));
  api::CutoverSpec neither;
  EXPECT_EQ(std::get<CutoverError>(rollback_patch(neither, live, {true, "v3"})).reason, "InvalidSpec");
}

TEST(TargetGone, OnlyWhenTheFieldCannotExistAnyMore) {
  struct Row {
    const char* reason;
    bool gone;
  };
  const Row rows[] = {{"TargetNotFound", true},          {"TargetMismatch", true},
                      {"ContainerNotFound", true},       {"DuplicateEnv", false},
                      {"ValueFromNotSupported", false},  {"ImmutableConfigMap", false},
                      {"BinaryDataNotSupported", false}, {"UnsupportedKind", false}};
  for (const auto& r : rows) EXPECT_EQ(target_gone(CutoverError{r.reason, "m"}), r.gone) << r.reason;
}

}  // namespace
}  // namespace shepherd::controllers::cutover
