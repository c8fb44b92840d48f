// An Informer keeps a Store in step with the API server for one resource (optionally one
// namespace and selectors): list (paginated, resourceVersion "0" first; streamed, each item
// transformed and cached as it arrives, so a large list is never held parsed), then watch from the list's
// resourceVersion with bookmarks and a random 5-10 min timeoutSeconds; resume from the last seen
// resourceVersion; relist on 410 Gone (HTTP or ERROR event); back off with jitter (0.8 s -> 30 s,
// reset after 2 min healthy) on failures. Handlers see add/update/delete in order, from one thread;
// on a relist, objects that disappeared produce deletes with their last cached state.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "runtime/backoff.h"
#include "runtime/client.h"
#include "runtime/store.h"

namespace shepherd::runtime {

struct EventHandlers {
  std::function<void(const ObjectPtr& obj)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr& last)> on_delete;  // the final state
};

struct InformerOptions {
  std::string namespace_name;  // "" = all namespaces
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  // Re-deliver every cached object as an update (no API call) this often; zero = never.
  Duration resync_period = Duration::zero();
  int min_watch_timeout_seconds = 300;  // timeoutSeconds is random in [min, 2*min)
  // Applied to every object before it is cached (like client-go's SetTransform): a controller that
  // reads a few fields of a large kind keeps only those, so the cache grows with what it needs.
  std::function<void(nlohmann::json&)> transform;
  // Top-level fields of each object that are skipped while decoding lists and watch events, and so
  // are never parsed nor cached, e.g. {"spec"} for a cache of metadata and status: a reconciler of a
  // kind with a large spec then reads the spec with a GET when metadata.generation changes.
  std::vector<std::string> skip_fields;
  // How the cache keeps objects: compact (MessagePack) or parsed, a projection, which indexes.
  StoreOptions store;
  BackoffOptions backoff;
};

class Informer {
 public:
  Informer(std::shared_ptr<Client> client, Resource resource, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Register before start(); handlers added later first receive an add for every cached object.
  void add_handlers(EventHandlers handlers);
  void start();  // starts the reflector thread; idempotent
  void stop();   // stops and joins; idempotent

  bool has_synced() const { return synced_.load(); }
  // Blocks until the first list is in the store, the timeout passes or the informer stops.
  bool wait_for_sync(std::chrono::milliseconds timeout) const;

  const Store& store() const { return store_; }
  const Resource& resource() const { return resource_; }
  const InformerOptions& options() const { return options_; }
  std::string last_resource_version() const;
  // How many times the reflector listed (1 after the first sync); for tests and metrics.
  int list_count() const { return list_count_.load(); }

 private:
  void run(std::stop_token stop);
  // Returns false when the watch must relist (410), true when it may resume from last RV.
  bool list_and_watch(std::stop_token stop, bool need_list);
  Result<bool> do_list(std::stop_token stop);
  Result<bool> do_watch(std::stop_token stop, bool* gone);
  void apply_event(WatchEvent& ev);           // moves the object into the cache
  ObjectPtr cache(nlohmann::json obj) const;  // options_.transform, then make_cached
  void dispatch_add(const ObjectPtr& o);
  void dispatch_update(const ObjectPtr& a, const ObjectPtr& b);
  void dispatch_delete(const ObjectPtr& o);
  void set_rv(std::string rv);

  std::shared_ptr<Client> client_;
  const Resource resource_;
  const InformerOptions options_;
  Store store_;
  std::mutex handlers_mu_;  // serialises dispatch and registration
  std::vector<EventHandlers> handlers_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string rv_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<int> list_count_{0};
  std::jthread thread_;
};

}  // namespace shepherd::runtime
