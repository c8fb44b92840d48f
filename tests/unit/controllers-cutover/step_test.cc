// Tests of the record -> apply -> confirm sequence, including restarts and reverted cut-overs.
#include "controllers/cutover/step.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(next_cutover_step(env_spec(), std::nullopt, deployment("v3")),
            (CutoverStep{RecordPrevious{{true, "v3"}}}));
  EXPECT_EQ(next_cutover_step(env_spec(), std::nullopt, deployment(std::nullopt)),
            (CutoverStep{RecordPrevious{{false, ""}}}));
}

TEST(NextCutoverStep, AppliesThenConfirms) {
  const auto patch = env_apply_patch(env_spec().target, *env_spec().env, "v4");
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("v3")),
            CutoverStep{ApplyCutover{*patch}});
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(false), deployment("v4")), CutoverStep{MarkApplied{}});
  EXPECT_EQ(next_cutover_step(env_spec(), recorded(true), deployment("v4")), CutoverStep{CutoverDone{}});
}

TEST(NextCutoverStep, ReappliesWhenStatusSaysAppliedButObjectLacksIt) {
  const auto step = next_cutover_step(env_spec(), recorded(true), deployment("v3"));
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
  EXPECT_EQ(next_cutover_step(cm, std::nullopt, live), (CutoverStep{RecordPrevious{{true, "v3"}}}));
  EXPECT_TRUE(std::holds_alternative<ApplyCutover>(next_cutover_step(cm, recorded(false), live)));

  const auto missing = next_cutover_step(env_spec(), std::nullopt, json());
  ASSERT_TRUE(std::holds_alternative<CutoverError>(missing));
  EXPECT_EQ(std::get<CutoverError>(missing).reason, "TargetNotFound");
  api::CutoverSpec neither;
  neither.target = env_spec().target;
  EXPECT_EQ(std::get<CutoverError>(next_cutover_step(neither, std::nullopt, deployment("v3"))).reason,
            "InvalidSpec");
}

}  // namespace
}  // namespace shepherd::controllers::cutover
