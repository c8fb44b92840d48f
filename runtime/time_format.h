// Kubernetes timestamps: metav1.Time ("2006-01-02T15:04:05Z") and metav1.MicroTime
// ("2006-01-02T15:04:05.000000Z"), always UTC.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace shepherd::runtime {

std::string format_rfc3339(std::chrono::system_clock::time_point t);
std::string format_rfc3339_micro(std::chrono::system_clock::time_point t);
// Parses either form (fraction optional, "Z" or "+hh:mm" offset). nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& s);

}  // namespace shepherd::runtime
