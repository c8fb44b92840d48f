// C++ model of the shepherd.dev/v1alpha1 API (docs/api.md): MigrationPlan and ConsumerMigration, spec
// and status, with nlohmann::json conversions (from_json/to_json, found by ADL). from_json
// tolerates missing optional fields and applies the same defaults as the CRDs in crds/, so an object
// read from the API server and one built in a test look the same. from_json throws
// nlohmann::json::exception or std::invalid_argument on malformed input; the shell should use
// parse_plan()/parse_consumer_migration(), which turn that into an error value.
//
// Conventions: optional sub-objects are std::optional; optional timestamps are
// std::optional<Timestamp>; empty strings and empty lists are omitted by to_json. Enums are written
// with their CRD spelling (to_string/parse_* below).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controllers/api/time.h"

namespace shepherd::controllers::api {

inline constexpr const char* kGroup = "shepherd.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "shepherd.dev/v1alpha1";
inline constexpr const char* kPlanKind = "MigrationPlan";
inline constexpr const char* kConsumerMigrationKind = "ConsumerMigration";

// Labels and annotations (imperative signals, docs/api.md "Annotation signals").
inline constexpr const char* kLabelPlan = "shepherd.dev/plan";
inline constexpr const char* kLabelConsumer = "shepherd.dev/consumer";
inline constexpr const char* kLabelWave = "shepherd.dev/wave";
inline constexpr const char* kLabelAttempt = "shepherd.dev/attempt";
inline constexpr const char* kLabelMigration = "shepherd.dev/consumer-migration";
inline constexpr const char* kLabelManagedBy = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "shepherd-operator";
inline constexpr const char* kAnnotationApprove = "shepherd.dev/approve";
inline constexpr const char* kAnnotationRetry = "shepherd.dev/retry";
inline constexpr const char* kAnnotationRollback = "shepherd.dev/rollback";
inline constexpr const char* kAnnotationSkip = "shepherd.dev/skip";

using StringMap = std::map<std::string, std::string>;

// ---------------------------------------------------------------------------------------------
// Enums
enum class AgentMode { DryRun, Push, PullRequest };
enum class Approval { Automatic, Manual };
enum class OnFailure { Pause, Rollback };
enum class PlanPhase { Pending, Progressing, Blocked, Paused, Succeeded, RollingBack, RolledBack };
enum class ConsumerPhase {
  Pending,
  Generating,
  CuttingOver,
  Analyzing,
  Succeeded,
  NoChanges,
  NeedsReview,
  Failed,
  RollingBack,
  RolledBack,
  Skipped
};
enum class Outcome { Changed, NoChanges, NeedsReview, Failed };
enum class MeasurementOutcome { Successful, Failed, Inconclusive };
enum class ChangeKind { Rename, Retype, Drop, Add };
enum class ForgeProvider { GitHub, GitLab, Gitea };

std::string to_string(AgentMode v);
std::string to_string(Approval v);
std::string to_string(OnFailure v);
std::string to_string(PlanPhase v);
std::string to_string(ConsumerPhase v);
std::string to_string(Outcome v);
std::string to_string(MeasurementOutcome v);
std::string to_string(ChangeKind v);
std::string to_string(ForgeProvider v);
std::optional<AgentMode> parse_agent_mode(const std::string& s);
std::optional<ForgeProvider> parse_forge_provider(const std::string& s);
std::optional<Approval> parse_approval(const std::string& s);
std::optional<OnFailure> parse_on_failure(const std::string& s);
std::optional<PlanPhase> parse_plan_phase(const std::string& s);
std::optional<ConsumerPhase> parse_consumer_phase(const std::string& s);
std::optional<Outcome> parse_outcome(const std::string& s);
std::optional<MeasurementOutcome> parse_measurement_outcome(const std::string& s);

// Terminal consumer phases: nothing more happens without a person (or a plan signal).
bool is_terminal(ConsumerPhase p);
// Phases that count against spec.rollout.maxParallel (docs/api.md): every phase that is not
// terminal, Pending included. maxParallel bounds the agent Jobs and cut-overs in flight: a created
// ConsumerMigration starts its Job at once, one waiting for its next attempt starts another, and
// one waiting for a person after an inconclusive analysis still holds its cut-over.
bool counts_against_max_parallel(ConsumerPhase p);
// Phases after which dependents may start.
bool satisfies_dependency(ConsumerPhase p);

// ---------------------------------------------------------------------------------------------
// Object metadata (the subset the controllers use)
struct OwnerReference {
  std::string apiVersion;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool blockOwnerDeletion = false;
};

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // "namespace" on the wire
  std::string uid;
  std::string resourceVersion;
  std::int64_t generation = 0;
  StringMap labels;
  StringMap annotations;
  std::optional<Timestamp> creationTimestamp;
  std::optional<Timestamp> deletionTimestamp;
  std::vector<OwnerReference> ownerReferences;
};

// ---------------------------------------------------------------------------------------------
// Spec types shared by both kinds
struct DatasetVersion {
  std::string version;   // required
  std::string location;  // optional
};

struct Dataset {
  std::string name;  // required
  DatasetVersion from;
  DatasetVersion to;
};

// One item of spec.changes; exactly one key on the wire: rename | retype | drop | add.
struct Change {
  ChangeKind kind = ChangeKind::Rename;
  std::string field;
  std::string to;          // rename: new name; retype: new type
  std::string from;        // retype: old type
  std::string expression;  // retype: optional, may contain {field}
  std::string type;        // add: type of the new field
};

struct Repository {
  std::string url;
  std::string revision;  // optional (agent uses the default branch when empty)
  std::string path;      // optional
};

struct VerifySpec {
  std::vector<std::string> command;  // argv, never a shell string
  std::optional<std::int64_t> timeoutSeconds;
};

struct CutoverTarget {
  std::string apiVersion;
  std::string kind;
  std::string namespace_;
  std::string name;
  bool operator==(const CutoverTarget&) const = default;
};
struct CutoverEnv {
  std::string container;
  std::string name;
  std::string value;
};
struct CutoverConfigMap {
  std::string namespace_;
  std::string name;
  std::string key;
  std::string value;
};
struct CutoverSpec {
  CutoverTarget target;
  std::optional<CutoverEnv> env;  // exactly one of env / configMap (CEL)
  std::optional<CutoverConfigMap> configMap;
};

struct PrometheusCheck {
  std::string address;
  std::string query;
};
struct Threshold {
  std::optional<double> min;
  std::optional<double> max;
};
struct CheckSpec {
  std::string name;
  std::optional<PrometheusCheck> prometheus;
  bool workload = false;  // `workload: {}` present
  Threshold threshold;
};
struct HealthSpec {
  Duration interval = std::chrono::seconds{30};
  std::int64_t count = 10;
  std::int64_t failureLimit = 0;
  std::int64_t inconclusiveLimit = 0;
  std::vector<CheckSpec> checks;
};

struct GitCredentials {
  std::string secretName;  // empty: no credentials (public repositories, DryRun)
};
struct CodingAgentSpec {
  std::vector<std::string> command;  // empty: no external coding agent
  std::int64_t maxIterations = 3;
};
struct AuthorSpec {
  std::string name;
  std::string email;
};
// Where PullRequest mode opens its pull requests (docs/api.md, spec.agent.pullRequest).
struct PullRequestSpec {
  ForgeProvider provider = ForgeProvider::GitHub;
  std::string apiUrl;      // the forge's REST API root, e.g. https://api.github.com
  std::string repository;  // owner/name (GitLab: project path); empty: from the repository URL
  std::string base;        // target branch; empty: the consumer's repository.revision
};
struct PodSpecOverrides {
  StringMap labels;
  StringMap annotations;
  StringMap nodeSelector;
  nlohmann::json tolerations = nlohmann::json::array();  // passed through verbatim
  std::string serviceAccountName = "shepherd-agent";
};
struct AgentSpec {
  std::string image;  // empty: the operator's --agent-image
  AgentMode mode = AgentMode::DryRun;
  std::string branch = "shepherd/{plan}";
  std::int64_t timeoutSeconds = 1800;
  std::int64_t retries = 2;
  GitCredentials gitCredentials;
  CodingAgentSpec codingAgent;
  std::optional<AuthorSpec> author;                     // commit author; agent default when absent
  std::optional<PullRequestSpec> pullRequest;           // required in PullRequest mode
  nlohmann::json resources = nlohmann::json::object();  // corev1.ResourceRequirements verbatim
  PodSpecOverrides pod;
};

// A consumer entry of a plan. `agent` and `health` are partial overrides, kept as the raw JSON the
// user wrote (the CRD applies no defaults inside them); effective_agent()/effective_health() merge
// them over the plan's settings with JSON merge patch (RFC 7386: objects merge, lists replace).
struct ConsumerSpec {
  std::string name;
  Repository repository;
  std::string owner;
  std::vector<std::string> dependsOn;
  VerifySpec verify;
  std::optional<CutoverSpec> cutover;
  std::optional<nlohmann::json> health;  // override of spec.health
  std::optional<nlohmann::json> agent;   // override of spec.agent
};

// maxFailures: int or "N%".
struct IntOrPercent {
  std::int64_t value = 0;
  bool percent = false;
  bool operator==(const IntOrPercent&) const = default;
};
// Parses "5", 5, "10%". std::nullopt on anything else.
std::optional<IntOrPercent> parse_int_or_percent(const nlohmann::json& j);

struct RolloutSpec {
  std::vector<std::int64_t> waves{100};  // cumulative percent, strictly increasing, last 100
  std::int64_t maxParallel = 10;
  IntOrPercent maxFailures;  // default 0
  Approval approval = Approval::Automatic;
  Duration bakeTime{0};
  OnFailure onFailure = OnFailure::Pause;
};

struct MigrationPlanSpec {
  Dataset dataset;
  std::vector<Change> changes;
  std::vector<ConsumerSpec> consumers;
  AgentSpec agent;
  RolloutSpec rollout;
  HealthSpec health;
  bool paused = false;
};

// ---------------------------------------------------------------------------------------------
// Status types
// metav1.Condition. status is "True" | "False" | "Unknown".
struct Condition {
  std::string type;
  std::string status;
  std::int64_t observedGeneration = 0;
  std::optional<Timestamp> lastTransitionTime;
  std::string reason;
  std::string message;
};

struct PlanTotals {
  std::int64_t consumers = 0;
  std::int64_t pending = 0;
  std::int64_t running = 0;
  std::int64_t succeeded = 0;
  std::int64_t noChanges = 0;
  std::int64_t needsReview = 0;
  std::int64_t failed = 0;
  std::int64_t rolledBack = 0;
  std::int64_t skipped = 0;
  bool operator==(const PlanTotals&) const = default;
};

struct WaveStatus {
  std::int64_t index = 0;
  std::int64_t size = 0;
  std::int64_t succeeded = 0;  // Succeeded + NoChanges
  std::int64_t failed = 0;     // Failed + RolledBack
  std::optional<Timestamp> startedAt;
  std::optional<Timestamp> completedAt;
  std::optional<Timestamp> approvedAt;
  bool operator==(const WaveStatus&) const = default;
};

// Last handled value of each imperative signal annotation.
struct PlanSignals {
  std::string approve;
  std::string retry;
  std::string rollback;
  bool operator==(const PlanSignals&) const = default;
};

struct PlanStatus {
  std::int64_t observedGeneration = 0;
  PlanPhase phase = PlanPhase::Pending;
  std::int64_t currentWave = 0;
  std::string progress;  // "<terminal>/<total>", e.g. "37/120"
  PlanTotals totals;
  std::vector<WaveStatus> waves;
  std::vector<Condition> conditions;
  PlanSignals signals;
};

struct ReviewItem {
  std::string file;
  std::int64_t line = 0;
  std::string message;
};
struct VerifyResult {
  std::int64_t exitCode = 0;
  double seconds = 0;
};
struct DiffRef {
  std::string configMap;
  std::int64_t bytes = 0;
};
// The CRD's bound on status.result.review; reviewCount carries the full number.
inline constexpr std::size_t kMaxStatusReviewItems = 100;
// The agent's result (docs/agent.md), as recorded in ConsumerMigration status.result.
struct AgentResult {
  Outcome outcome = Outcome::Failed;
  std::string commit;
  std::string branch;
  std::string pullRequest;
  std::int64_t filesChanged = 0;
  std::int64_t edits = 0;
  std::int64_t reviewCount = 0;  // every place that needs review; `review` holds the first ones
  std::vector<ReviewItem> review;
  std::optional<VerifyResult> verify;
  std::optional<DiffRef> diff;
  std::string message;
};

struct JobRef {
  std::string name;
  std::optional<Timestamp> startedAt;
  std::optional<Timestamp> completedAt;
};

struct PreviousValue {
  bool present = false;
  std::string value;
};
struct CutoverStatus {
  CutoverTarget target;
  PreviousValue previous;
  std::optional<Timestamp> appliedAt;
};

struct Measurement {
  std::string check;
  std::optional<Timestamp> at;
  std::string value;  // as text: "0.002", "NaN", "" (no data)
  MeasurementOutcome outcome = MeasurementOutcome::Inconclusive;
  std::string message;
};
// Only the last kMaxMeasurements measurements are kept (the counters cover all of them).
inline constexpr std::size_t kMaxMeasurements = 20;
struct AnalysisStatus {
  std::vector<Measurement> measurements;
  std::int64_t successes = 0;
  std::int64_t failures = 0;
  std::int64_t inconclusive = 0;
  std::int64_t rounds = 0;  // measurement rounds taken (one measurement per check per round)
  std::optional<Timestamp> startedAt;
};

struct RollbackStatus {
  std::string reason;  // HealthCheckFailed | Requested | PlanRollback | ...
  std::optional<Timestamp> startedAt;
  std::optional<Timestamp> completedAt;
  std::string job;            // the current rollback Job
  std::int64_t attempts = 0;  // rollback Jobs run for this rollback
  bool restored = false;      // cut-over previous value restored
};

struct ConsumerSignals {
  std::string retry;
  std::string rollback;
  std::string skip;
};

struct ConsumerMigrationStatus {
  std::int64_t observedGeneration = 0;
  ConsumerPhase phase = ConsumerPhase::Pending;
  std::int64_t attempts = 0;  // agent Jobs started (migrate action); never decreases
  // First attempt of the current series: a retry signal starts a new series of 1 + retries
  // attempts. 0 means 1.
  std::int64_t retryFrom = 0;
  std::optional<JobRef> job;
  std::optional<AgentResult> result;
  std::optional<CutoverStatus> cutover;
  std::optional<AnalysisStatus> analysis;
  std::optional<RollbackStatus> rollback;
  std::vector<Condition> conditions;
  ConsumerSignals signals;
  std::optional<Timestamp> nextAttemptAt;
  std::string message;  // human summary of the last transition
};

// The frozen task (docs/api.md): everything the consumer controller needs, copied from the plan when
// the ConsumerMigration was created. `plan` is empty for a hand-made ConsumerMigration.
struct ConsumerMigrationSpec {
  std::string plan;
  Dataset dataset;
  std::vector<Change> changes;
  ConsumerSpec consumer;  // its agent/health overrides are already merged into agent/health
  AgentSpec agent;        // effective
  HealthSpec health;      // effective
};

struct MigrationPlan {
  ObjectMeta metadata;
  MigrationPlanSpec spec;
  PlanStatus status;
};

struct ConsumerMigration {
  ObjectMeta metadata;
  ConsumerMigrationSpec spec;
  ConsumerMigrationStatus status;
};

// ---------------------------------------------------------------------------------------------
// Effective settings of a consumer: plan settings with the consumer's override merged over them.
// Throws like from_json when the override does not parse; validate_plan() reports that first.
AgentSpec effective_agent(const AgentSpec& plan_agent, const ConsumerSpec& consumer);
HealthSpec effective_health(const HealthSpec& plan_health, const ConsumerSpec& consumer);

// Error-value wrappers around from_json for the shell.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set when value is empty
};
Parsed<MigrationPlan> parse_plan(const nlohmann::json& j);
Parsed<ConsumerMigration> parse_consumer_migration(const nlohmann::json& j);

// ---------------------------------------------------------------------------------------------
// JSON (ADL). to_json of MigrationPlan/ConsumerMigration writes apiVersion and kind too.
#define SHEPHERD_API_JSON(T)                   \
  void to_json(nlohmann::json& j, const T& v); \
  void from_json(const nlohmann::json& j, T& v)
SHEPHERD_API_JSON(OwnerReference);
SHEPHERD_API_JSON(ObjectMeta);
SHEPHERD_API_JSON(DatasetVersion);
SHEPHERD_API_JSON(Dataset);
SHEPHERD_API_JSON(Change);
SHEPHERD_API_JSON(Repository);
SHEPHERD_API_JSON(VerifySpec);
SHEPHERD_API_JSON(CutoverTarget);
SHEPHERD_API_JSON(CutoverEnv);
SHEPHERD_API_JSON(CutoverConfigMap);
SHEPHERD_API_JSON(CutoverSpec);
SHEPHERD_API_JSON(PrometheusCheck);
SHEPHERD_API_JSON(Threshold);
SHEPHERD_API_JSON(CheckSpec);
SHEPHERD_API_JSON(PullRequestSpec);
SHEPHERD_API_JSON(HealthSpec);
SHEPHERD_API_JSON(GitCredentials);
SHEPHERD_API_JSON(CodingAgentSpec);
SHEPHERD_API_JSON(AuthorSpec);
SHEPHERD_API_JSON(PodSpecOverrides);
SHEPHERD_API_JSON(AgentSpec);
SHEPHERD_API_JSON(ConsumerSpec);
SHEPHERD_API_JSON(IntOrPercent);
SHEPHERD_API_JSON(RolloutSpec);
SHEPHERD_API_JSON(MigrationPlanSpec);
SHEPHERD_API_JSON(Condition);
SHEPHERD_API_JSON(PlanTotals);
SHEPHERD_API_JSON(WaveStatus);
SHEPHERD_API_JSON(PlanSignals);
SHEPHERD_API_JSON(PlanStatus);
SHEPHERD_API_JSON(ReviewItem);
SHEPHERD_API_JSON(VerifyResult);
SHEPHERD_API_JSON(DiffRef);
SHEPHERD_API_JSON(AgentResult);
SHEPHERD_API_JSON(JobRef);
SHEPHERD_API_JSON(PreviousValue);
SHEPHERD_API_JSON(CutoverStatus);
SHEPHERD_API_JSON(Measurement);
SHEPHERD_API_JSON(AnalysisStatus);
SHEPHERD_API_JSON(RollbackStatus);
SHEPHERD_API_JSON(ConsumerSignals);
SHEPHERD_API_JSON(ConsumerMigrationStatus);
SHEPHERD_API_JSON(ConsumerMigrationSpec);
SHEPHERD_API_JSON(MigrationPlan);
SHEPHERD_API_JSON(ConsumerMigration);
#undef SHEPHERD_API_JSON

}  // namespace shepherd::controllers::api
