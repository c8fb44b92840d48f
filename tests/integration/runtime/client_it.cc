// The REST client against a real kube-apiserver: CRUD, conflicts, preconditions, patches,
// server-side apply with two managers, pagination over 1,000 ConfigMaps, status subresource,
// events with aggregation.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/config.h"
#include "runtime/events.h"
#include "runtime/http_transport.h"
#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using nlohmann::json;
using shepherd::testing::ClusterTest;

class ClientIT : public ClusterTest {};

TEST_F(ClientIT, CrudConflictsAndPreconditions) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  auto created = c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "a", {{"k", "1"}}));
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  const std::string rv1 = created.value()["metadata"]["resourceVersion"];
  const std::string uid = created.value()["metadata"]["uid"];

  auto dup = c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "a"));
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(dup.error().is_already_exists()) << dup.error().to_string();

  json obj = created.value();
  obj["data"]["k"] = "2";
  auto updated = c->update(resources::kConfigMaps, ns(), obj);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_NE(updated.value()["metadata"]["resourceVersion"], rv1);

  // A second writer still holding rv1 must get a Conflict, not overwrite.
  obj["data"]["k"] = "stale";
  auto stale = c->update(resources::kConfigMaps, ns(), obj);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().is_conflict()) << stale.error().to_string();
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_FALSE(stale.error().message.empty());

  auto got = c->get(resources::kConfigMaps, ns(), "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value()["data"]["k"], "2");

  auto merged = c->patch(resources::kConfigMaps, ns(), "a", PatchType::kMerge, {{"data", {{"m", "x"}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().to_string();
  EXPECT_EQ(merged.value()["data"]["m"], "x");
  auto jp = c->patch(resources::kConfigMaps, ns(), "a", PatchType::kJson,
                     json::array({{{"op", "replace"}, {"path", "/data/k"}, {"value", "3"}}}));
  ASSERT_TRUE(jp.ok()) << jp.error().to_string();
  EXPECT_EQ(jp.value()["data"]["k"], "3");
  auto smp =
      c->patch(resources::kConfigMaps, ns(), "a", PatchType::kStrategicMerge, {{"data", {{"s", "y"}}}});
  ASSERT_TRUE(smp.ok()) << smp.error().to_string();
  EXPECT_EQ(smp.value()["data"].size(), 3u);

  DeleteOptions wrong;
  wrong.precondition_uid = "00000000-0000-0000-0000-000000000000";
  auto bad_delete = c->remove(resources::kConfigMaps, ns(), "a", wrong);
  ASSERT_FALSE(bad_delete.ok());
  EXPECT_EQ(bad_delete.error().code, 409) << bad_delete.error().to_string();

  DeleteOptions right;
  right.precondition_uid = uid;
  right.propagation_policy = "Background";
  auto deleted = c->remove(resources::kConfigMaps, ns(), "a", right);
  ASSERT_TRUE(deleted.ok()) << deleted.error().to_string();
  auto gone = c->get(resources::kConfigMaps, ns(), "a");
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().is_not_found());
  auto gone_delete = c->remove(resources::kConfigMaps, ns(), "a");
  EXPECT_TRUE(gone_delete.error().is_not_found());
}

TEST_F(ClientIT, ServerSideApplyWithTwoFieldManagers) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  auto a =
      c->apply(resources::kConfigMaps, ns(), it::config_map(ns(), "ssa", {{"owned-by-a", "1"}}), "manager-a");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  auto b =
      c->apply(resources::kConfigMaps, ns(), it::config_map(ns(), "ssa", {{"owned-by-b", "1"}}), "manager-b");
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_EQ(b.value()["data"]["owned-by-a"], "1");
  EXPECT_EQ(b.value()["data"]["owned-by-b"], "1");
  std::set<std::string> managers;
  for (const auto& mf : b.value()["metadata"]["managedFields"])
    managers.insert(mf["manager"].get<std::string>());
  EXPECT_TRUE(managers.count("manager-a") && managers.count("manager-b"));

  // B claims A's field with another value: a conflict unless forced.
  auto clash = c->apply(resources::kConfigMaps, ns(),
                        it::config_map(ns(), "ssa", {{"owned-by-a", "2"}, {"owned-by-b", "1"}}), "manager-b");
  ASSERT_FALSE(clash.ok());
  EXPECT_TRUE(clash.error().is_conflict()) << clash.error().to_string();
  auto forced =
      c->apply(resources::kConfigMaps, ns(),
               it::config_map(ns(), "ssa", {{"owned-by-a", "2"}, {"owned-by-b", "1"}}), "manager-b", true);
  ASSERT_TRUE(forced.ok()) << forced.error().to_string();
  EXPECT_EQ(forced.value()["data"]["owned-by-a"], "2");
  // A re-applies without its field: it no longer owns it, so the value stays (B owns it now).
  auto a2 = c->apply(resources::kConfigMaps, ns(), it::config_map(ns(), "ssa", {}), "manager-a");
  ASSERT_TRUE(a2.ok()) << a2.error().to_string();
  EXPECT_EQ(a2.value()["data"]["owned-by-a"], "2");
}

TEST_F(ClientIT, PaginationAcrossOneThousandConfigMaps) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < 1000; i += 8) {
        auto r = c->create(resources::kConfigMaps, ns(),
                           it::config_map(ns(), "cm-" + std::to_string(i), {{"i", std::to_string(i)}}));
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);

  std::atomic<int> list_calls{0};
  auto counted = it::make_client(0, [&](const RequestMetric& m) {
    if (m.verb == "list") ++list_calls;
  });
  ListOptions lo;
  lo.limit = 100;
  auto page = counted->list(resources::kConfigMaps, ns(), lo);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value()["items"].size(), 100u);
  EXPECT_FALSE(page.value()["metadata"].value("continue", "").empty());

  list_calls = 0;
  auto all = counted->list_all(resources::kConfigMaps, ns(), lo);
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  std::set<std::string> names;
  for (const auto& item : all.value()["items"]) names.insert(item["metadata"]["name"].get<std::string>());
  names.erase("kube-root-ca.crt");
  EXPECT_EQ(names.size(), 1000u);
  EXPECT_EQ(list_calls.load(), 11) << "1001 objects (with kube-root-ca.crt) in pages of 100";

  ListOptions sel;
  sel.field_selector = "metadata.name=cm-7";
  auto one = c->list(resources::kConfigMaps, ns(), sel);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value()["items"].size(), 1u);
}

TEST_F(ClientIT, StatusSubresource) {
  it::ensure_widget_crd();
  auto c = it::make_client();
  ASSERT_TRUE(c);
  const Resource& w = it::widget_resource();
  json widget = {{"apiVersion", "runtime-test.shepherd.dev/v1"},
                 {"kind", "Widget"},
                 {"metadata", {{"name", "w1"}, {"namespace", ns()}}},
                 {"spec", {{"size", 3}}}};
  auto created = c->create(w, ns(), widget);
  ASSERT_TRUE(created.ok()) << created.error().to_string();

  json obj = created.value();
  obj["status"] = {{"phase", "Ready"}, {"observedGeneration", 1}};
  auto st = c->update_status(w, ns(), obj);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st.value()["status"]["phase"], "Ready");

  // The main resource ignores status; the status subresource ignores spec.
  json main = st.value();
  main["status"]["phase"] = "Ignored";
  main["spec"]["size"] = 5;
  auto upd = c->update(w, ns(), main);
  ASSERT_TRUE(upd.ok()) << upd.error().to_string();
  EXPECT_EQ(upd.value()["status"]["phase"], "Ready");
  EXPECT_EQ(upd.value()["spec"]["size"], 5);

  auto patched = c->patch(w, ns(), "w1", PatchType::kMerge,
                          json::parse(R"({"status":{"phase":"Done"},"spec":{"size":9}})"), {}, "status");
  ASSERT_TRUE(patched.ok()) << patched.error().to_string();
  EXPECT_EQ(patched.value()["status"]["phase"], "Done");
  EXPECT_EQ(patched.value()["spec"]["size"], 5);

  // Stale status write -> Conflict.
  auto stale = c->update_status(w, ns(), obj);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().is_conflict());

  auto applied = c->apply(w, ns(),
                          {{"apiVersion", "runtime-test.shepherd.dev/v1"},
                           {"kind", "Widget"},
                           {"metadata", {{"name", "w1"}, {"namespace", ns()}}},
                           {"status", {{"phase", "Applied"}}}},
                          "status-writer", true, "status");
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_EQ(applied.value()["status"]["phase"], "Applied");
}

TEST_F(ClientIT, EventsAreCreatedAndAggregated) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  auto cm = c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "subject"));
  ASSERT_TRUE(cm.ok());
  EventRecorder rec(c);
  EXPECT_TRUE(rec.normal(cm.value(), "Tested", "hello"));
  EXPECT_TRUE(rec.normal(cm.value(), "Tested", "hello"));
  EXPECT_TRUE(rec.warning(cm.value(), "Other", "boom"));
  ListOptions lo;
  lo.field_selector = "involvedObject.name=subject";
  auto events = c->list(resources::kEvents, ns(), lo);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.value()["items"].size(), 2u);
  std::map<std::string, int> counts;
  for (const auto& e : events.value()["items"])
    counts[e["reason"].get<std::string>()] = e["count"].get<int>();
  EXPECT_EQ(counts["Tested"], 2);
  EXPECT_EQ(counts["Other"], 1);
}

// The kubeconfig's CA is the only one trusted: a client given another valid CA (the plane's
// client-certificate CA, which did not sign the serving certificate) must refuse the server, and
// the same configuration with the right CA must work.
TEST_F(ClientIT, TrustsOnlyTheConfiguredCertificateAuthority) {
  auto cfg = load_kubeconfig(shepherd::testing::Cluster::get().kubeconfig);
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  const auto other_ca_path =
      std::filesystem::path(shepherd::testing::Cluster::get().kubeconfig).parent_path() / "pki" /
      "client-ca.crt";
  std::ifstream in(other_ca_path);
  ASSERT_TRUE(in) << "missing " << other_ca_path;
  std::stringstream other_ca;
  other_ca << in.rdbuf();
  ASSERT_NE(other_ca.str(), cfg.value().ca_pem);

  auto request_with = [&](const std::string& ca) {
    Config c = cfg.value();
    c.ca_pem = ca;
    c.request_timeout = std::chrono::seconds(10);
    auto transport = make_http_transport(c);
    EXPECT_TRUE(transport.ok()) << (transport.ok() ? "" : transport.error());
    ClientOptions no_retries;
    no_retries.max_retries = 0;  // a refused handshake is not transient
    Client client(transport.value(), no_retries);
    return client.get(resources::kNamespaces, "", ns());
  };
  auto refused = request_with(other_ca.str());
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().is_transport()) << refused.error().to_string();
  auto accepted = request_with(cfg.value().ca_pem);
  ASSERT_TRUE(accepted.ok()) << accepted.error().to_string();
  EXPECT_EQ(accepted.value()["metadata"]["name"], ns());
}

}  // namespace
}  // namespace shepherd::runtime
