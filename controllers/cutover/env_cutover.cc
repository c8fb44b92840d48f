// Env-var cut-over: locating the variable, apply bodies, guarded removal, rollback choice.
#include "controllers/cutover/env_cutover.h"

namespace shepherd::controllers::cutover {
namespace {

using nlohmann::json;

// Wraps a PodSpec fragment into the object path of `kind` (spec.template.spec or
// spec.jobTemplate.spec.template.spec).
json wrap_pod_spec(const std::string& kind, json pod_spec) {
  json template_ = {{"spec", std::move(pod_spec)}};
  if (kind == "CronJob") return {{"jobTemplate", {{"spec", {{"template", std::move(template_)}}}}}};
  return {{"template", std::move(template_)}};
}

std::string where(const api::CutoverTarget& target, const api::CutoverEnv& env) {
  return "container \"" + env.container + "\" of " + describe(target);
}

}  // namespace

std::variant<EnvLocation, CutoverError> locate_env(const json& live, const api::CutoverTarget& target,
                                                   const api::CutoverEnv& env) {
  if (auto error = check_target(live, target)) return *error;
  const auto pod_spec = pod_spec_pointer(target.kind);
  if (!pod_spec) {
    return CutoverError{"UnsupportedKind", describe(target) + ": kind " + target.kind +
                                               " cannot be cut over with env; use Deployment, StatefulSet, "
                                               "DaemonSet, Job or CronJob, or a configMap cut-over"};
  }
  const json::json_pointer containers_ptr(*pod_spec + "/containers");
  if (!live.contains(containers_ptr) || !live.at(containers_ptr).is_array()) {
    return CutoverError{"InvalidObject", describe(target) + " has no " + *pod_spec + "/containers list"};
  }
  const json& containers = live.at(containers_ptr);
  EnvLocation at;
  at.pod_spec = *pod_spec;
  std::optional<std::size_t> found;
  std::string names;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    const std::string name = containers[i].is_object() ? containers[i].value("name", "") : "";
    names += (names.empty() ? "" : ", ") + name;
    if (name == env.container) found = i;
  }
  if (!found) {
    return CutoverError{"ContainerNotFound", where(target, env) + " does not exist (containers: " + names +
                                                 "); fix spec.consumer.cutover.env.container"};
  }
  at.container_index = *found;
  const json& container = containers[*found];
  if (container.contains("env") && container["env"].is_array()) {
    const json& vars = container["env"];
    for (std::size_t j = 0; j < vars.size(); ++j) {
      if (!vars[j].is_object() || vars[j].value("name", "") != env.name) continue;
      if (at.env_index) {
        return CutoverError{"DuplicateEnv",
                            where(target, env) + " lists env " + env.name +
                                " twice; server-side apply rejects that, remove the duplicate"};
      }
      if (vars[j].contains("valueFrom")) {
        return CutoverError{"ValueFromNotSupported",
                            where(target, env) + " sets env " + env.name +
                                " with valueFrom, which cannot be recorded and restored as a value; set a "
                                "plain value in the manifest or cut over a ConfigMap key instead"};
      }
      at.env_index = j;
      at.previous.present = true;
      at.previous.value = vars[j].contains("value") && vars[j]["value"].is_string()
                              ? vars[j]["value"].get<std::string>()
                              : "";
    }
  }
  return at;
}

std::optional<Patch> env_apply_patch(const api::CutoverTarget& target, const api::CutoverEnv& env,
                                     const std::string& value) {
  if (!pod_spec_pointer(target.kind)) return std::nullopt;
  json body = apply_skeleton(target);
  json container = {{"name", env.container}, {"env", json::array({{{"name", env.name}, {"value", value}}})}};
  body["spec"] = wrap_pod_spec(target.kind, {{"containers", json::array({std::move(container)})}});
  return Patch{PatchType::Apply, std::move(body)};
}

Patch env_remove_patch(const EnvLocation& at, const api::CutoverEnv& env,
                       const std::string& resource_version) {
  const std::string container = at.pod_spec + "/containers/" + std::to_string(at.container_index);
  const std::string var = container + "/env/" + std::to_string(at.env_index.value_or(0));
  json ops = json::array();
  if (!resource_version.empty()) {
    ops.push_back({{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", resource_version}});
  }
  ops.push_back({{"op", "test"}, {"path", container + "/name"}, {"value", env.container}});
  ops.push_back({{"op", "test"}, {"path", var + "/name"}, {"value", env.name}});
  ops.push_back({{"op", "remove"}, {"path", var}});
  return Patch{PatchType::JsonPatch, std::move(ops)};
}

std::variant<std::optional<Patch>, CutoverError> plan_env_rollback(const json& live,
                                                                   const api::CutoverTarget& target,
                                                                   const api::CutoverEnv& env,
                                                                   const api::PreviousValue& previous) {
  auto located = locate_env(live, target, env);
  if (auto* error = std::get_if<CutoverError>(&located)) return *error;
  const auto& at = std::get<EnvLocation>(located);
  if (previous.present) {
    if (at.previous.present && at.previous.value == previous.value) {
      return std::optional<Patch>{};  // already restored
    }
    return env_apply_patch(target, env, previous.value);
  }
  if (!at.env_index) return std::optional<Patch>{};
  const std::string rv = live.contains("metadata") ? live["metadata"].value("resourceVersion", "") : "";
  return std::optional<Patch>{env_remove_patch(at, env, rv)};
}

}  // namespace shepherd::controllers::cutover
