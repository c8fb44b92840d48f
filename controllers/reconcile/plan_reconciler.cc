// Implementation of plan_reconciler.h.
#include "controllers/reconcile/plan_reconciler.h"

#include <set>

#include "controllers/reconcile/cache_trim.h"
#include "controllers/reconcile/resources.h"
#include "runtime/log.h"
#include "runtime/merge_patch.h"
#include "runtime/store.h"

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;
using runtime::ReconcileResult;

constexpr auto kSecretRecheck = std::chrono::seconds(30);

}  // namespace

void register_shepherd_resources() {
  runtime::register_resource(kMigrationPlans);
  runtime::register_resource(kConsumerMigrations);
}

PlanReconciler::PlanReconciler(std::shared_ptr<runtime::Client> client,
                               std::shared_ptr<runtime::Informer> plans,
                               std::shared_ptr<runtime::Informer> consumer_migrations,
                               std::shared_ptr<runtime::EventRecorder> events)
    : client_(std::move(client)),
      plans_(std::move(plans)),
      cmigs_(std::move(consumer_migrations)),
      events_(std::move(events)) {}

std::set<std::string> PlanReconciler::secrets_present(const std::string& ns,
                                                      const std::set<std::string>& names) {
  std::set<std::string> present;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& name : names) {
    const std::string key = ns + "/" + name;
    {
      std::lock_guard lock(secrets_mu_);
      auto it = secrets_.find(key);
      if (it != secrets_.end() && now - it->second.second < kSecretRecheck) {
        if (it->second.first) present.insert(name);
        continue;
      }
    }
    auto r = client_->get(runtime::resources::kSecrets, ns, name);
    bool exists = r.ok() || !r.error().is_not_found();
    if (!r && !r.error().is_not_found()) {
      runtime::log_debug("cannot check git secret; assuming it exists",
                         {{"secret", key}, {"code", r.error().code}, {"error", r.error().message}});
    }
    std::lock_guard lock(secrets_mu_);
    secrets_[key] = {exists, now};
    if (exists) present.insert(name);
  }
  return present;
}

void PlanReconciler::record(const json& plan, const api::Event& e) {
  if (events_) events_->record(plan, api::to_string(e.type), e.reason, e.message);
}

std::shared_ptr<PlanReconciler::SpecMemo> PlanReconciler::spec_memo(const std::string& key) {
  std::lock_guard lock(specs_mu_);
  auto& memo = specs_[key];
  if (!memo) memo = std::make_shared<SpecMemo>();
  return memo;
}

ReconcileResult PlanReconciler::reconcile(const std::string& key) {
  // apiVersion, kind, metadata and status (cache_trim.h): the spec comes from the memo below.
  auto obj = plans_->store().get(key);
  if (!obj) {
    expectations_.forget(key);
    written_.forget(key);
    std::lock_guard lock(specs_mu_);
    specs_.erase(key);
    return ReconcileResult::done();
  }
  // Our last status write is not in the cache yet: its watch event will requeue the plan.
  if (written_.behind(key, *obj)) return ReconcileResult::requeue_after(std::chrono::milliseconds(200));
  auto parsed = api::parse_plan(*obj);
  if (!parsed.value) {
    // The CRD schema makes this unreachable for objects the API server accepted; never crash on it.
    runtime::log_error("cannot read MigrationPlan", {{"plan", key}, {"error", parsed.error}});
    return ReconcileResult::done();
  }
  plan::PlanObserved observed;
  observed.plan = std::move(*parsed.value);

  const auto memo = spec_memo(key);
  if (memo->uid != observed.plan.metadata.uid || memo->generation != observed.plan.metadata.generation) {
    // Read once per generation (the cache has no spec).
    auto fetched =
        client_->get(kMigrationPlans, observed.plan.metadata.namespace_, observed.plan.metadata.name);
    if (!fetched) {
      if (fetched.error().is_not_found()) return ReconcileResult::done();  // its delete event follows
      return ReconcileResult::failed("reading MigrationPlan " + key + ": " + fetched.error().message);
    }
    auto whole = api::parse_plan(fetched.value());
    fetched.value() = nullptr;
    if (!whole.value) {
      runtime::log_error("cannot read MigrationPlan", {{"plan", key}, {"error", whole.error}});
      return ReconcileResult::done();
    }
    // The server has a newer version than the cache (or a new plan of the same name): the decision
    // must see one version; the cache's event for it requeues the plan.
    if (whole.value->metadata.uid != observed.plan.metadata.uid ||
        whole.value->metadata.generation != observed.plan.metadata.generation) {
      return ReconcileResult::requeue_after(std::chrono::milliseconds(200));
    }
    memo->uid = observed.plan.metadata.uid;
    memo->generation = observed.plan.metadata.generation;
    memo->settings = api::merge_settings(whole.value->spec);  // merged once per generation
    memo->spec = std::move(whole.value->spec);
  }
  // Borrowed for this reconcile and given back on every way out.
  observed.plan.spec = std::move(memo->spec);
  observed.settings = std::move(memo->settings);
  struct GiveBack {
    SpecMemo& home;
    plan::PlanObserved& borrowed;
    ~GiveBack() {
      home.spec = std::move(borrowed.plan.spec);
      home.settings = std::move(borrowed.settings);
    }
  } give_back{*memo, observed};
  const api::MigrationPlan& plan = observed.plan;
  const std::string& ns = plan.metadata.namespace_;

  observed.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::set<std::string> seen;
  // The cache keeps a summary beside each ConsumerMigration (cache_trim.h): thousands of children
  // are read without decoding or parsing them.
  for (auto& summary : runtime::by_index_as<ConsumerSummaryProjection>(cmigs_->store(), runtime::kOwnerIndex,
                                                                       plan.metadata.uid)) {
    if (!summary) {
      runtime::log_warn("cannot read a ConsumerMigration of the plan", {{"plan", key}});
      continue;
    }
    seen.insert(summary->name);
    observed.consumers.push_back(std::move(*summary));
  }
  observed.created_not_cached = expectations_.pending(key, seen);
  observed.secrets_present = secrets_present(ns, plan::secrets_to_check(plan.spec, observed.settings));

  plan::PlanDecision decision = plan::decide_plan(observed);

  for (const auto& action : decision.actions) {
    if (const auto* create = std::get_if<plan::CreateConsumerMigration>(&action)) {
      const std::string name = plan::consumer_migration_name(plan.metadata.name, create->consumer);
      auto r = client_->create(
          kConsumerMigrations, ns,
          json(plan::make_consumer_migration(plan, observed.settings, create->index, create->wave)));
      if (!r && !r.error().is_already_exists()) {
        return ReconcileResult::failed("creating ConsumerMigration " + name + ": " + r.error().message);
      }
      expectations_.expect(key, name);
    } else if (const auto* del = std::get_if<plan::DeleteConsumerMigration>(&action)) {
      runtime::DeleteOptions d;
      d.propagation_policy = "Background";
      auto r = client_->remove(kConsumerMigrations, ns, del->name, d);
      if (!r && !r.error().is_not_found()) {
        return ReconcileResult::failed("deleting ConsumerMigration " + del->name + ": " + r.error().message);
      }
      runtime::log_info("deleted ConsumerMigration",
                        {{"plan", key}, {"name", del->name}, {"reason", del->reason}});
    } else if (const auto* ann = std::get_if<plan::AnnotateConsumerMigration>(&action)) {
      json patch{{"metadata", {{"annotations", {{ann->key, ann->value}}}}}};
      auto r = client_->patch(kConsumerMigrations, ns, ann->name, runtime::PatchType::kMerge, patch);
      if (!r && !r.error().is_not_found()) {
        return ReconcileResult::failed("annotating ConsumerMigration " + ann->name + ": " +
                                       r.error().message);
      }
    }
  }

  if (decision.status_changed) {
    // A merge patch of /status with only what changed, guarded by the resourceVersion the decision
    // was made from (a conflict requeues, as a PUT's would): the plan's spec can be a megabyte
    // at 10,000 consumers, and a PUT would send all of it for a few counters.
    json patch = json::object();
    patch["metadata"] = {{"resourceVersion", (*obj)["metadata"].value("resourceVersion", "")}};
    patch["status"] = runtime::merge_patch_diff((*obj).value("status", json::object()), decision.status);
    runtime::PatchOptions po;
    po.response = runtime::ResponseShape::kMetadata;  // only the new resourceVersion is needed
    auto r = client_->patch(kMigrationPlans, ns, plan.metadata.name, runtime::PatchType::kMerge, patch, po,
                            "status");
    if (!r) {
      if (r.error().is_conflict()) return ReconcileResult::requeue_after(std::chrono::milliseconds(50));
      if (r.error().is_not_found()) return ReconcileResult::done();
      return ReconcileResult::failed("writing MigrationPlan status: " + r.error().message);
    }
    written_.remember(key, plan.metadata.uid, runtime::resource_version_number(r.value()));
  }
  for (const auto& e : decision.events) record(*obj, e);
  if (decision.requeue_after) return ReconcileResult::requeue_after(*decision.requeue_after);
  return ReconcileResult::done();
}

}  // namespace shepherd::controllers::reconcile
