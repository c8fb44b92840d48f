// Where the pod template lives in each supported workload kind, and the errors cut-over reports.
// Pure helpers shared by the env and ConfigMap cut-overs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controllers/api/types.h"

namespace shepherd::controllers::cutover {

// The field manager under which every cut-over apply is sent (docs/health.md).
inline constexpr const char* kFieldManager = "shepherd-operator";

// A cut-over that cannot be done, with a CamelCase reason (TargetNotFound, TargetMismatch,
// UnsupportedKind, ContainerNotFound, DuplicateEnv, ValueFromNotSupported, InvalidObject) and a
// message naming the object, the field and what to do.
struct CutoverError {
  std::string reason;
  std::string message;
  friend bool operator==(const CutoverError&, const CutoverError&) = default;
};

// JSON pointer of the PodSpec in a workload of `kind`: "/spec/template/spec" for Deployment,
// StatefulSet, DaemonSet and Job; "/spec/jobTemplate/spec/template/spec" for CronJob; nullopt for
// any other kind.
std::optional<std::string> pod_spec_pointer(const std::string& kind);

// "Deployment recs/recs-api", for messages.
std::string describe(const api::CutoverTarget& target);

// Checks that `live` is the object `target` names (kind, name, namespace; apiVersion when both are
// set). nullopt when it is; an error (TargetNotFound for a null/non-object `live`) otherwise.
std::optional<CutoverError> check_target(const nlohmann::json& live, const api::CutoverTarget& target);

// The skeleton of an apply body: {"apiVersion","kind","metadata":{"name","namespace"}}.
nlohmann::json apply_skeleton(const api::CutoverTarget& target);

}  // namespace shepherd::controllers::cutover
