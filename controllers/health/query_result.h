// What one Prometheus instant query yielded: a single finite number, or the precise reason why
// there is no usable number (no data, several series, NaN/Inf, a query error, an HTTP error, an
// unreachable server, a response that is not the Prometheus HTTP API). Plain data, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace shepherd::controllers::health {

enum class QueryStatus {
  Value,        // exactly one finite number: `value` is set
  NoData,       // an empty vector (the series does not exist or has no recent sample)
  Ambiguous,    // a vector with more than one series: which one to compare is unknowable
  NotANumber,   // "NaN", "+Inf" or "-Inf" (or a value string that does not parse as a number)
  WrongType,    // resultType matrix (a range selector) or string: not a single number
  QueryError,   // Prometheus answered status "error" (bad PromQL, timeout, ...)
  HttpError,    // a non-2xx answer that is not a Prometheus error document
  Unreachable,  // no answer: connection refused, DNS failure, client-side timeout
  BadResponse,  // a 2xx answer that is not valid Prometheus API JSON
};

struct QueryResult {
  QueryStatus status = QueryStatus::Unreachable;
  std::optional<double> value;  // set iff status == Value; always finite
  std::string raw;              // the sample's value string as sent ("0.002", "NaN"), if any
  std::size_t series = 0;       // number of series / samples in the result
  int http_status = 0;          // 0 when there was no HTTP answer
  std::string detail;           // errorType/error text, transport error, or parse problem

  friend bool operator==(const QueryResult&, const QueryResult&) = default;
};

}  // namespace shepherd::controllers::health
