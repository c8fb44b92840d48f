// Semantic validation of plans and consumer migrations (see validate.h).
#include "controllers/api/validate.h"

#include <set>
#include <unordered_set>

#include "controllers/api/dependencies.h"
#include "controllers/api/placeholders.h"

namespace shepherd::controllers::api {
namespace {

const std::set<std::string> kBranchPlaceholders{"plan", "consumer", "namespace", "dataset"};
const std::set<std::string> kExpressionPlaceholders{"field"};
const std::set<std::string> kValuePlaceholders{"plan", "consumer", "namespace", "dataset"};

void check_text(std::vector<ValidationError>& out, const std::string& field, const std::string& text,
                const std::set<std::string>& allowed,
                PlaceholderSyntax syntax = PlaceholderSyntax::Template) {
  if (auto err = check_placeholders(text, allowed, syntax)) out.push_back({field, *err});
}

void check_changes(std::vector<ValidationError>& out, const std::string& prefix,
                   const std::vector<Change>& changes) {
  if (changes.empty())
    out.push_back({prefix + "changes", "at least one change is required; add a rename, retype, drop or add"});
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    const std::string f = prefix + "changes[" + std::to_string(i) + "]." + to_string(c.kind);
    if (c.field.empty()) out.push_back({f + ".field", "field is required; name the changed field"});
    if ((c.kind == ChangeKind::Rename || c.kind == ChangeKind::Retype) && c.to.empty())
      out.push_back({f + ".to", "to is required for " + to_string(c.kind) + "; give the new " +
                                    (c.kind == ChangeKind::Rename ? "name" : "type")});
    if (c.kind == ChangeKind::Retype)
      check_text(out, f + ".expression", c.expression, kExpressionPlaceholders);
  }
}

void check_agent(std::vector<ValidationError>& out, const std::string& prefix, const AgentSpec& agent) {
  check_text(out, prefix + ".branch", agent.branch, kBranchPlaceholders);
  if (agent.mode != AgentMode::DryRun && agent.branch.empty())
    out.push_back({prefix + ".branch", "branch is required with mode " + to_string(agent.mode) +
                                           "; set it, e.g. \"shepherd/{plan}\""});
  if (agent.timeoutSeconds <= 0) out.push_back({prefix + ".timeoutSeconds", "must be positive; e.g. 1800"});
  if (agent.retries < 0) out.push_back({prefix + ".retries", "must not be negative; e.g. 2"});
  if (agent.mode == AgentMode::PullRequest && !agent.pullRequest) {
    out.push_back({prefix + ".pullRequest",
                   "pullRequest is required with mode PullRequest; name the forge, e.g. "
                   "{provider: GitHub, apiUrl: \"https://api.github.com\"}"});
  }
  if (agent.pullRequest) {
    const std::string& url = agent.pullRequest->apiUrl;
    if (url.empty()) {
      out.push_back({prefix + ".pullRequest.apiUrl",
                     "apiUrl is required; the forge's REST API root, e.g. "
                     "\"https://api.github.com\""});
    } else if (!url.starts_with("https://") && !url.starts_with("http://")) {
      out.push_back({prefix + ".pullRequest.apiUrl", "must be an http(s) URL (got \"" + url + "\")"});
    }
  }
}

void check_health(std::vector<ValidationError>& out, const std::string& prefix, const HealthSpec& h) {
  if (h.interval.count() <= 0) out.push_back({prefix + ".interval", "must be positive; e.g. \"30s\""});
  if (h.count <= 0) out.push_back({prefix + ".count", "must be at least 1; e.g. 10"});
  for (std::size_t i = 0; i < h.checks.size(); ++i) {
    const auto& c = h.checks[i];
    const std::string f = prefix + ".checks[" + std::to_string(i) + "]";
    if (c.prometheus.has_value() == c.workload)
      out.push_back({f, "exactly one of prometheus or workload is required; keep one"});
    if (c.prometheus)
      check_text(out, f + ".prometheus.query", c.prometheus->query, kValuePlaceholders,
                 PlaceholderSyntax::Query);
    if (c.threshold.min && c.threshold.max && *c.threshold.min > *c.threshold.max)
      out.push_back({f + ".threshold", "min is greater than max; swap them"});
  }
}

void check_consumer(std::vector<ValidationError>& out, const std::string& prefix, const ConsumerSpec& c) {
  if (c.cutover) {
    if (c.cutover->env.has_value() == c.cutover->configMap.has_value())
      out.push_back({prefix + ".cutover", "exactly one of env or configMap is required; keep one"});
    if (c.cutover->env)
      check_text(out, prefix + ".cutover.env.value", c.cutover->env->value, kValuePlaceholders);
    if (c.cutover->configMap)
      check_text(out, prefix + ".cutover.configMap.value", c.cutover->configMap->value, kValuePlaceholders);
  }
}

}  // namespace

std::vector<ValidationError> validate_plan_spec(const MigrationPlanSpec& spec,
                                                const EffectiveSettings& settings) {
  std::vector<ValidationError> out;
  if (spec.dataset.name.empty()) out.push_back({"spec.dataset.name", "dataset name is required"});
  check_changes(out, "spec.", spec.changes);
  check_agent(out, "spec.agent", spec.agent);
  check_health(out, "spec.health", spec.health);

  const auto& w = spec.rollout.waves;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] < 1 || w[i] > 100 || (i > 0 && w[i] <= w[i - 1])) {
      out.push_back({"spec.rollout.waves",
                     "waves must be strictly increasing percentages between 1 and 100; e.g. [5, 25, 100]"});
      break;
    }
  }
  if (w.empty() || w.back() != 100)
    out.push_back(
        {"spec.rollout.waves", "the last wave must be 100 so that every consumer is migrated; append 100"});
  if (spec.rollout.maxParallel < 1)
    out.push_back({"spec.rollout.maxParallel", "must be at least 1; e.g. 10"});

  std::unordered_set<std::string> names;
  for (std::size_t i = 0; i < spec.consumers.size(); ++i) {
    const auto& c = spec.consumers[i];
    const std::string f = "spec.consumers[" + std::to_string(i) + "]";
    if (!names.insert(c.name).second)
      out.push_back({f + ".name",
                     "duplicate consumer name \"" + c.name + "\"; consumer names must be unique in a plan"});
    check_consumer(out, f, c);
    const ConsumerSettings& merged = settings.consumers.at(i);
    if (!merged.agent_error.empty())
      out.push_back({f + ".agent", "override does not parse: " + merged.agent_error + "; fix or remove it"});
    else if (c.agent)
      check_agent(out, f + ".agent", settings.agent(spec, i));
    if (!merged.health_error.empty())
      out.push_back(
          {f + ".health", "override does not parse: " + merged.health_error + "; fix or remove it"});
    else if (c.health)
      check_health(out, f + ".health", settings.health(spec, i));
  }

  const DependencyGraph g = analyse_dependencies(spec.consumers);
  for (const auto& u : g.unknown)
    out.push_back({"spec.consumers[" + std::to_string(u.consumer) + "].dependsOn",
                   "consumer \"" + spec.consumers[u.consumer].name + "\" depends on unknown consumer \"" +
                       u.name + "\"; add a consumer named \"" + u.name + "\" or remove it from dependsOn"});
  if (!g.cycle.empty())
    out.push_back({"spec.consumers",
                   "dependency cycle " + format_cycle(g.cycle) + "; remove one of these dependsOn entries"});
  return out;
}

std::vector<ValidationError> validate_secrets(const MigrationPlanSpec& spec,
                                              const EffectiveSettings& settings,
                                              const std::function<bool(std::string_view)>& secret_exists) {
  std::vector<ValidationError> out;
  std::set<std::string> reported;
  const auto check = [&](const std::string& field, const std::string& secret) {
    if (secret.empty() || reported.count(secret) > 0 || secret_exists(secret)) return;
    reported.insert(secret);
    out.push_back({field, "git secret \"" + secret +
                              "\" does not exist in this namespace; create it or change " + field});
  };
  check("spec.agent.gitCredentials.secretName", spec.agent.gitCredentials.secretName);
  for (std::size_t i = 0; i < spec.consumers.size(); ++i) {
    if (!settings.consumers.at(i).agent_error.empty()) continue;  // reported by validate_plan_spec
    check("spec.consumers[" + std::to_string(i) + "].agent.gitCredentials.secretName",
          settings.agent(spec, i).gitCredentials.secretName);
  }
  return out;
}

std::vector<ValidationError> validate_consumer_migration_spec(const ConsumerMigrationSpec& spec) {
  std::vector<ValidationError> out;
  if (spec.dataset.name.empty()) out.push_back({"spec.dataset.name", "dataset name is required"});
  if (spec.consumer.name.empty()) out.push_back({"spec.consumer.name", "consumer name is required"});
  if (spec.consumer.repository.url.empty())
    out.push_back({"spec.consumer.repository.url", "repository url is required"});
  check_changes(out, "spec.", spec.changes);
  check_agent(out, "spec.agent", spec.agent);
  check_health(out, "spec.health", spec.health);
  check_consumer(out, "spec.consumer", spec.consumer);
  return out;
}

std::string summarize(const std::vector<ValidationError>& errors, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < max; ++i) {
    if (!out.empty()) out += "; ";
    out += errors[i].field + ": " + errors[i].message;
  }
  if (errors.size() > max) out += " (and " + std::to_string(errors.size() - max) + " more)";
  return out;
}

}  // namespace shepherd::controllers::api
