// ConfigMap-key cut-over: previous value, apply body, guarded removal, rollback choice.
#include "controllers/cutover/configmap_cutover.h"

namespace shepherd::controllers::cutover {
namespace {

using nlohmann::json;

api::CutoverTarget as_target(const api::CutoverConfigMap& spec) {
  return api::CutoverTarget{"v1", "ConfigMap", spec.namespace_, spec.name};
}

// RFC 6901 escaping of one reference token.
std::string escape_token(const std::string& token) {
  std::string out;
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::variant<api::PreviousValue, CutoverError> read_configmap_key(const json& live,
                                                                  const api::CutoverConfigMap& spec) {
  const api::CutoverTarget target = as_target(spec);
  if (auto error = check_target(live, target)) return *error;
  const std::string where = "key \"" + spec.key + "\" of " + describe(target);
  if (live.contains("immutable") && live["immutable"] == true) {
    return CutoverError{"ImmutableConfigMap",
                        describe(target) + " is immutable; " + where +
                            " cannot be cut over (use a new ConfigMap or an env cut-over)"};
  }
  if (live.contains("binaryData") && live["binaryData"].is_object() &&
      live["binaryData"].contains(spec.key)) {
    return CutoverError{"BinaryDataNotSupported",
                        where + " is in binaryData; only data keys can be cut over"};
  }
  api::PreviousValue previous;
  if (live.contains("data") && live["data"].is_object() && live["data"].contains(spec.key) &&
      live["data"][spec.key].is_string()) {
    previous.present = true;
    previous.value = live["data"][spec.key].get<std::string>();
  }
  return previous;
}

Patch configmap_apply_patch(const api::CutoverConfigMap& spec, const std::string& value) {
  json body = apply_skeleton(as_target(spec));
  body["data"] = {{spec.key, value}};
  return Patch{PatchType::Apply, std::move(body)};
}

Patch configmap_remove_patch(const api::CutoverConfigMap& spec, const std::string& resource_version) {
  json ops = json::array();
  if (!resource_version.empty()) {
    ops.push_back({{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", resource_version}});
  }
  ops.push_back({{"op", "remove"}, {"path", "/data/" + escape_token(spec.key)}});
  return Patch{PatchType::JsonPatch, std::move(ops)};
}

std::variant<std::optional<Patch>, CutoverError> plan_configmap_rollback(const json& live,
                                                                         const api::CutoverConfigMap& spec,
                                                                         const api::PreviousValue& previous) {
  auto read = read_configmap_key(live, spec);
  if (auto* error = std::get_if<CutoverError>(&read)) return *error;
  const auto& now = std::get<api::PreviousValue>(read);
  if (previous.present) {
    if (now.present && now.value == previous.value) return std::optional<Patch>{};
    return std::optional<Patch>{configmap_apply_patch(spec, previous.value)};
  }
  if (!now.present) return std::optional<Patch>{};
  const std::string rv = live.contains("metadata") ? live["metadata"].value("resourceVersion", "") : "";
  return std::optional<Patch>{configmap_remove_patch(spec, rv)};
}

}  // namespace shepherd::controllers::cutover
