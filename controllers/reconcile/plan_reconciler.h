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
#include "runtime/client.h"
#include "runtime/controller.h"
#include "runtime/events.h"
#include "runtime/informer.h"
#include "runtime/recent_writes.h"

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

  // The typed spec of a plan for one (uid, generation), read with a GET: the plan cache holds
  // metadata and status only (cache_trim.h). The spec changes only with the generation; a plan of
  // 10,000 consumers is 6.6 MiB typed, which a reconcile of a status change or a child's progress
  // would otherwise rebuild every time. The consumers' agent and health settings are merged once
  // with it (api::merge_settings; only overrides are copied). A reconcile borrows `spec` and
  // `settings` (moves them into PlanObserved and back): a key is reconciled by one worker at a time.
  struct SpecMemo {
    std::string uid;
    std::int64_t generation = -1;
    api::MigrationPlanSpec spec;
    api::EffectiveSettings settings;
  };
  std::shared_ptr<SpecMemo> spec_memo(const std::string& key);

  std::shared_ptr<runtime::Client> client_;
  std::shared_ptr<runtime::Informer> plans_;
  std::shared_ptr<runtime::Informer> cmigs_;
  std::shared_ptr<runtime::EventRecorder> events_;
  runtime::WrittenVersions written_;
  runtime::Expectations expectations_;
  std::mutex specs_mu_;
  std::map<std::string, std::shared_ptr<SpecMemo>> specs_;
  // Secret existence, re-checked at most every 30 s per secret.
  std::mutex secrets_mu_;
  std::map<std::string, std::pair<bool, std::chrono::steady_clock::time_point>> secrets_;
};

}  // namespace shepherd::controllers::reconcile
