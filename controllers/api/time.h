// Time values of the API: Go-style durations ("30s", "10m", "1h30m", "250ms") and RFC 3339
// timestamps as metav1.Time writes them ("2024-05-01T12:00:00Z"), at the second precision the API
// keeps (parsed and formatted by base/time.h). Pure conversions, no clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shepherd::controllers::api {

using Duration = std::chrono::milliseconds;
// metav1.Time has second precision on the wire; we keep seconds everywhere.
using Timestamp = std::chrono::sys_seconds;

// Parses a Go duration string (sequence of <number><unit>, units ns us ms s m h, decimal numbers
// allowed, "0" allowed). Negative durations are rejected. Sub-millisecond parts are truncated.
// Returns std::nullopt for anything else.
std::optional<Duration> parse_duration(std::string_view text);

// Formats a duration the way Go's time.Duration.String() does for whole units: "0s", "30s",
// "10m0s" -> we emit the shorter canonical "10m", "1h30m", "1m30s", "250ms".
std::string format_duration(Duration d);

// Parses an RFC 3339 timestamp (with "Z" or a numeric offset, optional fractional seconds, which
// are truncated). Returns std::nullopt when the text is not a valid timestamp.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SSZ" (UTC), the form metav1.Time uses.
std::string format_rfc3339(Timestamp t);

}  // namespace shepherd::controllers::api
