// The corpus scorer: expectations + observed edits/review -> metrics. Each row states a small
// situation and the figures it must give, so a scorer that counts wrongly fails here.
#include "score.h"

#include <gtest/gtest.h>

#include "case.h"
#include "occurrences.h"

namespace shepherd::corpus {
namespace {

Case base_case() {
  Case c;
  c.id = "dbt-t";
  c.family = "dbt";
  c.tracked = {"orders", "order_date", "status"};
  c.dropped = {"status"};
  return c;
}

ExpectRow row(const std::string& file, int line, const std::string& token, Class cls,
              std::vector<std::string> to = {}, bool also = false) {
  return {file, line, token, cls, std::move(to), also, "r"};
}

const char* kModel =
    "select\n"                 // 1
    "  id,\n"                  // 2
    "  order_date,\n"          // 3
    "  status\n"               // 4
    "from raw.shop.orders\n";  // 5

std::vector<Occurrence> occ() {
  return find_occurrences("m.sql", kModel, {"orders", "order_date", "status"});
}

TEST(Score, FindsWordOccurrencesWithLineAndColumn) {
  auto o = find_occurrences("f", "x order_date order_dates ORDER_DATE\nstatus_x status\n",
                            {"order_date", "status"});
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].line, 1);
  EXPECT_EQ(o[0].column, 3);
  EXPECT_EQ(o[1].token, "ORDER_DATE");
  EXPECT_EQ(o[2].line, 2);
  EXPECT_EQ(o[2].column, 10);
  EXPECT_EQ(o[2].line_text, "status_x status");
}

TEST(Score, PerfectRun) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Edit, {"ordered_at as order_date"}),
              row("m.sql", 4, "status", Class::Review),
              row("m.sql", 5, "orders", Class::Edit, {"orders_v2"})};
  Observed obs{
      "NeedsReview",
      {{"m.sql", 3, 3, "order_date", "ordered_at  as order_date"}, {"m.sql", 5, 15, "orders", "orders_v2"}},
      {{"m.sql", 4, "reads dropped field status"}}};
  CaseScore s = score_case(c, occ(), obs);
  EXPECT_TRUE(s.case_errors.empty());
  EXPECT_EQ(s.metrics.edits, 2);
  EXPECT_EQ(s.metrics.edits_correct, 2);
  EXPECT_EQ(s.metrics.expected_edits, 2);
  EXPECT_EQ(s.metrics.expected_edits_made, 2);
  EXPECT_EQ(s.metrics.expected_review, 1);
  EXPECT_EQ(s.metrics.review_hit, 1);
  EXPECT_EQ(s.metrics.expected_dropped_review, 1);
  EXPECT_EQ(s.metrics.dropped_review_hit, 1);
  EXPECT_EQ(s.metrics.false_all_clears, 0);
  EXPECT_TRUE(s.findings.empty());
}

TEST(Score, WrongReplacementAndEditOnReviewArePrecisionMisses) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Edit, {"ordered_at"}),
              row("m.sql", 4, "status", Class::Review), row("m.sql", 5, "orders", Class::Leave)};
  Observed obs{
      "Changed", {{"m.sql", 3, 3, "order_date", "order_dt"}, {"m.sql", 4, 3, "status", "state"}}, {}};
  CaseScore s = score_case(c, occ(), obs);
  EXPECT_EQ(s.metrics.edits, 2);
  EXPECT_EQ(s.metrics.edits_correct, 0);
  EXPECT_EQ(s.metrics.expected_edits_made, 0);
  EXPECT_EQ(s.metrics.review_hit, 0);
  EXPECT_EQ(s.metrics.dropped_review_hit, 0);
  EXPECT_EQ(s.findings.size(), 3u);  // two wrong edits, one missed review
}

TEST(Score, FalseAllClearAndRecallMiss) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Edit, {"ordered_at"}),
              row("m.sql", 4, "status", Class::Review), row("m.sql", 5, "orders", Class::Leave)};
  CaseScore s = score_case(c, occ(), Observed{"NoChanges", {}, {}});
  EXPECT_EQ(s.metrics.false_all_clears, 1);
  EXPECT_EQ(s.metrics.expected_edits, 1);
  EXPECT_EQ(s.metrics.expected_edits_made, 0);
  EXPECT_EQ(s.metrics.edits, 0);
}

TEST(Score, NoChangesIsRightWhenOnlyLeaveIsExpected) {
  Case c = base_case();
  c.leave = {{"**", "nothing here reads the dataset"}};
  CaseScore s = score_case(c, occ(), Observed{"NoChanges", {}, {}});
  EXPECT_EQ(s.metrics.false_all_clears, 0);
  EXPECT_TRUE(s.case_errors.empty());
}

TEST(Score, AlsoReviewAcceptsAReviewInsteadOfTheEdit) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Edit, {"ordered_at"}, true),
              row("m.sql", 4, "status", Class::Review), row("m.sql", 5, "orders", Class::Leave)};
  Observed obs{"NeedsReview", {}, {{"m.sql", 3, "cannot prove"}, {"m.sql", 5, "status"}}};
  CaseScore s = score_case(c, occ(), obs);
  EXPECT_EQ(s.metrics.expected_edits, 0);  // neither hit nor miss
  EXPECT_EQ(s.metrics.review_hit, 1);      // line 5 is within 2 lines of line 4
  EXPECT_EQ(s.metrics.review_noise, 0);    // both items are near expected places
}

TEST(Score, ReviewOnlyNearLeaveIsNoise) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Leave), row("m.sql", 4, "status", Class::Leave),
              row("m.sql", 5, "orders", Class::Leave)};
  Observed obs{"NeedsReview", {}, {{"m.sql", 4, "x"}, {"other.sql", 4, "y"}}};
  CaseScore s = score_case(c, occ(), obs);
  EXPECT_EQ(s.metrics.review_noise, 1);
  EXPECT_EQ(s.metrics.review_items, 2);
  EXPECT_EQ(s.metrics.false_all_clears, 0);
}

TEST(Score, UncoveredOccurrencesAndEmptyRowsAreCaseErrors) {
  Case c = base_case();
  c.expect = {row("m.sql", 3, "order_date", Class::Edit, {"ordered_at"}),
              row("m.sql", 9, "status", Class::Review)};
  CaseScore s = score_case(c, occ(), Observed{"Changed", {}, {}});
  ASSERT_EQ(s.case_errors.size(), 3u);  // status on 4, orders on 5 uncovered; row on line 9 matches nothing
  EXPECT_NE(s.case_errors[0].find("m.sql:4: status"), std::string::npos);
  EXPECT_NE(s.case_errors[2].find("matches no occurrence"), std::string::npos);
}

TEST(Score, MetricsAddUp) {
  Metrics a, b;
  a.cases = 1, a.edits = 2, a.edits_correct = 1, a.false_all_clears = 1, a.agent_seconds = 0.5;
  b.cases = 1, b.edits = 3, b.edits_correct = 3, b.review_noise = 2, b.agent_seconds = 0.25;
  a += b;
  EXPECT_EQ(a.cases, 2);
  EXPECT_EQ(a.edits, 5);
  EXPECT_EQ(a.edits_correct, 4);
  EXPECT_EQ(a.false_all_clears, 1);
  EXPECT_EQ(a.review_noise, 2);
  EXPECT_DOUBLE_EQ(a.agent_seconds, 0.75);
  EXPECT_EQ(ratio(4, 5), "4/5 = 80.0%");
  EXPECT_EQ(ratio(0, 0), "0/0 = n/a");
}

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("docs/**", "docs/a/b.md"));
  EXPECT_TRUE(glob_match("**/*.csv", "seeds/raw_orders.csv"));
  EXPECT_TRUE(glob_match("**/*.csv", "raw_orders.csv"));
  EXPECT_TRUE(glob_match("models/*.sql", "models/orders.sql"));
  EXPECT_FALSE(glob_match("models/*.sql", "models/staging/stg.sql"));
  EXPECT_FALSE(glob_match("docs/**", "models/docs.md"));
  EXPECT_TRUE(glob_match("README.md", "README.md"));
}

}  // namespace
}  // namespace shepherd::corpus
