// RFC 3339 timestamps as the Kubernetes API writes them: metav1.Time ("2006-01-02T15:04:05Z") and
// metav1.MicroTime ("2006-01-02T15:04:05.000000Z"), always UTC. The one parser and formatter of the
// project: the runtime (Events, leases, logs), the API types and the tools use these.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shepherd::base {

// "YYYY-MM-DDTHH:MM:SSZ" (fraction dropped) and "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string format_rfc3339(std::chrono::system_clock::time_point t);
std::string format_rfc3339_micro(std::chrono::system_clock::time_point t);

// Parses a full RFC 3339 date-time: "T" or "t", an optional fraction (kept to microseconds),
// "Z"/"z" or a "+hh:mm"/"-hh:mm" offset. Fields are range-checked (month 13, February 30, hour
// 25 are rejected; second 60 is accepted, as RFC 3339 allows a leap second). nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace shepherd::base
