// Bounded deterministic names (see names.h).
#include "controllers/api/names.h"

#include <cstdio>

namespace shepherd::controllers::api {

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string bounded_name(std::string_view base, std::string_view suffix, std::size_t max_len) {
  if (base.size() + suffix.size() <= max_len) return std::string(base) + std::string(suffix);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a64(base)));
  const std::size_t keep = max_len - suffix.size() - 9;
  std::string cut(base.substr(0, keep));
  while (!cut.empty() && (cut.back() == '-' || cut.back() == '.')) cut.pop_back();
  return cut + "-" + std::string(hash, 8) + std::string(suffix);
}

std::string label_value(std::string_view name) { return bounded_name(name, "", kMaxLabelValue); }

}  // namespace shepherd::controllers::api
