// Pure verdict of a metric check: a number against an inclusive [min, max] threshold. Anything that
// is not one finite number is Inconclusive, never Successful.
#pragma once

#include <optional>

#include "controllers/api/types.h"
#include "controllers/health/outcome.h"
#include "controllers/health/query_result.h"

namespace shepherd::controllers::health {

// Bounds are inclusive: Successful iff (no min or value >= min) and (no max or value <= max).
//  - value above max -> Failed, reason AboveMaximum; below min -> Failed, reason BelowMinimum.
//  - no value, NaN, +Inf, -Inf -> Inconclusive (NoData / NotANumber).
//  - a threshold with neither min nor max -> Inconclusive, reason NoThreshold (nothing to judge by).
//  - min > max -> Inconclusive, reason InvalidThreshold (a spec error, not the workload's fault).
// `raw` is the value as the source spelled it, kept in the result; derived from `value` when empty.
CheckResult evaluate(const std::optional<double>& value, const api::Threshold& threshold,
                     const std::string& raw = "");

// The verdict of a Prometheus answer. Only QueryStatus::Value reaches the threshold; every other
// status is Inconclusive with a reason named after it (NoData, AmbiguousResult, NotANumber,
// WrongResultType, QueryError, HttpError, Unreachable, BadResponse) and the detail as message.
CheckResult evaluate(const QueryResult& result, const api::Threshold& threshold);

}  // namespace shepherd::controllers::health
