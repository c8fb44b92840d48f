// Controller harness: owner mapping, reconcile results, exceptions contained, requeue on error.
#include "runtime/controller.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/runtime/fake_transport.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

TEST(OwnerKey, MapsOnlyTheControllingOwnerOfTheRightKind) {
  json child = {{"metadata",
                 {{"name", "job-1"},
                  {"namespace", "ns"},
                  {"ownerReferences", json::array({{{"apiVersion", "shepherd.dev/v1alpha1"},
                                                    {"kind", "ConsumerMigration"},
                                                    {"name", "other"}},
                                                   {{"apiVersion", "shepherd.dev/v1alpha1"},
                                                    {"kind", "ConsumerMigration"},
                                                    {"name", "cm-1"},
                                                    {"controller", true}}})}}}};
  EXPECT_EQ(controller_owner_key(child, "shepherd.dev", "ConsumerMigration"), "ns/cm-1");
  EXPECT_EQ(controller_owner_key(child, "shepherd.dev", "MigrationPlan"), std::nullopt);
  EXPECT_EQ(controller_owner_key(child, "other.dev", "ConsumerMigration"), std::nullopt);
  json core_owner = {
      {"metadata",
       {{"name", "p"},
        {"namespace", "ns"},
        {"ownerReferences",
         json::array(
             {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "cfg"}, {"controller", true}}})}}}};
  EXPECT_EQ(controller_owner_key(core_owner, "", "ConfigMap"), "ns/cfg");
  EXPECT_EQ(controller_owner_key(json{{"metadata", {{"name", "x"}}}}, "", "ConfigMap"), std::nullopt);
  EXPECT_EQ(controller_owner_key(json::object(), "", "ConfigMap"), std::nullopt);
}

TEST(ReconcileResult, Labels) {
  EXPECT_STREQ(ReconcileResult::done().label(), "success");
  EXPECT_STREQ(ReconcileResult::requeue_after(1s).label(), "requeue_after");
  EXPECT_STREQ(ReconcileResult::failed("x").label(), "error");
}

std::string cm(const std::string& name, const std::string& extra = "") {
  return R"({"metadata":{"name":")" + name + R"(","namespace":"ns","resourceVersion":"1")" + extra + "}}";
}

TEST(Controller, ReconcilesPrimaryAndOwnersOfChildrenAndSurvivesExceptions) {
  // Primary: ConfigMaps. Children: Secrets owned by ConfigMap "a".
  auto t = std::make_shared<testing::FakeTransport>();
  // Lists are streamed (Client::list_each); watches stay quiet.
  t->stream_fallback = [](const Request& r) {
    testing::ScriptedStream s;
    if (r.path.find("watch=true") != std::string::npos) return s;
    if (r.path.find("/configmaps") != std::string::npos) {
      s.chunks = {R"({"metadata":{"resourceVersion":"5"},"items":[)" + cm("a") + "," + cm("boom") + "]}"};
      return s;
    }
    s.chunks = {
        R"({"metadata":{"resourceVersion":"5"},"items":[)" +
        cm("s1",
           R"(,"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"a","controller":true}])") +
        "," + cm("s2") + "]}"};
    return s;
  };
  ClientOptions co;
  co.qps = 0;
  auto client = std::make_shared<Client>(t, co);
  auto primary = std::make_shared<Informer>(client, resources::kConfigMaps);
  auto secrets = std::make_shared<Informer>(client, resources::kSecrets);

  std::mutex mu;
  std::map<std::string, int> calls;
  std::vector<std::string> results;
  ControllerOptions opts;
  opts.workers = 2;
  opts.queue.base_delay = 1ms;
  opts.hooks.on_reconcile = [&](const std::string& name, const std::string& result, Duration) {
    std::lock_guard l(mu);
    EXPECT_EQ(name, "test");
    results.push_back(result);
  };
  Controller c(
      "test", primary,
      [&](const std::string& key) -> ReconcileResult {
        int n;
        {
          std::lock_guard l(mu);
          n = ++calls[key];
        }
        if (key == "ns/boom") {
          if (n < 3) throw std::runtime_error("kaboom");
          return ReconcileResult::done();
        }
        return ReconcileResult::done();
      },
      opts);
  c.owns(secrets);
  c.start();
  primary->start();
  secrets->start();
  for (int i = 0; i < 300; ++i) {
    {
      std::lock_guard l(mu);
      if (calls["ns/boom"] >= 3 && calls["ns/a"] >= 1) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  c.stop();
  primary->stop();
  secrets->stop();
  std::lock_guard l(mu);
  EXPECT_EQ(calls["ns/boom"], 3) << "two exceptions -> two rate-limited requeues, then success";
  EXPECT_GE(calls["ns/a"], 1);
  EXPECT_EQ(calls.count("ns/s1"), 0u) << "children enqueue their owner, not themselves";
  EXPECT_EQ(calls.count("ns/s2"), 0u);
  EXPECT_EQ(std::count(results.begin(), results.end(), "error"), 2);
}

}  // namespace
}  // namespace shepherd::runtime
