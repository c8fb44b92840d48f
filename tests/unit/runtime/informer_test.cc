// Informer against a scripted transport: list then watch, handlers in order, 410 (as an ERROR
// event) -> relist from "" with deletes synthesised for objects that vanished, resume from the last
// resourceVersion after a clean end of the watch. Lists are streamed (Client::list_each): a scripted
// list is a stream whose chunks split the answer anywhere.
#include "runtime/informer.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/runtime/fake_transport.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::ok;

std::string cm(const std::string& name, const std::string& rv) {
  return R"({"metadata":{"name":")" + name + R"(","namespace":"ns","resourceVersion":")" + rv +
         R"(","managedFields":[{"manager":"x"}]}})";
}
// A list answer as a stream cut into 7-byte chunks (items and metadata straddle chunk boundaries).
testing::ScriptedStream list_stream(const std::string& body) {
  testing::ScriptedStream s;
  for (size_t i = 0; i < body.size(); i += 7) s.chunks.push_back(body.substr(i, 7));
  return s;
}
std::string ev(const std::string& type, const std::string& obj) {
  return R"({"type":")" + type + R"(","object":)" + obj + "}\n";
}

bool eventually(const std::function<bool()>& f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

struct Recorder {
  std::mutex mu;
  std::vector<std::string> log;
  EventHandlers handlers() {
    EventHandlers h;
    h.on_add = [this](const ObjectPtr& o) { push("add " + object_key(*o)); };
    h.on_update = [this](const ObjectPtr&, const ObjectPtr& n) { push("update " + object_key(*n)); };
    h.on_delete = [this](const ObjectPtr& o) { push("delete " + object_key(*o)); };
    return h;
  }
  void push(std::string s) {
    std::lock_guard l(mu);
    log.push_back(std::move(s));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard l(mu);
    return log;
  }
};

std::shared_ptr<Client> make_client(std::shared_ptr<FakeTransport> t) {
  ClientOptions o;
  o.qps = 0;
  return std::make_shared<Client>(t, o);
}

TEST(Informer, ListWatchAndRelistOnGone) {
  auto t = std::make_shared<FakeTransport>();
  t->push_stream(list_stream(R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"10"},"items":[)" +
                             cm("a", "1") + "," + cm("b", "2") + "]}"));
  t->push_stream(
      {200,
       "",
       {ev("ADDED", cm("c", "11")), ev("MODIFIED", cm("a", "12")), ev("DELETED", cm("b", "13")),
        ev("BOOKMARK", R"({"metadata":{"resourceVersion":"14"}})"),
        ev("ERROR",
           R"({"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"})")}});
  // Relist after the 410: c vanished meanwhile, d appeared, a unchanged.
  t->push_stream(list_stream(R"({"metadata":{"resourceVersion":"20"},"items":[)" + cm("a", "12") + "," +
                             cm("d", "19") + "]}"));
  // Then the watch from 20 ends cleanly; the next watch must resume from the bookmark's 25.
  t->push_stream({200, "", {ev("BOOKMARK", R"({"metadata":{"resourceVersion":"25"}})")}});

  InformerOptions o;
  o.namespace_name = "ns";
  Informer inf(make_client(t), resources::kConfigMaps, o);
  Recorder rec;
  inf.add_handlers(rec.handlers());
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(5s));
  ASSERT_TRUE(eventually([&] { return inf.list_count() == 2 && inf.last_resource_version() == "25"; }))
      << inf.last_resource_version();
  ASSERT_TRUE(eventually([&] { return t->requests().size() >= 5; }));
  inf.stop();

  EXPECT_EQ(rec.snapshot(), (std::vector<std::string>{"add ns/a", "add ns/b", "add ns/c", "update ns/a",
                                                      "delete ns/b", "add ns/d", "delete ns/c"}));
  EXPECT_EQ(inf.store().size(), 2u);
  ASSERT_TRUE(inf.store().get("ns/a"));
  EXPECT_FALSE(inf.store().get("ns/a")->at("metadata").contains("managedFields"));
  EXPECT_EQ(inf.store().get("ns/a")->at("kind"), "ConfigMap") << "list items get their kind";

  auto reqs = t->requests();
  EXPECT_EQ(reqs[0].path, "/api/v1/namespaces/ns/configmaps?limit=500&resourceVersion=0");
  EXPECT_NE(reqs[1].path.find("watch=true&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds="),
            std::string::npos)
      << reqs[1].path;
  EXPECT_EQ(reqs[2].path, "/api/v1/namespaces/ns/configmaps?limit=500") << "after 410: a consistent list";
  EXPECT_NE(reqs[3].path.find("resourceVersion=20"), std::string::npos) << reqs[3].path;
  EXPECT_NE(reqs[4].path.find("resourceVersion=25"), std::string::npos) << reqs[4].path;
  const auto pos = reqs[1].path.find("timeoutSeconds=");
  const int timeout = std::stoi(reqs[1].path.substr(pos + 15));
  EXPECT_GE(timeout, 300);
  EXPECT_LT(timeout, 600);
}

TEST(Informer, HandlersAddedLateSeeTheCache) {
  auto t = std::make_shared<FakeTransport>();
  t->push_stream(list_stream(R"({"metadata":{"resourceVersion":"10"},"items":[)" + cm("a", "1") + "]}"));
  Informer inf(make_client(t), resources::kConfigMaps);
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(5s));
  Recorder rec;
  inf.add_handlers(rec.handlers());
  EXPECT_EQ(rec.snapshot(), std::vector<std::string>{"add ns/a"});
  inf.stop();
}

TEST(Informer, ResyncRedeliversUpdates) {
  auto t = std::make_shared<FakeTransport>();
  t->push_stream(list_stream(R"({"metadata":{"resourceVersion":"10"},"items":[)" + cm("a", "1") + "]}"));
  InformerOptions o;
  o.resync_period = 50ms;
  Informer inf(make_client(t), resources::kConfigMaps, o);
  Recorder rec;
  inf.add_handlers(rec.handlers());
  inf.start();
  ASSERT_TRUE(eventually([&] {
    auto s = rec.snapshot();
    return std::count(s.begin(), s.end(), "update ns/a") >= 2;
  }));
  inf.stop();
}

TEST(Informer, ListFailureIsRetriedAndNotSynced) {
  auto t = std::make_shared<FakeTransport>();
  t->push_stream({403, testing::status(403, "Forbidden", "no").body, {}});
  t->push_stream(list_stream(R"({"metadata":{"resourceVersion":"10"},"items":[]})"));
  InformerOptions o;
  o.backoff.initial = 10ms;
  Informer inf(make_client(t), resources::kConfigMaps, o);
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(5s));
  EXPECT_EQ(inf.list_count(), 1);
  inf.stop();
}

}  // namespace
}  // namespace shepherd::runtime
