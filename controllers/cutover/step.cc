// Record-then-apply-then-confirm sequencing of a cut-over, and the rollback patch of either kind.
#include "controllers/cutover/step.h"

#include "controllers/cutover/configmap_cutover.h"
#include "controllers/cutover/env_cutover.h"

namespace shepherd::controllers::cutover {

api::CutoverTarget changed_object(const api::CutoverSpec& spec) {
  if (spec.configMap) return {"v1", "ConfigMap", spec.configMap->namespace_, spec.configMap->name};
  return spec.target;
}

CutoverStep next_cutover_step(const api::CutoverSpec& spec, const std::optional<api::CutoverStatus>& status,
                              const nlohmann::json& live, const std::string& value) {
  api::PreviousValue current;
  std::optional<Patch> patch;
  if (spec.env) {
    auto located = locate_env(live, spec.target, *spec.env);
    if (auto* error = std::get_if<CutoverError>(&located)) return *error;
    current = std::get<EnvLocation>(located).previous;
    patch = env_apply_patch(spec.target, *spec.env, value);
  } else if (spec.configMap) {
    auto read = read_configmap_key(live, *spec.configMap);
    if (auto* error = std::get_if<CutoverError>(&read)) return *error;
    current = std::get<api::PreviousValue>(read);
    patch = configmap_apply_patch(*spec.configMap, value);
  } else {
    return CutoverError{"InvalidSpec", "spec.consumer.cutover has neither env nor configMap"};
  }
  if (!patch) return CutoverError{"UnsupportedKind", describe(spec.target) + " cannot be cut over"};
  // Always apply after recording, even when the value is already there: the apply makes
  // shepherd-operator an owner of the field, as for every other cut-over.
  if (!status) return RecordPrevious{current, *patch};
  if (current.present && current.value == value) {
    if (!status->appliedAt) return MarkApplied{};
    return CutoverDone{};
  }
  return ApplyCutover{*patch};
}

std::variant<std::optional<Patch>, CutoverError> rollback_patch(const api::CutoverSpec& spec,
                                                                const nlohmann::json& live,
                                                                const api::PreviousValue& previous) {
  if (spec.configMap) return plan_configmap_rollback(live, *spec.configMap, previous);
  if (spec.env) return plan_env_rollback(live, spec.target, *spec.env, previous);
  return CutoverError{"InvalidSpec", "spec.consumer.cutover has neither env nor configMap"};
}

bool target_gone(const CutoverError& error) {
  return error.reason == "TargetNotFound" || error.reason == "TargetMismatch" ||
         error.reason == "ContainerNotFound";
}

}  // namespace shepherd::controllers::cutover
