// The reflector loop (list, watch, resume, relist, back off) and handler dispatch.
#include "runtime/informer.h"

#include <random>
#include <unordered_set>

#include "runtime/log.h"

namespace shepherd::runtime {
namespace {

bool sleep_for(Duration d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

std::string rv_of(const nlohmann::json& o) {
  auto m = o.find("metadata");
  if (m == o.end() || !m->is_object()) return "";
  return m->value("resourceVersion", "");
}

}  // namespace

Informer::Informer(std::shared_ptr<Client> client, Resource resource, InformerOptions options)
    : client_(std::move(client)),
      resource_(std::move(resource)),
      options_(std::move(options)),
      store_(options_.store) {}

Informer::~Informer() { stop(); }

void Informer::add_handlers(EventHandlers handlers) {
  std::lock_guard lock(handlers_mu_);
  for (const auto& obj : store_.list()) {
    if (handlers.on_add) handlers.on_add(obj);
  }
  handlers_.push_back(std::move(handlers));
}

void Informer::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopped_) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void Informer::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return synced_.load() || stopped_.load(); });
  return synced_.load();
}

std::string Informer::last_resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

void Informer::set_rv(std::string rv) {
  if (rv.empty()) return;
  std::lock_guard lock(mu_);
  rv_ = std::move(rv);
}

void Informer::dispatch_add(const ObjectPtr& o) {
  std::lock_guard lock(handlers_mu_);
  for (const auto& h : handlers_) {
    if (h.on_add) h.on_add(o);
  }
}

void Informer::dispatch_update(const ObjectPtr& a, const ObjectPtr& b) {
  std::lock_guard lock(handlers_mu_);
  for (const auto& h : handlers_) {
    if (h.on_update) h.on_update(a, b);
  }
}

void Informer::dispatch_delete(const ObjectPtr& o) {
  std::lock_guard lock(handlers_mu_);
  for (const auto& h : handlers_) {
    if (h.on_delete) h.on_delete(o);
  }
}

void Informer::run(std::stop_token stop) {
  Backoff backoff(options_.backoff);
  std::jthread resync;
  if (options_.resync_period > Duration::zero()) {
    resync = std::jthread([this, stop](std::stop_token own) {
      while (sleep_for(options_.resync_period, stop) && !own.stop_requested()) {
        if (!synced_) continue;
        for (const auto& obj : store_.list()) dispatch_update(obj, obj);
      }
    });
  }
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      auto listed = do_list(stop);
      if (stop.stop_requested()) break;
      if (!listed) {
        const Duration d = backoff.next();
        log_warn("informer list failed",
                 {{"resource", resource_.display()},
                  {"namespace", options_.namespace_name},
                  {"error", listed.error().to_string()},
                  {"retry_in_ms", std::chrono::duration_cast<std::chrono::milliseconds>(d).count()}});
        sleep_for(d, stop);
        continue;
      }
      need_list = false;
    }
    bool gone = false;
    const auto t0 = std::chrono::steady_clock::now();
    auto watched = do_watch(stop, &gone);
    if (stop.stop_requested()) break;
    if (gone) {
      log_info("watch expired (410), relisting",
               {{"resource", resource_.display()}, {"namespace", options_.namespace_name}});
      need_list = true;
      continue;
    }
    if (!watched) {
      const ApiError& e = watched.error();
      const Duration d = backoff.next();
      log_warn("watch failed",
               {{"resource", resource_.display()},
                {"namespace", options_.namespace_name},
                {"error", e.to_string()},
                {"retry_in_ms", std::chrono::duration_cast<std::chrono::milliseconds>(d).count()}});
      // Transient failures resume from the last resourceVersion; anything else (403, 404 when a
      // CRD is missing, undecodable data) starts over with a list.
      if (!(e.is_transport() || e.is_too_many_requests() || e.is_server_error())) need_list = true;
      sleep_for(d, stop);
      continue;
    }
    // A watch the server ended at once without delivering anything is treated as a failure so
    // that a misbehaving server cannot make us spin.
    if (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1) && !watched.value()) {
      sleep_for(backoff.next(), stop);
    }
  }
}

Result<bool> Informer::do_list(std::stop_token stop) {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  lo.limit = options_.page_size;
  lo.skip_fields = options_.skip_fields;
  {
    std::lock_guard lock(mu_);
    // First list and relists after errors: "0" (any version; served from the watch cache). After
    // a 410 the last version is gone; rv_ was cleared and we ask for the latest ("").
    // (Two steps: assigning the conditional of two literals trips g++ 12's -Wrestrict here.)
    const bool latest = rv_.empty() && list_count_ > 0;
    lo.resource_version = latest ? std::string() : std::string("0");
  }
  // Items are cached one by one as they arrive (transform, compact), never as one parsed list: an
  // operator restarted over 10,000 agent pods would otherwise hold every pod, parsed and untrimmed,
  // at once. The store is updated in place; what the list did not contain is deleted at the end.
  std::unordered_set<std::string> seen;
  auto on_item = [&](nlohmann::json& item) {
    // List items of built-in kinds come without apiVersion/kind; watch events carry them.
    if (!item.contains("apiVersion")) item["apiVersion"] = resource_.api_version();
    if (!item.contains("kind")) item["kind"] = resource_.kind;
    ObjectPtr obj = cache(std::move(item));
    seen.insert(object_key(*obj));
    ObjectPtr old = store_.upsert(obj);
    if (!old)
      dispatch_add(obj);
    else if (rv_of(*old) != rv_of(*obj))
      dispatch_update(old, obj);
    return !stop.stop_requested();
  };
  auto res = client_->list_each(resource_, options_.namespace_name, lo, on_item, stop);
  if (!res && res.error().is_gone() && !lo.resource_version.empty()) {
    lo.resource_version.clear();
    seen.clear();
    res = client_->list_each(resource_, options_.namespace_name, lo, on_item, stop);
  }
  if (!res) return res.error();
  for (const auto& key : store_.keys()) {
    if (seen.count(key)) continue;
    if (ObjectPtr gone = store_.remove(key)) dispatch_delete(gone);
  }
  set_rv(res.value());
  ++list_count_;
  if (!synced_) {
    {
      std::lock_guard lock(mu_);
      synced_ = true;
    }
    cv_.notify_all();
  }
  return true;
}

Result<bool> Informer::do_watch(std::stop_token stop, bool* gone) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> jitter(0, std::max(0, options_.min_watch_timeout_seconds - 1));
  WatchOptions wo;
  wo.resource_version = last_resource_version();
  wo.label_selector = options_.label_selector;
  wo.field_selector = options_.field_selector;
  wo.timeout_seconds = options_.min_watch_timeout_seconds + jitter(rng);
  wo.allow_bookmarks = true;
  wo.skip_fields = options_.skip_fields;
  std::optional<ApiError> event_error;
  bool any_event = false;
  auto res = client_->watch(
      resource_, options_.namespace_name, wo,
      [&](WatchEvent& ev) {
        any_event = true;
        if (ev.type == WatchEvent::Type::kError) {
          event_error = ApiError::from_status(ev.object);
          return false;
        }
        apply_event(ev);
        return true;
      },
      stop);
  ApiError err;
  if (event_error)
    err = *event_error;
  else if (!res)
    err = res.error();
  else
    return any_event;
  if (err.is_gone()) {
    *gone = true;
    std::lock_guard lock(mu_);
    rv_.clear();
  }
  return err;
}

void Informer::apply_event(WatchEvent& ev) {
  const std::string rv = rv_of(ev.object);
  switch (ev.type) {
    case WatchEvent::Type::kBookmark:
      break;
    case WatchEvent::Type::kAdded:
    case WatchEvent::Type::kModified: {
      ObjectPtr obj = cache(std::move(ev.object));
      ObjectPtr old = store_.upsert(obj);
      if (old)
        dispatch_update(old, obj);
      else
        dispatch_add(obj);
      break;
    }
    case WatchEvent::Type::kDeleted: {
      ObjectPtr obj = cache(std::move(ev.object));
      store_.remove(object_key(*obj));
      dispatch_delete(obj);
      break;
    }
    case WatchEvent::Type::kError:
      break;
  }
  set_rv(rv);
}

ObjectPtr Informer::cache(nlohmann::json obj) const {
  if (options_.transform) options_.transform(obj);
  return make_cached(std::move(obj));
}

}  // namespace shepherd::runtime
