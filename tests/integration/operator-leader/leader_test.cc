// Leader election with client-go semantics between separate shepherd-operator processes competing
// for one coordination.k8s.io/v1 Lease on the real API server (15 s lease, 10 s renew deadline, 2 s
// retry with client-go's jitter factor 1.2): one leader at a time, takeover after kill -9 of the
// leader only once the lease has expired, takeover at once after a graceful stop (the lease is
// released), and the new leader really acts.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/operator.h"

namespace shepherd::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The identity a process campaigns with, from its log.
std::string identity_of(const OperatorProcess& op) {
  std::string id;
  wait_for(
      [&] {
        static const std::regex re(R"re(campaigning .*identity="([^"]+)")re");
        std::smatch m;
        const std::string log = read_file(op.log_path());
        if (std::regex_search(log, m, re)) id = m[1];
        return !id.empty();
      },
      seconds(30));
  return id;
}

class LeaderTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    install_crds();
    create_agent_service_account(ns());
  }
  std::vector<std::string> args() const {
    return {"--namespace",          ns(),      "--leader-elect", "--leader-election-namespace", ns(),
            "--leader-election-id", "shepherd"};
  }
  std::string holder() const {
    auto lease = kubectl_get_json("lease", "shepherd", ns());
    return lease.is_null() ? "" : lease.value("/spec/holderIdentity"_json_pointer, std::string());
  }
  // Seconds until the lease holder becomes `want`; -1 when it does not within `limit`.
  double seconds_until_holder(const std::string& want, seconds limit) const {
    const auto t0 = Clock::now();
    if (!wait_for([&] { return holder() == want; }, limit, std::chrono::milliseconds(100))) return -1;
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }
};

TEST_F(LeaderTest, OneLeaderTakeoverAfterKillNineAndAtOnceAfterGracefulStop) {
  OperatorProcess a("leader-a-" + ns(), args());
  const std::string id_a = identity_of(a);
  ASSERT_FALSE(id_a.empty()) << a.log_path();
  ASSERT_GE(seconds_until_holder(id_a, seconds(30)), 0) << "A never became leader";

  OperatorProcess b("leader-b-" + ns(), args());
  const std::string id_b = identity_of(b);
  ASSERT_FALSE(id_b.empty());
  ASSERT_NE(id_a, id_b);
  // While A renews, B must not take the lease.
  std::this_thread::sleep_for(seconds(6));
  EXPECT_EQ(holder(), id_a);
  EXPECT_EQ(read_file(b.log_path()).find("became leader"), std::string::npos);

  // kill -9: nothing is released; B takes over once A's 15 s lease has expired, within the lease
  // duration plus one (jittered, at most 2 s x 2.2) retry, with a little slack for a busy machine.
  a.kill9();
  const double takeover = seconds_until_holder(id_b, seconds(40));
  ASSERT_GE(takeover, 0) << "B never took over; log " << b.log_path();
  EXPECT_GE(takeover, 8.0) << "B took the lease before A's lease could have expired";
  EXPECT_LE(takeover, 15.0 + 4.4 + 3.0);
  RecordProperty("takeover_after_kill9_seconds", std::to_string(takeover));
  std::printf("takeover after kill -9 of the leader: %.1f s\n", takeover);

  // The new leader acts: a plan applied now completes.
  json plan = json::parse(R"J({"apiVersion": "shepherd.dev/v1alpha1", "kind": "MigrationPlan",
    "metadata": {"name": "after-failover"},
    "spec": {"dataset": {"name": "d", "from": {"version": "1"}, "to": {"version": "2"}},
             "changes": [{"rename": {"field": "a", "to": "b"}}],
             "consumers": [{"name": "c1", "repository": {"url": "https://git.example.com/c1.git"}}],
             "agent": {"pod": {"annotations": {"shepherd.dev/kwok-termination-message":
               "{\"apiVersion\":\"shepherd.dev/agent-result/v1\",\"outcome\":\"NoChanges\"}"}}}}})J");
  kubectl_ok({"apply", "-n", ns(), "-f", "-"}, plan.dump());
  EXPECT_TRUE(wait_for(
      [&] {
        auto p = kubectl_get_json("migrationplan", "after-failover", ns());
        return p.value("/status/phase"_json_pointer, std::string()) == "Succeeded";
      },
      seconds(90)))
      << "the new leader did not run the plan; log " << b.log_path();

  // Graceful stop: B releases the lease and a waiting candidate C takes over at once.
  OperatorProcess c("leader-c-" + ns(), args());
  const std::string id_c = identity_of(c);
  ASSERT_FALSE(id_c.empty());
  std::this_thread::sleep_for(seconds(3));
  EXPECT_EQ(holder(), id_b);
  EXPECT_EQ(b.stop(), 0) << "a graceful stop exits 0";
  const double handover = seconds_until_holder(id_c, seconds(30));
  ASSERT_GE(handover, 0) << "C never took over; log " << c.log_path();
  EXPECT_LE(handover, 4.4 + 2.0)
      << "after a release the next candidate must not wait for the lease to expire";
  std::printf("takeover after a graceful stop of the leader: %.1f s\n", handover);
  EXPECT_NE(read_file(b.log_path()).find("released the lease"), std::string::npos);
}

}  // namespace
}  // namespace shepherd::testing
