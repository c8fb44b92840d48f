// Table tests of threshold verdicts (inclusive bounds) and of Prometheus failures -> Inconclusive.
#include "controllers/health/verdict.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace shepherd::controllers::health {
namespace {

struct NumberCase {
  std::string name;
  std::optional<double> value;
  std::optional<double> min;
  std::optional<double> max;
  Outcome outcome;
  std::string reason;
};

class NumberVerdict : public ::testing::TestWithParam<NumberCase> {};

TEST_P(NumberVerdict, Judges) {
  const auto& c = GetParam();
  const CheckResult r = evaluate(c.value, api::Threshold{c.min, c.max});
  EXPECT_EQ(r.outcome, c.outcome) << r.message;
  EXPECT_EQ(r.reason, c.reason);
  EXPECT_FALSE(r.message.empty());
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

INSTANTIATE_TEST_SUITE_P(
    All, NumberVerdict,
    ::testing::Values(
        NumberCase{"max_below", 0.002, std::nullopt, 0.01, Outcome::Successful, "WithinThreshold"},
        NumberCase{"max_equal_is_inclusive", 0.01, std::nullopt, 0.01, Outcome::Successful,
                   "WithinThreshold"},
        NumberCase{"max_above", 0.0100001, std::nullopt, 0.01, Outcome::Failed, "AboveMaximum"},
        NumberCase{"min_above", 0.99, 0.95, std::nullopt, Outcome::Successful, "WithinThreshold"},
        NumberCase{"min_equal_is_inclusive", 0.95, 0.95, std::nullopt, Outcome::Successful,
                   "WithinThreshold"},
        NumberCase{"min_below", 0.9499, 0.95, std::nullopt, Outcome::Failed, "BelowMinimum"},
        NumberCase{"both_inside", 5, 1, 10, Outcome::Successful, "WithinThreshold"},
        NumberCase{"both_low_edge", 1, 1, 10, Outcome::Successful, "WithinThreshold"},
        NumberCase{"both_high_edge", 10, 1, 10, Outcome::Successful, "WithinThreshold"},
        NumberCase{"both_below", 0, 1, 10, Outcome::Failed, "BelowMinimum"},
        NumberCase{"both_above", 11, 1, 10, Outcome::Failed, "AboveMaximum"},
        NumberCase{"min_equals_max", 3, 3, 3, Outcome::Successful, "WithinThreshold"},
        NumberCase{"negative_values", -5, -10, -1, Outcome::Successful, "WithinThreshold"},
        NumberCase{"zero_max_zero", 0, std::nullopt, 0, Outcome::Successful, "WithinThreshold"},
        NumberCase{"no_value", std::nullopt, std::nullopt, 1, Outcome::Inconclusive, "NoData"},
        NumberCase{"nan", kNaN, std::nullopt, 1, Outcome::Inconclusive, "NotANumber"},
        NumberCase{"plus_inf_with_min", kInf, 0, std::nullopt, Outcome::Inconclusive, "NotANumber"},
        NumberCase{"minus_inf_with_max", -kInf, std::nullopt, 1, Outcome::Inconclusive, "NotANumber"},
        NumberCase{"no_threshold", 1, std::nullopt, std::nullopt, Outcome::Inconclusive, "NoThreshold"},
        NumberCase{"min_greater_than_max", 5, 10, 1, Outcome::Inconclusive, "InvalidThreshold"}),
    [](const auto& param_info) { return param_info.param.name; });

struct QueryCase {
  std::string name;
  QueryStatus status;
  std::string reason;
};

class QueryVerdict : public ::testing::TestWithParam<QueryCase> {};

TEST_P(QueryVerdict, NeverSuccessfulWithoutAValue) {
  const auto& c = GetParam();
  QueryResult q;
  q.status = c.status;
  q.detail = "detail";
  // Even a (bogus) value next to a failure status must not be judged.
  if (c.status != QueryStatus::Value) q.value = 0.0;
  const CheckResult r = evaluate(q, api::Threshold{0.0, 1.0});
  EXPECT_EQ(r.outcome, Outcome::Inconclusive);
  EXPECT_EQ(r.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(All, QueryVerdict,
                         ::testing::Values(QueryCase{"no_data", QueryStatus::NoData, "NoData"},
                                           QueryCase{"ambiguous", QueryStatus::Ambiguous, "AmbiguousResult"},
                                           QueryCase{"nan", QueryStatus::NotANumber, "NotANumber"},
                                           QueryCase{"matrix", QueryStatus::WrongType, "WrongResultType"},
                                           QueryCase{"query_error", QueryStatus::QueryError, "QueryError"},
                                           QueryCase{"http_error", QueryStatus::HttpError, "HttpError"},
                                           QueryCase{"unreachable", QueryStatus::Unreachable, "Unreachable"},
                                           QueryCase{"bad_response", QueryStatus::BadResponse, "BadResponse"},
                                           QueryCase{"value_missing", QueryStatus::Value, "BadResponse"}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(QueryVerdict, ValueIsJudgedAndKeepsRawSpelling) {
  QueryResult q;
  q.status = QueryStatus::Value;
  q.value = 0.5;
  q.raw = "0.50";
  EXPECT_EQ(
      evaluate(q, api::Threshold{std::nullopt, 1.0}),
      (CheckResult{Outcome::Successful, "0.50", "WithinThreshold", "value 0.50 is within the threshold"}));
  const auto failed = evaluate(q, api::Threshold{std::nullopt, 0.25});
  EXPECT_EQ(failed.outcome, Outcome::Failed);
  EXPECT_EQ(failed.value, "0.50");
}

}  // namespace
}  // namespace shepherd::controllers::health
