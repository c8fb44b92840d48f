// JSON conversions and small helpers of the API model (see types.h).
#include "controllers/api/types.h"

#include <algorithm>
#include <stdexcept>

namespace shepherd::controllers::api {
namespace {

using nlohmann::json;

const json* find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto& object = j.get_ref<const json::object_t&>();
  const auto it = object.find(key);
  if (it == object.end() || it->second.is_null()) return nullptr;
  return &it->second;
}

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

void read(const json& j, const char* key, std::string& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_string()) fail(std::string(key) + ": expected a string");
    out = v->get<std::string>();
  }
}
void read(const json& j, const char* key, std::int64_t& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_number_integer()) fail(std::string(key) + ": expected an integer");
    out = v->get<std::int64_t>();
  }
}
void read(const json& j, const char* key, double& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_number()) fail(std::string(key) + ": expected a number");
    out = v->get<double>();
  }
}
void read(const json& j, const char* key, bool& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_boolean()) fail(std::string(key) + ": expected a boolean");
    out = v->get<bool>();
  }
}
void read(const json& j, const char* key, std::vector<std::string>& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_array()) fail(std::string(key) + ": expected a list of strings");
    out.clear();
    out.reserve(v->size());
    for (const auto& e : *v) {
      if (!e.is_string()) fail(std::string(key) + ": expected a list of strings");
      out.push_back(e.get<std::string>());
    }
  }
}
void read(const json& j, const char* key, StringMap& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_object()) fail(std::string(key) + ": expected a map of strings");
    out.clear();
    for (const auto& [k, e] : v->items()) {
      if (!e.is_string()) fail(std::string(key) + "." + k + ": expected a string");
      out[k] = e.get<std::string>();
    }
  }
}
void read(const json& j, const char* key, std::optional<Timestamp>& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_string()) fail(std::string(key) + ": expected an RFC 3339 timestamp");
    const auto t = parse_rfc3339(v->get_ref<const std::string&>());
    if (!t) fail(std::string(key) + ": expected an RFC 3339 timestamp, got " + v->dump());
    out = t;
  }
}
void read(const json& j, const char* key, Duration& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_string()) fail(std::string(key) + ": expected a duration such as \"30s\"");
    const auto d = parse_duration(v->get_ref<const std::string&>());
    if (!d) fail(std::string(key) + ": expected a duration such as \"30s\" or \"1h30m\", got " + v->dump());
    out = *d;
  }
}
template <typename T>
void read(const json& j, const char* key, T& out) {
  if (const json* v = find(j, key)) v->get_to(out);
}
template <typename T>
void read(const json& j, const char* key, std::optional<T>& out) {
  if (const json* v = find(j, key)) out = v->get<T>();
}
template <typename T>
void read(const json& j, const char* key, std::vector<T>& out) {
  if (const json* v = find(j, key)) {
    if (!v->is_array()) fail(std::string(key) + ": expected a list");
    out.clear();
    out.reserve(v->size());  // one allocation: a plan's consumers can be 10,000 entries
    for (const auto& e : *v) out.push_back(e.get<T>());
  }
}
template <typename E>
void read_enum(const json& j, const char* key, E& out, std::optional<E> (*parse)(const std::string&)) {
  if (const json* v = find(j, key)) {
    if (!v->is_string()) fail(std::string(key) + ": expected a string");
    const auto e = parse(v->get<std::string>());
    if (!e) fail(std::string(key) + ": unknown value " + v->dump());
    out = *e;
  }
}

void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const std::optional<Timestamp>& v) {
  if (v) j[key] = format_rfc3339(*v);
}
void put(json& j, const char* key, const StringMap& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
template <typename T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
template <typename T>
void put(json& j, const char* key, const std::vector<T>& v) {
  if (!v.empty()) j[key] = v;
}

template <typename E>
struct EnumName {
  E value;
  const char* name;
};
template <typename E, std::size_t N>
std::string name_of(const EnumName<E> (&table)[N], E v) {
  for (const auto& e : table)
    if (e.value == v) return e.name;
  return "";
}
template <typename E, std::size_t N>
std::optional<E> value_of(const EnumName<E> (&table)[N], const std::string& s) {
  for (const auto& e : table)
    if (s == e.name) return e.value;
  return std::nullopt;
}

constexpr EnumName<AgentMode> kModes[] = {
    {AgentMode::DryRun, "DryRun"}, {AgentMode::Push, "Push"}, {AgentMode::PullRequest, "PullRequest"}};
constexpr EnumName<Approval> kApprovals[] = {{Approval::Automatic, "Automatic"},
                                             {Approval::Manual, "Manual"}};
constexpr EnumName<OnFailure> kOnFailures[] = {{OnFailure::Pause, "Pause"},
                                               {OnFailure::Rollback, "Rollback"}};
constexpr EnumName<PlanPhase> kPlanPhases[] = {
    {PlanPhase::Pending, "Pending"},      {PlanPhase::Progressing, "Progressing"},
    {PlanPhase::Blocked, "Blocked"},      {PlanPhase::Paused, "Paused"},
    {PlanPhase::Succeeded, "Succeeded"},  {PlanPhase::RollingBack, "RollingBack"},
    {PlanPhase::RolledBack, "RolledBack"}};
constexpr EnumName<ConsumerPhase> kConsumerPhases[] = {
    {ConsumerPhase::Pending, "Pending"},         {ConsumerPhase::Generating, "Generating"},
    {ConsumerPhase::CuttingOver, "CuttingOver"}, {ConsumerPhase::Analyzing, "Analyzing"},
    {ConsumerPhase::Succeeded, "Succeeded"},     {ConsumerPhase::NoChanges, "NoChanges"},
    {ConsumerPhase::NeedsReview, "NeedsReview"}, {ConsumerPhase::Failed, "Failed"},
    {ConsumerPhase::RollingBack, "RollingBack"}, {ConsumerPhase::RolledBack, "RolledBack"},
    {ConsumerPhase::Skipped, "Skipped"}};
constexpr EnumName<Outcome> kOutcomes[] = {{Outcome::Changed, "Changed"},
                                           {Outcome::NoChanges, "NoChanges"},
                                           {Outcome::NeedsReview, "NeedsReview"},
                                           {Outcome::Failed, "Failed"}};
constexpr EnumName<MeasurementOutcome> kMeasurementOutcomes[] = {
    {MeasurementOutcome::Successful, "Successful"},
    {MeasurementOutcome::Failed, "Failed"},
    {MeasurementOutcome::Inconclusive, "Inconclusive"}};
constexpr EnumName<ForgeProvider> kForgeProviders[] = {
    {ForgeProvider::GitHub, "GitHub"}, {ForgeProvider::GitLab, "GitLab"}, {ForgeProvider::Gitea, "Gitea"}};
constexpr EnumName<ChangeKind> kChangeKinds[] = {{ChangeKind::Rename, "rename"},
                                                 {ChangeKind::Retype, "retype"},
                                                 {ChangeKind::Drop, "drop"},
                                                 {ChangeKind::Add, "add"}};

}  // namespace

std::string to_string(AgentMode v) { return name_of(kModes, v); }
std::string to_string(Approval v) { return name_of(kApprovals, v); }
std::string to_string(OnFailure v) { return name_of(kOnFailures, v); }
std::string to_string(PlanPhase v) { return name_of(kPlanPhases, v); }
std::string to_string(ConsumerPhase v) { return name_of(kConsumerPhases, v); }
std::string to_string(Outcome v) { return name_of(kOutcomes, v); }
std::string to_string(MeasurementOutcome v) { return name_of(kMeasurementOutcomes, v); }
std::string to_string(ChangeKind v) { return name_of(kChangeKinds, v); }
std::string to_string(ForgeProvider v) { return name_of(kForgeProviders, v); }
std::optional<ForgeProvider> parse_forge_provider(const std::string& s) {
  return value_of(kForgeProviders, s);
}
std::optional<AgentMode> parse_agent_mode(const std::string& s) { return value_of(kModes, s); }
std::optional<Approval> parse_approval(const std::string& s) { return value_of(kApprovals, s); }
std::optional<OnFailure> parse_on_failure(const std::string& s) { return value_of(kOnFailures, s); }
std::optional<PlanPhase> parse_plan_phase(const std::string& s) {
  if (s.empty()) return PlanPhase::Pending;
  return value_of(kPlanPhases, s);
}
std::optional<ConsumerPhase> parse_consumer_phase(const std::string& s) {
  if (s.empty()) return ConsumerPhase::Pending;
  return value_of(kConsumerPhases, s);
}
std::optional<Outcome> parse_outcome(const std::string& s) { return value_of(kOutcomes, s); }
std::optional<MeasurementOutcome> parse_measurement_outcome(const std::string& s) {
  return value_of(kMeasurementOutcomes, s);
}

bool is_terminal(ConsumerPhase p) {
  switch (p) {
    case ConsumerPhase::Succeeded:
    case ConsumerPhase::NoChanges:
    case ConsumerPhase::NeedsReview:
    case ConsumerPhase::Failed:
    case ConsumerPhase::RolledBack:
    case ConsumerPhase::Skipped:
      return true;
    default:
      return false;
  }
}
bool counts_against_max_parallel(ConsumerPhase p) { return !is_terminal(p); }
bool satisfies_dependency(ConsumerPhase p) {
  return p == ConsumerPhase::Succeeded || p == ConsumerPhase::NoChanges;
}

std::optional<IntOrPercent> parse_int_or_percent(const nlohmann::json& j) {
  if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (v < 0) return std::nullopt;
    return IntOrPercent{v, false};
  }
  if (!j.is_string()) return std::nullopt;
  std::string s = j.get<std::string>();
  bool percent = false;
  if (!s.empty() && s.back() == '%') {
    percent = true;
    s.pop_back();
  }
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (percent && v > 100) return std::nullopt;
  return IntOrPercent{v, percent};
}

// ---------------------------------------------------------------------------------------------
void to_json(json& j, const OwnerReference& v) {
  j = json{{"apiVersion", v.apiVersion}, {"kind", v.kind}, {"name", v.name}, {"uid", v.uid}};
  if (v.controller) j["controller"] = true;
  if (v.blockOwnerDeletion) j["blockOwnerDeletion"] = true;
}
void from_json(const json& j, OwnerReference& v) {
  read(j, "apiVersion", v.apiVersion);
  read(j, "kind", v.kind);
  read(j, "name", v.name);
  read(j, "uid", v.uid);
  read(j, "controller", v.controller);
  read(j, "blockOwnerDeletion", v.blockOwnerDeletion);
}

void to_json(json& j, const ObjectMeta& v) {
  j = json::object();
  put(j, "name", v.name);
  put(j, "namespace", v.namespace_);
  put(j, "uid", v.uid);
  put(j, "resourceVersion", v.resourceVersion);
  if (v.generation != 0) j["generation"] = v.generation;
  put(j, "labels", v.labels);
  put(j, "annotations", v.annotations);
  put(j, "creationTimestamp", v.creationTimestamp);
  put(j, "deletionTimestamp", v.deletionTimestamp);
  put(j, "ownerReferences", v.ownerReferences);
}
void from_json(const json& j, ObjectMeta& v) {
  read(j, "name", v.name);
  read(j, "namespace", v.namespace_);
  read(j, "uid", v.uid);
  read(j, "resourceVersion", v.resourceVersion);
  read(j, "generation", v.generation);
  read(j, "labels", v.labels);
  read(j, "annotations", v.annotations);
  read(j, "creationTimestamp", v.creationTimestamp);
  read(j, "deletionTimestamp", v.deletionTimestamp);
  read(j, "ownerReferences", v.ownerReferences);
}

void to_json(json& j, const DatasetVersion& v) {
  j = json{{"version", v.version}};
  put(j, "location", v.location);
}
void from_json(const json& j, DatasetVersion& v) {
  read(j, "version", v.version);
  read(j, "location", v.location);
}
void to_json(json& j, const Dataset& v) { j = json{{"name", v.name}, {"from", v.from}, {"to", v.to}}; }
void from_json(const json& j, Dataset& v) {
  read(j, "name", v.name);
  read(j, "from", v.from);
  read(j, "to", v.to);
}

void to_json(json& j, const Change& v) {
  json body{{"field", v.field}};
  switch (v.kind) {
    case ChangeKind::Rename:
      body["to"] = v.to;
      break;
    case ChangeKind::Retype:
      put(body, "from", v.from);
      body["to"] = v.to;
      put(body, "expression", v.expression);
      break;
    case ChangeKind::Drop:
      break;
    case ChangeKind::Add:
      put(body, "type", v.type);
      break;
  }
  j = json{{to_string(v.kind), body}};
}
void from_json(const json& j, Change& v) {
  if (!j.is_object() || j.size() != 1) fail("change: expected exactly one of rename, retype, drop, add");
  // Copies: the key reference of an iteration proxy dies with the proxy.
  const std::string key = j.begin().key();
  const json& body = j.begin().value();
  const auto kind = value_of(kChangeKinds, key);
  if (!kind) fail("change: unknown kind \"" + key + "\" (expected rename, retype, drop or add)");
  v = Change{};
  v.kind = *kind;
  read(body, "field", v.field);
  read(body, "to", v.to);
  read(body, "from", v.from);
  read(body, "expression", v.expression);
  read(body, "type", v.type);
}

void to_json(json& j, const Repository& v) {
  j = json{{"url", v.url}};
  put(j, "revision", v.revision);
  put(j, "path", v.path);
}
void from_json(const json& j, Repository& v) {
  read(j, "url", v.url);
  read(j, "revision", v.revision);
  read(j, "path", v.path);
}

void to_json(json& j, const VerifySpec& v) {
  j = json::object();
  put(j, "command", v.command);
  if (v.timeoutSeconds) j["timeoutSeconds"] = *v.timeoutSeconds;
}
void from_json(const json& j, VerifySpec& v) {
  read(j, "command", v.command);
  std::int64_t t = 0;
  if (find(j, "timeoutSeconds")) {
    read(j, "timeoutSeconds", t);
    v.timeoutSeconds = t;
  }
}

void to_json(json& j, const CutoverTarget& v) {
  j = json{{"apiVersion", v.apiVersion}, {"kind", v.kind}, {"name", v.name}};
  put(j, "namespace", v.namespace_);
}
void from_json(const json& j, CutoverTarget& v) {
  read(j, "apiVersion", v.apiVersion);
  read(j, "kind", v.kind);
  read(j, "namespace", v.namespace_);
  read(j, "name", v.name);
}
void to_json(json& j, const CutoverEnv& v) {
  j = json{{"container", v.container}, {"name", v.name}, {"value", v.value}};
}
void from_json(const json& j, CutoverEnv& v) {
  read(j, "container", v.container);
  read(j, "name", v.name);
  read(j, "value", v.value);
}
void to_json(json& j, const CutoverConfigMap& v) {
  j = json{{"name", v.name}, {"key", v.key}, {"value", v.value}};
  put(j, "namespace", v.namespace_);
}
void from_json(const json& j, CutoverConfigMap& v) {
  read(j, "namespace", v.namespace_);
  read(j, "name", v.name);
  read(j, "key", v.key);
  read(j, "value", v.value);
}
void to_json(json& j, const CutoverSpec& v) {
  j = json::object();
  // A ConfigMap cut-over needs no workload target; the CRD rejects an empty one.
  if (!v.target.kind.empty() || !v.target.name.empty()) j["target"] = v.target;
  put(j, "env", v.env);
  put(j, "configMap", v.configMap);
}
void from_json(const json& j, CutoverSpec& v) {
  read(j, "target", v.target);
  read(j, "env", v.env);
  read(j, "configMap", v.configMap);
}

void to_json(json& j, const PrometheusCheck& v) { j = json{{"address", v.address}, {"query", v.query}}; }
void from_json(const json& j, PrometheusCheck& v) {
  read(j, "address", v.address);
  read(j, "query", v.query);
}
void to_json(json& j, const Threshold& v) {
  j = json::object();
  if (v.min) j["min"] = *v.min;
  if (v.max) j["max"] = *v.max;
}
void from_json(const json& j, Threshold& v) {
  double d = 0;
  if (find(j, "min")) {
    read(j, "min", d);
    v.min = d;
  }
  if (find(j, "max")) {
    read(j, "max", d);
    v.max = d;
  }
}
void to_json(json& j, const CheckSpec& v) {
  j = json{{"name", v.name}};
  put(j, "prometheus", v.prometheus);
  if (v.workload) j["workload"] = json::object();
  if (v.threshold.min || v.threshold.max) j["threshold"] = v.threshold;
}
void from_json(const json& j, CheckSpec& v) {
  read(j, "name", v.name);
  read(j, "prometheus", v.prometheus);
  v.workload = find(j, "workload") != nullptr;
  read(j, "threshold", v.threshold);
}
void to_json(json& j, const HealthSpec& v) {
  j = json{{"interval", format_duration(v.interval)},
           {"count", v.count},
           {"failureLimit", v.failureLimit},
           {"inconclusiveLimit", v.inconclusiveLimit}};
  put(j, "checks", v.checks);
}
void from_json(const json& j, HealthSpec& v) {
  read(j, "interval", v.interval);
  read(j, "count", v.count);
  read(j, "failureLimit", v.failureLimit);
  read(j, "inconclusiveLimit", v.inconclusiveLimit);
  read(j, "checks", v.checks);
}

void to_json(json& j, const GitCredentials& v) {
  j = json::object();
  put(j, "secretName", v.secretName);
}
void from_json(const json& j, GitCredentials& v) { read(j, "secretName", v.secretName); }
void to_json(json& j, const CodingAgentSpec& v) {
  j = json{{"maxIterations", v.maxIterations}};
  put(j, "command", v.command);
}
void from_json(const json& j, CodingAgentSpec& v) {
  read(j, "command", v.command);
  read(j, "maxIterations", v.maxIterations);
}
void to_json(json& j, const AuthorSpec& v) {
  j = json::object();
  put(j, "name", v.name);
  put(j, "email", v.email);
}
void from_json(const json& j, AuthorSpec& v) {
  read(j, "name", v.name);
  read(j, "email", v.email);
}
void to_json(json& j, const PullRequestSpec& v) {
  j = json{{"provider", to_string(v.provider)}};
  put(j, "apiUrl", v.apiUrl);
  put(j, "repository", v.repository);
  put(j, "base", v.base);
}
void from_json(const json& j, PullRequestSpec& v) {
  read_enum(j, "provider", v.provider, parse_forge_provider);
  read(j, "apiUrl", v.apiUrl);
  read(j, "repository", v.repository);
  read(j, "base", v.base);
}
void to_json(json& j, const PodSpecOverrides& v) {
  j = json{{"serviceAccountName", v.serviceAccountName}};
  put(j, "labels", v.labels);
  put(j, "annotations", v.annotations);
  put(j, "nodeSelector", v.nodeSelector);
  if (v.tolerations.is_array() && !v.tolerations.empty()) j["tolerations"] = v.tolerations;
}
void from_json(const json& j, PodSpecOverrides& v) {
  read(j, "labels", v.labels);
  read(j, "annotations", v.annotations);
  read(j, "nodeSelector", v.nodeSelector);
  if (const json* t = find(j, "tolerations")) {
    if (!t->is_array()) fail("tolerations: expected a list");
    v.tolerations = *t;
  }
  read(j, "serviceAccountName", v.serviceAccountName);
  if (v.serviceAccountName.empty()) v.serviceAccountName = "shepherd-agent";
}
void to_json(json& j, const AgentSpec& v) {
  j = json{{"mode", to_string(v.mode)},
           {"branch", v.branch},
           {"timeoutSeconds", v.timeoutSeconds},
           {"retries", v.retries},
           {"pod", v.pod}};
  // The CRD requires codingAgent.command when codingAgent is present: no command, no codingAgent.
  if (!v.codingAgent.command.empty()) j["codingAgent"] = v.codingAgent;
  put(j, "image", v.image);
  if (!v.gitCredentials.secretName.empty()) j["gitCredentials"] = v.gitCredentials;
  put(j, "author", v.author);
  put(j, "pullRequest", v.pullRequest);
  if (v.resources.is_object() && !v.resources.empty()) j["resources"] = v.resources;
}
void from_json(const json& j, AgentSpec& v) {
  read(j, "image", v.image);
  read_enum(j, "mode", v.mode, parse_agent_mode);
  read(j, "branch", v.branch);
  read(j, "timeoutSeconds", v.timeoutSeconds);
  read(j, "retries", v.retries);
  read(j, "gitCredentials", v.gitCredentials);
  read(j, "codingAgent", v.codingAgent);
  read(j, "author", v.author);
  read(j, "pullRequest", v.pullRequest);
  if (const json* r = find(j, "resources")) {
    if (!r->is_object()) fail("resources: expected an object");
    v.resources = *r;
  }
  read(j, "pod", v.pod);
}

void to_json(json& j, const ConsumerSpec& v) {
  j = json{{"name", v.name}, {"repository", v.repository}};
  put(j, "owner", v.owner);
  put(j, "dependsOn", v.dependsOn);
  if (!v.verify.command.empty() || v.verify.timeoutSeconds) j["verify"] = v.verify;
  put(j, "cutover", v.cutover);
  if (v.health) j["health"] = *v.health;
  if (v.agent) j["agent"] = *v.agent;
}
void from_json(const json& j, ConsumerSpec& v) {
  read(j, "name", v.name);
  read(j, "repository", v.repository);
  read(j, "owner", v.owner);
  read(j, "dependsOn", v.dependsOn);
  read(j, "verify", v.verify);
  read(j, "cutover", v.cutover);
  if (const json* h = find(j, "health")) {
    if (!h->is_object()) fail("health: expected an object");
    v.health = *h;
  }
  if (const json* a = find(j, "agent")) {
    if (!a->is_object()) fail("agent: expected an object");
    v.agent = *a;
  }
}

void to_json(json& j, const IntOrPercent& v) {
  if (v.percent)
    j = std::to_string(v.value) + "%";
  else
    j = v.value;
}
void from_json(const json& j, IntOrPercent& v) {
  const auto p = parse_int_or_percent(j);
  if (!p)
    fail("maxFailures: expected a non-negative integer or a percentage such as \"10%\", got " + j.dump());
  v = *p;
}

void to_json(json& j, const RolloutSpec& v) {
  j = json{{"waves", v.waves},
           {"maxParallel", v.maxParallel},
           {"maxFailures", v.maxFailures},
           {"approval", to_string(v.approval)},
           {"bakeTime", format_duration(v.bakeTime)},
           {"onFailure", to_string(v.onFailure)}};
}
void from_json(const json& j, RolloutSpec& v) {
  if (const json* w = find(j, "waves")) {
    if (!w->is_array()) fail("waves: expected a list of percentages");
    v.waves.clear();
    for (const auto& e : *w) {
      if (!e.is_number_integer()) fail("waves: expected a list of integer percentages");
      v.waves.push_back(e.get<std::int64_t>());
    }
    if (v.waves.empty()) v.waves = {100};
  }
  read(j, "maxParallel", v.maxParallel);
  read(j, "maxFailures", v.maxFailures);
  read_enum(j, "approval", v.approval, parse_approval);
  read(j, "bakeTime", v.bakeTime);
  read_enum(j, "onFailure", v.onFailure, parse_on_failure);
}

void to_json(json& j, const MigrationPlanSpec& v) {
  j = json{{"dataset", v.dataset}, {"changes", v.changes}, {"consumers", json::array()}, {"agent", v.agent},
           {"rollout", v.rollout}, {"health", v.health},   {"paused", v.paused}};
  for (const auto& c : v.consumers) j["consumers"].push_back(c);
}
void from_json(const json& j, MigrationPlanSpec& v) {
  read(j, "dataset", v.dataset);
  read(j, "changes", v.changes);
  read(j, "consumers", v.consumers);
  read(j, "agent", v.agent);
  read(j, "rollout", v.rollout);
  read(j, "health", v.health);
  read(j, "paused", v.paused);
}

void to_json(json& j, const Condition& v) {
  j = json{{"type", v.type},
           {"status", v.status},
           {"observedGeneration", v.observedGeneration},
           {"reason", v.reason},
           {"message", v.message}};
  put(j, "lastTransitionTime", v.lastTransitionTime);
}
void from_json(const json& j, Condition& v) {
  read(j, "type", v.type);
  read(j, "status", v.status);
  read(j, "observedGeneration", v.observedGeneration);
  read(j, "lastTransitionTime", v.lastTransitionTime);
  read(j, "reason", v.reason);
  read(j, "message", v.message);
}

void to_json(json& j, const PlanTotals& v) {
  j = json{{"consumers", v.consumers}, {"pending", v.pending},       {"running", v.running},
           {"succeeded", v.succeeded}, {"noChanges", v.noChanges},   {"needsReview", v.needsReview},
           {"failed", v.failed},       {"rolledBack", v.rolledBack}, {"skipped", v.skipped}};
}
void from_json(const json& j, PlanTotals& v) {
  read(j, "consumers", v.consumers);
  read(j, "pending", v.pending);
  read(j, "running", v.running);
  read(j, "succeeded", v.succeeded);
  read(j, "noChanges", v.noChanges);
  read(j, "needsReview", v.needsReview);
  read(j, "failed", v.failed);
  read(j, "rolledBack", v.rolledBack);
  read(j, "skipped", v.skipped);
}
void to_json(json& j, const WaveStatus& v) {
  j = json{{"index", v.index}, {"size", v.size}, {"succeeded", v.succeeded}, {"failed", v.failed}};
  put(j, "startedAt", v.startedAt);
  put(j, "completedAt", v.completedAt);
  put(j, "approvedAt", v.approvedAt);
}
void from_json(const json& j, WaveStatus& v) {
  read(j, "index", v.index);
  read(j, "size", v.size);
  read(j, "succeeded", v.succeeded);
  read(j, "failed", v.failed);
  read(j, "startedAt", v.startedAt);
  read(j, "completedAt", v.completedAt);
  read(j, "approvedAt", v.approvedAt);
}
void to_json(json& j, const PlanSignals& v) {
  j = json::object();
  put(j, "approve", v.approve);
  put(j, "retry", v.retry);
  put(j, "rollback", v.rollback);
}
void from_json(const json& j, PlanSignals& v) {
  read(j, "approve", v.approve);
  read(j, "retry", v.retry);
  read(j, "rollback", v.rollback);
}
void to_json(json& j, const PlanStatus& v) {
  j = json{{"observedGeneration", v.observedGeneration},
           {"phase", to_string(v.phase)},
           {"currentWave", v.currentWave},
           {"totals", v.totals}};
  put(j, "progress", v.progress);
  put(j, "waves", v.waves);
  put(j, "conditions", v.conditions);
  const json s = v.signals;
  if (!s.empty()) j["signals"] = s;
}
void from_json(const json& j, PlanStatus& v) {
  read(j, "observedGeneration", v.observedGeneration);
  read_enum(j, "phase", v.phase, parse_plan_phase);
  read(j, "currentWave", v.currentWave);
  read(j, "progress", v.progress);
  read(j, "totals", v.totals);
  read(j, "waves", v.waves);
  read(j, "conditions", v.conditions);
  read(j, "signals", v.signals);
}

void to_json(json& j, const ReviewItem& v) {
  j = json{{"file", v.file}, {"message", v.message}};
  if (v.line > 0) j["line"] = v.line;
}
void from_json(const json& j, ReviewItem& v) {
  read(j, "file", v.file);
  read(j, "line", v.line);
  read(j, "message", v.message);
}
void to_json(json& j, const VerifyResult& v) { j = json{{"exitCode", v.exitCode}, {"seconds", v.seconds}}; }
void from_json(const json& j, VerifyResult& v) {
  read(j, "exitCode", v.exitCode);
  read(j, "seconds", v.seconds);
}
void to_json(json& j, const DiffRef& v) { j = json{{"configMap", v.configMap}, {"bytes", v.bytes}}; }
void from_json(const json& j, DiffRef& v) {
  read(j, "configMap", v.configMap);
  read(j, "bytes", v.bytes);
}
void to_json(json& j, const AgentResult& v) {
  j = json{
      {"outcome", to_string(v.outcome)},
      {"filesChanged", v.filesChanged},
      {"edits", v.edits},
      {"reviewCount", std::max<std::int64_t>(v.reviewCount, static_cast<std::int64_t>(v.review.size()))}};
  put(j, "commit", v.commit);
  put(j, "branch", v.branch);
  put(j, "pullRequest", v.pullRequest);
  put(j, "review", v.review);
  put(j, "verify", v.verify);
  put(j, "diff", v.diff);
  put(j, "message", v.message);
}
void from_json(const json& j, AgentResult& v) {
  read_enum(j, "outcome", v.outcome, parse_outcome);
  read(j, "commit", v.commit);
  read(j, "branch", v.branch);
  read(j, "pullRequest", v.pullRequest);
  read(j, "filesChanged", v.filesChanged);
  read(j, "edits", v.edits);
  read(j, "review", v.review);
  v.reviewCount = static_cast<std::int64_t>(v.review.size());  // status written before reviewCount existed
  read(j, "reviewCount", v.reviewCount);
  read(j, "verify", v.verify);
  read(j, "diff", v.diff);
  read(j, "message", v.message);
}
void to_json(json& j, const JobRef& v) {
  j = json{{"name", v.name}};
  put(j, "startedAt", v.startedAt);
  put(j, "completedAt", v.completedAt);
}
void from_json(const json& j, JobRef& v) {
  read(j, "name", v.name);
  read(j, "startedAt", v.startedAt);
  read(j, "completedAt", v.completedAt);
}
void to_json(json& j, const PreviousValue& v) {
  j = json{{"present", v.present}};
  if (v.present) j["value"] = v.value;
}
void from_json(const json& j, PreviousValue& v) {
  read(j, "present", v.present);
  read(j, "value", v.value);
}
void to_json(json& j, const CutoverStatus& v) {
  j = json{{"target", v.target}, {"previous", v.previous}};
  put(j, "appliedAt", v.appliedAt);
}
void from_json(const json& j, CutoverStatus& v) {
  read(j, "target", v.target);
  read(j, "previous", v.previous);
  read(j, "appliedAt", v.appliedAt);
}
void to_json(json& j, const Measurement& v) {
  j = json{{"check", v.check}, {"value", v.value}, {"outcome", to_string(v.outcome)}};
  put(j, "at", v.at);
  put(j, "message", v.message);
}
void from_json(const json& j, Measurement& v) {
  read(j, "check", v.check);
  read(j, "at", v.at);
  read(j, "value", v.value);
  read_enum(j, "outcome", v.outcome, parse_measurement_outcome);
  read(j, "message", v.message);
}
void to_json(json& j, const AnalysisStatus& v) {
  j = json{{"measurements", json::array()},
           {"successes", v.successes},
           {"failures", v.failures},
           {"inconclusive", v.inconclusive},
           {"rounds", v.rounds}};
  for (const auto& m : v.measurements) j["measurements"].push_back(m);
  put(j, "startedAt", v.startedAt);
}
void from_json(const json& j, AnalysisStatus& v) {
  read(j, "measurements", v.measurements);
  read(j, "successes", v.successes);
  read(j, "failures", v.failures);
  read(j, "inconclusive", v.inconclusive);
  read(j, "rounds", v.rounds);
  read(j, "startedAt", v.startedAt);
}
void to_json(json& j, const RollbackStatus& v) {
  j = json{{"reason", v.reason}, {"restored", v.restored}, {"attempts", v.attempts}};
  put(j, "startedAt", v.startedAt);
  put(j, "completedAt", v.completedAt);
  put(j, "job", v.job);
}
void from_json(const json& j, RollbackStatus& v) {
  read(j, "reason", v.reason);
  read(j, "startedAt", v.startedAt);
  read(j, "completedAt", v.completedAt);
  read(j, "job", v.job);
  read(j, "restored", v.restored);
  read(j, "attempts", v.attempts);
}
void to_json(json& j, const ConsumerSignals& v) {
  j = json::object();
  put(j, "retry", v.retry);
  put(j, "rollback", v.rollback);
  put(j, "skip", v.skip);
}
void from_json(const json& j, ConsumerSignals& v) {
  read(j, "retry", v.retry);
  read(j, "rollback", v.rollback);
  read(j, "skip", v.skip);
}
void to_json(json& j, const ConsumerMigrationStatus& v) {
  j = json{
      {"observedGeneration", v.observedGeneration}, {"phase", to_string(v.phase)}, {"attempts", v.attempts}};
  if (v.retryFrom > 0) j["retryFrom"] = v.retryFrom;
  put(j, "job", v.job);
  put(j, "result", v.result);
  put(j, "cutover", v.cutover);
  put(j, "analysis", v.analysis);
  put(j, "rollback", v.rollback);
  put(j, "conditions", v.conditions);
  const json s = v.signals;
  if (!s.empty()) j["signals"] = s;
  put(j, "nextAttemptAt", v.nextAttemptAt);
  put(j, "message", v.message);
}
void from_json(const json& j, ConsumerMigrationStatus& v) {
  read(j, "observedGeneration", v.observedGeneration);
  read_enum(j, "phase", v.phase, parse_consumer_phase);
  read(j, "attempts", v.attempts);
  read(j, "retryFrom", v.retryFrom);
  read(j, "job", v.job);
  read(j, "result", v.result);
  read(j, "cutover", v.cutover);
  read(j, "analysis", v.analysis);
  read(j, "rollback", v.rollback);
  read(j, "conditions", v.conditions);
  read(j, "signals", v.signals);
  read(j, "nextAttemptAt", v.nextAttemptAt);
  read(j, "message", v.message);
}
void to_json(json& j, const ConsumerMigrationSpec& v) {
  j = json{{"dataset", v.dataset},
           {"changes", v.changes},
           {"consumer", v.consumer},
           {"agent", v.agent},
           {"health", v.health}};
  if (!v.plan.empty()) j["planRef"] = {{"name", v.plan}};
}
void from_json(const json& j, ConsumerMigrationSpec& v) {
  if (j.contains("planRef") && j["planRef"].is_object()) v.plan = j["planRef"].value("name", "");
  read(j, "dataset", v.dataset);
  read(j, "changes", v.changes);
  read(j, "consumer", v.consumer);
  read(j, "agent", v.agent);
  read(j, "health", v.health);
}

void to_json(json& j, const MigrationPlan& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kPlanKind},
           {"metadata", v.metadata},
           {"spec", v.spec},
           {"status", v.status}};
}
void from_json(const json& j, MigrationPlan& v) {
  read(j, "metadata", v.metadata);
  read(j, "spec", v.spec);
  read(j, "status", v.status);
}
void to_json(json& j, const ConsumerMigration& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kConsumerMigrationKind},
           {"metadata", v.metadata},
           {"spec", v.spec},
           {"status", v.status}};
}
void from_json(const json& j, ConsumerMigration& v) {
  read(j, "metadata", v.metadata);
  read(j, "spec", v.spec);
  read(j, "status", v.status);
}

// ---------------------------------------------------------------------------------------------
AgentSpec effective_agent(const AgentSpec& plan_agent, const ConsumerSpec& consumer) {
  if (!consumer.agent || consumer.agent->empty()) return plan_agent;
  json merged = plan_agent;
  merged.merge_patch(*consumer.agent);
  return merged.get<AgentSpec>();
}

HealthSpec effective_health(const HealthSpec& plan_health, const ConsumerSpec& consumer) {
  if (!consumer.health || consumer.health->empty()) return plan_health;
  json merged = plan_health;
  merged.merge_patch(*consumer.health);
  return merged.get<HealthSpec>();
}

namespace {
template <typename T>
Parsed<T> parse_object(const json& j, const char* kind) {
  Parsed<T> out;
  try {
    if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
    out.value = j.get<T>();
  } catch (const std::exception& e) {
    std::string name;
    if (j.is_object() && j.contains("metadata") && j["metadata"].is_object() &&
        j["metadata"].contains("name") && j["metadata"]["name"].is_string())
      name = j["metadata"]["name"].get<std::string>();
    out.error = std::string(kind) + (name.empty() ? "" : " " + name) + ": " + e.what();
  }
  return out;
}
}  // namespace

Parsed<MigrationPlan> parse_plan(const json& j) { return parse_object<MigrationPlan>(j, kPlanKind); }
Parsed<ConsumerMigration> parse_consumer_migration(const json& j) {
  return parse_object<ConsumerMigration>(j, kConsumerMigrationKind);
}

}  // namespace shepherd::controllers::api
