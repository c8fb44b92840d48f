// One measurement round over all checks.
#include "controllers/health/round.h"

#include "controllers/health/verdict.h"

namespace shepherd::controllers::health {

std::vector<NamedResult> measure_round(const api::HealthSpec& spec, const RoundInputs& inputs,
                                       MetricsSource& source) {
  std::vector<NamedResult> results;
  results.reserve(spec.checks.size());
  for (const auto& check : spec.checks) {
    if (check.prometheus) {
      const std::string query = fill_placeholders(check.prometheus->query, inputs.context);
      const QueryResult answer = source.instant_query(check.prometheus->address, query, inputs.query_timeout);
      results.push_back({check.name, evaluate(answer, check.threshold)});
    } else if (check.workload) {
      if (inputs.workload) {
        results.push_back({check.name, *inputs.workload});
      } else {
        results.push_back({check.name, CheckResult{Outcome::Inconclusive, "", "NoWorkload",
                                                   "the consumer has no cut-over target to watch"}});
      }
    } else {
      results.push_back({check.name, CheckResult{Outcome::Inconclusive, "", "NoProvider",
                                                 "the check has neither prometheus nor workload"}});
    }
  }
  return results;
}

}  // namespace shepherd::controllers::health
