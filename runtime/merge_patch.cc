// Implementation of merge_patch.h.
#include "runtime/merge_patch.h"

namespace shepherd::runtime {

nlohmann::json merge_patch_diff(const nlohmann::json& from, const nlohmann::json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  nlohmann::json patch = nlohmann::json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) {
      patch[key] = value;
      continue;
    }
    const nlohmann::json& old = from.at(key);
    if (old != value)
      patch[key] = old.is_object() && value.is_object() ? merge_patch_diff(old, value) : value;
  }
  return patch;
}

}  // namespace shepherd::runtime
