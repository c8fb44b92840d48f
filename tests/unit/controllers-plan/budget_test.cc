// Failure budget: ints and percents (floor), trips when failures exceed it.
#include "controllers/plan/budget.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::plan {
namespace {

TEST(Budget, Table) {
  struct Row {
    api::IntOrPercent max;
    std::int64_t consumers;
    std::int64_t budget;
  };
  const Row rows[] = {
      {{0, false}, 100, 0}, {{3, false}, 100, 3},  {{3, false}, 1, 3},  {{10, true}, 50, 5},
      {{10, true}, 19, 1},  {{10, true}, 9, 0},    {{10, true}, 10, 1}, {{100, true}, 7, 7},
      {{0, true}, 100, 0},  {{33, true}, 100, 33}, {{33, true}, 10, 3}, {{1, true}, 10000, 100},
      {{50, true}, 0, 0},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(failure_budget(r.max, r.consumers), r.budget)
        << r.max.value << (r.max.percent ? "%" : "") << " of " << r.consumers;
    EXPECT_FALSE(budget_exceeded(r.max, r.consumers, r.budget));
    EXPECT_TRUE(budget_exceeded(r.max, r.consumers, r.budget + 1));
  }
}

TEST(Budget, ZeroTripsOnFirstFailure) {
  EXPECT_FALSE(budget_exceeded({0, false}, 10, 0));
  EXPECT_TRUE(budget_exceeded({0, false}, 10, 1));
}

}  // namespace
}  // namespace shepherd::controllers::plan
