// The operator's Prometheus metrics (docs/operations.md), registered with prometheus-cpp and served on
// /metrics. Runtime hooks (reconciles, queue depth, API requests) and the controllers' domain
// events (agent Jobs, rollbacks, health measurements) feed it; the per-phase gauges are recomputed
// from the informer caches by set_phase_counts().
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controllers/reconcile/observer.h"

namespace shepherd::operator_main {

class OperatorMetrics : public controllers::reconcile::DomainObserver {
 public:
  OperatorMetrics();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void reconcile(const std::string& controller, const std::string& result, std::chrono::nanoseconds d);
  void queue_depth(const std::string& controller, size_t depth);
  // resource: plural[.group], e.g. "jobs.batch", "consumermigrations.shepherd.dev", "events".
  void api_request(const std::string& verb, const std::string& resource, int code);
  // Replaces the gauge values for every known phase (phases absent from `counts` read 0).
  void set_plan_phases(const std::map<std::string, int>& counts);
  void set_consumer_phases(const std::map<std::string, int>& counts);

  // DomainObserver
  void agent_job_finished(const std::string& outcome) override;
  void rollback_started(const std::string& reason) override;
  void health_measurement(const std::string& check, const std::string& outcome) override;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& plans_;
  prometheus::Family<prometheus::Gauge>& consumers_;
  prometheus::Family<prometheus::Counter>& agent_jobs_;
  prometheus::Family<prometheus::Counter>& rollbacks_;
  prometheus::Family<prometheus::Counter>& measurements_;
  prometheus::Family<prometheus::Counter>& reconciles_;
  prometheus::Family<prometheus::Histogram>& reconcile_duration_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Counter>& api_requests_;
  std::mutex mu_;  // prometheus-cpp families are thread-safe; this guards Histogram creation races
};

}  // namespace shepherd::operator_main
