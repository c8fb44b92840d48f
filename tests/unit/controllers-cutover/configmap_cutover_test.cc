// Tests of ConfigMap-key cut-over: previous value, apply body, removal, errors.
#include "controllers/cutover/configmap_cutover.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::cutover {
namespace {

using nlohmann::json;

const api::CutoverConfigMap kSpec{"recs", "recs-config", "table", "prod.events.listening_v4"};

json configmap(json data) {
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "recs-config"}, {"namespace", "recs"}, {"resourceVersion", "7"}}}};
  if (!data.is_null()) cm["data"] = std::move(data);
  return cm;
}

TEST(ConfigMapCutover, PreviousPresentAndAbsent) {
  const auto present =
      read_configmap_key(configmap({{"table", "prod.events.listening_v3"}, {"other", "x"}}), kSpec);
  ASSERT_TRUE(std::holds_alternative<api::PreviousValue>(present));
  EXPECT_TRUE(std::get<api::PreviousValue>(present).present);
  EXPECT_EQ(std::get<api::PreviousValue>(present).value, "prod.events.listening_v3");
  for (const json& data : {json(), json{{"other", "x"}}}) {
    const auto absent = read_configmap_key(configmap(data), kSpec);
    ASSERT_TRUE(std::holds_alternative<api::PreviousValue>(absent));
    EXPECT_FALSE(std::get<api::PreviousValue>(absent).present);
  }
}

TEST(ConfigMapCutover, ApplyTouchesOnlyTheKey) {
  EXPECT_EQ(configmap_apply_patch(kSpec, kSpec.value),
            (Patch{PatchType::Apply, json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
              "metadata":{"name":"recs-config","namespace":"recs"},"data":{"table":"prod.events.listening_v4"}})")}));
}

TEST(ConfigMapCutover, Rollback) {
  const json after = configmap({{"table", kSpec.value}});
  auto plan = plan_configmap_rollback(after, kSpec, api::PreviousValue{true, "old"});
  EXPECT_EQ(std::get<std::optional<Patch>>(plan), configmap_apply_patch(kSpec, "old"));
  plan = plan_configmap_rollback(after, kSpec, api::PreviousValue{false, ""});
  EXPECT_EQ(std::get<std::optional<Patch>>(plan),
            (Patch{PatchType::JsonPatch,
                   json::parse(R"([{"op":"test","path":"/metadata/resourceVersion","value":"7"},
                                                         {"op":"remove","path":"/data/table"}])")}));
  plan = plan_configmap_rollback(configmap(json()), kSpec, api::PreviousValue{false, ""});
  EXPECT_FALSE(std::get<std::optional<Patch>>(plan));
  plan = plan_configmap_rollback(configmap({{"table", "old"}}), kSpec, api::PreviousValue{true, "old"});
  EXPECT_FALSE(std::get<std::optional<Patch>>(plan));
}

TEST(ConfigMapCutover, KeyIsEscapedInThePointer) {
  const api::CutoverConfigMap odd{"recs", "recs-config", "a/b~c", "v"};
  EXPECT_EQ(configmap_remove_patch(odd, "").body, json::parse(R"([{"op":"remove","path":"/data/a~1b~0c"}])"));
}

TEST(ConfigMapCutover, Errors) {
  const auto reason = [](const json& live) {
    const auto r = read_configmap_key(live, kSpec);
    return std::holds_alternative<CutoverError>(r) ? std::get<CutoverError>(r).reason : std::string("none");
  };
  EXPECT_EQ(reason(json()), "TargetNotFound");
  json immutable = configmap({{"table", "x"}});
  immutable["immutable"] = true;
  EXPECT_EQ(reason(immutable), "ImmutableConfigMap");
  json binary = configmap(json());
  binary["binaryData"] = {{"table", "AAAA"}};
  EXPECT_EQ(reason(binary), "BinaryDataNotSupported");
  json other = configmap(json());
  other["metadata"]["name"] = "someone-else";
  EXPECT_EQ(reason(other), "TargetMismatch");
}

}  // namespace
}  // namespace shepherd::controllers::cutover
