// Implementation of consumer_reconciler.h.
#include "controllers/reconcile/consumer_reconciler.h"

#include <set>

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

std::vector<consumer::JobObservation> ConsumerReconciler::observe_jobs(const std::string& key,
                                                                       const api::ConsumerMigration& cmig) {
  std::vector<consumer::JobObservation> out;
  std::set<std::string> seen;
  for (const auto& job : jobs_->store().by_index(runtime::kOwnerIndex, cmig.metadata.uid)) {
    consumer::JobObservation o = observe_job(*job);
    // The newest pod of the Job that terminated carries the agent's result.
    for (const auto& pod : pods_->store().by_index(kJobNameIndex, o.name)) {
      if (auto msg = termination_message(*pod)) o.termination_message = msg;
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

runtime::Result<std::optional<std::string>> ConsumerReconciler::live_termination_message(
    const std::string& ns, const std::string& job) {
  runtime::ListOptions lo;
  lo.label_selector = "job-name=" + job;
  auto live = client_->list(runtime::resources::kPods, ns, lo);
  if (!live) return live.error();
  std::optional<std::string> message;
  for (const auto& pod : live.value().value("items", json::array())) {
    if (auto msg = termination_message(pod)) message = msg;
  }
  return message;
}

consumer::ObjectRead ConsumerReconciler::read_object(const api::CutoverTarget& object) {
  consumer::ObjectRead read;
  auto resource = runtime::resource_for_kind(object.apiVersion, object.kind);
  if (!resource) {
    read.error = "cut-over target kind " + object.apiVersion + "/" + object.kind + " is not supported";
    return read;
  }
  auto r = client_->get(*resource, object.namespace_, object.name);
  if (r) {
    read.status = consumer::ObjectRead::Status::Found;
    read.object = std::move(r.value());
  } else if (r.error().is_not_found()) {
    read.status = consumer::ObjectRead::Status::NotFound;
  } else {
    read.error = r.error().to_string();
  }
  return read;
}

consumer::MeasuredRound ConsumerReconciler::measure(const consumer::MeasureNow& request, api::Timestamp now) {
  health::RoundInputs inputs;
  inputs.context = request.context;
  inputs.query_timeout = options_.query_timeout;
  if (request.workload) {
    const consumer::ObjectRead live = read_object(*request.workload);
    json pods = json::array();
    const std::string selector =
        live.status == consumer::ObjectRead::Status::Found ? health::pod_selector(live.object) : "";
    if (!selector.empty()) {
      runtime::ListOptions lo;
      lo.label_selector = selector;
      auto list = client_->list(runtime::resources::kPods, request.workload->namespace_, lo);
      if (list) pods = list.value().value("items", json::array());
    }
    inputs.workload = consumer::workload_result(live, pods, request.applied_at);
  }
  return consumer::MeasuredRound{now, health::measure_round(request.health, inputs, *metrics_source_)};
}

std::optional<std::string> ConsumerReconciler::send_patch(const consumer::PatchTarget& p) {
  auto resource = runtime::resource_for_kind(p.object.apiVersion, p.object.kind);
  if (!resource) return "cut-over target kind " + p.object.kind + " is not supported";
  runtime::PatchOptions po;
  po.field_manager = cutover::kFieldManager;
  po.force = p.patch.type == cutover::PatchType::Apply;
  auto r = client_->patch(*resource, p.object.namespace_, p.object.name, runtime_patch_type(p.patch.type),
                          p.patch.body, po);
  if (!r) return r.error().message;
  return std::nullopt;
}

void ConsumerReconciler::record_metric(const consumer::MetricEvent& metric) {
  if (const auto* job = std::get_if<consumer::AgentJobFinished>(&metric)) {
    observer_->agent_job_finished(job->outcome);
  } else if (const auto* rollback = std::get_if<consumer::RollbackStarted>(&metric)) {
    observer_->rollback_started(rollback->reason);
  } else if (const auto* m = std::get_if<consumer::HealthMeasured>(&metric)) {
    observer_->health_measurement(m->check, m->outcome);
  }
}

ReconcileResult ConsumerReconciler::reconcile(const std::string& key) {
  auto obj = recent_->freshest(key, cmigs_->store().get(key));
  if (!obj) {
    recent_->forget(key);
    expected_jobs_.forget(key);
    return ReconcileResult::done();
  }
  auto parsed = api::parse_consumer_migration(*obj);
  if (!parsed.value) {
    runtime::log_error("cannot read ConsumerMigration",
                       {{"consumerMigration", key}, {"error", parsed.error}});
    return ReconcileResult::done();
  }
  const api::ConsumerMigration& cmig = *parsed.value;
  const auto now = now_seconds();

  consumer::ConsumerObserved observed;
  observed.cmig = cmig;
  observed.jobs = observe_jobs(key, cmig);
  observed.default_agent_image = options_.agent_image;
  observed.now = now;

  // Decide; observe what the decision asks for; decide again with the answers. Each request is
  // answered once, so this ends after one round per kind of request; more is a bug in decide.
  consumer::ConsumerDecision decision = consumer::decide_consumer(observed);
  for (int asked = 0; !decision.requests.empty(); ++asked) {
    if (asked == consumer::kConsumerRequestKinds)
      return ReconcileResult::failed("internal: decide_consumer keeps asking for observations");
    for (const auto& request : decision.requests) {
      if (const auto* get = std::get_if<consumer::ObserveTarget>(&request)) {
        observed.target = read_object(get->object);
      } else if (const auto* round = std::get_if<consumer::MeasureNow>(&request)) {
        observed.round = measure(*round, now);
      } else if (const auto* pods = std::get_if<consumer::ObserveJobPods>(&request)) {
        auto message = live_termination_message(cmig.metadata.namespace_, pods->job);
        if (!message)
          return ReconcileResult::failed("listing the pods of agent Job " + pods->job + ": " +
                                         message.error().message);
        observed.job_pods[pods->job] = std::move(message.value());
      }
    }
    decision = consumer::decide_consumer(observed);
  }

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
  // The metrics describe the transition just written; a failed write is decided again, and so are they.
  for (const auto& metric : decision.metrics) record_metric(metric);
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
    } else if (const auto* patch = std::get_if<consumer::PatchTarget>(&action)) {
      // Retried with backoff; the next decision plans again from a fresh read of the object.
      if (auto err = send_patch(*patch)) return ReconcileResult::failed("cut-over of " + key + ": " + *err);
    }
  }
  for (const auto& e : decision.events) {
    if (events_) events_->record(*obj, api::to_string(e.type), e.reason, e.message);
  }
  if (decision.requeue_after) return ReconcileResult::requeue_after(*decision.requeue_after);
  return ReconcileResult::done();
}

}  // namespace shepherd::controllers::reconcile
