// EventRecorder: writes core/v1 Events about an object (type Normal/Warning, reason, message,
// reportingComponent). A repeat of the same object+type+reason+message within the cache's life is
// folded into the existing Event (PATCH count and lastTimestamp) instead of a new one; a token
// bucket per object (burst 25, one per 5 min after, like client-go's spam filter) drops floods.
// Both are LRU caches of `cache_size` entries (client-go: 4096), so an operator that records
// Events about tens of thousands of objects keeps a bounded amount; an object whose bucket was
// evicted starts again with a full burst.
// Failures are logged, never returned: events are best-effort and must not fail a reconcile.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "runtime/client.h"
#include "runtime/rate_limiter.h"

namespace shepherd::runtime {

struct EventRecorderOptions {
  std::string component = "shepherd-operator";  // source.component / reportingComponent
  std::string instance;                         // reportingInstance (default: hostname)
  double per_object_qps = 1.0 / 300.0;
  int per_object_burst = 25;
  size_t cache_size = 4096;  // aggregation entries and per-object buckets kept (each an LRU)
};

class EventRecorder {
 public:
  EventRecorder(std::shared_ptr<Client> client, EventRecorderOptions options = {},
                std::shared_ptr<const Clock> clock = real_clock());

  // `involved` is the object itself (apiVersion, kind, metadata.name/namespace/uid are read).
  // type: "Normal" or "Warning". Returns true when an Event was created or updated.
  bool record(const nlohmann::json& involved, const std::string& type, const std::string& reason,
              const std::string& message);
  bool normal(const nlohmann::json& o, const std::string& reason, const std::string& message) {
    return record(o, "Normal", reason, message);
  }
  bool warning(const nlohmann::json& o, const std::string& reason, const std::string& message) {
    return record(o, "Warning", reason, message);
  }

 private:
  struct Entry {
    std::string ns, name;
    int64_t count = 0;
  };

  std::shared_ptr<Client> client_;
  EventRecorderOptions options_;
  std::shared_ptr<const Clock> clock_;
  std::mutex mu_;
  std::list<std::string> lru_;  // aggregation keys, most recent first
  std::unordered_map<std::string, std::pair<Entry, std::list<std::string>::iterator>> cache_;
  // Per object (uid, or namespace/name): its token bucket, most recently used first.
  std::list<std::string> bucket_lru_;
  std::unordered_map<std::string, std::pair<std::unique_ptr<TokenBucket>, std::list<std::string>::iterator>>
      buckets_;
};

}  // namespace shepherd::runtime
