// Read-your-writes for reconcilers reading from an informer cache. After a reconciler writes an
// object (a status update, say) the cache holds the old version until the watch event arrives; a
// reconcile in between would decide again from stale state. RecentWrites remembers the object the
// API server returned for each write and hands it out instead of the cached one until the cache
// has caught up (same or newer resourceVersion; etcd's revisions only grow within one cluster).
//
// Expectations do the same for objects a reconciler created: until the cache shows them, they are
// reported as existing, so that a limit such as maxParallel is never exceeded because of a lag.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "runtime/informer.h"

namespace shepherd::runtime {

// resourceVersion as a number; 0 when it is not one.
std::uint64_t resource_version_number(const nlohmann::json& obj);

class RecentWrites {
 public:
  void remember(const std::string& key, const nlohmann::json& written);
  // The newer of `cached` (may be null) and the remembered write for key.
  std::shared_ptr<const nlohmann::json> freshest(const std::string& key,
                                                 std::shared_ptr<const nlohmann::json> cached);
  // The cache now holds `cached` for key: drops the remembered write if the cache has caught up.
  // Called from the informer's handlers, so that writes are not kept past their use. A caller
  // that remembers a write must also check the cache once after remember() (the watch event may
  // have come before it): `remember(k, w); freshest(k, cache.get(k));`.
  void observed(const std::string& key, const nlohmann::json& cached);
  void forget(const std::string& key);
  size_t size();

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const nlohmann::json>> written_;
};

// The lighter form for large objects: remembers only the resourceVersion of the last write per key,
// and tells whether the cache is still behind it — the reconciler then waits for the watch event
// instead of deciding from stale state. No copy of the object is kept. After `max_wait` a write
// is forgotten, so that a lost watch event cannot stall the key (writes carry the resourceVersion
// they were decided from, so a decision from a stale cache then fails with a conflict).
class WrittenVersions {
 public:
  explicit WrittenVersions(std::chrono::seconds max_wait = std::chrono::seconds(30)) : max_wait_(max_wait) {}
  void remember(const std::string& key, const std::string& uid, std::uint64_t resource_version);
  // True while `cached` (same uid) is older than the remembered write.
  bool behind(const std::string& key, const nlohmann::json& cached);
  void forget(const std::string& key);

 private:
  struct Written {
    std::string uid;
    std::uint64_t rv = 0;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::seconds max_wait_;
  std::mutex mu_;
  std::map<std::string, Written> written_;
};

// Informer handlers that keep `writes` small: observed() on adds and updates, forget() on deletes.
EventHandlers forget_when_cached(const std::shared_ptr<RecentWrites>& writes);

// Names created under an owner key that the cache has not shown yet; entries expire after `ttl`
// so that a create whose watch event was lost cannot block forever.
class Expectations {
 public:
  explicit Expectations(std::chrono::seconds ttl = std::chrono::seconds(60)) : ttl_(ttl) {}
  void expect(const std::string& owner, const std::string& name);
  // Drops the names in `seen` and the expired ones; returns the names still expected.
  std::vector<std::string> pending(const std::string& owner, const std::set<std::string>& seen);
  void forget(const std::string& owner);

 private:
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::chrono::steady_clock::time_point>> expected_;
};

}  // namespace shepherd::runtime
