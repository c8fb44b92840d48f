// REST client against a scripted transport: paths and content types, error values, retries on
// 429/5xx honouring Retry-After, no retries on 4xx, pagination, watch decoding, metrics hook.
#include "runtime/client.h"

#include <gtest/gtest.h>

#include "tests/unit/runtime/fake_transport.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::ok;
using testing::status;

struct Fixture {
  std::shared_ptr<FakeTransport> t = std::make_shared<FakeTransport>();
  std::vector<Duration> sleeps;
  std::vector<RequestMetric> metrics;
  std::unique_ptr<Client> client;
  Fixture() {
    ClientOptions o;
    o.qps = 0;
    o.sleep = [this](Duration d, std::stop_token) { sleeps.push_back(d); };
    o.observer = [this](const RequestMetric& m) { metrics.push_back(m); };
    client = std::make_unique<Client>(t, o);
  }
};

TEST(Client, BuildsPathsAndBodies) {
  Fixture f;
  for (int i = 0; i < 8; ++i) f.t->push(ok("{}"));
  const Resource widgets{"runtime-test.shepherd.dev", "v1", "widgets", "Widget", true};
  ASSERT_TRUE(f.client->get(resources::kConfigMaps, "ns", "a").ok());
  ASSERT_TRUE(f.client->list(resources::kJobs, "ns", {"app=x,tier in (a,b)", "", 50, "tok", "", {}}).ok());
  ASSERT_TRUE(f.client->create(widgets, "ns", {{"metadata", {{"name", "w"}}}}).ok());
  ASSERT_TRUE(
      f.client->update_status(widgets, "", {{"metadata", {{"name", "w"}, {"namespace", "n2"}}}}).ok());
  ASSERT_TRUE(
      f.client->apply(resources::kConfigMaps, "ns", {{"metadata", {{"name", "a"}}}}, "mgr", true).ok());
  ASSERT_TRUE(
      f.client->patch(resources::kDeployments, "ns", "d", PatchType::kStrategicMerge, {{"spec", {}}}).ok());
  DeleteOptions d;
  d.propagation_policy = "Foreground";
  d.precondition_uid = "u-1";
  ASSERT_TRUE(f.client->remove(resources::kNamespaces, "", "gone", d).ok());
  ASSERT_TRUE(f.client->patch(resources::kLeases, "ns", "l", PatchType::kJson, nlohmann::json::array()).ok());
  auto r = f.t->requests();
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r[0].method, "GET");
  EXPECT_EQ(r[0].path, "/api/v1/namespaces/ns/configmaps/a");
  EXPECT_EQ(r[1].path,
            "/apis/batch/v1/namespaces/ns/"
            "jobs?labelSelector=app%3Dx%2Ctier%20in%20%28a%2Cb%29&limit=50&continue=tok");
  EXPECT_EQ(r[2].method, "POST");
  EXPECT_EQ(r[2].path, "/apis/runtime-test.shepherd.dev/v1/namespaces/ns/widgets");
  EXPECT_EQ(r[3].method, "PUT");
  EXPECT_EQ(r[3].path, "/apis/runtime-test.shepherd.dev/v1/namespaces/n2/widgets/w/status");
  EXPECT_EQ(r[4].method, "PATCH");
  EXPECT_EQ(r[4].path, "/api/v1/namespaces/ns/configmaps/a?fieldManager=mgr&force=true");
  EXPECT_EQ(r[4].content_type, "application/apply-patch+yaml");
  EXPECT_EQ(r[5].content_type, "application/strategic-merge-patch+json");
  EXPECT_EQ(r[6].method, "DELETE");
  EXPECT_EQ(r[6].path, "/api/v1/namespaces/gone");
  auto body = nlohmann::json::parse(r[6].body);
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["uid"], "u-1");
  EXPECT_EQ(r[7].content_type, "application/json-patch+json");
  ASSERT_EQ(f.metrics.size(), 8u);
  EXPECT_EQ(f.metrics[0].verb, "get");
  EXPECT_EQ(f.metrics[1].verb, "list");
  EXPECT_EQ(f.metrics[1].resource, "jobs.batch");
  EXPECT_EQ(f.metrics[4].verb, "apply");
  EXPECT_EQ(f.metrics[6].code, 200);
}

// A write of a few fields of a large object can ask for the answer's metadata only.
TEST(Client, MetadataOnlyResponsesSkipTheRest) {
  Fixture f;
  const std::string answer =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"42"},)"
      R"("data":{"big":"x"},"status":{"phase":"P","nested":{"metadata":"not top-level"}}})";
  f.t->push(ok(answer));
  f.t->push(ok(answer));
  PatchOptions po;
  po.response = ResponseShape::kMetadata;
  auto slim =
      f.client->patch(resources::kConfigMaps, "ns", "a", PatchType::kMerge, {{"data", {}}}, po, "status");
  ASSERT_TRUE(slim.ok());
  EXPECT_EQ(slim.value(), nlohmann::json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
                                                   "metadata":{"name":"a","resourceVersion":"42"}})"));
  auto full = f.client->patch(resources::kConfigMaps, "ns", "a", PatchType::kMerge, {{"data", {}}});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full.value(), nlohmann::json::parse(answer));
  EXPECT_EQ(f.t->requests()[0].path, "/api/v1/namespaces/ns/configmaps/a/status");
}

TEST(Client, ErrorsCarryTheStatus) {
  Fixture f;
  f.t->push(status(404, "NotFound", "configmaps \"a\" not found"));
  f.t->push(status(409, "Conflict", "the object has been modified"));
  f.t->push(status(409, "AlreadyExists", "exists"));
  f.t->push(status(410, "Expired", "too old"));
  f.t->push(status(422, "Invalid", "bad"));
  auto nf = f.client->get(resources::kConfigMaps, "ns", "a");
  ASSERT_FALSE(nf.ok());
  EXPECT_TRUE(nf.error().is_not_found());
  EXPECT_EQ(nf.error().message, "configmaps \"a\" not found");
  auto c = f.client->update(resources::kConfigMaps, "ns", {{"metadata", {{"name", "a"}}}});
  EXPECT_TRUE(c.error().is_conflict());
  EXPECT_FALSE(c.error().is_already_exists());
  auto ae = f.client->create(resources::kConfigMaps, "ns", {{"metadata", {{"name", "a"}}}});
  EXPECT_TRUE(ae.error().is_already_exists());
  EXPECT_FALSE(ae.error().is_conflict());
  EXPECT_TRUE(f.client->list(resources::kConfigMaps, "ns").error().is_gone());
  EXPECT_TRUE(f.client->get(resources::kConfigMaps, "ns", "a").error().is_invalid());
  EXPECT_TRUE(f.sleeps.empty()) << "4xx are not retried";
  auto missing_name =
      f.client->update(resources::kConfigMaps, "ns", {{"metadata", nlohmann::json::object()}});
  EXPECT_EQ(missing_name.error().reason, "InvalidRequest");
}

TEST(Client, NonStatusBodyStillGivesAnError) {
  Fixture f;
  f.t->push(Response{403, "<html>forbidden</html>", "", false, {}});
  auto r = f.client->get(resources::kSecrets, "ns", "s");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 403);
  EXPECT_EQ(r.error().reason, "Forbidden");
}

TEST(Client, RetriesTooManyRequestsAndServerErrorsHonouringRetryAfter) {
  Fixture f;
  Response throttled = status(429, "TooManyRequests");
  throttled.headers["retry-after"] = "3";
  f.t->push(throttled);
  f.t->push(status(503, "ServiceUnavailable"));
  f.t->push(Response{0, "", "connection refused", false, {}});
  f.t->push(ok(R"({"metadata":{"name":"a"}})"));
  auto r = f.client->get(resources::kConfigMaps, "ns", "a");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value()["metadata"]["name"], "a");
  ASSERT_EQ(f.sleeps.size(), 3u);
  EXPECT_EQ(f.sleeps[0], Duration(3s));
  EXPECT_EQ(f.sleeps[1], Duration(400ms));
  EXPECT_EQ(f.sleeps[2], Duration(800ms));
  EXPECT_EQ(f.metrics.size(), 4u) << "every attempt is observed";
}

TEST(Client, GivesUpAfterMaxRetries) {
  Fixture f;
  f.t->fallback = [](const Request&) { return status(500, "InternalError", "boom"); };
  auto r = f.client->get(resources::kConfigMaps, "ns", "a");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_server_error());
  EXPECT_EQ(f.t->requests().size(), 6u);
}

TEST(Client, ListAllFollowsContinueTokens) {
  Fixture f;
  f.t->push(ok(
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"10","continue":"p2"},"items":[{"metadata":{"name":"a"}}]})"));
  f.t->push(ok(
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"10","continue":"p3"},"items":[{"metadata":{"name":"b"}}]})"));
  f.t->push(ok(
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"c"}}]})"));
  ListOptions lo;
  lo.limit = 1;
  lo.resource_version = "0";
  auto r = f.client->list_all(resources::kConfigMaps, "ns", lo);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["items"].size(), 3u);
  EXPECT_EQ(r.value()["metadata"]["resourceVersion"], "10");
  auto reqs = f.t->requests();
  EXPECT_EQ(reqs[0].path, "/api/v1/namespaces/ns/configmaps?limit=1&resourceVersion=0");
  EXPECT_EQ(reqs[1].path, "/api/v1/namespaces/ns/configmaps?limit=1&continue=p2");
  EXPECT_EQ(reqs[2].path, "/api/v1/namespaces/ns/configmaps?limit=1&continue=p3");
}

TEST(Client, ListEachStreamsItemsPageByPage) {
  Fixture f;
  // Page 1 cut mid-item; managedFields are skipped; page 2 has no resourceVersion query.
  f.t->push_stream(
      {200,
       "",
       {R"({"kind":"PodList","metadata":{"resourceVersion":"10","continue":"p2"},"items":[{"metadata":{"name":"a","managedFields":[{"m":1}]}},{"metadata":{"na)",
        R"(me":"b"}}]})"}});
  f.t->push_stream(
      {200,
       "",
       {R"({"kind":"PodList","items":[{"metadata":{"name":"c"}}],"metadata":{"resourceVersion":"11"}})"}});
  ListOptions lo;
  lo.limit = 2;
  lo.resource_version = "0";
  std::vector<std::string> names;
  bool managed_fields_seen = false;
  auto r = f.client->list_each(resources::kPods, "ns", lo, [&](nlohmann::json& item) {
    names.push_back(item["metadata"]["name"]);
    managed_fields_seen = managed_fields_seen || item["metadata"].contains("managedFields");
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value(), "10") << "the first page's resourceVersion";
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(managed_fields_seen);
  auto reqs = f.t->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].path, "/api/v1/namespaces/ns/pods?limit=2&resourceVersion=0");
  EXPECT_EQ(reqs[1].path, "/api/v1/namespaces/ns/pods?limit=2&continue=p2");
  ASSERT_EQ(f.metrics.size(), 2u);
  EXPECT_EQ(f.metrics[0].verb, "list");
}

TEST(Client, ListEachErrorsAreValues) {
  Fixture f;
  auto ignore = [](nlohmann::json&) { return true; };
  f.t->push_stream(
      {410, R"({"kind":"Status","code":410,"reason":"Expired","message":"continue token expired"})", {}});
  auto gone = f.client->list_each(resources::kPods, "ns", {}, ignore);
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().is_gone());
  // The connection ended in the middle of the items: not a complete list.
  f.t->push_stream(
      {200, "", {R"({"metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":"a"}},{"meta)"}});
  auto cut = f.client->list_each(resources::kPods, "ns", {}, ignore);
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(cut.error().is_transport()) << cut.error().to_string();
  f.t->push_stream({200,
                    "",
                    {R"({"metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":)"
                     "\"a\""
                     R"(]}]})"}});
  auto bad = f.client->list_each(resources::kPods, "ns", {}, ignore);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, "InvalidRequest");
  // The handler may stop the list.
  f.t->push_stream({200, "", {R"({"metadata":{"resourceVersion":"3"},"items":[{"a":1},{"a":2}]})"}});
  int seen = 0;
  auto stopped = f.client->list_each(resources::kPods, "ns", {}, [&](nlohmann::json&) { return ++seen < 1; });
  ASSERT_FALSE(stopped.ok());
  EXPECT_TRUE(stopped.error().is_cancelled());
  EXPECT_EQ(seen, 1);
}

TEST(Client, WatchDecodesEventsAcrossChunks) {
  Fixture f;
  f.t->push_stream({200,
                    "",
                    {R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})"
                     "\n{\"type\":\"MOD",
                     R"(IFIED","object":{"metadata":{"name":"a"}}})"
                     "\n",
                     R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}})"
                     "\n"}});
  std::vector<WatchEvent::Type> types;
  WatchOptions wo;
  wo.resource_version = "5";
  wo.timeout_seconds = 300;
  auto r = f.client->watch(resources::kConfigMaps, "", wo,
                           [&](const WatchEvent& e) {
                             types.push_back(e.type);
                             return true;
                           },
                           {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(types, (std::vector<WatchEvent::Type>{WatchEvent::Type::kAdded, WatchEvent::Type::kModified,
                                                  WatchEvent::Type::kBookmark}));
  EXPECT_EQ(f.t->requests()[0].path,
            "/api/v1/configmaps?watch=true&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=300");
}

TEST(Client, WatchRequestErrorsAreValues) {
  Fixture f;
  f.t->push_stream(
      {410, R"({"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"})", {}});
  auto r = f.client->watch(resources::kConfigMaps, "ns", {}, [](const WatchEvent&) { return true; }, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_gone());
  f.t->push_stream({200, "", {"garbage\n"}});
  auto g = f.client->watch(resources::kConfigMaps, "ns", {}, [](const WatchEvent&) { return true; }, {});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().reason, "InvalidRequest");
}

}  // namespace
}  // namespace shepherd::runtime
