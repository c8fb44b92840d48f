// Deterministic, length-bounded Kubernetes names and label values: "<base><suffix>" when it fits,
// otherwise the base is cut and an 8-hex-digit FNV-1a hash of the full base keeps it unique.
// Same input, same name: a restarted operator finds the objects it created before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shepherd::controllers::api {

inline constexpr std::size_t kMaxLabelValue = 63;   // label values, Job names (pod label job-name)
inline constexpr std::size_t kMaxObjectName = 253;  // DNS-1123 subdomain

// Returns base + suffix if it fits in max_len; otherwise cut(base) + "-" + hash8(base) + suffix.
// Never ends the cut part with '-' or '.'. Requires suffix.size() + 9 < max_len.
std::string bounded_name(std::string_view base, std::string_view suffix = "",
                         std::size_t max_len = kMaxLabelValue);

// Label value of an arbitrary name (e.g. a plan name of up to 253 characters).
std::string label_value(std::string_view name);

// 64-bit FNV-1a, for short stable hashes.
std::uint64_t fnv1a64(std::string_view text);

}  // namespace shepherd::controllers::api
