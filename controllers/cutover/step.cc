// Record-then-apply-then-confirm sequencing of a cut-over.
#include "controllers/cutover/step.h"

#include "controllers/cutover/configmap_cutover.h"
#include "controllers/cutover/env_cutover.h"

namespace shepherd::controllers::cutover {

bool carries_cutover(const api::CutoverSpec& spec, const nlohmann::json& live) {
  if (spec.env) return env_has_value(live, *spec.env, spec.env->value);
  if (spec.configMap) return configmap_has_value(live, *spec.configMap, spec.configMap->value);
  return false;
}

CutoverStep next_cutover_step(const api::CutoverSpec& spec, const std::optional<api::CutoverStatus>& status,
                              const nlohmann::json& live) {
  api::PreviousValue current;
  std::optional<Patch> patch;
  if (spec.env) {
    auto located = locate_env(live, spec.target, *spec.env);
    if (auto* error = std::get_if<CutoverError>(&located)) return *error;
    current = std::get<EnvLocation>(located).previous;
    patch = env_apply_patch(spec.target, *spec.env, spec.env->value);
  } else if (spec.configMap) {
    auto read = read_configmap_key(live, *spec.configMap);
    if (auto* error = std::get_if<CutoverError>(&read)) return *error;
    current = std::get<api::PreviousValue>(read);
    patch = configmap_apply_patch(*spec.configMap, spec.configMap->value);
  } else {
    return CutoverError{"InvalidSpec", "spec.consumer.cutover has neither env nor configMap"};
  }
  if (!status) return RecordPrevious{current};
  if (carries_cutover(spec, live)) {
    if (!status->appliedAt) return MarkApplied{};
    return CutoverDone{};
  }
  if (!patch) return CutoverError{"UnsupportedKind", describe(spec.target) + " cannot be cut over"};
  return ApplyCutover{*patch};
}

}  // namespace shepherd::controllers::cutover
