// merge_settings: each consumer's overrides merged once into the plan's agent and health settings.
#include "controllers/api/settings.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

MigrationPlanSpec spec_with(std::optional<nlohmann::json> agent, std::optional<nlohmann::json> health) {
  MigrationPlanSpec s;
  s.agent.gitCredentials.secretName = "plan-secret";
  s.health.count = 7;
  ConsumerSpec c;
  c.name = "c";
  c.agent = std::move(agent);
  c.health = std::move(health);
  s.consumers.push_back(c);
  return s;
}

TEST(MergeSettings, Table) {
  struct Row {
    const char* name;
    std::optional<nlohmann::json> agent, health;
    bool agent_copy, health_copy;  // a merged copy is kept
    bool agent_error, health_error;
    AgentMode mode;
    std::string secret;
    std::int64_t count;
  };
  const Row rows[] = {
      {"no overrides", std::nullopt, std::nullopt, false, false, false, false, AgentMode::DryRun,
       "plan-secret", 7},
      {"empty overrides", nlohmann::json::object(), nlohmann::json::object(), false, false, false, false,
       AgentMode::DryRun, "plan-secret", 7},
      {"agent override", nlohmann::json{{"mode", "Push"}}, std::nullopt, true, false, false, false,
       AgentMode::Push, "plan-secret", 7},
      {"secret override", nlohmann::json{{"gitCredentials", {{"secretName", "own"}}}}, std::nullopt, true,
       false, false, false, AgentMode::DryRun, "own", 7},
      {"health override", std::nullopt, nlohmann::json{{"count", 3}}, false, true, false, false,
       AgentMode::DryRun, "plan-secret", 3},
      {"bad agent override", nlohmann::json{{"mode", 5}}, std::nullopt, false, false, true, false,
       AgentMode::DryRun, "plan-secret", 7},
      {"bad health override", std::nullopt, nlohmann::json{{"count", "x"}}, false, false, false, true,
       AgentMode::DryRun, "plan-secret", 7},
  };
  for (const auto& r : rows) {
    const auto spec = spec_with(r.agent, r.health);
    const auto merged = merge_settings(spec);
    ASSERT_EQ(merged.consumers.size(), 1u) << r.name;
    const auto& c = merged.consumers[0];
    EXPECT_EQ(c.agent.has_value(), r.agent_copy) << r.name;
    EXPECT_EQ(c.health.has_value(), r.health_copy) << r.name;
    EXPECT_EQ(!c.agent_error.empty(), r.agent_error) << r.name;
    EXPECT_EQ(!c.health_error.empty(), r.health_error) << r.name;
    EXPECT_EQ(merged.agent(spec, 0).mode, r.mode) << r.name;
    EXPECT_EQ(merged.agent(spec, 0).gitCredentials.secretName, r.secret) << r.name;
    EXPECT_EQ(merged.health(spec, 0).count, r.count) << r.name;
    // The same answer as merging on demand, where that succeeds.
    if (!r.agent_error) {
      EXPECT_EQ(nlohmann::json(merged.agent(spec, 0)),
                nlohmann::json(effective_agent(spec.agent, spec.consumers[0])))
          << r.name;
    }
    if (!r.health_error) {
      EXPECT_EQ(nlohmann::json(merged.health(spec, 0)),
                nlohmann::json(effective_health(spec.health, spec.consumers[0])))
          << r.name;
    }
  }
}

// Without overrides nothing is copied: the plan's own settings are handed out.
TEST(MergeSettings, ConsumersWithoutOverridesShareThePlansSettings) {
  MigrationPlanSpec s;
  for (int i = 0; i < 3; ++i) s.consumers.push_back(ConsumerSpec{});
  const auto merged = merge_settings(s);
  ASSERT_EQ(merged.consumers.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(&merged.agent(s, i), &s.agent);
    EXPECT_EQ(&merged.health(s, i), &s.health);
  }
}

}  // namespace
}  // namespace shepherd::controllers::api
