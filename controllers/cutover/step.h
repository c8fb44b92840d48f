// The next cut-over step (pure), idempotent across operator restarts: record the previous value in
// status BEFORE changing anything, apply, then confirm from the live object. A status that says
// "applied" while the live object lacks the value (someone reverted it, or the apply was lost)
// leads to a re-apply; the recorded previous value is never overwritten.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "controllers/api/types.h"
#include "controllers/cutover/patch.h"
#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

// Write status.cutover = {target, previous} (no appliedAt) and come back; apply nothing yet.
struct RecordPrevious {
  api::PreviousValue previous;
  // api::PreviousValue has no operator==; compare its fields.
  friend bool operator==(const RecordPrevious& a, const RecordPrevious& b) {
    return a.previous.present == b.previous.present && a.previous.value == b.previous.value;
  }
};
// Send this patch (then re-read and call next_cutover_step again).
struct ApplyCutover {
  Patch patch;
  friend bool operator==(const ApplyCutover&, const ApplyCutover&) = default;
};
// The live object carries the value: set status.cutover.appliedAt = now.
struct MarkApplied {
  friend bool operator==(const MarkApplied&, const MarkApplied&) = default;
};
// Recorded, applied and confirmed: nothing to do.
struct CutoverDone {
  friend bool operator==(const CutoverDone&, const CutoverDone&) = default;
};
using CutoverStep = std::variant<RecordPrevious, ApplyCutover, MarkApplied, CutoverDone, CutoverError>;

// `live` is the object the cut-over changes: the target workload for an env cut-over, the ConfigMap
// for a configMap cut-over (null when it does not exist). `status` is status.cutover (nullopt when
// nothing was recorded yet). Order: the live object must be readable (errors as locate_env /
// read_configmap_key) -> RecordPrevious when nothing is recorded -> CutoverDone / MarkApplied when the
// live object carries spec value -> ApplyCutover otherwise. A spec with neither env nor configMap is
// an InvalidSpec error.
CutoverStep next_cutover_step(const api::CutoverSpec& spec, const std::optional<api::CutoverStatus>& status,
                              const nlohmann::json& live);

// Whether the live object carries the cut-over value (env or ConfigMap key).
bool carries_cutover(const api::CutoverSpec& spec, const nlohmann::json& live);

}  // namespace shepherd::controllers::cutover
