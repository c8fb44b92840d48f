// Tests of one measurement round with a substitute MetricsSource: placeholders reach the query,
// thresholds apply, the workload result is used, a failing source is Inconclusive.
#include "controllers/health/round.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shepherd::controllers::health {
namespace {

using ::testing::_;
using ::testing::Return;

class MockSource : public MetricsSource {
 public:
  MOCK_METHOD(QueryResult, instant_query, (const std::string&, const std::string&, std::chrono::milliseconds),
              (override));
};

QueryResult value(double v, std::string raw) {
  QueryResult q;
  q.status = QueryStatus::Value;
  q.value = v;
  q.raw = std::move(raw);
  q.series = 1;
  return q;
}

api::HealthSpec health() {
  api::HealthSpec s;
  s.checks.push_back(api::CheckSpec{
      "error-rate", api::PrometheusCheck{"http://prom:9090", R"(sum(x{consumer="{{consumer}}"}))"}, false,
      api::Threshold{std::nullopt, 0.01}});
  s.checks.push_back(api::CheckSpec{"workload", std::nullopt, true, {}});
  return s;
}

TEST(MeasureRound, RunsEveryCheckInOrder) {
  MockSource source;
  EXPECT_CALL(source, instant_query("http://prom:9090", R"(sum(x{consumer="recs"}))",
                                    std::chrono::milliseconds(2000)))
      .WillOnce(Return(value(0.5, "0.5")));
  RoundInputs in;
  in.context.consumer = "recs";
  in.workload = CheckResult{Outcome::Successful, "", "Available", "ok"};
  in.query_timeout = std::chrono::milliseconds(2000);
  const auto results = measure_round(health(), in, source);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].check, "error-rate");
  EXPECT_EQ(results[0].result.outcome, Outcome::Failed);
  EXPECT_EQ(results[0].result.reason, "AboveMaximum");
  EXPECT_EQ(results[1].check, "workload");
  EXPECT_EQ(results[1].result.reason, "Available");
}

TEST(MeasureRound, UnreachableSourceAndMissingWorkloadAreInconclusive) {
  MockSource source;
  QueryResult down;
  down.status = QueryStatus::Unreachable;
  down.detail = "connection refused";
  EXPECT_CALL(source, instant_query(_, _, _)).WillOnce(Return(down));
  const auto results = measure_round(health(), RoundInputs{}, source);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].result.outcome, Outcome::Inconclusive);
  EXPECT_EQ(results[0].result.reason, "Unreachable");
  EXPECT_EQ(results[1].result.outcome, Outcome::Inconclusive);
  EXPECT_EQ(results[1].result.reason, "NoWorkload");
}

TEST(MeasureRound, CheckWithoutProviderIsInconclusive) {
  MockSource source;
  EXPECT_CALL(source, instant_query(_, _, _)).Times(0);
  api::HealthSpec s;
  s.checks.push_back(api::CheckSpec{"empty", std::nullopt, false, {}});
  const auto results = measure_round(s, RoundInputs{}, source);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].result.reason, "NoProvider");
}

}  // namespace
}  // namespace shepherd::controllers::health
