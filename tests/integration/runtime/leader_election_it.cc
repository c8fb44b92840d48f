// Leader election between competing electors on a real Lease: never two leaders at once, a
// graceful release hands over at once, an abandoned lease (kill -9) is taken over after it expires.
// Short durations (lease 4 s, renew 3 s, retry 1 s) keep the test quick; the logic is the same.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/time.h"
#include "runtime/leader_election.h"
#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using shepherd::testing::ClusterTest;

class LeaderElectionIT : public ClusterTest {};

struct Candidate {
  std::string id;
  std::unique_ptr<LeaderElector> elector;
  std::jthread thread;
  std::atomic<bool> leading{false};
};

TEST_F(LeaderElectionIT, OneLeaderHandoverAndTakeoverAfterExpiry) {
  auto client = it::make_client();
  ASSERT_TRUE(client);
  std::atomic<int> leaders{0};
  std::atomic<int> max_leaders{0};
  std::atomic<int> starts{0};

  auto make = [&](const std::string& id) {
    auto c = std::make_unique<Candidate>();
    c->id = id;
    LeaderElectionConfig cfg;
    cfg.lease_namespace = ns();
    cfg.lease_name = "runtime-test";
    cfg.identity = id;
    cfg.lease_duration = 4s;
    cfg.renew_deadline = 3s;
    cfg.retry_period = 1s;
    Candidate* self = c.get();
    cfg.on_started_leading = [&, self] {
      const int n = ++leaders;
      int m = max_leaders.load();
      while (n > m && !max_leaders.compare_exchange_weak(m, n)) {
      }
      ++starts;
      self->leading = true;
    };
    cfg.on_stopped_leading = [&, self] {
      self->leading = false;
      --leaders;
    };
    c->elector = std::make_unique<LeaderElector>(client, cfg);
    c->thread = std::jthread([self](std::stop_token st) { self->elector->run(st); });
    return c;
  };

  auto a = make("candidate-a");
  ASSERT_TRUE(it::eventually([&] { return a->leading.load(); }, 10s));
  auto b = make("candidate-b");
  std::this_thread::sleep_for(3s);
  EXPECT_FALSE(b->leading.load()) << "b must wait while a renews";

  auto lease = client->get(resources::kLeases, ns(), "runtime-test");
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease.value()["spec"]["holderIdentity"], "candidate-a");
  EXPECT_EQ(lease.value()["spec"]["leaseDurationSeconds"], 4);
  const std::string renew = lease.value()["spec"]["renewTime"];
  EXPECT_TRUE(base::parse_rfc3339(renew).has_value()) << renew;
  EXPECT_EQ(renew.size(), std::string("2006-01-02T15:04:05.000000Z").size()) << renew;

  // Graceful stop of a: it releases, b takes over within about one retry period.
  const auto t0 = std::chrono::steady_clock::now();
  a->thread.request_stop();
  a->thread.join();
  ASSERT_TRUE(it::eventually([&] { return b->leading.load(); }, 6s));
  const auto handover = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(handover, 3.5s) << "release must not make b wait for the lease to expire";
  lease = client->get(resources::kLeases, ns(), "runtime-test");
  EXPECT_EQ(lease.value()["spec"]["holderIdentity"], "candidate-b");
  EXPECT_GE(lease.value()["spec"]["leaseTransitions"].get<int>(), 1);

  // b is "killed -9": it stops renewing without releasing. c takes over after the lease expires.
  auto c = make("candidate-c");
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(c->leading.load());
  const auto t1 = std::chrono::steady_clock::now();
  b->elector->set_release_on_cancel(false);
  b->thread.request_stop();
  b->thread.join();
  ASSERT_TRUE(it::eventually([&] { return c->leading.load(); }, 15s));
  const auto takeover = std::chrono::steady_clock::now() - t1;
  EXPECT_GE(takeover, 2s) << "an abandoned lease is only taken after it expires";
  EXPECT_LT(takeover, 4s + 2 * 2.2s + 1s) << "lease duration + retry (with jitter)";
  EXPECT_EQ(max_leaders.load(), 1) << "never two leaders at once";
  EXPECT_EQ(starts.load(), 3);
  c->thread.request_stop();
  c->thread.join();
  lease = client->get(resources::kLeases, ns(), "runtime-test");
  EXPECT_EQ(lease.value()["spec"].value("holderIdentity", ""), "") << "released on graceful stop";
  EXPECT_EQ(lease.value()["spec"]["leaseDurationSeconds"], 1);
}

TEST_F(LeaderElectionIT, LosingTheLeaseStopsLeadingAtOnce) {
  auto client = it::make_client();
  ASSERT_TRUE(client);
  std::atomic<bool> leading{false}, stopped{false};
  LeaderElectionConfig cfg;
  cfg.lease_namespace = ns();
  cfg.lease_name = "stolen";
  cfg.identity = "victim";
  cfg.lease_duration = 4s;
  cfg.renew_deadline = 3s;
  cfg.retry_period = 500ms;
  cfg.on_started_leading = [&] { leading = true; };
  cfg.on_stopped_leading = [&] { stopped = true; };
  LeaderElector e(client, cfg);
  bool graceful = true;
  std::jthread t([&](std::stop_token st) { graceful = e.run(st); });
  ASSERT_TRUE(it::eventually([&] { return leading.load(); }, 10s));
  // Someone else overwrites the lease (as a forced takeover would).
  // The victim renews concurrently, so the steal may conflict: retry it.
  bool stolen = false;
  for (int i = 0; i < 10 && !stolen; ++i) {
    auto lease = client->get(resources::kLeases, ns(), "stolen");
    ASSERT_TRUE(lease.ok());
    nlohmann::json l = lease.value();
    l["spec"]["holderIdentity"] = "thief";
    l["spec"]["renewTime"] = base::format_rfc3339_micro(std::chrono::system_clock::now());
    stolen = client->update(resources::kLeases, ns(), l).ok();
  }
  ASSERT_TRUE(stolen);
  ASSERT_TRUE(it::eventually([&] { return stopped.load(); }, 3s)) << "must notice within a retry or two";
  t.join();
  EXPECT_FALSE(graceful);
  EXPECT_FALSE(e.is_leader());
}

}  // namespace
}  // namespace shepherd::runtime
