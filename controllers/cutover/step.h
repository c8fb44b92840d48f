// The next cut-over or rollback step (pure), idempotent across operator restarts: record the
// previous value in status BEFORE changing anything, apply, then confirm from the live object. A
// status that says "applied" while the live object lacks the value (someone reverted it, or the
// apply was lost) leads to a re-apply; the recorded previous value is never overwritten. The
// consumer state machine (controllers/consumer/decide.cc) sequences the phases around these steps.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "controllers/api/types.h"
#include "controllers/cutover/patch.h"
#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

// Nothing recorded yet: write status.cutover = {target, previous} (no appliedAt) first, then send
// `patch`. The shell writes status before it carries out actions, so the previous value is on
// record before the field changes.
struct RecordPrevious {
  api::PreviousValue previous;
  Patch patch;
  // api::PreviousValue has no operator==; compare its fields.
  friend bool operator==(const RecordPrevious& a, const RecordPrevious& b) {
    return a.previous.present == b.previous.present && a.previous.value == b.previous.value &&
           a.patch == b.patch;
  }
};
// Recorded but the live object lacks the value: send this patch again (then re-read).
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

// The object a cut-over changes and reads: the target workload for an env cut-over, the ConfigMap
// (v1) for a configMap one. status.cutover.target records it; the shell GETs it.
api::CutoverTarget changed_object(const api::CutoverSpec& spec);

// `live` is changed_object(spec) as read from the API server (null when it does not exist);
// `status` is status.cutover (nullopt when nothing was recorded yet); `value` is the value to set,
// placeholders already expanded. Order: the live object must be usable (errors as locate_env /
// read_configmap_key) -> RecordPrevious when nothing is recorded -> CutoverDone / MarkApplied when
// the live object carries `value` -> ApplyCutover otherwise. A spec with neither env nor configMap
// is an InvalidSpec error.
CutoverStep next_cutover_step(const api::CutoverSpec& spec, const std::optional<api::CutoverStatus>& status,
                              const nlohmann::json& live, const std::string& value);

// The rollback of either kind of cut-over (plan_env_rollback / plan_configmap_rollback): the patch
// that restores `previous` on `live`, nullopt when `live` already holds it, or an error.
std::variant<std::optional<Patch>, CutoverError> rollback_patch(const api::CutoverSpec& spec,
                                                                const nlohmann::json& live,
                                                                const api::PreviousValue& previous);

// Whether an error means the field to cut over is gone for good (the object is missing or is not
// the named one, or the container is missing), rather than a state a person can fix in place
// (DuplicateEnv, ValueFromNotSupported, ImmutableConfigMap, ...). A cut-over whose target is gone
// rolls back; a rollback whose target is gone has nothing left to restore.
bool target_gone(const CutoverError& error);

}  // namespace shepherd::controllers::cutover
