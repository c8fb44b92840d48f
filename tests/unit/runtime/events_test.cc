// EventRecorder: creates an Event, folds repeats into a PATCH of count, rate-limits per object.
#include "runtime/events.h"

#include <gtest/gtest.h>

#include "tests/unit/runtime/fake_transport.h"

namespace shepherd::runtime {
namespace {
using nlohmann::json;

// A transport that answers every request with {} and a clock the test moves.
struct Fixture {
  std::shared_ptr<testing::FakeTransport> t = std::make_shared<testing::FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  Fixture() {
    t->fallback = [](const Request&) { return testing::ok("{}"); };
  }
  EventRecorder recorder(const EventRecorderOptions& eo) {
    ClientOptions co;
    co.qps = 0;
    return EventRecorder(std::make_shared<Client>(t, co), eo, clock);
  }
};

TEST(EventRecorder, CreatesThenAggregatesThenRateLimits) {
  Fixture f;
  auto& t = f.t;
  auto& clock = f.clock;
  EventRecorderOptions eo;
  eo.per_object_burst = 3;
  eo.instance = "pod-1";
  EventRecorder rec = f.recorder(eo);
  json plan = {{"apiVersion", "shepherd.dev/v1alpha1"},
               {"kind", "MigrationPlan"},
               {"metadata", {{"name", "p"}, {"namespace", "ns"}, {"uid", "u-1"}}}};
  EXPECT_TRUE(rec.normal(plan, "PhaseChanged", "Planning -> Running"));
  EXPECT_TRUE(rec.normal(plan, "PhaseChanged", "Planning -> Running"));
  EXPECT_TRUE(rec.warning(plan, "Failed", "x"));
  EXPECT_FALSE(rec.warning(plan, "Failed", "y")) << "burst of 3 per object used up";
  auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/api/v1/namespaces/ns/events");
  auto ev = json::parse(reqs[0].body);
  EXPECT_EQ(ev["involvedObject"]["uid"], "u-1");
  EXPECT_EQ(ev["involvedObject"]["kind"], "MigrationPlan");
  EXPECT_EQ(ev["type"], "Normal");
  EXPECT_EQ(ev["reason"], "PhaseChanged");
  EXPECT_EQ(ev["reportingComponent"], "shepherd-operator");
  EXPECT_EQ(ev["count"], 1);
  EXPECT_EQ(reqs[1].method, "PATCH");
  EXPECT_EQ(reqs[1].path, "/api/v1/namespaces/ns/events/" + ev["metadata"]["name"].get<std::string>());
  EXPECT_EQ(json::parse(reqs[1].body)["count"], 2);
  EXPECT_EQ(reqs[2].method, "POST");
  clock->advance(std::chrono::seconds(300));
  EXPECT_TRUE(rec.warning(plan, "Failed", "y")) << "a token back after 5 minutes";
}

TEST(EventRecorder, RecreatesWhenTheAggregatedEventExpired) {
  auto t = std::make_shared<testing::FakeTransport>();
  ClientOptions co;
  co.qps = 0;
  EventRecorder rec(std::make_shared<Client>(t, co));
  json obj = {{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", "c"}, {"namespace", "ns"}, {"uid", "u"}}}};
  t->push(testing::ok("{}"));
  t->push(testing::status(404, "NotFound"));
  t->push(testing::ok("{}"));
  EXPECT_TRUE(rec.normal(obj, "R", "m"));
  EXPECT_TRUE(rec.normal(obj, "R", "m"));
  auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].method, "PATCH");
  EXPECT_EQ(reqs[2].method, "POST");
}

// The per-object buckets are an LRU of cache_size entries: the least recently used object's
// bucket is forgotten (its limit starts again), a recently used one keeps its count.
TEST(EventRecorder, PerObjectBucketsAreBoundedLeastRecentlyUsedFirst) {
  Fixture f;
  EventRecorderOptions eo;
  eo.per_object_burst = 1;
  eo.cache_size = 2;
  EventRecorder rec = f.recorder(eo);
  auto obj = [](const std::string& uid) {
    return json{{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", uid}, {"namespace", "ns"}, {"uid", uid}}}};
  };
  EXPECT_TRUE(rec.normal(obj("a"), "R", "1"));
  EXPECT_TRUE(rec.normal(obj("b"), "R", "1"));
  EXPECT_FALSE(rec.normal(obj("a"), "R", "2")) << "a's burst of 1 is used up; a is now the most recent";
  EXPECT_TRUE(rec.normal(obj("c"), "R", "1")) << "a third object evicts the least recent bucket, b's";
  EXPECT_FALSE(rec.normal(obj("a"), "R", "3")) << "a was used more recently than b: its bucket was kept";
  EXPECT_TRUE(rec.normal(obj("b"), "R", "2")) << "b's bucket was forgotten: it starts with a full burst";
}

}  // namespace
}  // namespace shepherd::runtime
