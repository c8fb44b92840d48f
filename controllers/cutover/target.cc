// Kind-to-pod-template mapping, target identity checks and apply skeletons.
#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

std::optional<std::string> pod_spec_pointer(const std::string& kind) {
  if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job") {
    return "/spec/template/spec";
  }
  if (kind == "CronJob") return "/spec/jobTemplate/spec/template/spec";
  return std::nullopt;
}

std::string describe(const api::CutoverTarget& target) {
  return target.kind + " " + target.namespace_ + "/" + target.name;
}

std::optional<CutoverError> check_target(const nlohmann::json& live, const api::CutoverTarget& target) {
  if (!live.is_object()) {
    return CutoverError{"TargetNotFound", describe(target) +
                                              " (spec.consumer.cutover.target) does not exist; "
                                              "create it or fix the target"};
  }
  const std::string kind = live.value("kind", "");
  const auto& meta =
      live.contains("metadata") && live["metadata"].is_object() ? live["metadata"] : nlohmann::json::object();
  const std::string name = meta.value("name", "");
  const std::string ns = meta.value("namespace", "");
  const std::string api_version = live.value("apiVersion", "");
  if ((!kind.empty() && kind != target.kind) || name != target.name || ns != target.namespace_ ||
      (!api_version.empty() && !target.apiVersion.empty() && api_version != target.apiVersion)) {
    return CutoverError{"TargetMismatch", "the object read for " + describe(target) + " is " + api_version +
                                              " " + kind + " " + ns + "/" + name};
  }
  return std::nullopt;
}

nlohmann::json apply_skeleton(const api::CutoverTarget& target) {
  return nlohmann::json{{"apiVersion", target.apiVersion},
                        {"kind", target.kind},
                        {"metadata", {{"name", target.name}, {"namespace", target.namespace_}}}};
}

}  // namespace shepherd::controllers::cutover
