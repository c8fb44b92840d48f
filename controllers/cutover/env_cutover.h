// Cut-over of one env var of one container of a workload (Deployment, StatefulSet, DaemonSet, Job,
// CronJob): read the previous value, build the server-side apply body that sets only that entry,
// and build the rollback. Pure functions over the live object's JSON.
//
// Why the apply body touches only one entry: in the built-in schemas `containers` and `env` are
// list maps keyed by `name`, so server-side apply merges our one-container, one-env body into the
// live lists by key, and shepherd-operator owns only containers[name=C].env[name=X] (plus the
// container's key). GitOps tools can then ignore exactly that field (docs/health.md).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "controllers/api/types.h"
#include "controllers/cutover/patch.h"
#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

struct EnvLocation {
  std::string pod_spec;                  // JSON pointer of the PodSpec, e.g. "/spec/template/spec"
  std::size_t container_index = 0;       // index in pod_spec/containers
  std::optional<std::size_t> env_index;  // index in .../env when the variable exists
  api::PreviousValue previous;           // {present, value}: what status.cutover.previous records

  friend bool operator==(const EnvLocation& a, const EnvLocation& b) {
    return a.pod_spec == b.pod_spec && a.container_index == b.container_index && a.env_index == b.env_index &&
           a.previous.present == b.previous.present && a.previous.value == b.previous.value;
  }
};

// Finds env.container in the live target and reads env.name. Errors: TargetNotFound/TargetMismatch
// (check_target), UnsupportedKind, ContainerNotFound (the message lists the containers there are;
// init containers are not searched), DuplicateEnv (the variable is listed twice: server-side apply
// rejects such an object, fix the manifest), ValueFromNotSupported (the variable is set with
// valueFrom: its previous value cannot be recorded as a string, so it cannot be restored exactly;
// change the manifest to a plain value or cut over a ConfigMap key instead).
std::variant<EnvLocation, CutoverError> locate_env(const nlohmann::json& live,
                                                   const api::CutoverTarget& target,
                                                   const api::CutoverEnv& env);

// The apply body that sets env.name = value in env.container and nothing else:
// {"apiVersion","kind","metadata":{"name","namespace"},
//  "spec":{"template":{"spec":{"containers":[{"name":C,"env":[{"name":X,"value":V}]}]}}}}
// (for CronJob under spec.jobTemplate.spec.template). nullopt for an unsupported kind.
// Note: a Job's pod template is immutable, so the API server rejects this for an existing Job; cut
// over its CronJob (or whatever creates the Job) instead.
std::optional<Patch> env_apply_patch(const api::CutoverTarget& target, const api::CutoverEnv& env,
                                     const std::string& value);

// JSON patch removing the variable at `at` (which must have env_index), guarded by `test` ops on
// the container's and the variable's names and, when given, on metadata.resourceVersion, so that a
// list that shifted since the read fails with 409/422 instead of removing the wrong entry.
Patch env_remove_patch(const EnvLocation& at, const api::CutoverEnv& env,
                       const std::string& resource_version);

// The rollback of an env cut-over, from the recorded previous value and the live object:
//  - previous present  -> Apply body with the previous value (force; the operator keeps owning the
//    entry, with the value Git has, so no drift), or nullopt when the live value already equals it;
//  - previous absent, variable present -> JsonPatch remove (env_remove_patch). Chosen over an apply
//    that omits the entry, because server-side apply deletes an entry only when no other manager
//    also owns it: any co-owner (a kubectl edit, a GitOps sync that touched the list) would leave the
//    variable in place and the rollback would silently not restore the absence;
//  - previous absent, variable absent  -> nullopt (already restored: idempotent).
// Errors as locate_env (a container that vanished is ContainerNotFound in both cases: an apply would
// otherwise try to create a container without an image).
std::variant<std::optional<Patch>, CutoverError> plan_env_rollback(const nlohmann::json& live,
                                                                   const api::CutoverTarget& target,
                                                                   const api::CutoverEnv& env,
                                                                   const api::PreviousValue& previous);

}  // namespace shepherd::controllers::cutover
