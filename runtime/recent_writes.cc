// Implementation of recent_writes.h.
#include "runtime/recent_writes.h"

#include <charconv>

namespace shepherd::runtime {

std::uint64_t resource_version_number(const nlohmann::json& obj) {
  if (!obj.is_object() || !obj.contains("metadata")) return 0;
  const std::string rv = obj["metadata"].value("resourceVersion", "");
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
  if (ec != std::errc() || p != rv.data() + rv.size()) return 0;
  return n;
}

void RecentWrites::remember(const std::string& key, const nlohmann::json& written) {
  std::lock_guard lock(mu_);
  written_[key] = std::make_shared<const nlohmann::json>(written);
}

std::shared_ptr<const nlohmann::json> RecentWrites::freshest(const std::string& key,
                                                             std::shared_ptr<const nlohmann::json> cached) {
  std::lock_guard lock(mu_);
  auto it = written_.find(key);
  if (it == written_.end()) return cached;
  if (!cached) return cached;  // deleted since: the cache is right
  const auto cached_rv = resource_version_number(*cached);
  const auto written_rv = resource_version_number(*it->second);
  const bool same_object =
      (*cached)["metadata"].value("uid", "") == (*it->second)["metadata"].value("uid", "");
  if (!same_object || cached_rv == 0 || written_rv == 0 || cached_rv >= written_rv) {
    written_.erase(it);
    return cached;
  }
  return it->second;
}

void RecentWrites::observed(const std::string& key, const nlohmann::json& cached) {
  std::lock_guard lock(mu_);
  auto it = written_.find(key);
  if (it == written_.end()) return;
  const auto cached_rv = resource_version_number(cached);
  const auto written_rv = resource_version_number(*it->second);
  const bool same_object = cached["metadata"].value("uid", "") == (*it->second)["metadata"].value("uid", "");
  if (!same_object || cached_rv == 0 || written_rv == 0 || cached_rv >= written_rv) written_.erase(it);
}

size_t RecentWrites::size() {
  std::lock_guard lock(mu_);
  return written_.size();
}

void RecentWrites::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  written_.erase(key);
}

void WrittenVersions::remember(const std::string& key, const std::string& uid,
                               std::uint64_t resource_version) {
  std::lock_guard lock(mu_);
  written_[key] = Written{uid, resource_version, std::chrono::steady_clock::now()};
}

bool WrittenVersions::behind(const std::string& key, const nlohmann::json& cached) {
  std::lock_guard lock(mu_);
  auto it = written_.find(key);
  if (it == written_.end()) return false;
  const auto cached_rv = resource_version_number(cached);
  const bool same_object = cached["metadata"].value("uid", "") == it->second.uid;
  if (!same_object || cached_rv == 0 || it->second.rv == 0 || cached_rv >= it->second.rv ||
      std::chrono::steady_clock::now() - it->second.at > max_wait_) {
    written_.erase(it);
    return false;
  }
  return true;
}

void WrittenVersions::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  written_.erase(key);
}

EventHandlers forget_when_cached(const std::shared_ptr<RecentWrites>& writes) {
  EventHandlers h;
  h.on_add = [writes](const ObjectPtr& o) { writes->observed(object_key(*o), *o); };
  h.on_update = [writes](const ObjectPtr&, const ObjectPtr& o) { writes->observed(object_key(*o), *o); };
  h.on_delete = [writes](const ObjectPtr& o) { writes->forget(object_key(*o)); };
  return h;
}

void Expectations::expect(const std::string& owner, const std::string& name) {
  std::lock_guard lock(mu_);
  expected_[owner][name] = std::chrono::steady_clock::now() + ttl_;
}

std::vector<std::string> Expectations::pending(const std::string& owner, const std::set<std::string>& seen) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto it = expected_.find(owner);
  if (it == expected_.end()) return out;
  const auto now = std::chrono::steady_clock::now();
  for (auto e = it->second.begin(); e != it->second.end();) {
    if (seen.count(e->first) != 0 || e->second < now) {
      e = it->second.erase(e);
    } else {
      out.push_back(e->first);
      ++e;
    }
  }
  if (it->second.empty()) expected_.erase(it);
  return out;
}

void Expectations::forget(const std::string& owner) {
  std::lock_guard lock(mu_);
  expected_.erase(owner);
}

}  // namespace shepherd::runtime
