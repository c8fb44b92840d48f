// Table tests of the analysis state machine: scheduling, count, limits, early failure, inconclusive
// stall, combination of checks in a round, bounded history.
#include "controllers/health/analysis.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::health {
namespace {

using std::chrono::seconds;

const api::Timestamp kStart{seconds{1'700'000'000}};

api::HealthSpec spec(std::int64_t count, std::int64_t failure_limit, std::int64_t inconclusive_limit,
                     int checks = 2, seconds interval = seconds{30}) {
  api::HealthSpec s;
  s.interval = interval;
  s.count = count;
  s.failureLimit = failure_limit;
  s.inconclusiveLimit = inconclusive_limit;
  for (int i = 0; i < checks; ++i)
    s.checks.push_back(api::CheckSpec{"check-" + std::to_string(i), {}, true, {}});
  return s;
}

// A status with the given counters and, when rounds were taken, a last measurement at `last`.
api::AnalysisStatus status(std::int64_t ok, std::int64_t failed, std::int64_t inconclusive,
                           std::optional<api::Timestamp> last = std::nullopt) {
  api::AnalysisStatus st = start_analysis(kStart);
  st.successes = ok;
  st.failures = failed;
  st.inconclusive = inconclusive;
  if (last) {
    api::Measurement m;
    m.check = "check-0";
    m.at = last;
    st.measurements.push_back(m);
  }
  return st;
}

struct Case {
  std::string name;
  api::HealthSpec spec;
  api::AnalysisStatus status;
  api::Timestamp now;
  AnalysisDecision expected;
};

class Decide : public ::testing::TestWithParam<Case> {};

TEST_P(Decide, Decides) {
  const auto& c = GetParam();
  const AnalysisDecision d = decide_analysis(c.spec, c.status, c.now);
  ASSERT_EQ(d.index(), c.expected.index());
  if (const auto* f = std::get_if<Finished>(&d)) {
    const auto& e = std::get<Finished>(c.expected);
    EXPECT_EQ(f->verdict, e.verdict);
    EXPECT_EQ(f->reason, e.reason);
    EXPECT_FALSE(f->message.empty());
  } else {
    EXPECT_EQ(d, c.expected);
  }
}

const MeasureNow kAll{};
Finished fin(Verdict v, const char* reason) { return Finished{v, reason, ""}; }

INSTANTIATE_TEST_SUITE_P(
    All, Decide,
    ::testing::Values(
        Case{"first_round_waits_one_interval", spec(10, 0, 0), status(0, 0, 0), kStart,
             WaitUntil{kStart + seconds{30}}},
        Case{"first_round_just_before", spec(10, 0, 0), status(0, 0, 0), kStart + seconds{29},
             WaitUntil{kStart + seconds{30}}},
        Case{"first_round_due", spec(10, 0, 0), status(0, 0, 0), kStart + seconds{30}, kAll},
        Case{"next_round_on_the_schedule", spec(10, 0, 0), status(3, 0, 0, kStart + seconds{95}),
             kStart + seconds{100}, WaitUntil{kStart + seconds{120}}},
        Case{"overdue_rounds_are_caught_up", spec(10, 0, 0), status(3, 0, 0, kStart + seconds{95}),
             kStart + seconds{10'000}, kAll},
        Case{"count_reached_succeeds", spec(10, 0, 0), status(10, 0, 0, kStart + seconds{300}),
             kStart + seconds{300}, fin(Verdict::Succeeded, "AnalysisSucceeded")},
        Case{"count_reached_with_tolerated_failures", spec(10, 2, 1), status(7, 2, 1, kStart), kStart,
             fin(Verdict::Succeeded, "AnalysisSucceeded")},
        Case{"failure_limit_zero_fails_at_first_failure", spec(10, 0, 0), status(1, 1, 0, kStart), kStart,
             fin(Verdict::Failed, "FailureLimitExceeded")},
        Case{"failures_at_limit_continue", spec(10, 2, 0), status(1, 2, 0, kStart + seconds{90}),
             kStart + seconds{91}, WaitUntil{kStart + seconds{120}}},
        Case{"schedule_ignores_when_a_late_round_was_taken", spec(10, 0, 0),
             status(1, 0, 0, kStart + seconds{59}), kStart + seconds{59}, WaitUntil{kStart + seconds{60}}},
        Case{"failures_over_limit_fail_before_count", spec(10, 2, 0), status(0, 3, 0, kStart), kStart,
             fin(Verdict::Failed, "FailureLimitExceeded")},
        Case{"failure_wins_over_inconclusive", spec(10, 0, 0), status(0, 1, 5, kStart), kStart,
             fin(Verdict::Failed, "FailureLimitExceeded")},
        Case{"inconclusive_over_limit_stalls", spec(10, 0, 0), status(2, 0, 1, kStart), kStart,
             fin(Verdict::Inconclusive, "AnalysisInconclusive")},
        Case{"inconclusive_at_limit_continue", spec(10, 0, 2), status(2, 0, 2, kStart + seconds{120}),
             kStart + seconds{150}, kAll},
        Case{"inconclusive_at_count_still_stalls_when_over", spec(3, 0, 0), status(2, 0, 1, kStart), kStart,
             fin(Verdict::Inconclusive, "AnalysisInconclusive")},
        Case{"count_zero_needs_one_round", spec(0, 0, 0), status(0, 0, 0), kStart + seconds{30}, kAll},
        Case{"count_zero_after_one_round", spec(0, 0, 0), status(1, 0, 0, kStart + seconds{30}),
             kStart + seconds{30}, fin(Verdict::Succeeded, "AnalysisSucceeded")},
        Case{"no_checks_succeeds", spec(10, 0, 0, 0), status(0, 0, 0), kStart,
             fin(Verdict::Succeeded, "NoChecks")},
        Case{"sub_second_interval_is_one_second", spec(10, 0, 0, 2, seconds{0}), status(0, 0, 0), kStart,
             WaitUntil{kStart + seconds{1}}},
        Case{"missing_started_at_counts_from_now", spec(10, 0, 0), api::AnalysisStatus{}, kStart + seconds{5},
             WaitUntil{kStart + seconds{35}}}),
    [](const auto& param_info) { return param_info.param.name; });

CheckResult ok() { return CheckResult{Outcome::Successful, "1", "WithinThreshold", "fine"}; }
CheckResult bad() { return CheckResult{Outcome::Failed, "9", "AboveMaximum", "too high"}; }
CheckResult unsure() { return CheckResult{Outcome::Inconclusive, "", "NoData", "nothing"}; }

TEST(Combine, AnyFailedThenAnyInconclusiveElseSuccessful) {
  EXPECT_EQ(combine({ok(), ok()}), Outcome::Successful);
  EXPECT_EQ(combine({ok(), unsure()}), Outcome::Inconclusive);
  EXPECT_EQ(combine({unsure(), bad()}), Outcome::Failed);
  EXPECT_EQ(combine({bad(), ok()}), Outcome::Failed);
  EXPECT_EQ(combine({}), Outcome::Inconclusive);
}

TEST(RecordRound, AppendsOneMeasurementPerCheckAndCountsTheRound) {
  api::AnalysisStatus st = start_analysis(kStart);
  const auto at = kStart + seconds{30};
  EXPECT_EQ(record_round(st, {{"error-rate", ok()}, {"workload", unsure()}}, at), Outcome::Inconclusive);
  ASSERT_EQ(st.measurements.size(), 2u);
  EXPECT_EQ(st.measurements[0].check, "error-rate");
  EXPECT_EQ(st.measurements[0].value, "1");
  EXPECT_EQ(st.measurements[0].outcome, Outcome::Successful);
  EXPECT_EQ(st.measurements[0].message, "WithinThreshold: fine");
  EXPECT_EQ(st.measurements[1].outcome, Outcome::Inconclusive);
  EXPECT_EQ(st.measurements[1].at, at);
  EXPECT_EQ(st.inconclusive, 1);
  EXPECT_EQ(st.successes, 0);
  EXPECT_EQ(rounds_taken(st), 1);
  EXPECT_EQ(record_round(st, {{"error-rate", bad()}, {"workload", ok()}}, at + seconds{30}), Outcome::Failed);
  EXPECT_EQ(st.failures, 1);
  EXPECT_EQ(rounds_taken(st), 2);
}

TEST(RecordRound, HistoryStaysBoundedAndKeepsNewest) {
  api::AnalysisStatus st = start_analysis(kStart);
  for (int i = 1; i <= 100; ++i) {
    record_round(st, {{"a", ok()}, {"b", ok()}, {"c", ok()}}, kStart + seconds{30 * i});
    ASSERT_LE(st.measurements.size(), api::kMaxMeasurements);
  }
  EXPECT_EQ(st.successes, 100);
  EXPECT_EQ(st.rounds, 100);
  EXPECT_EQ(st.measurements.back().at, kStart + seconds{3000});
  EXPECT_EQ(st.measurements.back().check, "c");
  // The schedule counts rounds from startedAt.
  EXPECT_EQ(decide_analysis(spec(1000, 0, 0), st, kStart + seconds{3001}),
            AnalysisDecision{WaitUntil{kStart + seconds{3030}}});
}

TEST(RecordRound, NewestRoundKeptWholeWhenLargerThanTheBound) {
  api::AnalysisStatus st = start_analysis(kStart);
  std::vector<NamedResult> many;
  for (std::size_t i = 0; i < api::kMaxMeasurements + 5; ++i) many.push_back({"c" + std::to_string(i), ok()});
  record_round(st, many, kStart);
  record_round(st, many, kStart + seconds{30});
  EXPECT_EQ(st.measurements.size(), many.size());
  EXPECT_EQ(st.measurements.front().check, "c0");
  EXPECT_EQ(st.measurements.front().at, kStart + seconds{30});
}

// A run of rounds through decide + record, as a reconciler would drive it with a clock.
TEST(AnalysisRun, FailsAsSoonAsTheLimitIsExceededAndNeverSucceedsOnInconclusive) {
  const api::HealthSpec s = spec(5, 1, 0);
  api::AnalysisStatus st = start_analysis(kStart);
  api::Timestamp now = kStart;
  const std::vector<CheckResult> script = {ok(), bad(), ok(), bad()};
  std::size_t i = 0;
  for (int guard = 0; guard < 100; ++guard) {
    const AnalysisDecision d = decide_analysis(s, st, now);
    if (const auto* w = std::get_if<WaitUntil>(&d)) {
      now = w->at;
      continue;
    }
    if (std::holds_alternative<MeasureNow>(d)) {
      ASSERT_LT(i, script.size());
      record_round(st, {{"check-0", script[i]}, {"check-1", ok()}}, now);
      ++i;
      continue;
    }
    const auto& f = std::get<Finished>(d);
    EXPECT_EQ(f.verdict, Verdict::Failed);
    EXPECT_EQ(i, 4u);  // decided after the 4th round, before count (5)
    EXPECT_EQ(now, kStart + seconds{120});
    return;
  }
  FAIL() << "no verdict";
}

}  // namespace
}  // namespace shepherd::controllers::health
