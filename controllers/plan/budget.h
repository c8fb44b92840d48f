// The failure budget of a plan (docs/api.md, MigrationPlan spec: the failure budget): maxFailures as an
// absolute number or a percentage of the plan's consumers. A percentage rounds DOWN (floor), like Kubernetes'
// maxUnavailable: "10%" of 50 is 5, of 19 is 1, of 9 is 0 — a budget never tolerates more
// failures than the percentage says. The breaker trips when failures (Failed + RolledBack)
// EXCEED the budget, so maxFailures 0 trips on the first failure.
#pragma once

#include <cstdint>

#include "controllers/api/types.h"

namespace shepherd::controllers::plan {

// Failures tolerated for a plan of `consumers` consumers.
std::int64_t failure_budget(const api::IntOrPercent& max_failures, std::int64_t consumers);

// True when `failures` exceeds the budget.
bool budget_exceeded(const api::IntOrPercent& max_failures, std::int64_t consumers, std::int64_t failures);

}  // namespace shepherd::controllers::plan
