// Unit tests of operator/flags.h: every docs/operations.md flag, both spellings, and errors naming the flag.
#include "operator/flags.h"

#include <gtest/gtest.h>

namespace shepherd::operator_main {
namespace {

Flags ok(const std::vector<std::string>& args) {
  auto r = parse_flags(args);
  if (auto* err = std::get_if<std::string>(&r)) ADD_FAILURE() << *err;
  return std::holds_alternative<Flags>(r) ? std::get<Flags>(r) : Flags{};
}

std::string error(const std::vector<std::string>& args) {
  auto r = parse_flags(args);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

TEST(Flags, DefaultsFollowTheSpec) {
  Flags f = ok({});
  EXPECT_EQ(f.metrics_bind_address, ":8080");
  EXPECT_EQ(f.health_probe_bind_address, ":8081");
  EXPECT_FALSE(f.leader_elect);
  EXPECT_EQ(f.watch_namespace, "");
  EXPECT_EQ(f.log_format, "json");
  EXPECT_EQ(f.max_concurrent_reconciles, 4);
}

TEST(Flags, AcceptsBothSpellingsOfEveryFlag) {
  Flags f = ok({"--kubeconfig", "/k", "--namespace=data", "--agent-image", "img:1",
                "--metrics-bind-address=127.0.0.1:9000", "--health-probe-bind-address", "0", "--leader-elect",
                "--leader-election-namespace", "ops", "--max-concurrent-reconciles=8", "--log-format", "text",
                "--log-level=debug", "--kube-api-qps", "12.5", "--kube-api-burst=40"});
  EXPECT_EQ(f.kubeconfig, "/k");
  EXPECT_EQ(f.watch_namespace, "data");
  EXPECT_EQ(f.agent_image, "img:1");
  EXPECT_EQ(f.metrics_bind_address, "127.0.0.1:9000");
  EXPECT_EQ(f.health_probe_bind_address, "0");
  EXPECT_TRUE(f.leader_elect);
  EXPECT_EQ(f.leader_election_namespace, "ops");
  EXPECT_EQ(f.max_concurrent_reconciles, 8);
  EXPECT_EQ(f.log_format, "text");
  EXPECT_EQ(f.log_level, "debug");
  EXPECT_DOUBLE_EQ(f.kube_api_qps, 12.5);
  EXPECT_EQ(f.kube_api_burst, 40);
  EXPECT_FALSE(ok({"--leader-elect=false"}).leader_elect);
}

TEST(Flags, ErrorsNameTheFlagAndTheValue) {
  EXPECT_EQ(error({"--max-concurrent-reconciles", "0"}),
            "--max-concurrent-reconciles: must be an integer from 1 to 1000, got \"0\"");
  EXPECT_EQ(error({"--log-format=yaml"}), "--log-format: must be one of json, text, got \"yaml\"");
  EXPECT_EQ(error({"--leader-elect=maybe"}), "--leader-elect: must be true or false, got \"maybe\"");
  EXPECT_EQ(error({"--metrics-bind-address", "nope"}),
            "--metrics-bind-address: must be [host]:port or 0, got \"nope\"");
  EXPECT_EQ(error({"--bogus"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(error({"--namespace"}), "--namespace: needs a value");
  EXPECT_EQ(error({"stray"}), "unexpected argument \"stray\" (flags start with --)");
  EXPECT_NE(error({"--kube-api-qps", "-1"}).find("--kube-api-qps"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse_flags({"--help"})));
}

TEST(Flags, BindAddresses) {
  auto a = parse_bind_address(":8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_bind_address("127.0.0.1:0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 0);
  EXPECT_FALSE(parse_bind_address("0"));
  EXPECT_FALSE(parse_bind_address("localhost"));
  EXPECT_FALSE(parse_bind_address(":99999"));
}

}  // namespace
}  // namespace shepherd::operator_main
