// Unit tests of runtime/recent_writes.h: a reconciler never decides from a cache that
// is older than its own last write, and expected creations count until the cache shows them.
#include "runtime/recent_writes.h"

#include <gtest/gtest.h>

#include <thread>

namespace shepherd::runtime {
namespace {

using nlohmann::json;

std::shared_ptr<const json> obj(const std::string& uid, const std::string& rv, const std::string& phase) {
  return std::make_shared<const json>(
      json{{"metadata", {{"uid", uid}, {"resourceVersion", rv}}}, {"status", {{"phase", phase}}}});
}

TEST(RecentWrites, PrefersTheWriteUntilTheCacheCatchesUp) {
  RecentWrites w;
  w.remember("ns/p", *obj("u1", "20", "Progressing"));
  EXPECT_EQ((*w.freshest("ns/p", obj("u1", "19", "Pending")))["status"]["phase"], "Progressing");
  // The cache caught up: from now on the cache wins, and the write is forgotten.
  EXPECT_EQ((*w.freshest("ns/p", obj("u1", "21", "Blocked")))["status"]["phase"], "Blocked");
  EXPECT_EQ((*w.freshest("ns/p", obj("u1", "19", "Pending")))["status"]["phase"], "Pending");
}

TEST(RecentWrites, ADeletedOrRecreatedObjectIsTakenFromTheCache) {
  RecentWrites w;
  w.remember("ns/p", *obj("u1", "20", "Progressing"));
  EXPECT_EQ(w.freshest("ns/p", nullptr), nullptr);
  w.remember("ns/p", *obj("u1", "20", "Progressing"));
  EXPECT_EQ((*w.freshest("ns/p", obj("u2", "5", "Pending")))["metadata"]["uid"], "u2");
}

// The informer's handlers drop a write as soon as the cache holds it (or something newer), so that
// writes to objects nobody reconciles again (finished migrations) are not kept.
TEST(RecentWrites, ObservedCacheUpdatesForgetCaughtUpWrites) {
  auto named = [](const std::string& name, const std::string& uid, const std::string& rv) {
    return std::make_shared<const json>(
        json{{"metadata", {{"namespace", "ns"}, {"name", name}, {"uid", uid}, {"resourceVersion", rv}}},
             {"status", {{"phase", "P" + rv}}}});
  };
  auto w = std::make_shared<RecentWrites>();
  w->remember("ns/a", *named("a", "u1", "20"));
  w->remember("ns/b", *named("b", "u2", "30"));
  auto handlers = forget_when_cached(w);
  handlers.on_update(named("a", "u1", "18"), named("a", "u1", "19"));  // older than the write: kept
  EXPECT_EQ(w->size(), 2u);
  EXPECT_EQ((*w->freshest("ns/a", named("a", "u1", "19")))["status"]["phase"], "P20");
  handlers.on_update(named("a", "u1", "19"), named("a", "u1", "20"));  // caught up: forgotten
  EXPECT_EQ(w->size(), 1u);
  handlers.on_delete(named("b", "u2", "25"));
  EXPECT_EQ(w->size(), 0u);
}

TEST(RecentWrites, ResourceVersionNumbers) {
  EXPECT_EQ(resource_version_number(*obj("u", "12345", "")), 12345u);
  EXPECT_EQ(resource_version_number(*obj("u", "abc", "")), 0u);
  EXPECT_EQ(resource_version_number(json::object()), 0u);
}

TEST(Expectations, PendingUntilSeenOrExpired) {
  Expectations e(std::chrono::seconds(1));
  e.expect("plan", "a");
  e.expect("plan", "b");
  EXPECT_EQ(e.pending("plan", {}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e.pending("plan", {"a"}), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(e.pending("other", {}).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(e.pending("plan", {}).empty()) << "expired expectations must not block forever";
}

}  // namespace
}  // namespace shepherd::runtime
