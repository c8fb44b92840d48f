// An informer's cache must equal a fresh list after a storm of concurrent creates, updates and
// deletes, and its handlers must have seen every delete.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "runtime/informer.h"
#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using nlohmann::json;
using shepherd::testing::ClusterTest;

class InformerIT : public ClusterTest {};

std::map<std::string, std::string> snapshot_of_store(const Store& s) {
  std::map<std::string, std::string> out;
  for (const auto& o : s.list()) out[object_key(*o)] = (*o)["metadata"]["resourceVersion"];
  return out;
}

TEST_F(InformerIT, CacheEqualsFreshListAfterStorm) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  InformerOptions o;
  o.namespace_name = ns();
  o.page_size = 50;
  Informer inf(c, resources::kConfigMaps, o);
  std::atomic<int> adds{0}, updates{0}, deletes{0};
  std::mutex mu;
  std::set<std::string> deleted_keys;
  inf.add_handlers({[&](const ObjectPtr&) { ++adds; }, [&](const ObjectPtr&, const ObjectPtr&) { ++updates; },
                    [&](const ObjectPtr& last) {
                      ++deletes;
                      std::lock_guard l(mu);
                      deleted_keys.insert(object_key(*last));
                    }});
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(std::chrono::seconds(30)));

  std::vector<std::thread> writers;
  std::atomic<int> expected_deletes{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int i = 0; i < 60; ++i) {
        const std::string name = "s-" + std::to_string(w) + "-" + std::to_string(i);
        auto created = c->create(resources::kConfigMaps, ns(), it::config_map(ns(), name, {{"v", "0"}}));
        if (!created.ok()) continue;
        for (int u = 0; u < static_cast<int>(rng() % 3); ++u) {
          c->patch(resources::kConfigMaps, ns(), name, PatchType::kMerge,
                   {{"data", {{"v", std::to_string(u + 1)}}}});
        }
        if (rng() % 3 == 0) {
          if (c->remove(resources::kConfigMaps, ns(), name).ok()) ++expected_deletes;
        }
      }
    });
  }
  for (auto& t : writers) t.join();

  auto fresh = [&] {
    std::map<std::string, std::string> out;
    auto l = c->list_all(resources::kConfigMaps, ns());
    if (!l.ok()) return out;
    for (const auto& item : l.value()["items"])
      out[ns() + "/" + item["metadata"]["name"].get<std::string>()] = item["metadata"]["resourceVersion"];
    return out;
  };
  std::map<std::string, std::string> expected = fresh();
  ASSERT_TRUE(
      it::eventually([&] { return snapshot_of_store(inf.store()) == expected; }, std::chrono::seconds(30)))
      << "store has " << inf.store().size() << " objects, list has " << expected.size();
  EXPECT_EQ(deletes.load(), expected_deletes.load());
  EXPECT_GE(adds.load(), 240);
  EXPECT_GT(updates.load(), 0);
  // The managedFields are not cached.
  for (const auto& obj : inf.store().list()) EXPECT_FALSE((*obj)["metadata"].contains("managedFields"));
  EXPECT_EQ(inf.list_count(), 1) << "no relist was needed";
  inf.stop();
}

}  // namespace
}  // namespace shepherd::runtime
