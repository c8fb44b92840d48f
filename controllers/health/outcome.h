// The result of one health check: Successful, Failed or Inconclusive (api::MeasurementOutcome,
// spelled as in status.analysis.measurements[].outcome), the observed value when there was one, and
// a CamelCase reason plus a human message.
#pragma once

#include <string>

#include "controllers/api/types.h"

namespace shepherd::controllers::health {

using Outcome = api::MeasurementOutcome;

struct CheckResult {
  Outcome outcome = Outcome::Inconclusive;
  // The value as reported by the source (e.g. Prometheus' decimal string "0.002", or "NaN"); empty
  // when the check produced no value (no data, error, workload check).
  std::string value;
  // CamelCase, never empty: WithinThreshold, AboveMaximum, BelowMinimum, NoData, AmbiguousResult,
  // NotANumber, WrongResultType, QueryError, HttpError, Unreachable, BadResponse, Available, ...
  std::string reason;
  std::string message;  // for a person: what was seen and what to do

  friend bool operator==(const CheckResult&, const CheckResult&) = default;
};

}  // namespace shepherd::controllers::health
