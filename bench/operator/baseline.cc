// Implementation of baseline.h.
#include "bench/operator/baseline.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "controllers/consumer/decide.h"
#include "controllers/plan/decide.h"
#include "controllers/reconcile/cache_trim.h"
#include "controllers/reconcile/job_observation.h"
#include "controllers/reconcile/resources.h"
#include "runtime/client.h"
#include "runtime/events.h"
#include "runtime/informer.h"
#include "runtime/merge_patch.h"
#include "runtime/store.h"

namespace shepherd::bench {
namespace {

using nlohmann::json;
namespace api = controllers::api;
namespace consumer = controllers::consumer;
namespace plan = controllers::plan;
using controllers::reconcile::kConsumerMigrations;
using controllers::reconcile::kMigrationPlans;

api::Timestamp now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The owner of the given kind named in metadata.ownerReferences (controller), or "".
std::string controller_owner(const json& obj, const std::string& kind) {
  for (const auto& ref : obj["metadata"].value("ownerReferences", json::array())) {
    if (ref.value("kind", "") == kind && ref.value("controller", false)) return ref.value("name", "");
  }
  return "";
}

enum State : int { kNotStarted = 0, kStarting, kGenerating, kFinishing, kDone };

class Baseline {
 public:
  Baseline(std::shared_ptr<runtime::Transport> transport, const json& plan_obj, const BaselineOptions& o)
      : options_(o), plan_obj_(plan_obj) {
    runtime::ClientOptions co;
    co.qps = 0;  // as fast as it can
    co.field_manager = "shepherd-operator";
    co.observer = [this](const runtime::RequestMetric& m) {
      std::lock_guard lock(count_mu_);
      writes_[m.verb] += 1;
    };
    client_ = std::make_shared<runtime::Client>(std::move(transport), co);
    runtime::EventRecorderOptions eo;
    eo.component = "shepherd-operator";
    events_ = std::make_shared<runtime::EventRecorder>(client_, eo);
    auto parsed = api::parse_plan(plan_obj);
    if (!parsed.value) throw std::runtime_error("cannot read the plan: " + parsed.error);
    plan_ = *parsed.value;
    settings_ = api::merge_settings(plan_.spec);  // the spec does not change during a run
    ns_ = plan_.metadata.namespace_;
    slots_ = std::vector<Slot>(plan_.spec.consumers.size());
    for (size_t i = 0; i < plan_.spec.consumers.size(); ++i) {
      index_[plan::consumer_migration_name(plan_.metadata.name, plan_.spec.consumers[i].name)] = i;
    }
  }

  BaselineResult run(std::chrono::steady_clock::time_point deadline) {
    BaselineResult result;
    runtime::InformerOptions io;
    io.namespace_name = ns_;
    io.label_selector = controllers::reconcile::kManagedBySelector;
    jobs_ = std::make_shared<runtime::Informer>(client_, runtime::resources::kJobs, io);
    pods_ = std::make_shared<runtime::Informer>(client_, runtime::resources::kPods, io);
    runtime::EventHandlers jh;
    jh.on_add = [this](const runtime::ObjectPtr& j) { job_changed(*j); };
    jh.on_update = [this](const runtime::ObjectPtr&, const runtime::ObjectPtr& j) { job_changed(*j); };
    jobs_->add_handlers(jh);
    runtime::EventHandlers ph;
    ph.on_add = [this](const runtime::ObjectPtr& p) { pod_changed(*p); };
    ph.on_update = [this](const runtime::ObjectPtr&, const runtime::ObjectPtr& p) { pod_changed(*p); };
    pods_->add_handlers(ph);
    jobs_->start();
    pods_->start();
    if (!jobs_->wait_for_sync(std::chrono::seconds(60)) || !pods_->wait_for_sync(std::chrono::seconds(60))) {
      result.error = "the Job and pod watches did not sync";
      return finish(result);
    }

    write_plan_status();
    const size_t n = slots_.size();
    const size_t first = std::min<size_t>(n, static_cast<size_t>(plan_.spec.rollout.maxParallel));
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < first; ++i) queue_.push_back({false, i});
      next_start_ = first;
    }
    std::vector<std::jthread> workers;
    for (int t = 0; t < options_.threads; ++t) workers.emplace_back([this] { work(); });
    {
      std::unique_lock lock(mu_);
      cv_done_.wait_until(lock, deadline, [this] { return done_ == slots_.size() || !error_.empty(); });
      stopping_ = true;
      cv_.notify_all();
    }
    workers.clear();
    result.completed = done_ == n && error_.empty();
    result.error = error_;
    if (result.completed) write_plan_status();
    return finish(result);
  }

 private:
  struct Slot {
    std::atomic<int> state{kNotStarted};
    json object;  // the ConsumerMigration as last written
  };
  struct Task {
    bool finish;
    size_t index;
  };

  BaselineResult& finish(BaselineResult& r) {
    if (jobs_) jobs_->stop();
    if (pods_) pods_->stop();
    std::lock_guard lock(count_mu_);
    for (const auto& [verb, count] : writes_) r.writes_by_verb[verb] = static_cast<double>(count);
    return r;
  }

  void fail(const std::string& message) {
    std::lock_guard lock(mu_);
    if (error_.empty()) error_ = message;
    cv_done_.notify_all();
  }

  void push(Task t) {
    std::lock_guard lock(mu_);
    queue_.push_back(t);
    cv_.notify_one();
  }

  void work() {
    while (true) {
      Task t{};
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        t = queue_.front();
        queue_.pop_front();
      }
      if (t.finish)
        finish_consumer(t.index);
      else
        start_consumer(t.index);
    }
  }

  void record_events(const json& obj, const std::vector<api::Event>& events) {
    for (const auto& e : events) events_->record(obj, api::to_string(e.type), e.reason, e.message);
  }

  // POST the ConsumerMigration, PUT its status (Generating), POST its Job: the operator's plan
  // reconciler's create and the consumer reconciler's first reconcile.
  void start_consumer(size_t i) {
    Slot& slot = slots_[i];
    api::ConsumerMigration cm = plan::make_consumer_migration(plan_, settings_, i, 0);
    auto created = client_->create(kConsumerMigrations, ns_, json(cm));
    if (!created)
      return fail("creating ConsumerMigration " + cm.metadata.name + ": " + created.error().message);
    auto parsed = api::parse_consumer_migration(created.value());
    if (!parsed.value) return fail("cannot read ConsumerMigration " + cm.metadata.name + ": " + parsed.error);
    consumer::ConsumerObserved observed;
    observed.cmig = *parsed.value;
    observed.default_agent_image = options_.agent_image;
    observed.now = now_seconds();
    auto decision = consumer::decide_consumer(observed);
    json updated = created.value();
    if (decision.status_changed) {
      updated["status"] = decision.status;
      auto r = client_->update_status(kConsumerMigrations, ns_, updated);
      if (!r) return fail("writing the status of " + cm.metadata.name + ": " + r.error().message);
      updated = std::move(r.value());
    }
    slot.object = updated;
    for (const auto& action : decision.actions) {
      if (const auto* job = std::get_if<consumer::CreateJob>(&action)) {
        auto r = client_->create(runtime::resources::kJobs, ns_, job->job);
        if (!r && !r.error().is_already_exists()) return fail("creating Job: " + r.error().message);
      }
    }
    record_events(created.value(), decision.events);
    slot.state.store(kGenerating);
    maybe_finish(i);  // the Job may have completed before the state said Generating
  }

  // The Job of consumer i, observed as the operator does (observe_jobs): Complete/Failed and the
  // termination message of its pod. nullopt while not finished or the pod's message is not seen.
  std::optional<consumer::JobObservation> observe(size_t i) {
    const std::string cmig = plan::consumer_migration_name(plan_.metadata.name, plan_.spec.consumers[i].name);
    const std::string name = consumer::job_name(cmig, 1);
    auto job = jobs_->store().get(ns_ + "/" + name);
    if (!job) return std::nullopt;
    consumer::JobObservation o = controllers::reconcile::observe_job(*job);
    if (!o.succeeded && !o.failed) return std::nullopt;
    for (const auto& pod : pods_->store().by_index(runtime::kLabelIndex, "job-name=" + name)) {
      if (auto msg = controllers::reconcile::termination_message(*pod)) o.termination_message = msg;
    }
    if (o.succeeded && !o.termination_message) return std::nullopt;
    return o;
  }

  void maybe_finish(size_t i) {
    if (slots_[i].state.load() != kGenerating || !observe(i)) return;
    int expected = kGenerating;
    if (slots_[i].state.compare_exchange_strong(expected, kFinishing)) push({true, i});
  }

  void job_changed(const json& job) {
    auto it = index_.find(controller_owner(job, "ConsumerMigration"));
    if (it != index_.end()) maybe_finish(it->second);
  }

  void pod_changed(const json& pod) {
    const std::string job = controller_owner(pod, "Job");
    if (job.empty()) return;
    auto j = jobs_->store().get(ns_ + "/" + job);
    if (j) job_changed(*j);
  }

  // PUT the result status, then let the next consumer start (the plan's maxParallel gate).
  void finish_consumer(size_t i) {
    Slot& slot = slots_[i];
    auto job = observe(i);
    auto parsed = api::parse_consumer_migration(slot.object);
    if (!job || !parsed.value) return fail("internal: consumer " + std::to_string(i) + " is not finished");
    consumer::ConsumerObserved observed;
    observed.cmig = *parsed.value;
    observed.jobs.push_back(*job);
    observed.default_agent_image = options_.agent_image;
    observed.now = now_seconds();
    auto decision = consumer::decide_consumer(observed);
    if (decision.status_changed) {
      json updated = slot.object;
      updated["status"] = decision.status;
      auto r = client_->update_status(kConsumerMigrations, ns_, updated);
      if (!r) return fail("writing the status of " + observed.cmig.metadata.name + ": " + r.error().message);
      slot.object = std::move(r.value());
    }
    record_events(slot.object, decision.events);
    slot.state.store(kDone);
    std::lock_guard lock(mu_);
    ++done_;
    if (next_start_ < slots_.size()) {
      queue_.push_back({false, next_start_++});
      cv_.notify_one();
    }
    if (done_ == slots_.size()) cv_done_.notify_all();
  }

  // The plan's status as decide_plan computes it from what was written so far.
  void write_plan_status() {
    plan::PlanObserved observed;
    observed.plan = plan_;
    observed.settings = settings_;
    observed.now = now_seconds();
    for (const auto& slot : slots_) {
      if (slot.state.load() != kDone) continue;
      auto parsed = api::parse_consumer_migration(slot.object);
      if (parsed.value) observed.consumers.push_back(plan::summarize(*parsed.value));
    }
    auto decision = plan::decide_plan(observed);
    if (!decision.status_changed) return;
    // As the operator writes it: a merge patch of what changed, guarded by the resourceVersion.
    json patch = json::object();
    patch["metadata"] = {{"resourceVersion", plan_obj_["metadata"].value("resourceVersion", "")}};
    patch["status"] = runtime::merge_patch_diff(plan_obj_.value("status", json::object()), decision.status);
    auto r = client_->patch(kMigrationPlans, ns_, plan_.metadata.name, runtime::PatchType::kMerge, patch, {},
                            "status");
    if (!r) return fail("writing the plan's status: " + r.error().message);
    plan_obj_ = r.value();
    auto parsed = api::parse_plan(plan_obj_);
    if (parsed.value) plan_ = *parsed.value;
  }

  BaselineOptions options_;
  json plan_obj_;
  api::MigrationPlan plan_;
  api::EffectiveSettings settings_;
  std::string ns_;
  std::shared_ptr<runtime::Client> client_;
  std::shared_ptr<runtime::EventRecorder> events_;
  std::shared_ptr<runtime::Informer> jobs_;
  std::shared_ptr<runtime::Informer> pods_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, size_t> index_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable cv_done_;
  std::deque<Task> queue_;
  size_t next_start_ = 0;
  size_t done_ = 0;
  bool stopping_ = false;
  std::string error_;

  std::mutex count_mu_;
  std::map<std::string, long> writes_;
};

}  // namespace

BaselineResult run_baseline(std::shared_ptr<runtime::Transport> transport, const json& plan,
                            const BaselineOptions& options, std::chrono::steady_clock::time_point deadline) {
  try {
    Baseline b(std::move(transport), plan, options);
    return b.run(deadline);
  } catch (const std::exception& e) {
    BaselineResult r;
    r.error = e.what();
    return r;
  }
}

}  // namespace shepherd::bench
