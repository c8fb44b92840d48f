// Builds the request target of a Prometheus instant query: "/api/v1/query?query=<promql>&timeout=<s>s",
// with the PromQL percent-encoded so that '+', '&', '=', '{', '"' and spaces reach Prometheus intact.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace shepherd::controllers::health {

// Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
// A '+' becomes "%2B" (a bare '+' in a query string means a space to Prometheus' form parser).
std::string percent_encode(std::string_view text);

// "/api/v1/query?query=<encoded>" plus "&timeout=<n>s" when timeout is at least one second (the
// server-side evaluation limit; rounded down to whole seconds).
std::string instant_query_target(std::string_view promql, std::chrono::milliseconds timeout);

}  // namespace shepherd::controllers::health
