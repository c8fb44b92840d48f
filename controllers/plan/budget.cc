// Failure budget arithmetic (see budget.h).
#include "controllers/plan/budget.h"

namespace shepherd::controllers::plan {

std::int64_t failure_budget(const api::IntOrPercent& max_failures, std::int64_t consumers) {
  if (max_failures.value <= 0 || consumers < 0) return 0;
  if (!max_failures.percent) return max_failures.value;
  return max_failures.value * consumers / 100;  // floor
}

bool budget_exceeded(const api::IntOrPercent& max_failures, std::int64_t consumers, std::int64_t failures) {
  return failures > failure_budget(max_failures, consumers);
}

}  // namespace shepherd::controllers::plan
