// Takes one measurement round: runs every check of a HealthSpec (Prometheus checks through a
// MetricsSource, the workload check from a result the caller computed from the cluster) and returns
// the per-check results in spec order, ready for record_round().
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "controllers/api/types.h"
#include "controllers/health/analysis.h"
#include "controllers/health/metrics_source.h"
#include "controllers/health/placeholders.h"

namespace shepherd::controllers::health {

struct RoundInputs {
  QueryContext context;                 // values for the query placeholders
  std::optional<CheckResult> workload;  // check_workload() of the cut-over target; nullopt: none
  std::chrono::milliseconds query_timeout{std::chrono::seconds{10}};
};

// For each check: `prometheus` -> fill placeholders, instant_query, evaluate against threshold;
// `workload` -> inputs.workload, or Inconclusive NoWorkload when the consumer has no cut-over target;
// neither -> Inconclusive NoProvider. A check with both uses Prometheus (the CRD allows one).
// Never throws for a failing source: those are Inconclusive results.
std::vector<NamedResult> measure_round(const api::HealthSpec& spec, const RoundInputs& inputs,
                                       MetricsSource& source);

}  // namespace shepherd::controllers::health
