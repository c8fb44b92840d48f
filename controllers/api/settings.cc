// Implementation of settings.h.
#include "controllers/api/settings.h"

#include <exception>

namespace shepherd::controllers::api {

const AgentSpec& EffectiveSettings::agent(const MigrationPlanSpec& spec, std::size_t i) const {
  const auto& merged = consumers.at(i).agent;
  return merged ? *merged : spec.agent;
}

const HealthSpec& EffectiveSettings::health(const MigrationPlanSpec& spec, std::size_t i) const {
  const auto& merged = consumers.at(i).health;
  return merged ? *merged : spec.health;
}

EffectiveSettings merge_settings(const MigrationPlanSpec& spec) {
  EffectiveSettings out;
  out.consumers.resize(spec.consumers.size());
  for (std::size_t i = 0; i < spec.consumers.size(); ++i) {
    const ConsumerSpec& c = spec.consumers[i];
    ConsumerSettings& s = out.consumers[i];
    if (c.agent && !c.agent->empty()) {
      try {
        s.agent = effective_agent(spec.agent, c);
      } catch (const std::exception& e) {
        s.agent_error = e.what();
      }
    }
    if (c.health && !c.health->empty()) {
      try {
        s.health = effective_health(spec.health, c);
      } catch (const std::exception& e) {
        s.health_error = e.what();
      }
    }
  }
  return out;
}

}  // namespace shepherd::controllers::api
