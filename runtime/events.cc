// Recording, aggregating and rate-limiting core/v1 Events.
#include "runtime/events.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "base/time.h"
#include "runtime/log.h"

namespace shepherd::runtime {

EventRecorder::EventRecorder(std::shared_ptr<Client> client, EventRecorderOptions options,
                             std::shared_ptr<const Clock> clock)
    : client_(std::move(client)), options_(std::move(options)), clock_(std::move(clock)) {
  if (options_.instance.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) options_.instance = host;
  }
}

bool EventRecorder::record(const nlohmann::json& involved, const std::string& type, const std::string& reason,
                           const std::string& message) {
  const nlohmann::json meta = involved.value("metadata", nlohmann::json::object());
  const std::string name = meta.value("name", "");
  const std::string uid = meta.value("uid", "");
  std::string ns = meta.value("namespace", "");
  if (name.empty()) return false;
  if (ns.empty()) ns = "default";  // events about cluster-scoped objects
  const std::string object_id = uid.empty() ? ns + "/" + name : uid;
  const std::string agg_key = object_id + "\x1f" + type + "\x1f" + reason + "\x1f" + message;
  const std::string now = base::format_rfc3339(std::chrono::system_clock::now());

  std::optional<Entry> existing;
  {
    std::lock_guard lock(mu_);
    TokenBucket* bucket = nullptr;
    if (auto it = buckets_.find(object_id); it != buckets_.end()) {
      bucket_lru_.splice(bucket_lru_.begin(), bucket_lru_, it->second.second);
      bucket = it->second.first.get();
    } else {
      bucket_lru_.push_front(object_id);
      auto made = std::make_unique<TokenBucket>(options_.per_object_qps, options_.per_object_burst, clock_);
      bucket = made.get();
      buckets_.emplace(object_id, std::make_pair(std::move(made), bucket_lru_.begin()));
      while (buckets_.size() > std::max<size_t>(1, options_.cache_size)) {
        buckets_.erase(bucket_lru_.back());
        bucket_lru_.pop_back();
      }
    }
    if (!bucket->try_take()) {
      log_debug("event dropped by rate limit", {{"object", object_id}, {"reason", reason}});
      return false;
    }
    if (auto it = cache_.find(agg_key); it != cache_.end()) {
      existing = it->second.first;
      lru_.splice(lru_.begin(), lru_, it->second.second);
    }
  }

  auto remember = [&](Entry e) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(agg_key);
    if (it != cache_.end()) {
      it->second.first = std::move(e);
      return;
    }
    lru_.push_front(agg_key);
    cache_.emplace(agg_key, std::make_pair(std::move(e), lru_.begin()));
    while (cache_.size() > options_.cache_size) {
      cache_.erase(lru_.back());
      lru_.pop_back();
    }
  };

  if (existing) {
    const int64_t count = existing->count + 1;
    auto patched = client_->patch(resources::kEvents, existing->ns, existing->name, PatchType::kMerge,
                                  {{"count", count}, {"lastTimestamp", now}});
    if (patched) {
      existing->count = count;
      remember(*existing);
      return true;
    }
    if (!patched.error().is_not_found()) {
      log_warn("updating event failed", {{"event", existing->name}, {"error", patched.error().to_string()}});
      return false;
    }
    // The Event expired (events have a TTL): create a new one below.
  }

  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%llx",
                static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count()));
  const std::string event_name = name + "." + suffix;
  nlohmann::json involved_ref = {
      {"apiVersion", involved.value("apiVersion", "")}, {"kind", involved.value("kind", "")}, {"name", name}};
  if (!meta.value("namespace", "").empty()) involved_ref["namespace"] = ns;
  if (!uid.empty()) involved_ref["uid"] = uid;
  if (meta.contains("resourceVersion")) involved_ref["resourceVersion"] = meta["resourceVersion"];
  nlohmann::json ev = {{"apiVersion", "v1"},
                       {"kind", "Event"},
                       {"metadata", {{"name", event_name}, {"namespace", ns}}},
                       {"involvedObject", involved_ref},
                       {"type", type},
                       {"reason", reason},
                       {"message", message},
                       {"count", 1},
                       {"firstTimestamp", now},
                       {"lastTimestamp", now},
                       {"source", {{"component", options_.component}, {"host", options_.instance}}},
                       {"reportingComponent", options_.component},
                       {"reportingInstance", options_.instance}};
  auto created = client_->create(resources::kEvents, ns, ev);
  if (!created) {
    log_warn("creating event failed",
             {{"object", ns + "/" + name}, {"reason", reason}, {"error", created.error().to_string()}});
    return false;
  }
  remember(Entry{ns, event_name, 1});
  return true;
}

}  // namespace shepherd::runtime
