// Backoff growth, jitter bounds, reset after a healthy period; token bucket arithmetic.
#include "runtime/backoff.h"

#include <gtest/gtest.h>

#include "runtime/rate_limiter.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;

TEST(Backoff, GrowsWithJitterWithinBoundsAndCaps) {
  auto clock = std::make_shared<FakeClock>();
  Backoff b({}, clock, 42);
  Duration base = 800ms;
  for (int i = 0; i < 10; ++i) {
    const Duration d = b.next();
    EXPECT_GE(d, base) << i;
    EXPECT_LT(d, 2 * base) << i;
    base = std::min<Duration>(base * 2, 30s);
    clock->advance(1s);
  }
  // At the cap: waits land in [30 s, 60 s).
  const Duration d = b.next();
  EXPECT_GE(d, 30s);
  EXPECT_LT(d, 60s);
}

TEST(Backoff, ResetsAfterHealthyPeriod) {
  auto clock = std::make_shared<FakeClock>();
  Backoff b({}, clock, 1);
  for (int i = 0; i < 6; ++i) b.next();
  clock->advance(3min);
  const Duration d = b.next();
  EXPECT_LT(d, 1600ms);
}

TEST(Backoff, ExponentialDelay) {
  EXPECT_EQ(exponential_delay(5ms, 1000s, 0), 5ms);
  EXPECT_EQ(exponential_delay(5ms, 1000s, 3), 40ms);
  EXPECT_EQ(exponential_delay(5ms, 1000s, 30), 1000s);
  EXPECT_EQ(exponential_delay(5ms, 1000s, 500), 1000s);
}

TEST(TokenBucket, BurstThenRate) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket b(2, 3, clock);
  EXPECT_TRUE(b.try_take());
  EXPECT_TRUE(b.try_take());
  EXPECT_TRUE(b.try_take());
  EXPECT_FALSE(b.try_take());
  clock->advance(500ms);
  EXPECT_TRUE(b.try_take());
  EXPECT_FALSE(b.try_take());
}

TEST(TokenBucket, ReserveGoesIntoDebt) {
  auto clock = std::make_shared<FakeClock>();
  TokenBucket b(10, 1, clock);
  EXPECT_EQ(b.reserve(), Duration::zero());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(b.reserve()), 100ms);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(b.reserve()), 200ms);
  clock->advance(1s);
  EXPECT_EQ(b.reserve(), Duration::zero());
}

TEST(TokenBucket, DisabledWhenQpsNotPositive) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.reserve(), Duration::zero());
}

}  // namespace
}  // namespace shepherd::runtime
