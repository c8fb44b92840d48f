// Implementation of metrics.h.
#include "operator/metrics.h"

#include <array>

namespace shepherd::operator_main {
namespace {

constexpr std::array kPlanPhases{"Pending",   "Progressing", "Blocked",   "Paused",
                                 "Succeeded", "RollingBack", "RolledBack"};
constexpr std::array kConsumerPhases{"Pending",     "Generating", "CuttingOver", "Analyzing",
                                     "Succeeded",   "NoChanges",  "NeedsReview", "Failed",
                                     "RollingBack", "RolledBack", "Skipped"};

template <size_t N>
void set_phases(prometheus::Family<prometheus::Gauge>& family, const std::array<const char*, N>& phases,
                const std::map<std::string, int>& counts) {
  for (const char* phase : phases) {
    auto it = counts.find(phase);
    family.Add({{"phase", phase}}).Set(it == counts.end() ? 0 : it->second);
  }
}

}  // namespace

OperatorMetrics::OperatorMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      plans_(prometheus::BuildGauge()
                 .Name("shepherd_plans")
                 .Help("MigrationPlans by phase")
                 .Register(*registry_)),
      consumers_(prometheus::BuildGauge()
                     .Name("shepherd_consumers")
                     .Help("ConsumerMigrations by phase")
                     .Register(*registry_)),
      agent_jobs_(prometheus::BuildCounter()
                      .Name("shepherd_agent_jobs_total")
                      .Help("Finished agent Jobs by outcome (Changed, NoChanges, NeedsReview, Failed)")
                      .Register(*registry_)),
      rollbacks_(prometheus::BuildCounter()
                     .Name("shepherd_rollbacks_total")
                     .Help("Consumer rollbacks started, by reason")
                     .Register(*registry_)),
      measurements_(prometheus::BuildCounter()
                        .Name("shepherd_health_measurements_total")
                        .Help("Health check measurements by check and outcome")
                        .Register(*registry_)),
      reconciles_(prometheus::BuildCounter()
                      .Name("shepherd_reconcile_total")
                      .Help("Reconciles by controller and result")
                      .Register(*registry_)),
      reconcile_duration_(prometheus::BuildHistogram()
                              .Name("shepherd_reconcile_duration_seconds")
                              .Help("Duration of reconciles by controller")
                              .Register(*registry_)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("shepherd_workqueue_depth")
                       .Help("Keys waiting in a controller's work queue")
                       .Register(*registry_)),
      api_requests_(
          prometheus::BuildCounter()
              .Name("shepherd_api_requests_total")
              .Help("Requests to the Kubernetes API server by verb, resource and HTTP code (0: no answer)")
              .Register(*registry_)) {
  set_plan_phases({});
  set_consumer_phases({});
}

void OperatorMetrics::reconcile(const std::string& controller, const std::string& result,
                                std::chrono::nanoseconds d) {
  reconciles_.Add({{"controller", controller}, {"result", result}}).Increment();
  static const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                               0.25,  0.5,   1,    2.5,   5,    10};
  std::lock_guard lock(mu_);
  reconcile_duration_.Add({{"controller", controller}}, buckets)
      .Observe(std::chrono::duration<double>(d).count());
}

void OperatorMetrics::queue_depth(const std::string& controller, size_t depth) {
  queue_depth_.Add({{"controller", controller}}).Set(static_cast<double>(depth));
}

void OperatorMetrics::api_request(const std::string& verb, const std::string& resource, int code) {
  api_requests_.Add({{"verb", verb}, {"resource", resource}, {"code", std::to_string(code)}}).Increment();
}

void OperatorMetrics::set_plan_phases(const std::map<std::string, int>& counts) {
  set_phases(plans_, kPlanPhases, counts);
}

void OperatorMetrics::set_consumer_phases(const std::map<std::string, int>& counts) {
  set_phases(consumers_, kConsumerPhases, counts);
}

void OperatorMetrics::agent_job_finished(const std::string& outcome) {
  agent_jobs_.Add({{"outcome", outcome}}).Increment();
}

void OperatorMetrics::rollback_started(const std::string& reason) {
  rollbacks_.Add({{"reason", reason}}).Increment();
}

void OperatorMetrics::health_measurement(const std::string& check, const std::string& outcome) {
  measurements_.Add({{"check", check}, {"outcome", outcome}}).Increment();
}

}  // namespace shepherd::operator_main
