// kstatus condition helpers (see conditions.h).
#include "controllers/api/conditions.h"

namespace shepherd::controllers::api {

bool set_condition(std::vector<Condition>& conditions, Condition desired, Timestamp now) {
  for (auto& c : conditions) {
    if (c.type != desired.type) continue;
    const bool status_changed = c.status != desired.status;
    const bool changed = status_changed || c.reason != desired.reason || c.message != desired.message ||
                         c.observedGeneration != desired.observedGeneration;
    desired.lastTransitionTime = status_changed || !c.lastTransitionTime ? now : *c.lastTransitionTime;
    const bool time_changed = desired.lastTransitionTime != c.lastTransitionTime;
    c = std::move(desired);
    return changed || time_changed;
  }
  desired.lastTransitionTime = now;
  conditions.push_back(std::move(desired));
  return true;
}

const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const auto& c : conditions)
    if (c.type == type) return &c;
  return nullptr;
}

bool is_condition_true(const std::vector<Condition>& conditions, const std::string& type) {
  const Condition* c = find_condition(conditions, type);
  return c != nullptr && c->status == kTrue;
}

bool set_kstatus(std::vector<Condition>& conditions, KStatus state, const std::string& reason,
                 const std::string& message, std::int64_t generation, Timestamp now) {
  const auto make = [&](const char* type, bool value) {
    return Condition{type, value ? kTrue : kFalse, generation, std::nullopt, reason, message};
  };
  bool changed = false;
  changed |= set_condition(conditions, make(kConditionReady, state == KStatus::Ready), now);
  changed |= set_condition(conditions, make(kConditionReconciling, state == KStatus::Reconciling), now);
  changed |= set_condition(conditions, make(kConditionStalled, state == KStatus::Stalled), now);
  return changed;
}

}  // namespace shepherd::controllers::api
