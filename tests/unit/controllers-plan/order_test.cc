// Waves: ceil formula for every N in 1..1000 and several wave lists; dependencies never later.
#include "controllers/plan/order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace shepherd::controllers::plan {
namespace {

// Smallest m with m × 100 >= w × n: ceil(w% × n) without the formula under test.
std::size_t ceil_pct(std::int64_t w, std::size_t n) {
  std::size_t m = 0;
  while (m * 100 < static_cast<std::size_t>(w) * n) ++m;
  return m;
}

TEST(Waves, CeilFormulaForEveryNUpTo1000) {
  const std::vector<std::vector<std::int64_t>> lists{{100},          {10, 50, 100}, {5, 25, 100},
                                                     {1, 2, 3, 100}, {50, 100},     {99, 100}};
  for (const auto& waves : lists) {
    for (std::size_t n = 1; n <= 1000; ++n) {
      const auto ends = wave_ends(n, waves);
      ASSERT_EQ(ends.size(), waves.size());
      for (std::size_t k = 0; k < waves.size(); ++k) {
        ASSERT_EQ(ends[k], ceil_pct(waves[k], n)) << "n=" << n << " k=" << k;
        if (k > 0) {
          ASSERT_LE(ends[k - 1], ends[k]) << "n=" << n;
        }
      }
      ASSERT_EQ(ends.back(), n);
      ASSERT_GE(ends.front(), 1u) << "the first wave is never empty, n=" << n;
    }
  }
}

TEST(Waves, KnownSizes) {
  EXPECT_EQ(wave_ends(40, {5, 25, 100}), (std::vector<std::size_t>{2, 10, 40}));
  EXPECT_EQ(wave_ends(1, {10, 50, 100}), (std::vector<std::size_t>{1, 1, 1}));
  EXPECT_EQ(wave_ends(3, {50, 100}), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(wave_ends(0, {50, 100}), (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(wave_ends(10000, {1, 2, 3, 100}), (std::vector<std::size_t>{100, 200, 300, 10000}));
}

std::vector<api::ConsumerSpec> random_dag(std::size_t n, std::mt19937& rng) {
  std::vector<api::ConsumerSpec> cs(n);
  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);  // declaration order unrelated to the DAG order
  for (std::size_t i = 0; i < n; ++i) cs[i].name = "c" + std::to_string(i);
  for (std::size_t a = 1; a < n; ++a) {
    std::uniform_int_distribution<std::size_t> pick(0, a - 1);
    const std::size_t deps = rng() % 3;
    for (std::size_t k = 0; k < deps; ++k) cs[perm[a]].dependsOn.push_back(cs[perm[pick(rng)]].name);
  }
  return cs;
}

TEST(Waves, DependencyNeverInALaterWaveThanItsDependent) {
  std::mt19937 rng(42);
  const std::vector<std::vector<std::int64_t>> lists{{100},          {10, 50, 100}, {5, 25, 100},
                                                     {1, 2, 3, 100}, {50, 100},     {99, 100}};
  for (int round = 0; round < 60; ++round) {
    const std::size_t n = 1 + rng() % 200;
    const auto cs = random_dag(n, rng);
    for (const auto& waves : lists) {
      const auto p = plan_waves(cs, waves);
      ASSERT_TRUE(p.cycle.empty());
      ASSERT_EQ(p.order.size(), n);
      std::map<std::string, std::size_t> index;
      for (std::size_t i = 0; i < n; ++i) index[cs[i].name] = i;
      std::vector<std::size_t> pos(n);
      for (std::size_t k = 0; k < n; ++k) pos[p.order[k]] = k;
      std::size_t members = 0;
      for (std::size_t k = 0; k < p.wave_count(); ++k) members += p.members(k).size();
      ASSERT_EQ(members, n);
      for (std::size_t i = 0; i < n; ++i)
        for (const auto& dep : cs[i].dependsOn) {
          ASSERT_LT(pos[index[dep]], pos[i]);
          ASSERT_LE(p.wave_of[index[dep]], p.wave_of[i]) << dep << " -> " << cs[i].name;
        }
    }
  }
}

TEST(Waves, MembersFollowTheOrder) {
  std::vector<api::ConsumerSpec> cs(4);
  cs[0].name = "app";
  cs[0].dependsOn = {"lib"};
  cs[1].name = "lib";
  cs[2].name = "x";
  cs[3].name = "y";
  const auto p = plan_waves(cs, {25, 50, 100});
  EXPECT_EQ(p.members(0), (std::vector<std::size_t>{1}));     // lib
  EXPECT_EQ(p.members(1), (std::vector<std::size_t>{0}));     // app
  EXPECT_EQ(p.members(2), (std::vector<std::size_t>{2, 3}));  // x, y
  EXPECT_TRUE(p.members(3).empty());
  EXPECT_EQ(p.wave_of, (std::vector<std::size_t>{1, 0, 2, 2}));
}

TEST(Waves, CycleIsReported) {
  std::vector<api::ConsumerSpec> cs(2);
  cs[0].name = "a";
  cs[0].dependsOn = {"b"};
  cs[1].name = "b";
  cs[1].dependsOn = {"a"};
  EXPECT_EQ(plan_waves(cs, {100}).cycle, (std::vector<std::string>{"a", "b", "a"}));
}

}  // namespace
}  // namespace shepherd::controllers::plan
