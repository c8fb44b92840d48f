// The MigrationPlan reconciler (imperative shell): reads the plan and its ConsumerMigrations from
// the informer caches, asks plan::decide_plan what to do, and does it against the API server —
// creates, deletes and annotates ConsumerMigrations, writes status only when it changed, records
// Events. Idempotent: deterministic names, AlreadyExists and NotFound are success.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controllers/plan/decide.h"
#include "controllers/reconcile/observer.h"
#include "controllers/reconcile/recent_writes.h"
#include "operator/runtime/client.h"
#include "operator/runtime/controller.h"
#include "operator/runtime/events.h"
#include "operator/runtime/informer.h"

namespace shepherd::controllers::reconcile {

class PlanReconciler {
 public:
  PlanReconciler(std::shared_ptr<runtime::Client> client, std::shared_ptr<runtime::Informer> plans,
                 std::shared_ptr<runtime::Informer> consumer_migrations,
                 std::shared_ptr<runtime::EventRecorder> events);

  runtime::ReconcileResult reconcile(const std::string& key);

 private:
  // Of the secrets the plan names, those that exist. A 403 (the operator may not read Secrets in
  // that namespace) counts as present: the agent Job will report a missing secret itself.
  std::set<std::string> secrets_present(const std::string& ns, const std::set<std::string>& names);
  void record(const nlohmann::json& plan, const api::Event& e);

  std::shared_ptr<runtime::Client> client_;
  std::shared_ptr<runtime::Informer> plans_;
  std::shared_ptr<runtime::Informer> cmigs_;
  std::shared_ptr<runtime::EventRecorder> events_;
  WrittenVersions written_;
  Expectations expectations_;
  // Secret existence, re-checked at most every 30 s per secret.
  std::mutex secrets_mu_;
  std::map<std::string, std::pair<bool, std::chrono::steady_clock::time_point>> secrets_;
};

}  // namespace shepherd::controllers::reconcile
