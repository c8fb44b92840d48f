// Agent Job builder, task document and result parser (see job.h).
#include "controllers/consumer/job.h"

#include <algorithm>

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

contract::Change to_change(const api::Change& c) {
  switch (c.kind) {
    case api::ChangeKind::Rename:
      return contract::Rename{c.field, c.to};
    case api::ChangeKind::Retype:
      return contract::Retype{c.field, c.from, c.to, c.expression};
    case api::ChangeKind::Drop:
      return contract::Drop{c.field};
    case api::ChangeKind::Add:
      return contract::Add{c.field, c.type};
  }
  return contract::Drop{c.field};
}

contract::Mode to_mode(api::AgentMode m) {
  switch (m) {
    case api::AgentMode::DryRun:
      return contract::Mode::DryRun;
    case api::AgentMode::Push:
      return contract::Mode::Push;
    case api::AgentMode::PullRequest:
      return contract::Mode::PullRequest;
  }
  return contract::Mode::DryRun;
}

api::Outcome to_outcome(contract::Outcome o) {
  switch (o) {
    case contract::Outcome::Changed:
      return api::Outcome::Changed;
    case contract::Outcome::NoChanges:
      return api::Outcome::NoChanges;
    case contract::Outcome::NeedsReview:
      return api::Outcome::NeedsReview;
    case contract::Outcome::Failed:
      return api::Outcome::Failed;
  }
  return api::Outcome::Failed;
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

contract::Task to_task(const api::ConsumerMigration& cmig, const JobOptions& options) {
  const auto& spec = cmig.spec;
  const auto& c = spec.consumer;
  contract::Task t;
  t.action = options.action == JobAction::Migrate ? contract::Action::Migrate : contract::Action::Rollback;
  t.plan = spec.plan;
  t.namespace_ = cmig.metadata.namespace_;
  t.attempt = static_cast<int>(options.attempt);
  t.consumer.name = c.name;
  t.consumer.owner = c.owner;
  // The agent requires a revision; an omitted one means the remote's default
  // branch.
  t.consumer.repository = {c.repository.url, c.repository.revision.empty() ? "HEAD" : c.repository.revision,
                           c.repository.path};
  t.consumer.verify.command = c.verify.command;
  if (c.verify.timeoutSeconds) t.consumer.verify.timeout_seconds = static_cast<int>(*c.verify.timeoutSeconds);
  t.dataset = {spec.dataset.name,
               {spec.dataset.from.version, spec.dataset.from.location},
               {spec.dataset.to.version, spec.dataset.to.location}};
  for (const auto& change : spec.changes) t.changes.push_back(to_change(change));
  t.agent.mode = to_mode(spec.agent.mode);
  t.agent.branch = expanded_branch(cmig);
  t.agent.coding_agent = {spec.agent.codingAgent.command,
                          static_cast<int>(spec.agent.codingAgent.maxIterations)};
  if (const auto& author = spec.agent.author) {
    // An empty name or email keeps the agent's default rather than committing
    // as "".
    if (!author->name.empty()) t.agent.author.name = author->name;
    if (!author->email.empty()) t.agent.author.email = author->email;
  }
  if (const auto& pr = spec.agent.pullRequest) {
    // The rollback of a PullRequest attempt closes its pull request: the settings go with both.
    const contract::Provider provider =
        pr->provider == api::ForgeProvider::GitLab  ? contract::Provider::GitLab
        : pr->provider == api::ForgeProvider::Gitea ? contract::Provider::Gitea
                                                    : contract::Provider::GitHub;
    t.agent.pull_request = contract::PullRequestSettings{provider, pr->apiUrl, pr->repository, pr->base};
  }
  // The agent stops itself a little before activeDeadlineSeconds so that it can
  // still write its result.
  t.limits.deadline_seconds = static_cast<int>(std::max<std::int64_t>(1, spec.agent.timeoutSeconds - 60));
  if (options.action == JobAction::Migrate) {
    t.diff.config_map = diff_config_map_name(cmig.metadata.name);
    if (!cmig.metadata.uid.empty())
      t.diff.owner = contract::OwnerRef{api::kApiVersion, api::kConsumerMigrationKind, cmig.metadata.name,
                                        cmig.metadata.uid};
  } else {
    const auto& r = cmig.status.result;
    t.rollback = contract::RollbackTarget{
        r ? r->commit : "", r && !r->branch.empty() ? r->branch : t.agent.branch, r ? r->pullRequest : ""};
  }
  return t;
}

json build_task(const api::ConsumerMigration& cmig, const JobOptions& options) {
  return contract::encode_task(to_task(cmig, options));
}

json build_agent_job(const api::ConsumerMigration& cmig, const JobOptions& options) {
  const auto& spec = cmig.spec;
  const auto& pod = spec.agent.pod;
  const std::string name =
      options.action == JobAction::Migrate
          ? job_name(cmig.metadata.name, options.attempt)
          : rollback_job_name(cmig.metadata.name, options.attempt, options.rollback_attempt);
  const std::string plan_label = api::label_value(spec.plan.empty() ? cmig.metadata.name : spec.plan);
  // Ours last: user pod labels cannot override the labels the operator selects
  // on.
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
                // The agent writes its diff ConfigMap with this token (RBAC:
                // the agent Role).
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

api::AgentResult to_status_result(const contract::AgentResult& r) {
  api::AgentResult out;
  out.outcome = to_outcome(r.outcome);
  out.commit = r.commit;
  out.branch = r.branch;
  out.pullRequest = r.pull_request;
  out.filesChanged = r.files_changed;
  out.edits = r.edits;
  out.reviewCount = static_cast<std::int64_t>(std::max(r.review_count, r.review.size()));
  for (std::size_t i = 0; i < r.review.size() && i < api::kMaxStatusReviewItems; ++i)
    out.review.push_back({r.review[i].file, r.review[i].line, r.review[i].message});
  // verify is present only when the verify command ran; diff without a
  // ConfigMap is size only.
  if (r.verify.ran) out.verify = api::VerifyResult{r.verify.exit_code, r.verify.seconds};
  out.diff = api::DiffRef{r.diff.config_map, r.diff.bytes};
  out.message = r.message;
  return out;
}

api::Parsed<api::AgentResult> parse_agent_result(std::string_view text) {
  auto decoded = contract::decode_result(text);
  if (!decoded.value) return {std::nullopt, decoded.error};
  return {to_status_result(*decoded.value), ""};
}

}  // namespace shepherd::controllers::consumer
