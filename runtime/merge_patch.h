// JSON merge patches (RFC 7386) computed from two documents: the smallest patch that turns `from`
// into `to` when applied with merge-patch semantics (objects merge key by key, a null removes a
// key, anything else — arrays included — replaces). Used to write only what changed, e.g. a few
// status counters of a large object, with PatchType::kMerge.
#pragma once

#include <nlohmann/json.hpp>

namespace shepherd::runtime {

// An object patch when both are objects (empty when equal); otherwise `to` itself. `to` must not
// contain nulls inside objects: merge patches cannot express them (they mean "remove").
nlohmann::json merge_patch_diff(const nlohmann::json& from, const nlohmann::json& to);

}  // namespace shepherd::runtime
