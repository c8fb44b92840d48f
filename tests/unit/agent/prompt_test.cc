// The coding agent's prompt: mapping, rules, review items, failing verification; deterministic.
#include "agent/prompt.h"

#include <gtest/gtest.h>

namespace shepherd::agent {
namespace {

Task task() {
  Task t;
  t.consumer.name = "recs";
  t.consumer.verify.command = {"make", "test"};
  t.dataset = {"listening_events", {"3", "prod.events.listening_v3"}, {"4", "prod.events.listening_v4"}};
  t.changes = {Rename{"user_id", "account_id"}, Retype{"ts", "INT64", "TIMESTAMP", "UNIX_MILLIS({field})"},
               Drop{"legacy_flag"}, Add{"country", "STRING"}};
  t.agent.coding_agent.max_iterations = 3;
  return t;
}

TEST(Prompt, DescribesMappingReviewAndFailure) {
  VerifyResult failing{true, 2, 1.0, false, "AssertionError: expected account_id"};
  std::string p = build_prompt(task(), {{"jobs/daily.py", 3, "reads dropped field legacy_flag"}}, failing, 1);
  EXPECT_NE(p.find("| location | prod.events.listening_v3 | prod.events.listening_v4 |"), std::string::npos)
      << p;
  EXPECT_NE(p.find("| rename | user_id | account_id |"), std::string::npos);
  EXPECT_NE(p.find("| retype | ts : INT64 | ts : TIMESTAMP (old value = `UNIX_MILLIS({field})`) |"),
            std::string::npos);
  EXPECT_NE(p.find("| drop | legacy_flag |"), std::string::npos);
  EXPECT_NE(p.find("| add | - | country : STRING |"), std::string::npos);
  EXPECT_NE(p.find("- `jobs/daily.py:3`: reads dropped field legacy_flag"), std::string::npos);
  EXPECT_NE(p.find("`make test` exited 2"), std::string::npos);
  EXPECT_NE(p.find("AssertionError: expected account_id"), std::string::npos);
  EXPECT_NE(p.find("Do not touch `.git`"), std::string::npos);
  EXPECT_NE(p.find("Round 1 of at most 3"), std::string::npos);
  EXPECT_EQ(p, build_prompt(task(), {{"jobs/daily.py", 3, "reads dropped field legacy_flag"}}, failing, 1));
}

TEST(Prompt, PassingVerificationIsNotMentioned) {
  std::string p = build_prompt(task(), {}, VerifyResult{true, 0, 1.0, false, "fine"}, 2);
  EXPECT_EQ(p.find("Verification is failing"), std::string::npos);
  EXPECT_NE(p.find("## Open review items (0)\n\nNone."), std::string::npos);
}

}  // namespace
}  // namespace shepherd::agent
