// What the reconcilers report besides their objects' status: domain events worth a metric. The
// operator implements it with Prometheus counters; tests and tools may pass a no-op.
#pragma once

#include <string>

namespace shepherd::controllers::reconcile {

class DomainObserver {
 public:
  virtual ~DomainObserver() = default;
  // An agent Job finished; outcome is Changed, NoChanges, NeedsReview or Failed.
  virtual void agent_job_finished(const std::string& outcome) = 0;
  // A consumer rollback started; reason such as HealthCheckFailed, RollbackRequested, CircuitBreaker.
  virtual void rollback_started(const std::string& reason) = 0;
  // One health check measured; outcome Successful, Failed or Inconclusive.
  virtual void health_measurement(const std::string& check, const std::string& outcome) = 0;
};

class NoopObserver : public DomainObserver {
 public:
  void agent_job_finished(const std::string&) override {}
  void rollback_started(const std::string&) override {}
  void health_measurement(const std::string&, const std::string&) override {}
};

}  // namespace shepherd::controllers::reconcile
