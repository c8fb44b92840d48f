// The agent contract's codecs: every task and result survives encode -> decode unchanged, and the
// result decoder's errors name what is wrong.
#include <gtest/gtest.h>

#include "contract/agent_result.h"
#include "contract/agent_task.h"

namespace shepherd::contract {
namespace {

using nlohmann::json;

Task migrate_task() {
  Task t;
  t.plan = "listening-events-v4";
  t.namespace_ = "data-platform";
  t.attempt = 3;
  t.consumer = {"recs-pipeline",
                {"https://git.example.com/recs.git", "main", "jobs/"},
                "team-recs",
                {{"make", "test"}, 60}};
  t.dataset = {"listening_events", {"3", "prod.events.listening_v3"}, {"4", ""}};
  t.changes = {Rename{"user_id", "account_id"},   Retype{"ts", "INT64", "TIMESTAMP", "UNIX_MILLIS({field})"},
               Retype{"n", "INT32", "INT64", ""}, Drop{"legacy_flag"},
               Add{"country", "STRING"},          Add{"x", ""}};
  t.agent.mode = Mode::PullRequest;
  t.agent.branch = "shepherd/listening-events-v4";
  t.agent.coding_agent = {{"my-llm", "--yes"}, 5};
  t.agent.author = {"Bot", "bot@example.com"};
  t.agent.pull_request =
      PullRequestSettings{Provider::GitLab, "https://gitlab.example.com/api/v4", "recs/p", "dev"};
  t.diff = {"recs-pipeline-diff", OwnerRef{"shepherd.dev/v1alpha1", "ConsumerMigration", "recs", "uid-1"}};
  t.limits = {600, 1 << 20, 4096};
  return t;
}

Task rollback_task() {
  Task t;
  t.action = Action::Rollback;
  t.namespace_ = "n";
  t.consumer.name = "c";
  t.consumer.repository = {"/srv/git/c", "HEAD", ""};
  t.dataset = {"d", {"1", ""}, {"2", ""}};
  t.agent.mode = Mode::Push;
  t.agent.branch = "shepherd/d";
  t.rollback = RollbackTarget{"abc123", "shepherd/d", ""};
  return t;
}

Task dry_run_task() {
  Task t;
  t.namespace_ = "n";
  t.consumer.name = "c";
  t.consumer.repository = {"git@host:o/r.git", "v1.0", ""};
  t.dataset = {"d", {"1", ""}, {"2", ""}};
  t.changes = {Drop{"x"}};
  t.diff.config_map = "c-diff";
  return t;
}

Task gitea_task() {
  Task t = migrate_task();
  t.agent.pull_request = PullRequestSettings{Provider::Gitea, "http://127.0.0.1:3000/api/v1", "", ""};
  return t;
}

TEST(TaskCodec, RoundTripsEveryShape) {
  for (const Task& t : {migrate_task(), rollback_task(), dry_run_task(), gitea_task()}) {
    const json encoded = encode_task(t);
    const auto decoded = decode_task(encoded.dump());
    ASSERT_TRUE(decoded.value) << decoded.error << "\n" << encoded.dump(2);
    EXPECT_EQ(*decoded.value, t) << encoded.dump(2);
    EXPECT_EQ(encode_task(*decoded.value), encoded);
  }
}

TEST(TaskCodec, LeavesOutWhatIsEmpty) {
  const json j = encode_task(dry_run_task());
  EXPECT_FALSE(j["consumer"].contains("owner"));
  EXPECT_FALSE(j["consumer"].contains("verify"));
  EXPECT_FALSE(j["consumer"]["repository"].contains("path"));
  EXPECT_FALSE(j["agent"].contains("pullRequest"));
  EXPECT_FALSE(j.contains("rollback"));
  EXPECT_FALSE(encode_task(rollback_task()).contains("diff"));
  EXPECT_EQ(j["changes"], json::parse(R"([{"drop":{"field":"x"}}])"));
}

TEST(TaskCodec, EncodedInvalidTaskIsRefusedWithTheField) {
  Task t = migrate_task();
  t.consumer.repository.url.clear();
  EXPECT_EQ(decode_task(encode_task(t)).error, "task.consumer.repository.url: required (empty)");
  t = migrate_task();
  t.changes.clear();
  EXPECT_EQ(decode_task(encode_task(t)).error, "task.changes: required (1..200 changes)");
}

AgentResult full_result() {
  AgentResult r;
  r.outcome = Outcome::NeedsReview;
  r.action = "migrate";
  r.attempt = 2;
  r.commit = std::string(40, 'a');
  r.branch = "shepherd/plan";
  r.pull_request = "https://github.com/o/r/pull/7";
  r.files_changed = 3;
  r.edits = 11;
  r.review = {{"jobs/daily.py", 42, "reads dropped field legacy_flag"}, {"README.md", 0, "mentions user_id"}};
  r.review_count = 2;
  r.verify = {true, 2, 41.5, false, "FAILED test_x\n"};
  r.diff = {"recs-diff", "", 2312, false};
  r.message = "pushed shepherd/plan; 2 place(s) need review";
  return r;
}

TEST(ResultCodec, RoundTripsWholeAndThroughTheTerminationMessage) {
  AgentResult r = full_result();
  auto decoded = decode_result(encode_result(r).dump());
  ASSERT_TRUE(decoded.value) << decoded.error;
  EXPECT_EQ(*decoded.value, r);
  decoded = decode_result(to_termination_message(r));
  ASSERT_TRUE(decoded.value) << decoded.error;
  EXPECT_EQ(*decoded.value, r);

  AgentResult bare;  // no verify, nothing published
  bare.outcome = Outcome::NoChanges;
  decoded = decode_result(to_termination_message(bare));
  ASSERT_TRUE(decoded.value) << decoded.error;
  EXPECT_EQ(*decoded.value, bare);
}

TEST(ResultCodec, CutMessageKeepsCountsAndFirstItems) {
  AgentResult r = full_result();
  r.review.clear();
  for (int i = 0; i < 800; ++i)
    r.review.push_back({"models/m_" + std::to_string(i) + ".sql", i + 1, "reads ts"});
  const auto decoded = decode_result(to_termination_message(r));
  ASSERT_TRUE(decoded.value) << decoded.error;
  const AgentResult& d = *decoded.value;
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.review_count, 800u);
  ASSERT_GT(d.review.size(), 10u);
  ASSERT_LT(d.review.size(), 800u);
  for (std::size_t i = 0; i < d.review.size(); ++i) EXPECT_EQ(d.review[i], r.review[i]);
  EXPECT_EQ(d.edits, 11);
  EXPECT_EQ(d.files_changed, 3);
  EXPECT_EQ(d.outcome, Outcome::NeedsReview);
}

TEST(ResultCodec, ErrorsNameWhatIsWrong) {
  const std::string v1 = R"("apiVersion":"shepherd.dev/agent-result/v1")";
  const std::pair<std::string, std::string> rows[] = {
      {"", "the agent wrote no result (empty termination message)"},
      {"fatal: could not read Username", "agent result is not a JSON object: fatal: could not read Username"},
      {R"({"outcome":"Changed"})",
       "agent result has apiVersion (none), expected shepherd.dev/agent-result/v1"},
      {"{" + v1 + "}", "agent result has no outcome"},
      {"{" + v1 + R"(,"outcome":"Great"})",
       "agent result is malformed: outcome: unknown value 'Great' (want Changed, NoChanges, NeedsReview or "
       "Failed)"},
      {"{" + v1 + R"(,"outcome":"Changed","edits":"many"})",
       "agent result is malformed: edits: must be an integer"},
      {"{" + v1 + R"(,"outcome":"Changed","edits":-1})", "agent result is malformed: edits: out of range"},
      {"{" + v1 + R"(,"outcome":"Changed","review":[{"file":"a","line":"x"}]})",
       "agent result is malformed: review[0].line: must be an integer"},
      {"{" + v1 + R"(,"outcome":"Changed","review":[{"file":"a"}],"reviewCount":0})",
       "agent result is malformed: reviewCount: less than the review items carried"},
      {"{" + v1 + R"(,"outcome":"Changed","verify":[]})",
       "agent result is malformed: verify: must be an object"},
      {"{" + v1 + R"(,"outcome":"Changed","diff":{"bytes":1e3}})",
       "agent result is malformed: diff.bytes: must be an integer"},
  };
  for (const auto& [text, error] : rows) {
    const auto d = decode_result(text);
    EXPECT_FALSE(d.value) << text.substr(0, 80);
    EXPECT_EQ(d.error, error);
  }
  const std::string big = "{" + v1 + R"(,"outcome":"Changed","message":")" + std::string(5000, 'x') + "\"}";
  EXPECT_EQ(decode_result(big).error,
            "agent result is " + std::to_string(big.size()) + " bytes, over the 4096-byte limit");
  const auto negative_exit = decode_result("{" + v1 + R"(,"outcome":"Failed","verify":{"exitCode":-9}})");
  ASSERT_TRUE(negative_exit.value) << negative_exit.error;
  EXPECT_EQ(negative_exit.value->verify.exit_code, -9);
}

}  // namespace
}  // namespace shepherd::contract
