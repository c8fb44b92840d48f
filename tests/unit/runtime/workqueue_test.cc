// WorkQueue: dedup, one key in flight, delays and backoff on a fake clock, shutdown.
#include "runtime/workqueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;

WorkQueueOptions no_bucket() {
  WorkQueueOptions o;
  o.overall_qps = 0;
  return o;
}

TEST(WorkQueue, DeduplicatesQueuedKeys) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue q(no_bucket(), clock);
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_EQ(q.try_get(), "a");
  EXPECT_EQ(q.try_get(), "b");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueue, KeyAddedWhileProcessingIsRequeuedAfterDone) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue q(no_bucket(), clock);
  q.add("a");
  auto k = q.try_get();
  ASSERT_EQ(k, "a");
  q.add("a");
  q.add("a");
  // Not handed out to a second worker while in flight.
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_EQ(q.depth(), 0u);
  q.done("a");
  EXPECT_EQ(q.depth(), 1u);
  EXPECT_EQ(q.try_get(), "a");
  q.done("a");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueue, AddAfterWaitsForTheClock) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue q(no_bucket(), clock);
  q.add_after("a", 10s);
  q.add_after("a", 5s);  // the earlier due time wins
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_EQ(q.delayed(), 1u);
  clock->advance(4s);
  EXPECT_EQ(q.try_get(), std::nullopt);
  clock->advance(1s);
  EXPECT_EQ(q.try_get(), "a");
  q.done("a");
  clock->advance(10s);
  EXPECT_EQ(q.try_get(), std::nullopt) << "the later duplicate must have been dropped";
}

TEST(WorkQueue, RateLimitedBackoffDoublesUntilForget) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue q(no_bucket(), clock);
  const std::vector<Duration> expected = {5ms, 10ms, 20ms, 40ms};
  for (Duration d : expected) {
    q.add_rate_limited("a");
    clock->advance(d - 1ms);
    EXPECT_EQ(q.try_get(), std::nullopt);
    clock->advance(1ms);
    ASSERT_EQ(q.try_get(), "a");
    q.done("a");
  }
  EXPECT_EQ(q.num_requeues("a"), 4);
  q.forget("a");
  EXPECT_EQ(q.num_requeues("a"), 0);
  q.add_rate_limited("a");
  clock->advance(5ms);
  EXPECT_EQ(q.try_get(), "a");
}

TEST(WorkQueue, BackoffIsCappedAtMaxDelay) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue q(no_bucket(), clock);
  for (int i = 0; i < 40; ++i) {
    q.add_rate_limited("a");
    clock->advance(1000s);
    ASSERT_EQ(q.try_get(), "a") << i;
    q.done("a");
  }
  q.add_rate_limited("a");
  clock->advance(999s);
  EXPECT_EQ(q.try_get(), std::nullopt);
  clock->advance(1s);
  EXPECT_EQ(q.try_get(), "a");
}

TEST(WorkQueue, OverallBucketLimitsManyKeys) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueueOptions o;
  o.overall_qps = 10;
  o.overall_burst = 100;
  WorkQueue q(o, clock);
  for (int i = 0; i < 110; ++i) q.add_rate_limited("k" + std::to_string(i));
  clock->advance(5ms);
  int ready = 0;
  while (auto k = q.try_get()) ++ready;
  EXPECT_EQ(ready, 100) << "burst of 100, then 10 per second";
  clock->advance(500ms);
  while (auto k = q.try_get()) ++ready;
  EXPECT_EQ(ready, 105);
  clock->advance(1s);
  while (auto k = q.try_get()) ++ready;
  EXPECT_EQ(ready, 110);
}

TEST(WorkQueue, ShutDownWakesBlockedGetters) {
  WorkQueue q(no_bucket());
  std::atomic<int> ended{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([&] {
      while (q.get()) {
      }
      ++ended;
    });
  }
  std::this_thread::sleep_for(20ms);
  q.add("x");
  q.shut_down();
  for (auto& t : ts) t.join();
  EXPECT_EQ(ended.load(), 3);
  q.add("y");
  EXPECT_EQ(q.depth(), 0u) << "adds after shutdown are ignored";
}

TEST(WorkQueue, ShutDownWithDrainFinishesQueuedWork) {
  WorkQueue q(no_bucket());
  for (int i = 0; i < 20; ++i) q.add("k" + std::to_string(i));
  std::atomic<int> processed{0};
  std::thread worker([&] {
    while (auto k = q.get()) {
      std::this_thread::sleep_for(1ms);
      ++processed;
      q.done(*k);
    }
  });
  q.shut_down_with_drain();
  EXPECT_EQ(processed.load(), 20);
  worker.join();
}

TEST(WorkQueue, NoKeyIsProcessedTwiceAtOnce) {
  WorkQueue q(no_bucket());
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps{0}, processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto k = q.get()) {
        {
          std::lock_guard l(mu);
          if (!in_flight.insert(*k).second) ++overlaps;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
          std::lock_guard l(mu);
          in_flight.erase(*k);
        }
        ++processed;
        q.done(*k);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) q.add("k" + std::to_string(i % 5));
  std::this_thread::sleep_for(50ms);
  q.shut_down_with_drain();
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GT(processed.load(), 0);
}

}  // namespace
}  // namespace shepherd::runtime
