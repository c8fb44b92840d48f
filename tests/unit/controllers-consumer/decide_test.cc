// The consumer state machine, table by table: attempts, retries with backoff, results, signals,
// cut-over, analysis and rollback.
#include "controllers/consumer/decide.h"

#include <gtest/gtest.h>

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

CutoverObservation target(bool present, const std::string& value) {
  return CutoverObservation{true, api::PreviousValue{present, value}, ""};
}

TEST(DecideConsumer, CutoverRecordsPreviousThenAppliesThenAnalyses) {
  auto m = with_cutover(generating());
  m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
  auto o = observe(m, {finished("p-c-1", true, kOk)});
  o.cutover_target = target(true, "events_v3");
  auto d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::CuttingOver);
  ASSERT_TRUE(d.status.cutover);
  EXPECT_TRUE(d.status.cutover->previous.present);
  EXPECT_EQ(d.status.cutover->previous.value, "events_v3");
  ASSERT_EQ(d.actions.size(), 1u);
  const auto* apply_action = std::get_if<ApplyCutover>(&d.actions[0]);
  ASSERT_NE(apply_action, nullptr);
  EXPECT_EQ(apply_action->value, "events_events_v4");
  apply(m, d);
  // Not applied yet (cache lag): apply again, previous untouched.
  o = observe(m, {finished("p-c-1", true, kOk)});
  o.cutover_target = target(true, "events_v3");
  d = decide_consumer(o);
  EXPECT_EQ(d.status.cutover->previous.value, "events_v3");
  EXPECT_TRUE(std::holds_alternative<ApplyCutover>(d.actions.at(0)));
  // Applied: Analyzing.
  o.cutover_target = target(true, "events_events_v4");
  d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::Analyzing);
  EXPECT_EQ(d.status.cutover->appliedAt, T0);
  EXPECT_EQ(d.status.analysis->startedAt, T0);
}

TEST(DecideConsumer, AnalysisVerdicts) {
  struct Row {
    std::vector<api::MeasurementOutcome> round;
    std::int64_t rounds_before;
    ConsumerPhase phase;
    const char* reason;
  };
  using MO = api::MeasurementOutcome;
  const Row rows[] = {
      {{MO::Successful}, 0, ConsumerPhase::Analyzing, "Analyzing"},
      {{MO::Successful}, 2, ConsumerPhase::Succeeded, "Succeeded"},  // count 3 reached
      {{MO::Failed}, 0, ConsumerPhase::RolledBack, "RolledBack"},    // no cutover/published: done at once
      {{MO::Inconclusive}, 0, ConsumerPhase::Analyzing, "AnalysisInconclusive"},
      {{}, 1, ConsumerPhase::Analyzing, "Analyzing"},
  };
  for (const auto& r : rows) {
    auto m = make_cmig();
    m.spec.agent.mode = api::AgentMode::DryRun;
    m.spec.health.count = 3;
    m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
    m.status.phase = ConsumerPhase::Analyzing;
    m.status.attempts = 1;
    m.status.analysis = api::AnalysisStatus{};
    m.status.analysis->startedAt = T0;
    m.status.analysis->rounds = r.rounds_before;
    m.status.analysis->successes = r.rounds_before;
    auto o = observe(m, {}, T0 + seconds{30 * (r.rounds_before + 1)});
    for (auto outcome : r.round) o.measurements.push_back(api::Measurement{"w", o.now, "1", outcome, ""});
    const auto d = decide_consumer(o);
    EXPECT_EQ(d.status.phase, r.phase) << r.reason << ": " << d.status.message;
    EXPECT_EQ(ready_reason(d), r.reason);
    if (r.phase == ConsumerPhase::RolledBack) {
      EXPECT_EQ(d.status.rollback->reason, "HealthCheckFailed");
    }
  }
  // Measurements are bounded, counters are not.
  api::AnalysisStatus a;
  for (int i = 0; i < 100; ++i)
    fold_round(a, {api::Measurement{"w", T0, "1", api::MeasurementOutcome::Successful, ""}});
  EXPECT_EQ(a.measurements.size(), api::kMaxMeasurements);
  EXPECT_EQ(a.successes, 100);
  EXPECT_EQ(a.rounds, 100);
  api::AnalysisStatus two;
  two.rounds = 2;
  two.startedAt = T0;
  EXPECT_EQ(next_measurement_at(two, api::HealthSpec{}), T0 + seconds{90});
}

TEST(DecideConsumer, CustomJudgeIsUsed) {
  auto m = make_cmig();
  m.spec.health.checks.push_back(api::CheckSpec{"w", std::nullopt, true, {}});
  m.status.phase = ConsumerPhase::Analyzing;
  m.status.attempts = 1;
  m.status.analysis = api::AnalysisStatus{};
  m.status.analysis->startedAt = T0;
  const AnalysisJudge always = [](const api::AnalysisStatus&, const api::HealthSpec&) {
    return AnalysisVerdict::Successful;
  };
  EXPECT_EQ(decide_consumer(observe(m), always).status.phase, ConsumerPhase::Succeeded);
  EXPECT_EQ(decide_consumer(observe(m)).status.phase, ConsumerPhase::Analyzing);
}

TEST(DecideConsumer, RollbackRestoresCutoverAndRevertsPublishedChange) {
  auto m = with_cutover(make_cmig());
  m.status.phase = ConsumerPhase::Succeeded;
  m.status.attempts = 1;
  m.status.result = parse_agent_result(kOk).value;
  m.status.cutover = api::CutoverStatus{m.spec.consumer.cutover->target, {false, ""}, T0};
  m.metadata.annotations[api::kAnnotationRollback] = "r1";
  auto o = observe(m);
  o.cutover_target = target(true, "events_events_v4");
  auto d = decide_consumer(o);
  EXPECT_EQ(d.status.phase, ConsumerPhase::RollingBack);
  EXPECT_EQ(d.status.signals.rollback, "r1");
  EXPECT_EQ(d.status.rollback->reason, "Requested");
  const auto* restore = std::get_if<RestoreCutover>(&d.actions.at(0));
  ASSERT_NE(restore, nullptr);
  EXPECT_FALSE(restore->previous.present);  // the env var was absent: remove it
  apply(m, d);
  // Restored (absent again): the rollback Job starts.
  o = observe(m);
  o.cutover_target = target(false, "");
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
  o.cutover_target = target(false, "");
  d = decide_consumer(o);
  EXPECT_EQ(jobs_created(d), (std::vector<std::string>{"p-c-1-rollback-2"}));
  apply(m, d);
  o = observe(m, {finished("p-c-1-rollback-2", true, result("Changed"))});
  o.cutover_target = target(false, "");
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
  o.cutover_target = CutoverObservation{false, {}, ""};
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

}  // namespace
}  // namespace shepherd::controllers::consumer
