// The controller harness: event -> key mapping, workers, result handling.
#include "runtime/controller.h"

#include "runtime/log.h"

namespace shepherd::runtime {

const char* ReconcileResult::label() const {
  switch (kind) {
    case Kind::kDone:
      return "success";
    case Kind::kRequeueAfter:
      return "requeue_after";
    case Kind::kError:
      return "error";
  }
  return "error";
}

std::optional<std::string> controller_owner_key(const nlohmann::json& child, const std::string& owner_group,
                                                const std::string& owner_kind) {
  if (!child.is_object() || !child.contains("metadata")) return std::nullopt;
  const nlohmann::json& meta = child.at("metadata");
  if (!meta.is_object() || !meta.contains("ownerReferences")) return std::nullopt;
  const nlohmann::json& refs = meta.at("ownerReferences");
  if (!refs.is_array()) return std::nullopt;
  for (const auto& ref : refs) {
    if (!ref.is_object() || !ref.value("controller", false)) continue;
    if (ref.value("kind", "") != owner_kind) continue;
    if (group_of(ref.value("apiVersion", "")) != owner_group) continue;
    const std::string name = ref.value("name", "");
    if (name.empty()) return std::nullopt;
    const std::string ns = meta.value("namespace", "");
    return ns.empty() ? name : ns + "/" + name;
  }
  return std::nullopt;
}

Controller::Controller(std::string name, std::shared_ptr<Informer> primary, ReconcileFn reconcile,
                       ControllerOptions options)
    : name_(std::move(name)),
      reconcile_(std::move(reconcile)),
      options_(std::move(options)),
      queue_(options_.queue) {
  watches(std::move(primary),
          [](const nlohmann::json& o) { return std::vector<std::string>{object_key(o)}; });
}

Controller::~Controller() { stop(); }

void Controller::owns(std::shared_ptr<Informer> child) {
  const Resource& primary = informers_.front()->resource();
  const std::string group = primary.group;
  const std::string kind = primary.kind;
  watches(std::move(child), [group, kind](const nlohmann::json& o) {
    std::vector<std::string> keys;
    if (auto key = controller_owner_key(o, group, kind)) keys.push_back(*key);
    return keys;
  });
}

void Controller::enqueue_all(const MapFn& map, const ObjectPtr& obj) {
  if (!obj) return;
  for (const auto& key : map(*obj)) {
    if (!key.empty()) queue_.add(key);
  }
  report_depth();
}

void Controller::watches(std::shared_ptr<Informer> other, const MapFn& map) {
  EventHandlers h;
  h.on_add = [this, map](const ObjectPtr& o) { enqueue_all(map, o); };
  h.on_update = [this, map](const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
    enqueue_all(map, new_obj);
    // An owner change must reach the previous owner too.
    if (old_obj && old_obj != new_obj) enqueue_all(map, old_obj);
  };
  h.on_delete = [this, map](const ObjectPtr& o) { enqueue_all(map, o); };
  other->add_handlers(std::move(h));
  informers_.push_back(std::move(other));
}

void Controller::report_depth() {
  if (options_.hooks.on_queue_depth) options_.hooks.on_queue_depth(name_, queue_.depth());
}

void Controller::start() {
  if (started_.exchange(true)) return;
  const int n = std::max(1, options_.workers);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker(); });
  log_info("controller started", {{"controller", name_}, {"workers", n}});
}

void Controller::stop() {
  queue_.shut_down();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Controller::stop_with_drain() {
  queue_.shut_down_with_drain();
  stop();
}

void Controller::worker() {
  while (auto key = queue_.get()) {
    process(*key);
    queue_.done(*key);
    report_depth();
  }
}

void Controller::process(const std::string& key) {
  const auto t0 = std::chrono::steady_clock::now();
  ReconcileResult result;
  try {
    result = reconcile_(key);
  } catch (const std::exception& e) {
    result = ReconcileResult::failed(std::string("exception: ") + e.what());
  } catch (...) {
    result = ReconcileResult::failed("unknown exception");
  }
  const Duration took = std::chrono::steady_clock::now() - t0;
  switch (result.kind) {
    case ReconcileResult::Kind::kDone:
      queue_.forget(key);
      break;
    case ReconcileResult::Kind::kRequeueAfter:
      queue_.forget(key);
      queue_.add_after(key, result.after);
      break;
    case ReconcileResult::Kind::kError:
      log_warn("reconcile failed", {{"controller", name_},
                                    {"key", key},
                                    {"error", result.error},
                                    {"requeues", queue_.num_requeues(key)}});
      queue_.add_rate_limited(key);
      break;
  }
  if (options_.hooks.on_reconcile) options_.hooks.on_reconcile(name_, result.label(), took);
}

}  // namespace shepherd::runtime
