// The effective agent and health settings of every consumer of a plan: the plan's spec.agent and
// spec.health with the consumer's override merged in (effective_agent / effective_health), merged
// once per spec and handed to whoever needs them (validation, the secrets the shell looks up, the
// frozen spec of each ConsumerMigration). A merge re-parses the settings through JSON, so doing it
// once per generation instead of several times per consumer and reconcile matters at 10,000
// consumers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::api {

// One consumer's merged settings. Only consumers with an override hold a copy: the others use the
// plan's, so a plan of 10,000 consumers without overrides keeps no copies.
struct ConsumerSettings {
  std::optional<AgentSpec> agent;    // merged; unset: no agent override (the plan's spec.agent)
  std::optional<HealthSpec> health;  // merged; unset: no health override (the plan's spec.health)
  std::string agent_error;           // non-empty: the agent override does not parse (why)
  std::string health_error;          // non-empty: the health override does not parse (why)
};

struct EffectiveSettings {
  std::vector<ConsumerSettings> consumers;  // by index of spec.consumers

  // The effective settings of spec.consumers[i]; `spec` is the spec these were merged from. An
  // override that does not parse yields the plan's settings (validation reports it).
  const AgentSpec& agent(const MigrationPlanSpec& spec, std::size_t i) const;
  const HealthSpec& health(const MigrationPlanSpec& spec, std::size_t i) const;
};

// Merges every consumer's overrides into the plan's settings. Pure; never throws on a bad override.
EffectiveSettings merge_settings(const MigrationPlanSpec& spec);

}  // namespace shepherd::controllers::api
