// The ConsumerMigration reconciler (imperative shell). It decides nothing: it observes the
// migration, its agent Jobs and their pods (informer caches) and asks consumer::decide_consumer;
// when the decision requests more (ObserveTarget: a live GET of the cut-over's object, which the
// operator never caches; MeasureNow: one round of health checks against Prometheus and the
// workload), it performs that I/O and asks again. Then it writes the status first and carries out
// the actions — create/delete Jobs, send the ready cut-over or rollback patch under
// shepherd-operator — and records Events and metrics. Every branch here is on an I/O result. Every
// action is idempotent, so a crash between two steps is repaired by the next reconcile.
#pragma once

#include <memory>
#include <string>

#include "controllers/consumer/decide.h"
#include "controllers/health/metrics_source.h"
#include "controllers/reconcile/observer.h"
#include "runtime/client.h"
#include "runtime/controller.h"
#include "runtime/events.h"
#include "runtime/informer.h"
#include "runtime/recent_writes.h"

namespace shepherd::controllers::reconcile {

struct ConsumerReconcilerOptions {
  std::string agent_image = "shepherd-agent:0.1.0";  // when the spec names none
  std::chrono::milliseconds query_timeout{std::chrono::seconds(10)};
};

class ConsumerReconciler {
 public:
  ConsumerReconciler(std::shared_ptr<runtime::Client> client,
                     std::shared_ptr<runtime::Informer> consumer_migrations,
                     std::shared_ptr<runtime::Informer> jobs, std::shared_ptr<runtime::Informer> pods,
                     std::shared_ptr<runtime::EventRecorder> events, std::shared_ptr<DomainObserver> observer,
                     ConsumerReconcilerOptions options,
                     std::shared_ptr<health::MetricsSource> metrics_source = nullptr);

  runtime::ReconcileResult reconcile(const std::string& key);

  // Maps an event on an agent pod to its ConsumerMigration (pod -> its Job -> the Job's owner), so
  // that a termination message written after the Job's own last update is seen.
  runtime::MapFn pod_mapper() const;

 private:
  // The agent Jobs of the migration with their results, as cached (and those created but not
  // cached yet, as active).
  std::vector<consumer::JobObservation> observe_jobs(const std::string& key,
                                                     const api::ConsumerMigration& cmig);
  // An ObserveJobPods answer: the termination message of the Job's pods as the API server lists
  // them (nullopt when none has one).
  runtime::Result<std::optional<std::string>> live_termination_message(const std::string& ns,
                                                                       const std::string& job);
  // GET of a cut-over's object, as the decision reads it (found, not found, or why not).
  consumer::ObjectRead read_object(const api::CutoverTarget& object);
  // One round of the checks in `request`, taken at `now`.
  consumer::MeasuredRound measure(const consumer::MeasureNow& request, api::Timestamp now);
  // Sends a ready patch; an error message when it failed.
  std::optional<std::string> send_patch(const consumer::PatchTarget& patch);
  void record_metric(const consumer::MetricEvent& metric);

  std::shared_ptr<runtime::Client> client_;
  std::shared_ptr<runtime::Informer> cmigs_;
  std::shared_ptr<runtime::Informer> jobs_;
  std::shared_ptr<runtime::Informer> pods_;
  std::shared_ptr<runtime::EventRecorder> events_;
  std::shared_ptr<DomainObserver> observer_;
  ConsumerReconcilerOptions options_;
  std::shared_ptr<health::MetricsSource> metrics_source_;
  std::shared_ptr<runtime::RecentWrites> recent_ = std::make_shared<runtime::RecentWrites>();
  // Jobs created but not yet in the cache, per ConsumerMigration key: a reconcile in between
  // (e.g. triggered by its own status write) must not create the Job again.
  runtime::Expectations expected_jobs_;
};

}  // namespace shepherd::controllers::reconcile
