// The controller harness: a primary Informer feeds a WorkQueue of "namespace/name" keys; owned
// resources enqueue their controlling owner (ownerReferences[] with controller=true and the primary's
// kind and group); N workers call reconcile(key). A reconcile returns Done, RequeueAfter(d) or Error
// (-> rate-limited requeue); an exception thrown by reconcile is caught, logged and treated as
// Error, it never escapes a worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/informer.h"
#include "runtime/workqueue.h"

namespace shepherd::runtime {

struct ReconcileResult {
  enum class Kind { kDone, kRequeueAfter, kError };
  Kind kind = Kind::kDone;
  Duration after{};
  std::string error;

  static ReconcileResult done() { return {}; }
  static ReconcileResult requeue_after(Duration d) { return {Kind::kRequeueAfter, d, {}}; }
  static ReconcileResult failed(std::string message) { return {Kind::kError, {}, std::move(message)}; }
  const char* label() const;  // "success", "requeue_after", "error" (metrics label)
};

using ReconcileFn = std::function<ReconcileResult(const std::string& key)>;
// Maps an event on a watched object to the keys to reconcile.
using MapFn = std::function<std::vector<std::string>(const nlohmann::json& obj)>;

struct ControllerHooks {
  // After each reconcile: controller name, result label ("success"|"requeue_after"|"error"),
  // duration.
  std::function<void(const std::string&, const std::string&, Duration)> on_reconcile;
  // Whenever the queue depth may have changed.
  std::function<void(const std::string&, size_t)> on_queue_depth;
};

struct ControllerOptions {
  int workers = 1;
  WorkQueueOptions queue;
  ControllerHooks hooks;
};

// The key of the controlling owner of `child` when that owner has `owner_kind` in `owner_group`;
// owners live in the child's namespace.
std::optional<std::string> controller_owner_key(const nlohmann::json& child, const std::string& owner_group,
                                                const std::string& owner_kind);

class Controller {
 public:
  Controller(std::string name, std::shared_ptr<Informer> primary, ReconcileFn reconcile,
             ControllerOptions options = {});
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Events on `child` enqueue its controlling owner of the primary's kind. Call before start().
  void owns(std::shared_ptr<Informer> child);
  // Events on `other` enqueue whatever `map` returns. Call before start().
  void watches(std::shared_ptr<Informer> other, const MapFn& map);

  // Starts the workers (informers are started by their owner, usually the Manager).
  void start();
  // Stops at once: queued keys are dropped, workers finish the reconcile they are in, then join.
  void stop();
  // Stops accepting keys, finishes queued ones, then joins.
  void stop_with_drain();

  const std::string& name() const { return name_; }
  WorkQueue& queue() { return queue_; }
  const std::vector<std::shared_ptr<Informer>>& informers() const { return informers_; }

 private:
  void enqueue_all(const MapFn& map, const ObjectPtr& obj);
  void worker();
  void process(const std::string& key);
  void report_depth();

  const std::string name_;
  ReconcileFn reconcile_;
  ControllerOptions options_;
  WorkQueue queue_;
  std::vector<std::shared_ptr<Informer>> informers_;
  std::vector<std::thread> workers_;
  std::atomic<bool> started_{false};
};

}  // namespace shepherd::runtime
