// The consumer state machine, table by table: attempts, retries with backoff, results, signals,
// cut-over, analysis and rollback.
#include "controllers/consumer/decide.h"

#include <gtest/gtest.h>

#include <functional>

#include "controllers/api/conditions.h"

namespace shepherd::controllers::consumer {
namespace {

using api::ConsumerPhase;
using std::chrono::minutes;
using std::chrono::seconds;

const api::Timestamp T0{seconds{1'700'000'000}};
const char* kOk =
    R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Changed","commit":"c1","branch":"b"})";

api::ConsumerMigration make_cmig() {
  api::ConsumerMigration m;
  m.metadata.name = "p-c";
  m.metadata.namespace_ = "ns";
  m.metadata.uid = "u";
  m.metadata.generation = 1;
  m.spec.plan = "p";
  m.spec.dataset.name = "events";
  m.spec.changes.push_back(api::Change{api::ChangeKind::Rename, "a", "b", "", "", ""});
  m.spec.consumer.name = "c";
  m.spec.consumer.repository.url = "https://git/c";
  m.spec.agent.mode = api::AgentMode::Push;
  return m;
}

std::string result(const char* outcome, const std::string& extra = "") {
  return std::string(R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":")") + outcome + "\"" + extra +
         "}";
}

JobObservation finished(const std::string& name, bool ok, std::optional<std::string> message) {
  JobObservation j;
  j.name = name;
  j.succeeded = ok;
  j.failed = !ok;
  j.completion_time = T0;
  j.termination_message = std::move(message);
  return j;
}

ConsumerObserved observe(const api::ConsumerMigration& m, std::vector<JobObservation> jobs = {},
                         api::Timestamp now = T0) {
  ConsumerObserved o;
  o.cmig = m;
  o.jobs = std::move(jobs);
  o.default_agent_image = "agent:1";
  o.now = now;
  // As the shell answers ObserveJobPods: a finished Job without a cached message has none on the
  // API server either (FinishedJobWithoutCachedResultAsksForItsPods tests the request itself).
  for (const auto& j : o.jobs)
    if ((j.succeeded || j.failed) && !j.termination_message) o.job_pods[j.name] = std::nullopt;
  return o;
}

// Applies a decision's status to the object, as the shell would.
void apply(api::ConsumerMigration& m, const ConsumerDecision& d) { m.status = d.status; }

std::vector<std::string> jobs_created(const ConsumerDecision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions)
    if (const auto* c = std::get_if<CreateJob>(&a))
      out.push_back(c->job["metadata"]["name"].get<std::string>());
  return out;
}

std::string ready_reason(const ConsumerDecision& d) {
  const auto* c = api::find_condition(d.status.conditions, api::kConditionReady);
  return c ? c->reason : "";
}

bool stalled(const ConsumerDecision& d) {
  return api::is_condition_true(d.status.conditions, api::kConditionStalled);
}

// A cmig in Generating, attempt n, as the machine leaves it.
api::ConsumerMigration generating(std::int64_t attempt = 1) {
  auto m = make_cmig();
  m.status.phase = ConsumerPhase::Generating;
  m.status.attempts = attempt;
  m.status.job = api::JobRef{job_name("p-c", attempt), T0, std::nullopt};
  return m;
}

TEST(DecideConsumer, PendingCreatesTheFirstJob) {
  const auto d = decide_consumer(observe(make_cmig()));
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-1"}));
  EXPECT_EQ(d.status.phase, ConsumerPhase::Generating);
  EXPECT_EQ(d.status.attempts, 1);
  EXPECT_EQ(d.status.job->name, "p-c-1");
  EXPECT_EQ(d.status.job->startedAt, T0);
  EXPECT_EQ(ready_reason(d), "Generating");
  EXPECT_TRUE(api::is_condition_true(d.status.conditions, api::kConditionReconciling));
  EXPECT_TRUE(d.status_changed);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "Generating");
}

TEST(DecideConsumer, ExistingJobOfTheAttemptIsAdoptedNotRerun) {
  auto m = make_cmig();
  JobObservation j;
  j.name = "p-c-1";
  j.active = true;
  const auto d = decide_consumer(observe(m, {j}));
  EXPECT_TRUE(jobs_created(d).empty());
  EXPECT_EQ(d.status.attempts, 1);
}

TEST(DecideConsumer, RunningJobChangesNothing) {
  auto m = generating();
  auto d0 = decide_consumer(observe(m, {}));  // settle conditions
  apply(m, d0);
  JobObservation j;
  j.name = "p-c-1";
  j.active = true;
  const auto d = decide_consumer(observe(m, {j}, T0 + minutes{3}));
  EXPECT_TRUE(d.actions.empty());
  EXPECT_FALSE(d.status_changed);
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideConsumer, MissingJobIsCreatedAgainUnderTheSameName) {
  const auto d = decide_consumer(observe(generating(2), {}));
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-2"}));
  EXPECT_EQ(d.status.attempts, 2);
}

TEST(DecideConsumer, ResultsTable) {
  struct Row {
    const char* name;
    api::AgentMode mode;
    bool with_checks;
    JobObservation job;
    ConsumerPhase phase;
    const char* reason;
    bool is_stalled;
  };
  const Row rows[] = {
      {"changed, no cutover, no checks", api::AgentMode::Push, false, finished("p-c-1", true, kOk),
       ConsumerPhase::Succeeded, "Succeeded", false},
      {"changed, checks, published", api::AgentMode::Push, true, finished("p-c-1", true, kOk),
       ConsumerPhase::Analyzing, "Analyzing", false},
      {"changed, checks, DryRun", api::AgentMode::DryRun, true, finished("p-c-1", true, kOk),
       ConsumerPhase::Succeeded, "Succeeded", false},
      {"no changes", api::AgentMode::Push, false, finished("p-c-1", true, result("NoChanges")),
       ConsumerPhase::NoChanges, "NoChanges", false},
      {"needs review", api::AgentMode::Push, false,
       finished("p-c-1", true,
                result("NeedsReview", R"(,"review":[{"file":"f","line":1,"message":"dropped"}])")),
       ConsumerPhase::NeedsReview, "NeedsReview", true},
      {"agent failed", api::AgentMode::Push, false,
       finished("p-c-1", true, result("Failed", R"(,"message":"verify failed")")), ConsumerPhase::Pending,
       "AttemptFailed", false},
      {"malformed result", api::AgentMode::Push, false, finished("p-c-1", true, std::string("{oops")),
       ConsumerPhase::Pending, "AttemptFailed", false},
      {"no result", api::AgentMode::Push, false, finished("p-c-1", true, std::nullopt),
       ConsumerPhase::Pending, "AttemptFailed", false},
      {"job failed", api::AgentMode::Push, false, finished("p-c-1", false, std::string("panic: x")),
       ConsumerPhase::Pending, "AttemptFailed", false},
  };
  for (const auto& r : rows) {
    auto m = generating();
    m.spec.agent.mode = r.mode;
    if (r.with_checks) m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
    const auto d = decide_consumer(observe(m, {r.job}));
    EXPECT_EQ(d.status.phase, r.phase) << r.name << ": " << d.status.message;
    EXPECT_EQ(ready_reason(d), r.reason) << r.name;
    EXPECT_EQ(stalled(d), r.is_stalled) << r.name;
    EXPECT_EQ(d.status.job->completedAt, T0) << r.name;
    EXPECT_FALSE(d.events.empty()) << r.name;
  }
}

TEST(DecideConsumer, FailureMessagesNameTheCause) {
  auto job = finished("p-c-1", false, std::string("fatal: repository not found"));
  job.failure_reason = "DeadlineExceeded";
  job.failure_message = "Job was active longer than specified deadline";
  auto d = decide_consumer(observe(generating(), {job}));
  EXPECT_NE(d.status.message.find("DeadlineExceeded"), std::string::npos) << d.status.message;
  EXPECT_NE(d.status.message.find("repository not found"), std::string::npos) << d.status.message;
  d = decide_consumer(observe(generating(), {finished("p-c-1", true, std::string("{oops"))}));
  EXPECT_NE(d.status.message.find("result is unusable: agent result is not a JSON object"), std::string::npos)
      << d.status.message;
}

TEST(DecideConsumer, RetriesWithExponentialBackoffThenFails) {
  EXPECT_EQ(retry_backoff(1), seconds{10});
  EXPECT_EQ(retry_backoff(2), seconds{20});
  EXPECT_EQ(retry_backoff(3), seconds{40});
  EXPECT_EQ(retry_backoff(6), seconds{300});
  EXPECT_EQ(retry_backoff(60), seconds{300});

  auto m = make_cmig();
  m.spec.agent.retries = 2;
  api::Timestamp now = T0;
  std::vector<std::string> names;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto d = decide_consumer(observe(m, {}, now));
    ASSERT_EQ(jobs_created(d).size(), 1u) << attempt;
    names.push_back(jobs_created(d)[0]);
    apply(m, d);
    d = decide_consumer(observe(m, {finished(names.back(), false, std::nullopt)}, now));
    apply(m, d);
    if (attempt < 3) {
      EXPECT_EQ(m.status.phase, ConsumerPhase::Pending);
      const auto delay = retry_backoff(attempt);
      EXPECT_EQ(m.status.nextAttemptAt, now + std::chrono::duration_cast<seconds>(delay));
      ASSERT_TRUE(d.requeue_after);
      EXPECT_EQ(*d.requeue_after, delay);
      EXPECT_EQ(d.events.back().type, api::EventType::Warning);
      // Before the backoff ends nothing starts.
      const auto early = decide_consumer(observe(m, {}, now + seconds{1}));
      EXPECT_TRUE(early.actions.empty());
      now = *m.status.nextAttemptAt;
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"p-c-1", "p-c-2", "p-c-3"}));
  EXPECT_EQ(m.status.phase, ConsumerPhase::Failed);
  EXPECT_EQ(m.status.attempts, 3);
  EXPECT_TRUE(api::is_condition_true(m.status.conditions, api::kConditionStalled));
  EXPECT_NE(m.status.message.find("no retries left"), std::string::npos);
  EXPECT_TRUE(decide_consumer(observe(m, {}, now + minutes{30})).actions.empty());  // terminal

  // Retry signal: a new series; attempt numbers continue, names stay unique.
  m.metadata.annotations[api::kAnnotationRetry] = "t1";
  auto d = decide_consumer(observe(m, {}, now));
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-4"}));
  EXPECT_EQ(d.status.signals.retry, "t1");
  EXPECT_EQ(d.status.retryFrom, 4);
  apply(m, d);
  d = decide_consumer(observe(m, {finished("p-c-4", false, std::nullopt)}, now));
  EXPECT_EQ(d.status.phase, ConsumerPhase::Pending);  // 2 more automatic retries in this series
  apply(m, d);
  // The same token again does nothing.
  m.status.phase = ConsumerPhase::Failed;
  EXPECT_TRUE(decide_consumer(observe(m, {}, now)).actions.empty());
}

TEST(DecideConsumer, SkipSignal) {
  struct Row {
    ConsumerPhase phase;
    bool skips;
  };
  const Row rows[] = {{ConsumerPhase::Pending, true},      {ConsumerPhase::Generating, true},
                      {ConsumerPhase::Failed, true},       {ConsumerPhase::NeedsReview, true},
                      {ConsumerPhase::Analyzing, true},    {ConsumerPhase::Succeeded, false},
                      {ConsumerPhase::RollingBack, false}, {ConsumerPhase::RolledBack, false}};
  for (const auto& r : rows) {
    auto m = generating();
    m.status.phase = r.phase;
    m.metadata.annotations[api::kAnnotationSkip] = "s1";
    JobObservation active;
    active.name = "p-c-1";
    active.active = true;
    const auto d = decide_consumer(observe(m, {active}));
    EXPECT_EQ(d.status.signals.skip, "s1");
    EXPECT_EQ(d.status.phase == ConsumerPhase::Skipped, r.skips) << api::to_string(r.phase);
    if (r.skips) {
      EXPECT_EQ(ready_reason(d), "Skipped");
      bool deleted = false;
      for (const auto& a : d.actions) deleted |= std::holds_alternative<DeleteJob>(a);
      EXPECT_TRUE(deleted) << api::to_string(r.phase);
    }
  }
}

api::ConsumerMigration with_cutover(api::ConsumerMigration m) {
  m.spec.consumer.cutover = api::CutoverSpec{{"apps/v1", "Deployment", "ns", "api"},
                                             api::CutoverEnv{"api", "TABLE", "events_{dataset}_v4"},
                                             std::nullopt};
  return m;
}

// The Deployment ns/api as the API server returns it, with container "api" and, when given, TABLE.
nlohmann::json deployment(std::optional<std::string> value, const std::string& container = "api") {
  nlohmann::json c = {{"name", container}, {"image", "img"}};
  if (value) c["env"] = nlohmann::json::array({{{"name", "TABLE"}, {"value", *value}}});
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "api"}, {"namespace", "ns"}, {"resourceVersion", "7"}}},
          {"spec",
           {{"selector", {{"matchLabels", {{"app", "api"}}}}},
            {"template", {{"spec", {{"containers", nlohmann::json::array({c})}}}}}}}};
}

ObjectRead found(nlohmann::json object) {
  return ObjectRead{ObjectRead::Status::Found, std::move(object), ""};
}
ObjectRead not_found() { return ObjectRead{ObjectRead::Status::NotFound, nullptr, ""}; }
ObjectRead read_failed(const std::string& error) {
  return ObjectRead{ObjectRead::Status::Failed, nullptr, error};
}

// The target with TABLE set to `value`, or without TABLE.
ObjectRead target(bool present, const std::string& value) {
  return found(deployment(present ? std::optional<std::string>(value) : std::nullopt));
}

// The value a PatchTarget's apply body sets for TABLE.
std::string applied_value(const PatchTarget& p) {
  return p.patch.body["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"].get<std::string>();
}

TEST(DecideConsumer, CutoverRecordsPreviousThenAppliesThenAnalyses) {
  auto m = with_cutover(generating());
  m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
  auto o = observe(m, {finished("p-c-1", true, kOk)});
  o.target = target(true, "events_v3");
  auto d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::CuttingOver);
  ASSERT_TRUE(d.status.cutover);
  EXPECT_TRUE(d.status.cutover->previous.present);
  EXPECT_EQ(d.status.cutover->previous.value, "events_v3");
  EXPECT_EQ(d.status.cutover->target.name, "api");
  ASSERT_EQ(d.actions.size(), 1u);
  const auto* apply_action = std::get_if<PatchTarget>(&d.actions[0]);
  ASSERT_NE(apply_action, nullptr);
  EXPECT_EQ(apply_action->patch.type, cutover::PatchType::Apply);
  EXPECT_EQ(apply_action->object.kind, "Deployment");
  EXPECT_EQ(applied_value(*apply_action), "events_events_v4");
  apply(m, d);
  // Not applied yet (cache lag): apply again, previous untouched.
  o = observe(m, {finished("p-c-1", true, kOk)});
  o.target = target(true, "events_v3");
  d = decide_consumer(o);
  EXPECT_EQ(d.status.cutover->previous.value, "events_v3");
  EXPECT_EQ(applied_value(std::get<PatchTarget>(d.actions.at(0))), "events_events_v4");
  // Applied: Analyzing.
  o.target = target(true, "events_events_v4");
  d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::Analyzing);
  EXPECT_EQ(d.status.cutover->appliedAt, T0);
  EXPECT_EQ(d.status.analysis->startedAt, T0);
}

health::NamedResult check_result(const std::string& check, api::MeasurementOutcome outcome) {
  return {check, health::CheckResult{outcome, "1", "Reason", "detail"}};
}

// An Analyzing migration (DryRun, no cut-over: a failed analysis rolls back at once) with one
// workload check, count 3, interval 30 s, started at T0, `rounds` successful rounds so far.
api::ConsumerMigration analyzing(std::int64_t rounds) {
  auto m = make_cmig();
  m.spec.agent.mode = api::AgentMode::DryRun;
  m.spec.health.count = 3;
  m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
  m.status.phase = ConsumerPhase::Analyzing;
  m.status.attempts = 1;
  m.status.analysis = api::AnalysisStatus{};
  m.status.analysis->startedAt = T0;
  m.status.analysis->rounds = rounds;
  m.status.analysis->successes = rounds;
  return m;
}

TEST(DecideConsumer, AnalysisVerdicts) {
  struct Row {
    const char* name;
    std::vector<api::MeasurementOutcome> round;
    std::int64_t rounds_before;
    ConsumerPhase phase;
    const char* reason;
  };
  using MO = api::MeasurementOutcome;
  const Row rows[] = {
      {"first successful round", {MO::Successful}, 0, ConsumerPhase::Analyzing, "Analyzing"},
      {"count reached", {MO::Successful}, 2, ConsumerPhase::Succeeded, "Succeeded"},
      {"failed round, nothing to restore", {MO::Failed}, 0, ConsumerPhase::RolledBack, "RolledBack"},
      {"inconclusive round", {MO::Inconclusive}, 0, ConsumerPhase::Analyzing, "AnalysisInconclusive"},
      {"one of two checks failed", {MO::Successful, MO::Failed}, 1, ConsumerPhase::RolledBack, "RolledBack"},
  };
  for (const auto& r : rows) {
    auto m = analyzing(r.rounds_before);
    auto o = observe(m, {}, T0 + seconds{30 * (r.rounds_before + 1)});
    MeasuredRound round{o.now, {}};
    for (auto outcome : r.round) round.results.push_back(check_result("w", outcome));
    o.round = round;
    const auto d = decide_consumer(o);
    EXPECT_TRUE(d.requests.empty()) << r.name;
    EXPECT_EQ(d.status.phase, r.phase) << r.name << ": " << d.status.message;
    EXPECT_EQ(ready_reason(d), r.reason) << r.name;
    EXPECT_EQ(d.status.analysis->rounds, r.rounds_before + 1) << r.name;
    ASSERT_EQ(d.status.analysis->measurements.size(), r.round.size()) << r.name;
    EXPECT_EQ(d.status.analysis->measurements.back().at, o.now) << r.name;
    EXPECT_EQ(d.status.analysis->measurements.back().message, "Reason: detail") << r.name;
    if (r.phase == ConsumerPhase::RolledBack) {
      EXPECT_EQ(d.status.rollback->reason, "HealthCheckFailed");
    }
  }
}

TEST(DecideConsumer, AnalysisAfterAVerdictMeasuresNoMore) {
  // Stalled on an inconclusive analysis: a person decides; no round is requested however late.
  auto m = analyzing(1);
  m.status.analysis->successes = 0;
  m.status.analysis->inconclusive = 1;
  const auto d = decide_consumer(observe(m, {}, T0 + minutes{60}));
  EXPECT_TRUE(d.requests.empty());
  EXPECT_EQ(ready_reason(d), "AnalysisInconclusive");
  EXPECT_TRUE(stalled(d));
}

TEST(DecideConsumer, MissedRoundsAreCaughtUp) {
  // Rounds are due at T0 + 30 s × k. One round was taken, then nothing for 5 minutes: the next
  // round is requested now, and after it the decision comes straight back for the next overdue one.
  auto m = analyzing(1);
  m.spec.health.count = 10;
  auto o = observe(m, {}, T0 + minutes{5});
  auto d = decide_consumer(o);
  ASSERT_EQ(d.requests.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<MeasureNow>(d.requests[0]));
  o.round = MeasuredRound{o.now, {check_result("w", api::MeasurementOutcome::Successful)}};
  d = decide_consumer(o);
  EXPECT_EQ(d.status.analysis->rounds, 2);
  ASSERT_TRUE(d.requeue_after);
  EXPECT_EQ(*d.requeue_after, seconds{0});
  // On schedule (round 2 due at T0 + 60 s, taken at 65 s): the next round at T0 + 90 s.
  o = observe(m, {}, T0 + seconds{65});
  o.round = MeasuredRound{o.now, {check_result("w", api::MeasurementOutcome::Successful)}};
  d = decide_consumer(o);
  ASSERT_TRUE(d.requeue_after);
  EXPECT_EQ(*d.requeue_after, seconds{25});
}

TEST(DecideConsumer, RollbackRestoresCutoverAndRevertsPublishedChange) {
  auto m = with_cutover(make_cmig());
  m.status.phase = ConsumerPhase::Succeeded;
  m.status.attempts = 1;
  m.status.result = parse_agent_result(kOk).value;
  m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
  m.metadata.annotations[api::kAnnotationRollback] = "r1";
  auto o = observe(m);
  o.target = target(true, "events_events_v4");
  auto d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::RollingBack);
  EXPECT_EQ(d.status.signals.rollback, "r1");
  EXPECT_EQ(d.status.rollback->reason, "Requested");
  const auto* restore = std::get_if<PatchTarget>(&d.actions.at(0));
  ASSERT_NE(restore, nullptr);
  // The env var was absent: a JSON patch removes it, guarded by the resourceVersion just read.
  EXPECT_EQ(restore->patch.type, cutover::PatchType::JsonPatch);
  EXPECT_EQ(restore->patch.body.front(),
            (nlohmann::json{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", "7"}}));
  EXPECT_EQ(restore->patch.body.back(),
            (nlohmann::json{{"op", "remove"}, {"path", "/spec/template/spec/containers/0/env/0"}}));
  apply(m, d);
  // Restored (absent again): the rollback Job starts.
  o = observe(m);
  o.target = target(false, "");
  d = decide_consumer(o);
  EXPECT_TRUE(d.status.rollback->restored);
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-1-rollback-1"}));
  const auto& create = std::get<CreateJob>(d.actions.at(0));
  const auto task = nlohmann::json::parse(
      create.job["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"].get<std::string>());
  EXPECT_EQ(task["action"], "rollback");
  EXPECT_EQ(task["rollback"]["commit"], "c1");
  apply(m, d);
  // Rollback Job fails once: a second rollback Job; then succeeds: RolledBack.
  o = observe(m, {finished("p-c-1-rollback-1", false, std::nullopt)});
  o.target = target(false, "");
  d = decide_consumer(o);
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-1-rollback-2"}));
  apply(m, d);
  o = observe(m, {finished("p-c-1-rollback-2", true, result("Changed"))});
  o.target = target(false, "");
  d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::RolledBack);
  EXPECT_EQ(d.status.rollback->completedAt, T0);
  EXPECT_TRUE(stalled(d));
}

TEST(DecideConsumer, RollbackBeforePublishingStopsTheAttempt) {
  auto m = generating();
  m.metadata.annotations[api::kAnnotationRollback] = "r1";
  JobObservation j;
  j.name = "p-c-1";
  j.active = true;
  const auto d = decide_consumer(observe(m, {j}));
  EXPECT_EQ(d.status.phase, ConsumerPhase::RolledBack);
  ASSERT_EQ(d.actions.size(), 1u);
  EXPECT_EQ(std::get<DeleteJob>(d.actions[0]).name, "p-c-1");
}

TEST(DecideConsumer, CutoverTargetMissingRollsBack) {
  auto m = with_cutover(generating());
  auto o = observe(m, {finished("p-c-1", true, kOk)});
  o.target = not_found();
  const auto d = decide_consumer(o);
  EXPECT_EQ(d.status.rollback->reason, "CutoverTargetNotFound");
  // Published (Push with a commit): a rollback Job reverts it.
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-1-rollback-1"}));
}

TEST(DecideConsumer, InvalidHandMadeSpecStartsNothing) {
  auto m = make_cmig();
  m.spec.consumer.repository.url.clear();
  m.spec.agent.branch = "x/{oops}";
  auto d = decide_consumer(observe(m));
  EXPECT_TRUE(d.actions.empty());
  EXPECT_TRUE(stalled(d));
  EXPECT_EQ(ready_reason(d), "InvalidSpec");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].type, api::EventType::Warning);
  EXPECT_NE(d.events[0].message.find("spec.consumer.repository.url"), std::string::npos);
  apply(m, d);
  d = decide_consumer(observe(m));
  EXPECT_TRUE(d.events.empty());
  EXPECT_FALSE(d.status_changed);
}

TEST(DecideConsumer, DeletingObjectIsLeftAlone) {
  auto m = make_cmig();
  m.metadata.deletionTimestamp = T0;
  const auto d = decide_consumer(observe(m));
  EXPECT_TRUE(d.actions.empty());
  EXPECT_FALSE(d.status_changed);
}

// What the decision asks the shell to observe, by phase and what was observed: the shell fetches
// only what a decision needs (no GET of the target while the agent runs, no round before it is due).
TEST(DecideConsumer, RequestsTable) {
  struct Row {
    const char* name;
    std::function<ConsumerObserved()> observed;
    std::vector<std::string> requests;  // "Observe <kind> <ns>/<name>" or "Measure[ workload <name>]"
  };
  const auto describe = [](const ConsumerRequest& r) {
    if (const auto* get = std::get_if<ObserveTarget>(&r))
      return "Observe " + get->object.kind + " " + get->object.namespace_ + "/" + get->object.name;
    if (const auto* pods = std::get_if<ObserveJobPods>(&r)) return "Pods of " + pods->job;
    const auto& m = std::get<MeasureNow>(r);
    return std::string("Measure") + (m.workload ? " workload " + m.workload->name : "");
  };
  const auto running = [] {
    JobObservation j;
    j.name = "p-c-1";
    j.active = true;
    return j;
  };
  const Row rows[] = {
      {"generating, agent running, cut-over configured: nothing to fetch",
       [&] { return observe(with_cutover(generating()), {running()}); },
       {}},
      {"generating, agent changed, cut-over: the target",
       [] { return observe(with_cutover(generating()), {finished("p-c-1", true, kOk)}); },
       {"Observe Deployment ns/api"}},
      {"generating, agent changed, no cut-over: nothing",
       [] { return observe(generating(), {finished("p-c-1", true, kOk)}); },
       {}},
      {"cutting over a ConfigMap without namespace: the ConfigMap in the migration's namespace",
       [] {
         auto m = generating();
         m.status.phase = ConsumerPhase::CuttingOver;
         m.spec.consumer.cutover =
             api::CutoverSpec{{}, std::nullopt, api::CutoverConfigMap{"", "cfg", "table", "v4"}};
         return observe(m);
       },
       {"Observe ConfigMap ns/cfg"}},
      {"cut-over target without namespace: the migration's namespace",
       [] {
         auto m = with_cutover(generating());
         m.status.phase = ConsumerPhase::CuttingOver;
         m.spec.consumer.cutover->target.namespace_.clear();
         return observe(m);
       },
       {"Observe Deployment ns/api"}},
      {"cutting over, target already read: decided",
       [] {
         auto m = with_cutover(generating());
         m.status.phase = ConsumerPhase::CuttingOver;
         auto o = observe(m);
         o.target = read_failed("503 ServiceUnavailable: etcd");
         return o;
       },
       {}},
      {"analyzing, round not due", [] { return observe(analyzing(0), {}, T0 + seconds{29}); }, {}},
      {"analyzing, round due, workload check without cut-over",
       [] { return observe(analyzing(0), {}, T0 + seconds{30}); },
       {"Measure"}},
      {"analyzing, round due, workload check of the cut-over target",
       [] {
         auto m = with_cutover(analyzing(0));
         m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
         return observe(m, {}, T0 + seconds{30});
       },
       {"Measure workload api"}},
      {"analyzing, failed round with a cut-over: the target, to restore it",
       [] {
         auto m = with_cutover(analyzing(0));
         m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
         auto o = observe(m, {}, T0 + seconds{30});
         o.round = MeasuredRound{o.now, {check_result("w", api::MeasurementOutcome::Failed)}};
         return o;
       },
       {"Observe Deployment ns/api"}},
      {"succeeded, rollback signal, cut over: the target",
       [] {
         auto m = with_cutover(make_cmig());
         m.status.phase = ConsumerPhase::Succeeded;
         m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
         m.metadata.annotations[api::kAnnotationRollback] = "r1";
         return observe(m);
       },
       {"Observe Deployment ns/api"}},
      {"rolling back, already restored: nothing",
       [] {
         auto m = with_cutover(make_cmig());
         m.status.phase = ConsumerPhase::RollingBack;
         m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
         m.status.rollback = api::RollbackStatus{"Requested", T0, std::nullopt, "", 0, true};
         return observe(m);
       },
       {}},
  };
  for (const auto& r : rows) {
    const auto d = decide_consumer(r.observed());
    std::vector<std::string> got;
    for (const auto& q : d.requests) got.push_back(describe(q));
    EXPECT_EQ(got, r.requests) << r.name;
    if (!d.requests.empty()) {
      // An incomplete decision carries nothing the shell could act on.
      EXPECT_TRUE(d.actions.empty()) << r.name;
      EXPECT_FALSE(d.status_changed) << r.name;
      EXPECT_TRUE(d.events.empty()) << r.name;
      EXPECT_TRUE(d.metrics.empty()) << r.name;
    }
  }
}

TEST(DecideConsumer, MeasureNowCarriesWhatTheShellNeeds) {
  auto m = with_cutover(analyzing(0));
  m.spec.health.checks.push_back(
      api::CheckSpec{"errors", api::PrometheusCheck{"http://prom:9090", "x{c=\"{{consumer}}\"}"}, false, {}});
  m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0 + seconds{3}};
  const auto d = decide_consumer(observe(m, {}, T0 + seconds{30}));
  ASSERT_EQ(d.requests.size(), 1u);
  const auto& measure = std::get<MeasureNow>(d.requests[0]);
  EXPECT_EQ(measure.health.checks.size(), 2u);
  EXPECT_EQ(measure.context.consumer, "c");
  EXPECT_EQ(measure.context.plan, "p");
  EXPECT_EQ(measure.context.namespace_, "ns");
  EXPECT_EQ(measure.context.dataset, "events");
  ASSERT_TRUE(measure.workload);
  EXPECT_EQ(measure.workload->kind, "Deployment");
  EXPECT_EQ(measure.applied_at, T0 + seconds{3});
  // A ConfigMap cut-over has no workload to watch.
  m.spec.consumer.cutover = api::CutoverSpec{{}, std::nullopt, api::CutoverConfigMap{"ns", "cfg", "k", "v"}};
  const auto cm = decide_consumer(observe(m, {}, T0 + seconds{30}));
  EXPECT_FALSE(std::get<MeasureNow>(cm.requests.at(0)).workload);
}

// The cut-over's object as read, and what follows: rollback when it is gone, a wait with a message
// when it cannot be read or a person must fix it, the ready patch otherwise.
TEST(DecideConsumer, CutoverTargetReadsTable) {
  struct Row {
    const char* name;
    ObjectRead read;
    ConsumerPhase phase;
    const char* message_has;
    bool patch;
    std::optional<api::Duration> requeue;
  };
  nlohmann::json duplicate = deployment("a");
  duplicate["spec"]["template"]["spec"]["containers"][0]["env"].push_back(
      {{"name", "TABLE"}, {"value", "b"}});
  const Row rows[] = {
      {"found, variable absent", target(false, ""), ConsumerPhase::CuttingOver, "cutting over", true,
       seconds{10}},
      {"not found", not_found(), ConsumerPhase::RollingBack, "CutoverTargetNotFound", false, std::nullopt},
      {"container gone", found(deployment("v3", "other")), ConsumerPhase::RollingBack, "other", false,
       std::nullopt},
      {"read failed", read_failed("503 ServiceUnavailable: etcd"), ConsumerPhase::CuttingOver,
       "cannot read cut-over target: 503 ServiceUnavailable: etcd", false, seconds{30}},
      {"variable listed twice", found(duplicate), ConsumerPhase::CuttingOver, "DuplicateEnv", false,
       seconds{30}},
  };
  for (const auto& r : rows) {
    auto m = with_cutover(generating());
    auto o = observe(m, {finished("p-c-1", true, kOk)});
    o.target = r.read;
    const auto d = decide_consumer(o);
    EXPECT_TRUE(d.requests.empty()) << r.name;
    EXPECT_EQ(d.status.phase, r.phase) << r.name << ": " << d.status.message;
    EXPECT_NE(d.status.message.find(r.message_has), std::string::npos) << r.name << ": " << d.status.message;
    bool patched = false;
    for (const auto& a : d.actions) patched |= std::holds_alternative<PatchTarget>(a);
    EXPECT_EQ(patched, r.patch) << r.name;
    if (r.requeue) {
      ASSERT_TRUE(d.requeue_after) << r.name;
      EXPECT_EQ(*d.requeue_after, *r.requeue) << r.name;
    }
  }
}

TEST(DecideConsumer, RollbackPatchTable) {
  struct Row {
    const char* name;
    api::PreviousValue previous;
    ObjectRead read;
    const char* patch;  // "apply <value>", "remove", or "" (restored, nothing to send)
  };
  const Row rows[] = {
      {"previous value, live new value", {true, "v3"}, target(true, "events_events_v4"), "apply v3"},
      {"previous value already there", {true, "v3"}, target(true, "v3"), ""},
      {"previous absent, live present", {false, ""}, target(true, "events_events_v4"), "remove"},
      {"previous absent, live absent", {false, ""}, target(false, ""), ""},
      {"target gone", {true, "v3"}, not_found(), ""},
  };
  for (const auto& r : rows) {
    auto m = with_cutover(make_cmig());
    m.spec.agent.mode = api::AgentMode::DryRun;  // nothing published: restoring is all
    m.status.phase = ConsumerPhase::RollingBack;
    m.status.attempts = 1;
    m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, r.previous, T0};
    m.status.rollback = api::RollbackStatus{"HealthCheckFailed", T0, std::nullopt, "", 0, false};
    auto o = observe(m);
    o.target = r.read;
    const auto d = decide_consumer(o);
    std::string got;
    for (const auto& a : d.actions) {
      if (const auto* p = std::get_if<PatchTarget>(&a))
        got = p->patch.type == cutover::PatchType::Apply ? "apply " + applied_value(*p) : "remove";
    }
    EXPECT_EQ(got, r.patch) << r.name;
    EXPECT_EQ(d.status.phase, got.empty() ? ConsumerPhase::RolledBack : ConsumerPhase::RollingBack) << r.name;
    EXPECT_EQ(d.status.rollback->restored, got.empty()) << r.name;
  }
}

// Metric events are outputs of the transition that causes them, not diffs of two statuses.
TEST(DecideConsumer, MetricsTable) {
  struct Row {
    const char* name;
    std::function<ConsumerObserved()> observed;
    std::vector<std::string> metrics;
  };
  const auto describe = [](const MetricEvent& e) {
    if (const auto* j = std::get_if<AgentJobFinished>(&e)) return "job " + j->outcome;
    if (const auto* r = std::get_if<RollbackStarted>(&e)) return "rollback " + r->reason;
    const auto& h = std::get<HealthMeasured>(e);
    return "health " + h.check + " " + h.outcome;
  };
  const Row rows[] = {
      {"agent changed",
       [] { return observe(generating(), {finished("p-c-1", true, kOk)}); },
       {"job Changed"}},
      {"agent needs review",
       [] { return observe(generating(), {finished("p-c-1", true, result("NeedsReview"))}); },
       {"job NeedsReview"}},
      {"job failed without a result, an older attempt's result in status",
       [] {
         auto m = generating(2);
         m.spec.agent.retries = 3;
         m.status.result = parse_agent_result(result("Failed")).value;
         m.status.result->outcome = api::Outcome::NeedsReview;
         return observe(m, {finished("p-c-2", false, std::nullopt)});
       },
       {"job Failed"}},
      {"agent still running",
       [] {
         JobObservation j;
         j.name = "p-c-1";
         j.active = true;
         return observe(generating(), {j});
       },
       {}},
      {"a round of two checks, one failed: measured, then rolled back",
       [] {
         auto m = analyzing(0);
         auto o = observe(m, {}, T0 + seconds{30});
         o.round = MeasuredRound{o.now,
                                 {check_result("w", api::MeasurementOutcome::Successful),
                                  check_result("errors", api::MeasurementOutcome::Failed)}};
         return o;
       },
       {"health w Successful", "health errors Failed", "rollback HealthCheckFailed"}},
      {"rollback signal",
       [] {
         auto m = make_cmig();
         m.status.phase = ConsumerPhase::Succeeded;
         m.status.attempts = 1;
         m.metadata.annotations[api::kAnnotationRollback] = "budget";
         return observe(m);
       },
       {"rollback Requested"}},
      {"rollback before publishing: no rollback to run",
       [] {
         auto m = generating();
         m.metadata.annotations[api::kAnnotationRollback] = "r1";
         return observe(m);
       },
       {}},
  };
  for (const auto& r : rows) {
    const auto d = decide_consumer(r.observed());
    std::vector<std::string> got;
    for (const auto& e : d.metrics) got.push_back(describe(e));
    EXPECT_EQ(got, r.metrics) << r.name;
  }
}

// A shell that answers every request, as ConsumerReconciler does: the loop ends, and the final
// decision is the one the answers lead to.
TEST(DecideConsumer, AnsweredRequestsAreNotAskedAgain) {
  auto m = with_cutover(analyzing(0));
  m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {true, "v3"}, T0};
  auto o = observe(m, {}, T0 + seconds{30});
  auto d = decide_consumer(o);
  int decisions = 1;
  while (!d.requests.empty()) {
    ASSERT_LT(decisions, 3) << "decide keeps asking";
    for (const auto& q : d.requests) {
      if (std::holds_alternative<ObserveTarget>(q)) o.target = target(true, "events_events_v4");
      if (std::holds_alternative<MeasureNow>(q))
        o.round = MeasuredRound{o.now, {check_result("w", api::MeasurementOutcome::Failed)}};
    }
    d = decide_consumer(o);
    ++decisions;
  }
  EXPECT_EQ(decisions, 3);  // measure, then read the target to restore it
  EXPECT_EQ(d.status.phase, ConsumerPhase::RollingBack);
  ASSERT_EQ(d.actions.size(), 1u);
  EXPECT_EQ(applied_value(std::get<PatchTarget>(d.actions[0])), "v3");
}

// The pod cache can lag the Job cache: a finished Job whose cached pods carry no message is not
// concluded "no result" before the API server's pods were asked.
TEST(DecideConsumer, FinishedJobWithoutCachedResultAsksForItsPods) {
  for (const bool ok : {true, false}) {
    SCOPED_TRACE(ok ? "succeeded" : "failed");
    auto o = observe(generating(), {finished("p-c-1", ok, std::nullopt)});
    o.job_pods.clear();  // not asked yet
    auto d = decide_consumer(o);
    ASSERT_EQ(d.requests.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<ObserveJobPods>(d.requests[0]));
    EXPECT_EQ(std::get<ObserveJobPods>(d.requests[0]).job, "p-c-1");
    EXPECT_TRUE(d.actions.empty());
    EXPECT_FALSE(d.status_changed);

    o.job_pods["p-c-1"] = ok ? std::optional<std::string>(kOk) : std::optional<std::string>(result("Failed"));
    d = decide_consumer(o);
    EXPECT_TRUE(d.requests.empty());
    ASSERT_TRUE(d.status.result);
    EXPECT_EQ(d.status.result->outcome, ok ? api::Outcome::Changed : api::Outcome::Failed);
  }
  // The API server's pods carry none either: now it is a Job without a result.
  auto o = observe(generating(), {finished("p-c-1", true, std::nullopt)});
  o.job_pods.clear();
  o.job_pods["p-c-1"] = std::nullopt;
  const auto d = decide_consumer(o);
  EXPECT_TRUE(d.requests.empty());
  EXPECT_NE(d.status.message.find("no termination message"), std::string::npos) << d.status.message;
}

TEST(WorkloadResult, FromTheReadOfTheTarget) {
  const auto missing =
      workload_result(ObjectRead{ObjectRead::Status::NotFound, nullptr, ""}, nlohmann::json::array(), T0);
  EXPECT_EQ(missing.outcome, api::MeasurementOutcome::Inconclusive);
  EXPECT_EQ(missing.reason, "TargetNotFound");
  const auto unreadable =
      workload_result(read_failed("503 ServiceUnavailable: etcd"), nlohmann::json::array(), T0);
  EXPECT_EQ(unreadable.outcome, api::MeasurementOutcome::Inconclusive);
  EXPECT_EQ(unreadable.reason, "TargetNotFound");
  EXPECT_NE(unreadable.message.find("503 ServiceUnavailable: etcd"), std::string::npos) << unreadable.message;
  // Found: the workload check of the object itself (a Deployment with no status is not available).
  const auto found_result = workload_result(found(deployment("v4")), nlohmann::json::array(), T0);
  EXPECT_NE(found_result.reason, "TargetNotFound");
}

}  // namespace
}  // namespace shepherd::controllers::consumer
