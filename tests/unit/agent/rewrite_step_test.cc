// decide_without_change: the outcome of a run that changed nothing. No false all-clear: a
// repository that names the dataset is never NoChanges.
#include "agent/rewrite_step.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shepherd::agent {
namespace {

struct Case {
  const char* name;
  std::vector<ReviewItem> review;
  std::vector<ReviewItem> mentions;
  Outcome outcome;
  std::vector<std::string> items;  // "file:line: message part"
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class NoChange : public ::testing::TestWithParam<Case> {};

TEST_P(NoChange, Decides) {
  const Case& c = GetParam();
  NoChangeDecision d = decide_without_change(c.review, c.mentions, "prod.events.listening_v3", "user_id, ts");
  EXPECT_EQ(d.outcome, c.outcome);
  ASSERT_EQ(d.review.size(), c.items.size());
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    std::string shown =
        d.review[i].file + ":" + std::to_string(d.review[i].line) + ": " + d.review[i].message;
    EXPECT_NE(shown.find(c.items[i]), std::string::npos) << shown;
  }
  EXPECT_FALSE(d.message.empty());
}

const Case kCases[] = {
    {"nothing_refers", {}, {}, Outcome::NoChanges, {}},
    {"review_items_kept",
     {{"jobs/a.py", 3, "cannot prove whether user_id is read from prod.events.listening_v3"}},
     {{"jobs/a.py", 1, ""}},
     Outcome::NeedsReview,
     {"jobs/a.py:3: cannot prove whether user_id"}},
    {"mentions_without_changes_are_review",
     {},
     {{"jobs/a.py", 4, ""}, {"sql/b.sql", 1, ""}},
     Outcome::NeedsReview,
     {"jobs/a.py:4: names prod.events.listening_v3, but no use of a changed field (user_id, ts)",
      "sql/b.sql:1: names prod.events.listening_v3"}},
};

INSTANTIATE_TEST_SUITE_P(Agent, NoChange, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(ChangedFields, ListsAllButAdded) {
  Task task;
  task.changes = {Rename{"user_id", "account_id"}, Add{"country", "STRING"}, Drop{"legacy_flag"}};
  EXPECT_EQ(changed_fields(task), "user_id, legacy_flag");
}

}  // namespace
}  // namespace shepherd::agent
