// Cut-over of one ConfigMap key: read the previous value of data[key], build the server-side apply
// body that sets only that key, and the rollback (re-apply the previous value, or remove the key
// when it was absent). Pure functions over the live ConfigMap's JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "controllers/api/types.h"
#include "controllers/cutover/patch.h"
#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

// The previous value of data[key] ({present, value}). Errors: TargetNotFound (null `live`),
// TargetMismatch, ImmutableConfigMap (immutable: true; nothing can change it), BinaryDataNotSupported
// (the key is in binaryData).
std::variant<api::PreviousValue, CutoverError> read_configmap_key(const nlohmann::json& live,
                                                                  const api::CutoverConfigMap& spec);

// {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name","namespace"},"data":{key: value}}.
Patch configmap_apply_patch(const api::CutoverConfigMap& spec, const std::string& value);

// JSON patch removing data[key], guarded by a test on metadata.resourceVersion when given (the key
// is addressed by name, so no index can shift).
Patch configmap_remove_patch(const api::CutoverConfigMap& spec, const std::string& resource_version);

// Rollback, same rules as plan_env_rollback: previous present -> apply it (nullopt when already
// equal); absent -> JsonPatch remove when the key exists, nullopt when it does not.
std::variant<std::optional<Patch>, CutoverError> plan_configmap_rollback(const nlohmann::json& live,
                                                                         const api::CutoverConfigMap& spec,
                                                                         const api::PreviousValue& previous);

}  // namespace shepherd::controllers::cutover
