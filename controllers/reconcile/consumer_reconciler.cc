// Implementation of consumer_reconciler.h.
#include "controllers/reconcile/consumer_reconciler.h"

#include <set>

#include "controllers/cutover/configmap_cutover.h"
#include "controllers/cutover/env_cutover.h"
#include "controllers/cutover/target.h"
#include "controllers/health/prometheus_client.h"
#include "controllers/health/round.h"
#include "controllers/health/workload_check.h"
#include "controllers/reconcile/cache_trim.h"
#include "controllers/reconcile/job_observation.h"
#include "controllers/reconcile/resources.h"
#include "runtime/log.h"
#include "runtime/store.h"

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;
using runtime::ReconcileResult;

api::Timestamp now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

runtime::PatchType runtime_patch_type(cutover::PatchType t) {
  return t == cutover::PatchType::Apply ? runtime::PatchType::kApply : runtime::PatchType::kJson;
}

}  // namespace

ConsumerReconciler::ConsumerReconciler(
    std::shared_ptr<runtime::Client> client, std::shared_ptr<runtime::Informer> consumer_migrations,
    std::shared_ptr<runtime::Informer> jobs, std::shared_ptr<runtime::Informer> pods,
    std::shared_ptr<runtime::EventRecorder> events, std::shared_ptr<DomainObserver> observer,
    ConsumerReconcilerOptions options, std::shared_ptr<health::MetricsSource> metrics_source)
    : client_(std::move(client)),
      cmigs_(std::move(consumer_migrations)),
      jobs_(std::move(jobs)),
      pods_(std::move(pods)),
      events_(std::move(events)),
      observer_(observer ? std::move(observer) : std::make_shared<NoopObserver>()),
      options_(std::move(options)),
      metrics_source_(metrics_source ? std::move(metrics_source)
                                     : std::make_shared<health::PrometheusClient>()) {
  cmigs_->add_handlers(runtime::forget_when_cached(recent_));
}

runtime::MapFn ConsumerReconciler::pod_mapper() const {
  auto jobs = jobs_;
  return [jobs](const json& pod) -> std::vector<std::string> {
    const std::string ns = pod["metadata"].value("namespace", "");
    for (const auto& ref : pod["metadata"].value("ownerReferences", json::array())) {
      if (ref.value("kind", "") != "Job" || !ref.value("controller", false)) continue;
      auto job = jobs->store().get(ns + "/" + ref.value("name", ""));
      if (!job) continue;
      if (auto owner = runtime::controller_owner_key(*job, "shepherd.dev", "ConsumerMigration"))
        return {*owner};
    }
    return {};
  };
}

runtime::Result<std::vector<consumer::JobObservation>> ConsumerReconciler::observe_jobs(
    const std::string& key, const api::ConsumerMigration& cmig) {
  std::vector<consumer::JobObservation> out;
  std::set<std::string> seen;
  for (const auto& job : jobs_->store().by_index(runtime::kOwnerIndex, cmig.metadata.uid)) {
    consumer::JobObservation o = observe_job(*job);
    // The newest pod of the Job that terminated carries the agent's result.
    for (const auto& pod : pods_->store().by_index(kJobNameIndex, o.name)) {
      if (auto msg = termination_message(*pod)) o.termination_message = msg;
    }
    // The Job informer can be ahead of the pod informer: a finished Job whose pod's termination is
    // not cached yet would read as "no result". Ask the API server before concluding that.
    if ((o.succeeded || o.failed) && !o.termination_message) {
      runtime::ListOptions lo;
      lo.label_selector = "job-name=" + o.name;
      auto live = client_->list(runtime::resources::kPods, cmig.metadata.namespace_, lo);
      if (!live) return live.error();
      for (const auto& pod : live.value().value("items", json::array())) {
        if (auto msg = termination_message(pod)) o.termination_message = msg;
      }
    }
    seen.insert(o.name);
    out.push_back(std::move(o));
  }
  // Created by an earlier reconcile, not in the cache yet: it exists and is running.
  for (const auto& name : expected_jobs_.pending(key, seen)) {
    consumer::JobObservation o;
    o.name = name;
    o.active = true;
    out.push_back(std::move(o));
  }
  return out;
}

runtime::Result<json> ConsumerReconciler::get_cutover_object(const api::CutoverSpec& spec) {
  runtime::Result<json> r = json(nullptr);
  if (spec.configMap) {
    r = client_->get(runtime::resources::kConfigMaps, spec.configMap->namespace_, spec.configMap->name);
  } else {
    auto resource = runtime::resource_for_kind(spec.target.apiVersion, spec.target.kind);
    if (!resource) {
      return runtime::ApiError::invalid("cut-over target kind " + spec.target.apiVersion + "/" +
                                        spec.target.kind + " is not supported");
    }
    r = client_->get(*resource, spec.target.namespace_, spec.target.name);
  }
  if (!r && r.error().is_not_found()) return json(nullptr);
  return r;
}

std::optional<consumer::CutoverObservation> ConsumerReconciler::observe_cutover(
    const api::CutoverSpec& spec) {
  consumer::CutoverObservation o;
  auto live = get_cutover_object(spec);
  if (!live) {
    o.error = live.error().message;
    return o;
  }
  if (live.value().is_null()) return o;  // found = false
  o.found = true;
  if (spec.env) {
    auto loc = cutover::locate_env(live.value(), spec.target, *spec.env);
    if (auto* err = std::get_if<cutover::CutoverError>(&loc)) {
      // A missing container is as final as a missing target: the decision treats both as not found.
      o.found = err->reason != "ContainerNotFound" && err->reason != "TargetMismatch";
      o.error = o.found ? err->reason + ": " + err->message : "";
      if (!o.found)
        runtime::log_info("cut-over target unusable", {{"reason", err->reason}, {"message", err->message}});
    } else {
      o.current = std::get<cutover::EnvLocation>(loc).previous;
    }
  } else if (spec.configMap) {
    auto prev = cutover::read_configmap_key(live.value(), *spec.configMap);
    if (auto* err = std::get_if<cutover::CutoverError>(&prev)) {
      o.error = err->reason + ": " + err->message;
    } else {
      o.current = std::get<api::PreviousValue>(prev);
    }
  }
  return o;
}

std::vector<api::Measurement> ConsumerReconciler::measure(const api::ConsumerMigration& cmig,
                                                          api::Timestamp now) {
  const auto& healthspec = cmig.spec.health;
  health::RoundInputs inputs;
  inputs.context = {cmig.spec.consumer.name, cmig.spec.plan, cmig.metadata.namespace_,
                    cmig.spec.dataset.name};
  inputs.query_timeout = options_.query_timeout;
  bool has_workload_check = false;
  for (const auto& c : healthspec.checks)
    has_workload_check = has_workload_check || (c.workload && !c.prometheus);
  if (has_workload_check && cmig.spec.consumer.cutover && !cmig.spec.consumer.cutover->configMap) {
    const auto& target = cmig.spec.consumer.cutover->target;
    auto live = get_cutover_object(*cmig.spec.consumer.cutover);
    json pods = json::array();
    if (live && !live.value().is_null()) {
      std::string selector;
      // A named copy: ranging over items() of the temporary that value() returns reads freed memory.
      const json match_labels = live.value().value("/spec/selector/matchLabels"_json_pointer, json::object());
      for (const auto& [k, v] : match_labels.items()) {
        if (v.is_string()) selector += (selector.empty() ? "" : ",") + k + "=" + v.get<std::string>();
      }
      if (!selector.empty()) {
        runtime::ListOptions lo;
        lo.label_selector = selector;
        auto list = client_->list(runtime::resources::kPods, target.namespace_, lo);
        if (list) pods = list.value().value("items", json::array());
      }
      std::optional<api::Timestamp> applied;
      if (cmig.status.cutover) applied = cmig.status.cutover->appliedAt;
      inputs.workload = health::check_workload(live.value(), pods, {}, applied);
    } else {
      inputs.workload =
          health::CheckResult{api::MeasurementOutcome::Inconclusive, "", "TargetNotFound",
                              live ? "the cut-over target does not exist" : live.error().message};
    }
  }
  std::vector<api::Measurement> round;
  for (const auto& r : health::measure_round(healthspec, inputs, *metrics_source_)) {
    api::Measurement m;
    m.check = r.check;
    m.at = now;
    m.value = r.result.value;
    m.outcome = r.result.outcome;
    m.message = r.result.reason + (r.result.message.empty() ? "" : ": " + r.result.message);
    observer_->health_measurement(r.check, api::to_string(r.result.outcome));
    round.push_back(std::move(m));
  }
  return round;
}

std::optional<std::string> ConsumerReconciler::apply_cutover(const consumer::ConsumerAction& action) {
  const api::CutoverSpec& spec = std::holds_alternative<consumer::ApplyCutover>(action)
                                     ? std::get<consumer::ApplyCutover>(action).cutover
                                     : std::get<consumer::RestoreCutover>(action).cutover;
  std::optional<cutover::Patch> patch;
  runtime::Resource resource = runtime::resources::kConfigMaps;
  std::string ns, name;
  if (spec.configMap) {
    ns = spec.configMap->namespace_;
    name = spec.configMap->name;
  } else {
    auto r = runtime::resource_for_kind(spec.target.apiVersion, spec.target.kind);
    if (!r) return "cut-over target kind " + spec.target.kind + " is not supported";
    resource = *r;
    ns = spec.target.namespace_;
    name = spec.target.name;
  }
  if (const auto* apply = std::get_if<consumer::ApplyCutover>(&action)) {
    patch = spec.configMap ? cutover::configmap_apply_patch(*spec.configMap, apply->value)
                           : cutover::env_apply_patch(spec.target, *spec.env, apply->value);
    if (!patch) return "cut-over target kind " + spec.target.kind + " is not supported";
  } else {
    const auto& restore = std::get<consumer::RestoreCutover>(action);
    auto live = get_cutover_object(spec);
    if (!live) return live.error().message;
    if (live.value().is_null()) return std::nullopt;  // nothing left to restore
    auto planned = spec.configMap
                       ? cutover::plan_configmap_rollback(live.value(), *spec.configMap, restore.previous)
                       : cutover::plan_env_rollback(live.value(), spec.target, *spec.env, restore.previous);
    if (auto* err = std::get_if<cutover::CutoverError>(&planned)) return err->reason + ": " + err->message;
    patch = std::get<std::optional<cutover::Patch>>(planned);
    if (!patch) return std::nullopt;  // already restored
  }
  runtime::PatchOptions po;
  po.field_manager = cutover::kFieldManager;
  po.force = patch->type == cutover::PatchType::Apply;
  auto r = client_->patch(resource, ns, name, runtime_patch_type(patch->type), patch->body, po);
  if (!r) return r.error().message;
  return std::nullopt;
}

ReconcileResult ConsumerReconciler::reconcile(const std::string& key) {
  auto obj = recent_->freshest(key, cmigs_->store().get(key));
  if (!obj) {
    recent_->forget(key);
    expected_jobs_.forget(key);
    return ReconcileResult::done();
  }
  if ((*obj)["metadata"].contains("deletionTimestamp")) return ReconcileResult::done();
  auto parsed = api::parse_consumer_migration(*obj);
  if (!parsed.value) {
    runtime::log_error("cannot read ConsumerMigration",
                       {{"consumerMigration", key}, {"error", parsed.error}});
    return ReconcileResult::done();
  }
  api::ConsumerMigration& cmig = *parsed.value;
  // The cut-over target's and ConfigMap's namespace default to the migration's own (docs/api.md).
  if (auto& co = cmig.spec.consumer.cutover) {
    if (co->target.namespace_.empty() && !co->target.name.empty())
      co->target.namespace_ = cmig.metadata.namespace_;
    if (co->configMap && co->configMap->namespace_.empty())
      co->configMap->namespace_ = cmig.metadata.namespace_;
  }
  const auto now = now_seconds();

  consumer::ConsumerObserved observed;
  observed.cmig = cmig;
  auto jobs = observe_jobs(key, cmig);
  if (!jobs) return ReconcileResult::failed("reading the pods of an agent Job: " + jobs.error().message);
  observed.jobs = std::move(jobs.value());
  observed.default_agent_image = options_.agent_image;
  observed.now = now;
  const auto phase = cmig.status.phase;
  if (cmig.spec.consumer.cutover &&
      (phase == api::ConsumerPhase::Generating || phase == api::ConsumerPhase::CuttingOver ||
       phase == api::ConsumerPhase::RollingBack || phase == api::ConsumerPhase::Analyzing)) {
    observed.cutover_target = observe_cutover(*cmig.spec.consumer.cutover);
  }
  if (phase == api::ConsumerPhase::Analyzing && cmig.status.analysis &&
      now >= consumer::next_measurement_at(*cmig.status.analysis, cmig.spec.health)) {
    observed.measurements = measure(cmig, now);
  }

  consumer::ConsumerDecision decision = consumer::decide_consumer(observed);

  if (decision.status_changed) {
    json updated = *obj;
    updated["status"] = decision.status;
    auto r = client_->update_status(kConsumerMigrations, cmig.metadata.namespace_, updated);
    if (!r) {
      if (r.error().is_conflict()) return ReconcileResult::requeue_after(std::chrono::milliseconds(50));
      if (r.error().is_not_found()) return ReconcileResult::done();
      return ReconcileResult::failed("writing ConsumerMigration status: " + r.error().message);
    }
    recent_->remember(key, r.value());
    recent_->freshest(key, cmigs_->store().get(key));  // the watch event may have come already
  }
  for (const auto& action : decision.actions) {
    if (const auto* create = std::get_if<consumer::CreateJob>(&action)) {
      auto r = client_->create(runtime::resources::kJobs, cmig.metadata.namespace_, create->job);
      if (!r && !r.error().is_already_exists())
        return ReconcileResult::failed("creating Job: " + r.error().message);
      expected_jobs_.expect(key, create->job["metadata"].value("name", ""));
    } else if (const auto* del = std::get_if<consumer::DeleteJob>(&action)) {
      runtime::DeleteOptions d;
      d.propagation_policy = "Background";
      auto r = client_->remove(runtime::resources::kJobs, cmig.metadata.namespace_, del->name, d);
      if (!r && !r.error().is_not_found())
        return ReconcileResult::failed("deleting Job: " + r.error().message);
    } else if (auto err = apply_cutover(action)) {
      // Cut-over actions are retried with backoff; the decision sees the live value next time.
      return ReconcileResult::failed("cut-over of " + key + ": " + *err);
    }
  }

  // Metrics for what just happened, from the status transition.
  const auto& before = cmig.status;
  const auto& after = decision.status;
  if (decision.status_changed) {
    const bool job_finished =
        after.job && after.job->completedAt &&
        (!before.job || before.job->name != after.job->name || !before.job->completedAt);
    if (job_finished && before.phase == api::ConsumerPhase::Generating) {
      observer_->agent_job_finished(after.result ? api::to_string(after.result->outcome) : "Failed");
    }
    if (after.phase == api::ConsumerPhase::RollingBack && before.phase != api::ConsumerPhase::RollingBack) {
      observer_->rollback_started(after.rollback ? after.rollback->reason : "Requested");
    }
  }
  for (const auto& e : decision.events) {
    if (events_) events_->record(*obj, api::to_string(e.type), e.reason, e.message);
  }
  if (decision.requeue_after) return ReconcileResult::requeue_after(*decision.requeue_after);
  return ReconcileResult::done();
}

}  // namespace shepherd::controllers::reconcile
