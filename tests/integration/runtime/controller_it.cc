// The Manager and Controller harness on a real cluster: a controller for ConfigMaps that owns
// Secrets recreates a deleted child (the child's delete enqueues its owner), and stops on request.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "runtime/manager.h"
#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
using shepherd::testing::ClusterTest;

class ControllerIT : public ClusterTest {};

TEST_F(ControllerIT, OwnedChildDeletionReconcilesTheOwner) {
  auto client = it::make_client();
  ASSERT_TRUE(client);
  Manager mgr(client);
  auto cms = mgr.informer(resources::kConfigMaps, ns());
  auto secrets = mgr.informer(resources::kSecrets, ns());
  EXPECT_EQ(cms, mgr.informer(resources::kConfigMaps, ns())) << "informers are shared";
  std::atomic<int> reconciles{0};
  ControllerOptions co;
  co.workers = 2;
  auto ctl = std::make_shared<Controller>(
      "cm-to-secret", cms,
      [&](const std::string& key) -> ReconcileResult {
        ++reconciles;
        auto cm = cms->store().get(key);
        if (!cm || (*cm)["metadata"].value("name", "") == "kube-root-ca.crt") return ReconcileResult::done();
        const auto [ns_name, name] = split_key(key);
        json secret = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata",
                        {{"name", name + "-child"},
                         {"namespace", ns_name},
                         {"ownerReferences", json::array({{{"apiVersion", "v1"},
                                                           {"kind", "ConfigMap"},
                                                           {"name", name},
                                                           {"uid", (*cm)["metadata"]["uid"]},
                                                           {"controller", true}}})}}},
                       {"stringData", {{"from", name}}}};
        auto r = client->apply(resources::kSecrets, ns_name, secret, "cm-to-secret", true);
        if (!r.ok()) return ReconcileResult::failed(r.error().to_string());
        return ReconcileResult::done();
      },
      co);
  ctl->owns(secrets);
  mgr.add(ctl);
  std::stop_source stop;
  std::jthread runner([&] { EXPECT_TRUE(mgr.run(stop.get_token())); });

  ASSERT_TRUE(client->create(resources::kConfigMaps, ns(), it::config_map(ns(), "parent")).ok());
  ASSERT_TRUE(it::eventually([&] { return secrets->store().get(ns() + "/parent-child") != nullptr; }, 20s));
  const int before = reconciles.load();
  ASSERT_TRUE(client->remove(resources::kSecrets, ns(), "parent-child").ok());
  ASSERT_TRUE(it::eventually(
      [&] {
        auto s = secrets->store().get(ns() + "/parent-child");
        return s && reconciles.load() > before;
      },
      20s))
      << "deleting the child must reconcile the owner, which recreates it";
  EXPECT_TRUE(mgr.healthy());
  stop.request_stop();
  runner.join();
}

TEST_F(ControllerIT, ManagerStartsControllersOnlyWhileLeadingAndStopsOnLoss) {
  auto client = it::make_client();
  ASSERT_TRUE(client);
  ManagerOptions mo;
  LeaderElectionConfig le;
  le.lease_namespace = ns();
  le.lease_name = "manager-test";
  le.identity = "manager-1";
  le.lease_duration = 4s;
  le.renew_deadline = 3s;
  le.retry_period = 500ms;
  mo.leader_election = le;
  Manager mgr(client, mo);
  auto cms = mgr.informer(resources::kConfigMaps, ns());
  std::atomic<int> reconciles{0};
  auto ctl = std::make_shared<Controller>("counting", cms, [&](const std::string&) {
    ++reconciles;
    return ReconcileResult::done();
  });
  mgr.add(ctl);
  std::stop_source stop;
  std::atomic<bool> graceful{true};
  std::jthread runner([&] { graceful = mgr.run(stop.get_token()); });
  ASSERT_TRUE(it::eventually([&] { return mgr.leading(); }, 10s));
  ASSERT_TRUE(it::eventually([&] { return reconciles.load() >= 1; }, 10s))
      << "kube-root-ca.crt is reconciled";

  // Another replica takes the lease: run() must return false and the controller must stop.
  bool stolen = false;
  for (int i = 0; i < 10 && !stolen; ++i) {
    auto lease = client->get(resources::kLeases, ns(), "manager-test");
    ASSERT_TRUE(lease.ok());
    json l = lease.value();
    l["spec"]["holderIdentity"] = "manager-2";
    stolen = client->update(resources::kLeases, ns(), l).ok();
  }
  ASSERT_TRUE(stolen);
  runner.join();
  EXPECT_FALSE(graceful.load());
  EXPECT_FALSE(mgr.leading());
  const int after = reconciles.load();
  ASSERT_TRUE(client->create(resources::kConfigMaps, ns(), it::config_map(ns(), "ignored")).ok());
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(reconciles.load(), after) << "no reconcile after losing the lease";
}

}  // namespace
}  // namespace shepherd::runtime
