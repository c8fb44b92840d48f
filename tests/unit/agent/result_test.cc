// The termination message: full when small, always under 4 KiB, deterministic, marked when cut.
#include <gtest/gtest.h>

#include "agent/task.h"

namespace shepherd::agent {
namespace {

using nlohmann::json;

AgentResult small() {
  AgentResult r;
  r.outcome = Outcome::Changed;
  r.commit = std::string(40, 'a');
  r.branch = "shepherd/plan";
  r.files_changed = 3;
  r.edits = 11;
  r.review = {{"jobs/daily.py", 42, "reads dropped field legacy_flag"}};
  r.verify = {true, 0, 41.25, false, "ok\n"};
  r.diff = {"recs-diff", "", 2312, false};
  r.message = "pushed shepherd/plan";
  return r;
}

AgentResult huge() {
  AgentResult r = small();
  r.outcome = Outcome::NeedsReview;
  r.review.clear();
  for (int i = 0; i < 500; ++i) {
    r.review.push_back({"models/very/deep/path/model_" + std::to_string(i) + ".sql", i + 1,
                        "reads dropped field legacy_flag " + std::string(300, 'x')});
  }
  r.verify.output_tail = std::string(100000, 'o') + "LAST LINE";
  r.message = std::string(5000, 'm');
  return r;
}

TEST(TerminationMessage, SmallResultIsCompleteAndUnmarked) {
  std::string msg = to_termination_message(small());
  json j = json::parse(msg);
  EXPECT_EQ(j["apiVersion"], "shepherd.dev/agent-result/v1");
  EXPECT_EQ(j["outcome"], "Changed");
  EXPECT_EQ(j["edits"], 11);
  EXPECT_EQ(j["review"].size(), 1u);
  EXPECT_EQ(j["reviewCount"], 1);
  EXPECT_EQ(j["verify"]["exitCode"], 0);
  EXPECT_EQ(j["diff"]["configMap"], "recs-diff");
  EXPECT_EQ(j["diff"]["bytes"], 2312);
  EXPECT_FALSE(j.contains("truncated"));
  EXPECT_EQ(msg, to_json(small()).dump());
}

TEST(TerminationMessage, HugeResultFitsAndSaysSo) {
  std::string msg = to_termination_message(huge());
  ASSERT_LE(msg.size(), kMaxResultBytes);
  json j = json::parse(msg);
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["reviewCount"], 500);
  EXPECT_GT(j["review"].size(), 0u);
  EXPECT_LT(j["review"].size(), 500u);
  // The first items are kept, in order; each string is bounded.
  EXPECT_EQ(j["review"][0]["file"], "models/very/deep/path/model_0.sql");
  EXPECT_LE(j["review"][0]["message"].get<std::string>().size(), 200u);
  // The tail keeps the end of the output.
  std::string tail = j["verify"]["outputTail"];
  EXPECT_TRUE(tail.ends_with("LAST LINE"));
  EXPECT_EQ(j["outcome"], "NeedsReview");
  EXPECT_EQ(j["commit"], std::string(40, 'a'));
}

TEST(TerminationMessage, TruncationIsDeterministic) {
  EXPECT_EQ(to_termination_message(huge()), to_termination_message(huge()));
}

TEST(TerminationMessage, TinyLimitStillValidJson) {
  for (std::size_t limit : {4096u, 1024u, 300u, 120u}) {
    std::string msg = to_termination_message(huge(), limit);
    EXPECT_LE(msg.size(), limit) << limit;
    json j = json::parse(msg);
    EXPECT_EQ(j["outcome"], "NeedsReview");
    EXPECT_EQ(j["truncated"], true);
  }
}

TEST(TerminationMessage, InvalidUtf8InOutputDoesNotBreakIt) {
  AgentResult r = small();
  r.verify.output_tail = std::string("bad \xff\xfe bytes");
  std::string msg = to_termination_message(r);
  EXPECT_FALSE(json::parse(msg, nullptr, false).is_discarded());
}

TEST(ExitCode, OnlyFailedIsNonZero) {
  EXPECT_EQ(exit_code_for(Outcome::Changed), 0);
  EXPECT_EQ(exit_code_for(Outcome::NoChanges), 0);
  EXPECT_EQ(exit_code_for(Outcome::NeedsReview), 0);
  EXPECT_NE(exit_code_for(Outcome::Failed), 0);
}

}  // namespace
}  // namespace shepherd::agent
