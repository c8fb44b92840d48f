// The informer across disruptions of the control plane: a kube-apiserver restart (the watch breaks,
// the informer backs off and resumes) and an etcd compaction followed by a restart, which makes
// the informer's resourceVersion too old (410) and forces a relist. Both must end with the cache
// equal to a fresh list.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "runtime/config.h"
#include "runtime/http_transport.h"
#include "runtime/informer.h"
#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
using shepherd::testing::ClusterTest;

class DisruptionIT : public ClusterTest {};

std::set<std::string> names_in_store(const Informer& inf) {
  std::set<std::string> out;
  for (const auto& o : inf.store().list()) out.insert((*o)["metadata"]["name"].get<std::string>());
  return out;
}

std::set<std::string> names_listed(Client& c, const std::string& ns) {
  std::set<std::string> out;
  auto l = c.list_all(resources::kConfigMaps, ns);
  if (!l.ok()) return out;
  for (const auto& o : l.value()["items"]) out.insert(o["metadata"]["name"].get<std::string>());
  return out;
}

void restart_apiserver() {
  const auto& cl = shepherd::testing::Cluster::get();
  shepherd::testing::ProcessOptions po;
  po.env = {{"SHEPHERD_CP_DIR", cl.dir}};
  po.timeout = std::chrono::minutes(3);
  auto r = shepherd::testing::run_process({cl.source_dir + "/hack/control-plane", "restart-apiserver"}, po);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string etcd_endpoint() {
  std::ifstream in(shepherd::testing::Cluster::get().dir + "/env");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("ETCD_ENDPOINT=", 0) == 0) return line.substr(14);
  }
  return "";
}

// Compacts etcd at its current revision through its HTTP/JSON gateway (no etcdctl needed).
void compact_etcd() {
  Config cfg;
  cfg.server = etcd_endpoint();
  ASSERT_FALSE(cfg.server.empty());
  auto t = make_http_transport(cfg);
  ASSERT_TRUE(t.ok()) << t.error();
  auto range = t.value()->send(Request{"POST", "/v3/kv/range", R"({"key":"Lw=="})", "application/json"});
  ASSERT_EQ(range.status, 200) << range.error << range.body;
  const std::string rev = json::parse(range.body)["header"]["revision"];
  auto compact = t.value()->send(Request{
      "POST", "/v3/kv/compaction", json{{"revision", rev}, {"physical", true}}.dump(), "application/json"});
  ASSERT_EQ(compact.status, 200) << compact.error << compact.body;
}

TEST_F(DisruptionIT, InformerSurvivesApiserverRestart) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  InformerOptions o;
  o.namespace_name = ns();
  o.backoff.initial = 200ms;
  Informer inf(c, resources::kConfigMaps, o);
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(30s));
  ASSERT_TRUE(c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "before")).ok());
  ASSERT_TRUE(it::eventually([&] { return names_in_store(inf).count("before") == 1; }, 10s));
  restart_apiserver();
  ASSERT_TRUE(c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "after")).ok());
  ASSERT_TRUE(c->remove(resources::kConfigMaps, ns(), "before").ok());
  ASSERT_TRUE(it::eventually([&] { return names_in_store(inf) == names_listed(*c, ns()); }, 60s))
      << "store: " << names_in_store(inf).size();
  EXPECT_EQ(names_in_store(inf).count("before"), 0u);
  inf.stop();
}

TEST_F(DisruptionIT, InformerRelistsWhenItsVersionWasCompacted) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  InformerOptions o;
  o.namespace_name = ns();
  o.backoff.initial = 200ms;
  Informer inf(c, resources::kConfigMaps, o);
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(30s));
  ASSERT_EQ(inf.list_count(), 1);
  // Move etcd's revision far past the informer's (writes elsewhere), compact, restart the API
  // server so that its watch cache starts after the informer's resourceVersion.
  const std::string other = ns() + "-other";
  shepherd::testing::kubectl_ok({"create", "namespace", other});
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        c->create(resources::kConfigMaps, other, it::config_map(other, "x" + std::to_string(i))).ok());
  }
  compact_etcd();
  restart_apiserver();
  ASSERT_TRUE(c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "after-compaction")).ok());
  ASSERT_TRUE(it::eventually([&] { return names_in_store(inf) == names_listed(*c, ns()); }, 60s));
  EXPECT_GE(inf.list_count(), 2) << "the resourceVersion was compacted away: a relist was required";
  inf.stop();
  shepherd::testing::kubectl({"delete", "namespace", other, "--wait=false"});
}

}  // namespace
}  // namespace shepherd::runtime
