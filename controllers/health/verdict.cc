// Threshold verdicts and the mapping of Prometheus failures to Inconclusive.
#include "controllers/health/verdict.h"

#include <cmath>
#include <sstream>

namespace shepherd::controllers::health {
namespace {

std::string format_number(double v) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out.precision(17);
  out << v;
  return out.str();
}

CheckResult inconclusive(std::string reason, std::string message, std::string value = "") {
  return CheckResult{Outcome::Inconclusive, std::move(value), std::move(reason), std::move(message)};
}

}  // namespace

CheckResult evaluate(const std::optional<double>& value, const api::Threshold& threshold,
                     const std::string& raw) {
  if (!value) return inconclusive("NoData", "no value to compare with the threshold", raw);
  const std::string shown = raw.empty() ? format_number(*value) : raw;
  if (!std::isfinite(*value)) {
    return inconclusive("NotANumber", "the value " + shown + " is not a finite number", shown);
  }
  if (!threshold.min && !threshold.max) {
    return inconclusive("NoThreshold", "the check has neither threshold.min nor threshold.max", shown);
  }
  if (threshold.min && threshold.max && *threshold.min > *threshold.max) {
    return inconclusive("InvalidThreshold",
                        "threshold.min " + format_number(*threshold.min) + " is greater than threshold.max " +
                            format_number(*threshold.max),
                        shown);
  }
  if (threshold.max && *value > *threshold.max) {
    return CheckResult{Outcome::Failed, shown, "AboveMaximum",
                       "value " + shown + " is above threshold.max " + format_number(*threshold.max)};
  }
  if (threshold.min && *value < *threshold.min) {
    return CheckResult{Outcome::Failed, shown, "BelowMinimum",
                       "value " + shown + " is below threshold.min " + format_number(*threshold.min)};
  }
  return CheckResult{Outcome::Successful, shown, "WithinThreshold",
                     "value " + shown + " is within the threshold"};
}

CheckResult evaluate(const QueryResult& result, const api::Threshold& threshold) {
  switch (result.status) {
    case QueryStatus::Value:
      if (result.value) return evaluate(result.value, threshold, result.raw);
      return inconclusive("BadResponse", "the answer carried no value");
    case QueryStatus::NoData:
      return inconclusive("NoData", "the query returned no data (" + result.detail + ")");
    case QueryStatus::Ambiguous:
      return inconclusive("AmbiguousResult", result.detail);
    case QueryStatus::NotANumber:
      return inconclusive("NotANumber", result.detail, result.raw);
    case QueryStatus::WrongType:
      return inconclusive("WrongResultType", result.detail);
    case QueryStatus::QueryError:
      return inconclusive("QueryError", "Prometheus rejected the query: " + result.detail);
    case QueryStatus::HttpError:
      return inconclusive("HttpError", result.detail);
    case QueryStatus::Unreachable:
      return inconclusive("Unreachable", "Prometheus is unreachable: " + result.detail);
    case QueryStatus::BadResponse:
      return inconclusive("BadResponse", "not a Prometheus API answer: " + result.detail);
  }
  return inconclusive("BadResponse", "unknown query status");
}

}  // namespace shepherd::controllers::health
