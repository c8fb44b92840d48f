// The ConsumerMigration state machine (see decide.h).
#include "controllers/consumer/decide.h"

#include <algorithm>

#include "controllers/api/conditions.h"
#include "controllers/api/placeholders.h"
#include "controllers/api/validate.h"
#include "controllers/cutover/step.h"
#include "controllers/health/workload_check.h"

namespace shepherd::controllers::consumer {
namespace {

using api::ConsumerPhase;
using api::KStatus;
using std::chrono::seconds;

std::string annotation(const api::ObjectMeta& meta, const char* key) {
  const auto it = meta.annotations.find(key);
  return it == meta.annotations.end() ? std::string() : it->second;
}

std::string excerpt(const std::string& s, std::size_t max = 300) {
  std::string out = s.size() > max ? "..." + s.substr(s.size() - max) : s;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

// The object as the cut-over steps read it: null when it does not exist.
const nlohmann::json& live_object(const ObjectRead& read) {
  static const nlohmann::json kAbsent;
  return read.status == ObjectRead::Status::Found ? read.object : kAbsent;
}

// One decision in the making: the state every step reads and writes.
class Machine {
 public:
  explicit Machine(const ConsumerObserved& o)
      : o_(o), cmig_(o.cmig), co_(effective_cutover(o.cmig)), prev_phase_(o.cmig.status.phase) {
    d_.status = cmig_.status;
    const api::Condition* ready = api::find_condition(cmig_.status.conditions, api::kConditionReady);
    prev_reason_ = ready ? ready->reason : "";
  }

  ConsumerDecision run();

 private:
  api::ConsumerMigrationStatus& st() { return d_.status; }
  const JobObservation* find_job(const std::string& name) const {
    for (const auto& j : o_.jobs)
      if (j.name == name) return &j;
    return nullptr;
  }
  void set(ConsumerPhase phase, KStatus k, const std::string& reason, const std::string& message) {
    st().phase = phase;
    st().message = message;
    kstatus_ = k;
    reason_ = reason;
  }
  void requeue(api::Duration after) {
    if (after < api::Duration{0}) after = api::Duration{0};
    if (!d_.requeue_after || after < *d_.requeue_after) d_.requeue_after = after;
  }
  bool published() const {
    const auto& r = cmig_.spec.agent.mode == api::AgentMode::DryRun ? std::nullopt : d_.status.result;
    return r && (!r->commit.empty() || !r->pullRequest.empty());
  }
  // The cut-over's object as observed; nullptr after asking the shell to GET it (decide again).
  const ObjectRead* target() {
    if (o_.target) return &*o_.target;
    d_.requests.push_back(ObserveTarget{cutover::changed_object(*co_)});
    return nullptr;
  }
  // The termination message of a finished Job (its pods', from the cache or, when the cache shows
  // none, from the API server); nullptr after asking the shell to list its pods (decide again).
  const std::optional<std::string>* termination_message(const JobObservation& job) {
    if (job.termination_message) return &job.termination_message;
    if (auto it = o_.job_pods.find(job.name); it != o_.job_pods.end()) return &it->second;
    d_.requests.push_back(ObserveJobPods{job.name});
    return nullptr;
  }
  void request_round();
  void delete_active_jobs() {
    for (const auto& j : o_.jobs)
      if (j.active && !j.succeeded && !j.failed) d_.actions.push_back(DeleteJob{j.name});
  }

  bool handle_signals();
  void pending();
  void generating();
  void after_publish();
  void attempt_failed(const std::string& message);
  void cutting_over();
  void start_analysis();
  void analyzing();
  void start_rollback(const std::string& reason, const std::string& detail = "");
  void rolling_back();

  const ConsumerObserved& o_;
  const api::ConsumerMigration& cmig_;
  const std::optional<api::CutoverSpec> co_;
  ConsumerPhase prev_phase_;
  std::string prev_reason_;
  ConsumerDecision d_;
  KStatus kstatus_ = KStatus::Reconciling;
  std::string reason_;
};

ConsumerDecision Machine::run() {
  if (cmig_.metadata.deletionTimestamp) return d_;
  const std::int64_t gen = cmig_.metadata.generation;
  st().observedGeneration = gen;

  // Keep the current conditions unless a step sets new ones.
  if (const api::Condition* ready = api::find_condition(cmig_.status.conditions, api::kConditionReady)) {
    reason_ = ready->reason;
    if (ready->status == api::kTrue)
      kstatus_ = KStatus::Ready;
    else if (api::is_condition_true(cmig_.status.conditions, api::kConditionStalled))
      kstatus_ = KStatus::Stalled;
    else if (api::is_condition_true(cmig_.status.conditions, api::kConditionReconciling))
      kstatus_ = KStatus::Reconciling;
    else
      kstatus_ = KStatus::Waiting;
  } else {
    reason_ = "Pending";
  }

  const auto errors = api::validate_consumer_migration_spec(cmig_.spec);
  if (!errors.empty() && st().phase == ConsumerPhase::Pending && st().attempts == 0) {
    const std::string message =
        "ConsumerMigration " + cmig_.metadata.name + " is invalid: " + api::summarize(errors);
    const bool same = prev_reason_ == "InvalidSpec" && cmig_.status.message == message;
    set(ConsumerPhase::Pending, KStatus::Stalled, "InvalidSpec", message);
    if (!same) d_.events.push_back({api::EventType::Warning, "InvalidSpec", message});
  } else if (!handle_signals()) {
    switch (st().phase) {
      case ConsumerPhase::Pending:
        pending();
        break;
      case ConsumerPhase::Generating:
        generating();
        break;
      case ConsumerPhase::CuttingOver:
        cutting_over();
        break;
      case ConsumerPhase::Analyzing:
        analyzing();
        break;
      case ConsumerPhase::RollingBack:
        rolling_back();
        break;
      default:
        break;  // terminal: only signals move it
    }
  }

  if (!d_.requests.empty()) {
    // Incomplete: the shell observes what was asked for and decides again; nothing else counts.
    ConsumerDecision ask;
    ask.requests = std::move(d_.requests);
    return ask;
  }
  api::set_kstatus(st().conditions, kstatus_, reason_, st().message, gen, o_.now);
  if ((st().phase != prev_phase_ || reason_ != prev_reason_) && reason_ != "InvalidSpec") {
    const bool warning = kstatus_ == KStatus::Stalled || st().phase == ConsumerPhase::RollingBack ||
                         reason_ == "AttemptFailed";
    d_.events.push_back({warning ? api::EventType::Warning : api::EventType::Normal, reason_, st().message});
  }
  d_.status_changed = nlohmann::json(st()) != nlohmann::json(cmig_.status);
  return d_;
}

// Returns true when a signal decided this reconcile.
bool Machine::handle_signals() {
  const ConsumerPhase phase = st().phase;
  const std::string skip = annotation(cmig_.metadata, api::kAnnotationSkip);
  if (!skip.empty() && skip != cmig_.status.signals.skip) {
    st().signals.skip = skip;
    if (phase == ConsumerPhase::RollingBack || phase == ConsumerPhase::RolledBack ||
        phase == ConsumerPhase::Succeeded || phase == ConsumerPhase::NoChanges ||
        phase == ConsumerPhase::Skipped) {
      d_.events.push_back({api::EventType::Normal, "SignalIgnored",
                           "skip " + skip + " ignored: the consumer is " + api::to_string(phase)});
    } else {
      delete_active_jobs();
      st().nextAttemptAt.reset();
      set(ConsumerPhase::Skipped, KStatus::Ready, "Skipped",
          "skipped by annotation shepherd.dev/skip=" + skip + " while " + api::to_string(phase));
      return true;
    }
  }
  const std::string rollback = annotation(cmig_.metadata, api::kAnnotationRollback);
  if (!rollback.empty() && rollback != cmig_.status.signals.rollback) {
    st().signals.rollback = rollback;
    if (phase == ConsumerPhase::RollingBack || phase == ConsumerPhase::RolledBack ||
        phase == ConsumerPhase::Skipped) {
      d_.events.push_back({api::EventType::Normal, "SignalIgnored",
                           "rollback " + rollback + " ignored: the consumer is " + api::to_string(phase)});
    } else if (phase == ConsumerPhase::Pending || phase == ConsumerPhase::Generating) {
      // Nothing was published yet (the agent publishes last); stop the attempt.
      delete_active_jobs();
      st().nextAttemptAt.reset();
      st().rollback = api::RollbackStatus{"Requested", o_.now, o_.now, "", 0, false};
      set(ConsumerPhase::RolledBack, KStatus::Stalled, "RolledBack",
          "rollback requested with shepherd.dev/rollback=" + rollback +
              " before anything was published; attempt stopped");
      return true;
    } else {
      // The plan's circuit breaker (onFailure: Rollback) signals with the token "failure-budget"
      // (plan::kBudgetRollbackToken); docs/api.md names that reason FailureBudgetExceeded.
      start_rollback(rollback == "failure-budget" ? "FailureBudgetExceeded" : "Requested");
      return true;
    }
  }
  const std::string retry = annotation(cmig_.metadata, api::kAnnotationRetry);
  if (!retry.empty() && retry != cmig_.status.signals.retry) {
    st().signals.retry = retry;
    if (phase == ConsumerPhase::Failed && st().rollback && !st().rollback->completedAt) {
      set(ConsumerPhase::RollingBack, KStatus::Reconciling, "RollingBack",
          "retrying the rollback (shepherd.dev/retry=" + retry + ")");
      d_.metrics.push_back(RollbackStarted{st().rollback->reason});
      rolling_back();
      return true;
    }
    if (phase == ConsumerPhase::Failed || phase == ConsumerPhase::NeedsReview ||
        phase == ConsumerPhase::RolledBack) {
      st().retryFrom = st().attempts + 1;
      st().nextAttemptAt.reset();
      st().result.reset();
      st().cutover.reset();
      st().analysis.reset();
      st().rollback.reset();
      set(ConsumerPhase::Pending, KStatus::Reconciling, "RetryRequested",
          "retry requested with shepherd.dev/retry=" + retry + "; next attempt " +
              std::to_string(st().attempts + 1));
      pending();
      return true;
    }
    if (phase == ConsumerPhase::Analyzing && kstatus_ == KStatus::Stalled) {
      st().analysis = api::AnalysisStatus{};
      st().analysis->startedAt = o_.now;
      set(ConsumerPhase::Analyzing, KStatus::Reconciling, "Analyzing",
          "analysis restarted (shepherd.dev/retry=" + retry + ")");
      requeue(cmig_.spec.health.interval);
      return true;
    }
    d_.events.push_back({api::EventType::Normal, "SignalIgnored",
                         "retry " + retry + " ignored: the consumer is " + api::to_string(phase)});
  }
  return false;
}

void Machine::pending() {
  if (st().nextAttemptAt && o_.now < *st().nextAttemptAt) {
    requeue(std::chrono::duration_cast<api::Duration>(*st().nextAttemptAt - o_.now));
    return;
  }
  const std::int64_t attempt = st().attempts + 1;
  const std::string name = job_name(cmig_.metadata.name, attempt);
  if (find_job(name) == nullptr) {
    JobOptions options;
    options.attempt = attempt;
    options.default_image = o_.default_agent_image;
    d_.actions.push_back(CreateJob{build_agent_job(cmig_, options)});
  }
  st().attempts = attempt;
  st().nextAttemptAt.reset();
  st().job = api::JobRef{name, o_.now, std::nullopt};
  const std::int64_t first = st().retryFrom > 0 ? st().retryFrom : 1;
  set(ConsumerPhase::Generating, KStatus::Reconciling, "Generating",
      "attempt " + std::to_string(attempt - first + 1) + " of " +
          std::to_string(cmig_.spec.agent.retries + 1) + ": agent Job " + name);
}

void Machine::generating() {
  const std::string name = job_name(cmig_.metadata.name, st().attempts);
  const JobObservation* job = find_job(name);
  if (job == nullptr) {
    // The create did not happen (or the cache has not seen it yet): creating again is idempotent.
    JobOptions options;
    options.attempt = st().attempts;
    options.default_image = o_.default_agent_image;
    d_.actions.push_back(CreateJob{build_agent_job(cmig_, options)});
    requeue(seconds{30});
    return;
  }
  if (!job->succeeded && !job->failed) return;  // the Job watch brings us back
  const std::optional<std::string>* output = termination_message(*job);
  if (output == nullptr) return;
  if (!st().job) st().job = api::JobRef{name, job->start_time, std::nullopt};
  st().job->completedAt = job->completion_time ? job->completion_time : o_.now;

  std::optional<api::AgentResult> result;
  std::string parse_error = "the agent container left no termination message";
  if (*output) {
    auto parsed = parse_agent_result(**output);
    if (parsed.value)
      result = std::move(parsed.value);
    else
      parse_error = parsed.error;
  }
  d_.metrics.push_back(AgentJobFinished{result ? api::to_string(result->outcome) : "Failed"});
  if (job->failed) {
    std::string message = "agent Job " + name + " failed";
    if (!job->failure_reason.empty()) message += " (" + job->failure_reason + ")";
    if (!job->failure_message.empty()) message += ": " + job->failure_message;
    if (result) {
      st().result = result;
      if (!result->message.empty()) message += "; agent: " + result->message;
    } else if (*output && !(*output)->empty()) {
      message += "; last output: " + excerpt(**output);
    }
    attempt_failed(message);
    return;
  }
  if (!result) {
    attempt_failed("agent Job " + name + " succeeded but its result is unusable: " + parse_error);
    return;
  }
  st().result = result;
  switch (result->outcome) {
    case api::Outcome::Failed:
      attempt_failed("the agent reported Failed: " +
                     (result->message.empty() ? "no message" : result->message));
      return;
    case api::Outcome::NoChanges:
      set(ConsumerPhase::NoChanges, KStatus::Ready, "NoChanges",
          "the consumer does not use the changed fields; nothing to migrate");
      return;
    case api::Outcome::NeedsReview:
      set(ConsumerPhase::NeedsReview, KStatus::Stalled, "NeedsReview",
          std::to_string(result->reviewCount) +
              " place(s) need a person (status.result.review); fix them, then annotate shepherd.dev/retry or "
              "shepherd.dev/skip");
      return;
    case api::Outcome::Changed:
      after_publish();
      return;
  }
}

void Machine::attempt_failed(const std::string& message) {
  const std::int64_t first = st().retryFrom > 0 ? st().retryFrom : 1;
  const std::int64_t used = st().attempts - first + 1;
  if (used <= cmig_.spec.agent.retries) {
    const api::Duration delay = retry_backoff(used);
    st().nextAttemptAt = o_.now + std::chrono::duration_cast<seconds>(delay);
    set(ConsumerPhase::Pending, KStatus::Reconciling, "AttemptFailed",
        "attempt " + std::to_string(st().attempts) + " failed: " + message + "; retrying in " +
            api::format_duration(delay));
    requeue(delay);
  } else {
    set(ConsumerPhase::Failed, KStatus::Stalled, "Failed",
        "attempt " + std::to_string(st().attempts) + " failed: " + message +
            "; no retries left (agent.retries " + std::to_string(cmig_.spec.agent.retries) +
            "); annotate shepherd.dev/retry=<token> to try again");
  }
}

void Machine::after_publish() {
  if (co_) {
    st().cutover.reset();
    set(ConsumerPhase::CuttingOver, KStatus::Reconciling, "CuttingOver",
        "cutting over " + (co_->configMap ? "ConfigMap " + co_->configMap->name
                                          : co_->target.kind + " " + co_->target.name));
    cutting_over();
    return;
  }
  if (!cmig_.spec.health.checks.empty() && cmig_.spec.agent.mode != api::AgentMode::DryRun) {
    start_analysis();
    return;
  }
  set(ConsumerPhase::Succeeded, KStatus::Ready, "Succeeded", "migrated and published");
}

void Machine::cutting_over() {
  if (!co_) {
    after_publish();
    return;
  }
  const ObjectRead* read = target();
  if (read == nullptr) return;
  if (read->status == ObjectRead::Status::Failed) {
    st().message = "cannot read cut-over target: " + read->error;
    requeue(seconds{30});
    return;
  }
  const auto step = cutover::next_cutover_step(*co_, st().cutover, live_object(*read), cutover_value(cmig_));
  if (const auto* error = std::get_if<cutover::CutoverError>(&step)) {
    if (cutover::target_gone(*error)) {
      start_rollback("CutoverTargetNotFound", error->message);
      return;
    }
    // A state a person can fix in place (DuplicateEnv, ValueFromNotSupported, ...): look again.
    st().message = "cannot read cut-over target: " + error->reason + ": " + error->message;
    requeue(seconds{30});
    return;
  }
  const api::CutoverTarget object = cutover::changed_object(*co_);
  if (const auto* record = std::get_if<cutover::RecordPrevious>(&step)) {
    // Status (with the previous value) is written before the patch is sent: rollback restores this.
    st().cutover = api::CutoverStatus{object, record->previous, std::nullopt};
    d_.actions.push_back(PatchTarget{object, record->patch});
    requeue(seconds{10});
  } else if (const auto* apply = std::get_if<cutover::ApplyCutover>(&step)) {
    d_.actions.push_back(PatchTarget{object, apply->patch});
    requeue(seconds{10});
  } else if (std::holds_alternative<cutover::MarkApplied>(step)) {
    st().cutover->appliedAt = o_.now;
    if (!cmig_.spec.health.checks.empty())
      start_analysis();
    else
      set(ConsumerPhase::Succeeded, KStatus::Ready, "Succeeded", "migrated and cut over");
  }
}

void Machine::start_analysis() {
  st().analysis = api::AnalysisStatus{};
  st().analysis->startedAt = o_.now;
  set(ConsumerPhase::Analyzing, KStatus::Reconciling, "Analyzing",
      "analysing health: " + std::to_string(cmig_.spec.health.count) + " rounds every " +
          api::format_duration(cmig_.spec.health.interval));
  requeue(cmig_.spec.health.interval);
}

void Machine::request_round() {
  MeasureNow measure;
  measure.health = cmig_.spec.health;
  measure.context = {cmig_.spec.consumer.name, cmig_.spec.plan, cmig_.metadata.namespace_,
                     cmig_.spec.dataset.name};
  bool workload_check = false;
  for (const auto& c : cmig_.spec.health.checks)
    workload_check = workload_check || (c.workload && !c.prometheus);
  // The workload check watches the workload of an env cut-over; a ConfigMap has no pods.
  if (workload_check && co_ && !co_->configMap) {
    measure.workload = co_->target;
    if (st().cutover) measure.applied_at = st().cutover->appliedAt;
  }
  d_.requests.push_back(std::move(measure));
}

void Machine::analyzing() {
  if (!st().analysis) {
    start_analysis();
    return;
  }
  auto& a = *st().analysis;
  if (!a.startedAt) a.startedAt = o_.now;
  const auto& h = cmig_.spec.health;
  health::AnalysisDecision next = health::decide_analysis(h, a, o_.now);
  if (std::holds_alternative<health::MeasureNow>(next)) {
    if (!o_.round) {
      request_round();
      return;
    }
    health::record_round(a, o_.round->results, o_.round->at);
    for (const auto& r : o_.round->results)
      d_.metrics.push_back(HealthMeasured{r.check, api::to_string(r.result.outcome)});
    next = health::decide_analysis(h, a, o_.now);
  }
  if (const auto* done = std::get_if<health::Finished>(&next)) {
    switch (done->verdict) {
      case health::Verdict::Succeeded:
        set(ConsumerPhase::Succeeded, KStatus::Ready, "Succeeded", "analysis passed: " + done->message);
        return;
      case health::Verdict::Failed:
        start_rollback("HealthCheckFailed", done->message);
        return;
      case health::Verdict::Inconclusive:
        set(ConsumerPhase::Analyzing, KStatus::Stalled, "AnalysisInconclusive",
            "analysis inconclusive: " + done->message +
                "; annotate shepherd.dev/retry to analyse again, shepherd.dev/skip to accept or "
                "shepherd.dev/rollback");
        return;
    }
  }
  if (kstatus_ != KStatus::Stalled)
    set(ConsumerPhase::Analyzing, KStatus::Reconciling, "Analyzing",
        "analysing: " + std::to_string(health::rounds_taken(a)) + "/" + std::to_string(h.count) +
            " rounds, " + std::to_string(a.failures) + " failed, " + std::to_string(a.inconclusive) +
            " inconclusive");
  // WaitUntil: the next round's time. MeasureNow again: a round missed earlier is overdue; catch up.
  const auto* wait = std::get_if<health::WaitUntil>(&next);
  requeue(std::chrono::duration_cast<api::Duration>((wait ? wait->at : o_.now) - o_.now));
}

void Machine::start_rollback(const std::string& reason, const std::string& detail) {
  st().rollback = api::RollbackStatus{reason, o_.now, std::nullopt, "", 0, false};
  set(ConsumerPhase::RollingBack, KStatus::Reconciling, "RollingBack",
      "rolling back: " + reason + (detail.empty() ? "" : " (" + detail + ")"));
  d_.metrics.push_back(RollbackStarted{reason});
  rolling_back();
}

void Machine::rolling_back() {
  if (!st().rollback) st().rollback = api::RollbackStatus{"Requested", o_.now, std::nullopt, "", 0, false};
  auto& rb = *st().rollback;
  // 1. Restore the cut-over field exactly as recorded.
  if (co_ && st().cutover && !rb.restored) {
    const ObjectRead* read = target();
    if (read == nullptr) return;
    if (read->status == ObjectRead::Status::Failed) {
      requeue(seconds{30});
      return;
    }
    const auto planned = cutover::rollback_patch(*co_, live_object(*read), st().cutover->previous);
    if (const auto* error = std::get_if<cutover::CutoverError>(&planned)) {
      if (!cutover::target_gone(*error)) {
        requeue(seconds{30});  // e.g. DuplicateEnv: restoring would guess; look again
        return;
      }
      rb.restored = true;  // nothing left to restore
    } else if (const auto& patch = std::get<std::optional<cutover::Patch>>(planned)) {
      // Planned from the object just read: a removal is guarded by its resourceVersion, so a
      // change in between fails the patch and the next reconcile plans again from a fresh read.
      d_.actions.push_back(PatchTarget{cutover::changed_object(*co_), *patch});
      requeue(seconds{10});
      return;
    } else {
      rb.restored = true;  // the object already holds the previous state
    }
  }
  // 2. Revert what the agent published.
  if (published()) {
    if (rb.attempts == 0 || rb.job.empty()) {
      rb.attempts = std::max<std::int64_t>(rb.attempts, 0) + 1;
      rb.job = rollback_job_name(cmig_.metadata.name, st().attempts, rb.attempts);
    }
    const JobObservation* job = find_job(rb.job);
    if (job == nullptr) {
      JobOptions options;
      options.action = JobAction::Rollback;
      options.attempt = st().attempts;
      options.rollback_attempt = rb.attempts;
      options.default_image = o_.default_agent_image;
      d_.actions.push_back(CreateJob{build_agent_job(cmig_, options)});
      requeue(seconds{30});
      return;
    }
    if (!job->succeeded && !job->failed) return;
    const std::optional<std::string>* output = termination_message(*job);
    if (output == nullptr) return;
    std::optional<api::AgentResult> result;
    std::string why = job->failure_reason + (job->failure_message.empty() ? "" : ": " + job->failure_message);
    if (*output) {
      auto parsed = parse_agent_result(**output);
      if (parsed.value)
        result = parsed.value;
      else if (why.empty())
        why = parsed.error;
    }
    const bool ok = job->succeeded && result && result->outcome != api::Outcome::Failed;
    if (!ok) {
      if (result && !result->message.empty()) why += (why.empty() ? "" : "; ") + result->message;
      if (rb.attempts <= cmig_.spec.agent.retries) {
        rb.attempts += 1;
        rb.job = rollback_job_name(cmig_.metadata.name, st().attempts, rb.attempts);
        JobOptions options;
        options.action = JobAction::Rollback;
        options.attempt = st().attempts;
        options.rollback_attempt = rb.attempts;
        options.default_image = o_.default_agent_image;
        d_.actions.push_back(CreateJob{build_agent_job(cmig_, options)});
        d_.events.push_back(
            {api::EventType::Warning, "RollbackAttemptFailed", "rollback Job failed: " + why});
        return;
      }
      set(ConsumerPhase::Failed, KStatus::Stalled, "RollbackFailed",
          "rollback Job " + rb.job + " failed: " + why + "; fix the cause, then annotate shepherd.dev/retry");
      return;
    }
  }
  rb.completedAt = o_.now;
  set(ConsumerPhase::RolledBack, KStatus::Stalled, "RolledBack", "rolled back (" + rb.reason + ")");
}

}  // namespace

ConsumerDecision decide_consumer(const ConsumerObserved& observed) { return Machine(observed).run(); }

api::Duration retry_backoff(std::int64_t failed_attempt) {
  const std::int64_t n = std::clamp<std::int64_t>(failed_attempt, 1, 16);
  const std::int64_t secs = std::min<std::int64_t>(10LL << (n - 1), 300);
  return std::chrono::seconds{secs};
}

std::optional<api::CutoverSpec> effective_cutover(const api::ConsumerMigration& cmig) {
  auto co = cmig.spec.consumer.cutover;
  if (!co) return co;
  if (co->target.namespace_.empty() && !co->target.name.empty())
    co->target.namespace_ = cmig.metadata.namespace_;
  if (co->configMap && co->configMap->namespace_.empty())
    co->configMap->namespace_ = cmig.metadata.namespace_;
  return co;
}

std::string cutover_value(const api::ConsumerMigration& cmig) {
  const auto& co = cmig.spec.consumer.cutover;
  if (!co) return "";
  const std::string& raw = co->env ? co->env->value : (co->configMap ? co->configMap->value : std::string());
  return api::expand_placeholders(raw,
                                  {{"plan", cmig.spec.plan.empty() ? cmig.metadata.name : cmig.spec.plan},
                                   {"consumer", cmig.spec.consumer.name},
                                   {"namespace", cmig.metadata.namespace_},
                                   {"dataset", cmig.spec.dataset.name}});
}

health::CheckResult workload_result(const ObjectRead& workload, const nlohmann::json& pods,
                                    const std::optional<api::Timestamp>& applied_at) {
  if (workload.status == ObjectRead::Status::Failed)
    return health::CheckResult{api::MeasurementOutcome::Inconclusive, "", "TargetNotFound",
                               "the cut-over target could not be read: " + workload.error};
  return health::check_workload(live_object(workload), pods, {}, applied_at);
}

}  // namespace shepherd::controllers::consumer
