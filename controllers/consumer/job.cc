// Agent Job builder, task document and result parser (see job.h).
#include "controllers/consumer/job.h"

#include "controllers/api/names.h"
#include "controllers/api/placeholders.h"

namespace shepherd::controllers::consumer {
namespace {

using nlohmann::json;

std::string expanded_branch(const api::ConsumerMigration& cmig) {
  const api::StringMap values{{"plan", cmig.spec.plan.empty() ? cmig.metadata.name : cmig.spec.plan},
                              {"consumer", cmig.spec.consumer.name},
                              {"namespace", cmig.metadata.namespace_},
                              {"dataset", cmig.spec.dataset.name}};
  return api::expand_placeholders(cmig.spec.agent.branch, values);
}

}  // namespace

std::string job_name(const std::string& cmig, std::int64_t attempt) {
  return api::bounded_name(cmig, "-" + std::to_string(attempt), api::kMaxLabelValue);
}

std::string rollback_job_name(const std::string& cmig, std::int64_t attempt, std::int64_t rollback_attempt) {
  return api::bounded_name(cmig,
                           "-" + std::to_string(attempt) + "-rollback-" + std::to_string(rollback_attempt),
                           api::kMaxLabelValue);
}

std::string diff_config_map_name(const std::string& cmig) {
  return api::bounded_name(cmig, "-diff", api::kMaxObjectName);
}

json build_task(const api::ConsumerMigration& cmig, const JobOptions& options) {
  const auto& spec = cmig.spec;
  const auto& c = spec.consumer;
  json consumer{{"name", c.name},
                {"repository",
                 {{"url", c.repository.url},
                  // The agent requires a revision; an omitted one means the remote's default branch.
                  {"revision", c.repository.revision.empty() ? "HEAD" : c.repository.revision}}}};
  if (!c.repository.path.empty()) consumer["repository"]["path"] = c.repository.path;
  if (!c.owner.empty()) consumer["owner"] = c.owner;
  if (!c.verify.command.empty()) {
    consumer["verify"] = {{"command", c.verify.command}};
    if (c.verify.timeoutSeconds) consumer["verify"]["timeoutSeconds"] = *c.verify.timeoutSeconds;
  }
  json agent{{"mode", api::to_string(spec.agent.mode)},
             {"branch", expanded_branch(cmig)},
             {"codingAgent",
              {{"command", spec.agent.codingAgent.command},
               {"maxIterations", spec.agent.codingAgent.maxIterations}}}};
  if (spec.agent.author) agent["author"] = *spec.agent.author;
  json task{{"apiVersion", kTaskApiVersion},
            {"action", options.action == JobAction::Migrate ? "migrate" : "rollback"},
            {"plan", spec.plan},
            {"namespace", cmig.metadata.namespace_},
            {"consumer", consumer},
            {"dataset", spec.dataset},
            {"changes", spec.changes},
            {"agent", agent},
            {"attempt", options.attempt},
            // The agent stops itself a little before activeDeadlineSeconds so that it can still
            // write its result.
            {"limits", {{"deadlineSeconds", std::max<std::int64_t>(1, spec.agent.timeoutSeconds - 60)}}}};
  if (options.action == JobAction::Migrate) {
    task["diff"] = {{"configMap", diff_config_map_name(cmig.metadata.name)}};
    if (!cmig.metadata.uid.empty())
      task["diff"]["owner"] = {{"apiVersion", api::kApiVersion},
                               {"kind", api::kConsumerMigrationKind},
                               {"name", cmig.metadata.name},
                               {"uid", cmig.metadata.uid}};
  } else {
    const auto& r = cmig.status.result;
    task["rollback"] = {{"commit", r ? r->commit : ""},
                        {"branch", r && !r->branch.empty() ? r->branch : expanded_branch(cmig)},
                        {"pullRequest", r ? r->pullRequest : ""}};
  }
  return task;
}

json build_agent_job(const api::ConsumerMigration& cmig, const JobOptions& options) {
  const auto& spec = cmig.spec;
  const auto& pod = spec.agent.pod;
  const std::string name =
      options.action == JobAction::Migrate
          ? job_name(cmig.metadata.name, options.attempt)
          : rollback_job_name(cmig.metadata.name, options.attempt, options.rollback_attempt);
  const std::string plan_label = api::label_value(spec.plan.empty() ? cmig.metadata.name : spec.plan);
  // Ours last: user pod labels cannot override the labels the operator selects on.
  json labels = pod.labels;
  labels[api::kLabelPlan] = plan_label;
  labels[api::kLabelConsumer] = api::label_value(spec.consumer.name);
  labels[api::kLabelMigration] = api::label_value(cmig.metadata.name);
  labels[api::kLabelAttempt] = std::to_string(options.attempt);
  labels[api::kLabelManagedBy] = api::kManagedByValue;
  labels["shepherd.dev/action"] = options.action == JobAction::Migrate ? "migrate" : "rollback";

  const json drop_all{{"drop", json::array({"ALL"})}};
  json container{
      {"name", "agent"},
      {"image", spec.agent.image.empty() ? options.default_image : spec.agent.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"env", json::array({{{"name", "SHEPHERD_TASK"}, {"value", build_task(cmig, options).dump()}},
                           {{"name", "SHEPHERD_GIT_CREDENTIALS_DIR"}, {"value", kGitMountPath}},
                           {{"name", "HOME"}, {"value", "/tmp"}}})},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", kAgentUid},
        {"runAsGroup", kAgentUid},
        {"readOnlyRootFilesystem", true},
        {"allowPrivilegeEscalation", false},
        {"privileged", false},
        {"capabilities", drop_all},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "FallbackToLogsOnError"},
      {"volumeMounts", json::array({{{"name", "workspace"}, {"mountPath", "/workspace"}},
                                    {{"name", "tmp"}, {"mountPath", "/tmp"}}})},
      {"workingDir", "/workspace"}};
  if (spec.agent.resources.is_object() && !spec.agent.resources.empty())
    container["resources"] = spec.agent.resources;

  json volumes = json::array({{{"name", "workspace"}, {"emptyDir", json::object()}},
                              {{"name", "tmp"}, {"emptyDir", json::object()}}});
  if (!spec.agent.gitCredentials.secretName.empty()) {
    volumes.push_back({{"name", "git-credentials"},
                       {"secret",
                        {{"secretName", spec.agent.gitCredentials.secretName},
                         {"optional", true},
                         {"defaultMode", 0440}}}});
    container["volumeMounts"].push_back(
        {{"name", "git-credentials"}, {"mountPath", kGitMountPath}, {"readOnly", true}});
  }

  json pod_spec{{"restartPolicy", "Never"},
                {"serviceAccountName", pod.serviceAccountName},
                // The agent writes its diff ConfigMap with this token (RBAC: the agent Role).
                {"automountServiceAccountToken", true},
                {"enableServiceLinks", false},
                {"securityContext",
                 {{"runAsNonRoot", true},
                  {"runAsUser", kAgentUid},
                  {"runAsGroup", kAgentUid},
                  {"fsGroup", kAgentUid},
                  {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
                {"containers", json::array({container})},
                {"volumes", volumes}};
  if (!pod.nodeSelector.empty()) pod_spec["nodeSelector"] = pod.nodeSelector;
  if (pod.tolerations.is_array() && !pod.tolerations.empty()) pod_spec["tolerations"] = pod.tolerations;

  json pod_meta{{"labels", labels}};
  if (!pod.annotations.empty()) pod_meta["annotations"] = pod.annotations;

  json job_spec{{"backoffLimit", 0},
                {"activeDeadlineSeconds", spec.agent.timeoutSeconds},
                {"template", {{"metadata", pod_meta}, {"spec", pod_spec}}}};
  if (options.ttl_seconds_after_finished)
    job_spec["ttlSecondsAfterFinished"] = *options.ttl_seconds_after_finished;

  json meta{{"name", name}, {"namespace", cmig.metadata.namespace_}, {"labels", labels}};
  if (!cmig.metadata.uid.empty())
    meta["ownerReferences"] = json::array({{{"apiVersion", api::kApiVersion},
                                            {"kind", api::kConsumerMigrationKind},
                                            {"name", cmig.metadata.name},
                                            {"uid", cmig.metadata.uid},
                                            {"controller", true},
                                            {"blockOwnerDeletion", true}}});
  return {{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", meta}, {"spec", job_spec}};
}

api::Parsed<api::AgentResult> parse_agent_result(std::string_view text) {
  api::Parsed<api::AgentResult> out;
  const auto excerpt = [&] {
    std::string s(text.substr(0, 200));
    for (char& ch : s)
      if (ch == '\n' || ch == '\r') ch = ' ';
    return s + (text.size() > 200 ? "..." : "");
  };
  if (text.empty()) {
    out.error = "the agent wrote no result (empty termination message)";
    return out;
  }
  if (text.size() > kMaxResultBytes) {
    out.error = "agent result is " + std::to_string(text.size()) + " bytes, over the " +
                std::to_string(kMaxResultBytes) + "-byte limit";
    return out;
  }
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = "agent result is not a JSON object: " + excerpt();
    return out;
  }
  const auto api_version = j.find("apiVersion");
  if (api_version == j.end() || !api_version->is_string() || *api_version != kResultApiVersion) {
    out.error = std::string("agent result has apiVersion ") +
                (api_version == j.end() ? "(none)" : api_version->dump()) + ", expected " + kResultApiVersion;
    return out;
  }
  if (!j.contains("outcome")) {
    out.error = "agent result has no outcome";
    return out;
  }
  try {
    api::AgentResult r = j.get<api::AgentResult>();
    // verify is present only when the verify command ran; diff without a ConfigMap is size only.
    out.value = std::move(r);
  } catch (const std::exception& e) {
    out.error = std::string("agent result is malformed: ") + e.what();
  }
  return out;
}

}  // namespace shepherd::controllers::consumer
