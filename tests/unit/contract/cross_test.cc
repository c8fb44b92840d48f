// Cross tests of the agent contract: the two ends, each through its real code.
//  - Task: a ConsumerMigration -> the operator's real Job builder (build_agent_job) -> the
//    SHEPHERD_TASK env of the Job's container -> the agent's real entry point (agent::parse_task)
//    -> the task the agent runs, compared field by field with the ConsumerMigration.
//  - Result: an agent result -> the agent's termination-message encoder -> the operator's decoder
//    (parse_agent_result) -> status.result, with every count kept even when the message was cut.
#include <gtest/gtest.h>

#include "agent/task.h"
#include "controllers/consumer/job.h"

namespace shepherd {
namespace {

using nlohmann::json;
namespace api = controllers::api;
namespace consumer = controllers::consumer;

api::ConsumerMigration cmig() {
  api::ConsumerMigration m;
  m.metadata.name = "listening-events-v4-recs-pipeline";
  m.metadata.namespace_ = "data";
  m.metadata.uid = "uid-9";
  m.spec.plan = "listening-events-v4";
  m.spec.dataset = {"listening_events", {"3", "prod.events.listening_v3"}, {"4", "prod.events.listening_v4"}};
  m.spec.changes = {{api::ChangeKind::Rename, "user_id", "account_id", "", "", ""},
                    {api::ChangeKind::Retype, "ts", "TIMESTAMP", "INT64", "UNIX_MILLIS({field})", ""},
                    {api::ChangeKind::Drop, "legacy_flag", "", "", "", ""},
                    {api::ChangeKind::Add, "country", "", "", "", "STRING"}};
  m.spec.consumer.name = "recs-pipeline";
  m.spec.consumer.owner = "team-recs";
  m.spec.consumer.repository = {"https://git/recs.git", "main", "jobs/"};
  m.spec.consumer.verify.command = {"make", "test"};
  m.spec.consumer.verify.timeoutSeconds = 120;
  m.spec.agent.mode = api::AgentMode::Push;
  m.spec.agent.branch = "shepherd/{plan}/{consumer}";
  m.spec.agent.timeoutSeconds = 1800;
  m.spec.agent.codingAgent = {{"my-llm", "--yes"}, 4};
  m.spec.agent.author = api::AuthorSpec{"Data Bot", "bot@example.com"};
  return m;
}

// The task as the agent decodes it from the Job the operator builds.
agent::ParseResult agent_side(const api::ConsumerMigration& m, const consumer::JobOptions& o) {
  const json job = consumer::build_agent_job(m, o);
  for (const auto& e : job["spec"]["template"]["spec"]["containers"][0]["env"])
    if (e["name"] == "SHEPHERD_TASK") return agent::parse_task(e["value"].get<std::string>());
  ADD_FAILURE() << "no SHEPHERD_TASK in " << job.dump();
  return {};
}

TEST(TaskAcrossTheWire, MigrateArrivesAsBuilt) {
  consumer::JobOptions o;
  o.attempt = 3;
  o.default_image = "shepherd-agent:1";
  const auto parsed = agent_side(cmig(), o);
  ASSERT_TRUE(parsed.value) << parsed.error;
  const agent::Task& t = *parsed.value;
  EXPECT_EQ(t, consumer::to_task(cmig(), o));  // exactly what the operator meant
  EXPECT_EQ(t.action, agent::Action::Migrate);
  EXPECT_EQ(t.plan, "listening-events-v4");
  EXPECT_EQ(t.namespace_, "data");
  EXPECT_EQ(t.attempt, 3);
  EXPECT_EQ(t.consumer.name, "recs-pipeline");
  EXPECT_EQ(t.consumer.owner, "team-recs");
  EXPECT_EQ(t.consumer.repository, (agent::Repository{"https://git/recs.git", "main", "jobs/"}));
  EXPECT_EQ(t.consumer.verify, (agent::Verify{{"make", "test"}, 120}));
  EXPECT_EQ(t.dataset.from, (agent::DatasetVersion{"3", "prod.events.listening_v3"}));
  EXPECT_EQ(t.dataset.to, (agent::DatasetVersion{"4", "prod.events.listening_v4"}));
  ASSERT_EQ(t.changes.size(), 4u);
  EXPECT_EQ(std::get<agent::Rename>(t.changes[0]), (agent::Rename{"user_id", "account_id"}));
  // api::Change keeps a retype's new type in `to` and the old one in `from`.
  EXPECT_EQ(std::get<agent::Retype>(t.changes[1]),
            (agent::Retype{"ts", "INT64", "TIMESTAMP", "UNIX_MILLIS({field})"}));
  EXPECT_EQ(std::get<agent::Drop>(t.changes[2]).field, "legacy_flag");
  EXPECT_EQ(std::get<agent::Add>(t.changes[3]), (agent::Add{"country", "STRING"}));
  EXPECT_EQ(t.agent.mode, agent::Mode::Push);
  EXPECT_EQ(t.agent.branch, "shepherd/listening-events-v4/recs-pipeline");
  EXPECT_EQ(t.agent.coding_agent, (agent::CodingAgent{{"my-llm", "--yes"}, 4}));
  EXPECT_EQ(t.agent.author, (agent::Author{"Data Bot", "bot@example.com"}));
  EXPECT_EQ(t.limits.deadline_seconds, 1740);  // a minute before activeDeadlineSeconds
  EXPECT_EQ(t.diff.config_map, consumer::diff_config_map_name(cmig().metadata.name));
  ASSERT_TRUE(t.diff.owner);
  EXPECT_EQ(t.diff.owner->uid, "uid-9");
  EXPECT_FALSE(t.rollback);
}

// PullRequest mode through the operator: the plan's forge settings arrive in the agent's task (the
// rollback gets them too, to close the pull request).
TEST(TaskAcrossTheWire, PullRequestSettingsArrive) {
  auto m = cmig();
  m.spec.agent.mode = api::AgentMode::PullRequest;
  m.spec.agent.pullRequest =
      api::PullRequestSpec{api::ForgeProvider::Gitea, "https://forge.example/api/v1", "data/recs", "develop"};
  for (const auto action : {consumer::JobAction::Migrate, consumer::JobAction::Rollback}) {
    consumer::JobOptions o;
    o.action = action;
    o.attempt = 1;
    o.default_image = "shepherd-agent:1";
    const auto parsed = agent_side(m, o);
    ASSERT_TRUE(parsed.value) << parsed.error;
    EXPECT_EQ(*parsed.value, consumer::to_task(m, o));
    EXPECT_EQ(parsed.value->agent.mode, agent::Mode::PullRequest);
    ASSERT_TRUE(parsed.value->agent.pull_request);
    EXPECT_EQ(*parsed.value->agent.pull_request,
              (agent::PullRequestSettings{agent::Provider::Gitea, "https://forge.example/api/v1", "data/recs",
                                          "develop"}));
  }
  // Without settings the agent refuses the task: the operator's validation stops this earlier.
  m.spec.agent.pullRequest.reset();
  consumer::JobOptions o;
  o.default_image = "shepherd-agent:1";
  const auto refused = agent_side(m, o);
  EXPECT_FALSE(refused.value);
  EXPECT_NE(refused.error.find("task.agent.pullRequest"), std::string::npos) << refused.error;
}

TEST(TaskAcrossTheWire, DefaultsOfAHandMadeMigration) {
  api::ConsumerMigration m = cmig();
  m.spec.plan.clear();
  m.metadata.uid.clear();
  m.spec.consumer.repository.revision.clear();  // the remote's default branch
  m.spec.consumer.verify = {};
  m.spec.agent.mode = api::AgentMode::DryRun;
  m.spec.agent.author = api::AuthorSpec{"", ""};
  m.spec.agent.timeoutSeconds = 30;
  const auto parsed = agent_side(m, {});
  ASSERT_TRUE(parsed.value) << parsed.error;
  const agent::Task& t = *parsed.value;
  EXPECT_EQ(t.consumer.repository.revision, "HEAD");
  EXPECT_TRUE(t.consumer.verify.command.empty());
  EXPECT_EQ(t.agent.author, agent::Author{});  // the agent's defaults, not an empty author
  EXPECT_EQ(t.agent.branch, "shepherd/listening-events-v4-recs-pipeline/recs-pipeline");
  EXPECT_EQ(t.limits.deadline_seconds, 1);
  EXPECT_FALSE(t.diff.owner);
}

TEST(TaskAcrossTheWire, RollbackCarriesWhatMigratePublished) {
  api::ConsumerMigration m = cmig();
  m.status.result = api::AgentResult{};
  m.status.result->commit = "3f2a9c";
  m.status.result->pullRequest = "https://git/pr/1";
  consumer::JobOptions o;
  o.action = consumer::JobAction::Rollback;
  o.attempt = 2;
  const auto parsed = agent_side(m, o);
  ASSERT_TRUE(parsed.value) << parsed.error;
  const agent::Task& t = *parsed.value;
  EXPECT_EQ(t.action, agent::Action::Rollback);
  ASSERT_TRUE(t.rollback);
  // The branch defaults to the expanded agent.branch when status.result has none.
  EXPECT_EQ(*t.rollback, (agent::RollbackTarget{"3f2a9c", "shepherd/listening-events-v4/recs-pipeline",
                                                "https://git/pr/1"}));
  EXPECT_EQ(t.diff, agent::DiffTarget{});
}

agent::AgentResult agent_result(int review_items) {
  agent::AgentResult r;
  r.outcome = agent::Outcome::NeedsReview;
  r.attempt = 3;
  r.commit = std::string(40, 'c');
  r.branch = "shepherd/listening-events-v4/recs-pipeline";
  r.files_changed = 17;
  r.edits = 230;
  for (int i = 0; i < review_items; ++i)
    r.review.push_back({"models/m" + std::to_string(i) + ".sql", i + 1, "reads dropped field legacy_flag"});
  r.review_count = r.review.size();
  r.verify = {true, 0, 12.5, false, "ok"};
  r.diff = {"recs-pipeline-diff", "", 123456, false};
  r.message = "pushed; " + std::to_string(review_items) + " place(s) need review";
  return r;
}

TEST(ResultAcrossTheWire, SmallResultArrivesWhole) {
  const auto status = consumer::parse_agent_result(agent::to_termination_message(agent_result(3)));
  ASSERT_TRUE(status.value) << status.error;
  const api::AgentResult& s = *status.value;
  EXPECT_EQ(s.outcome, api::Outcome::NeedsReview);
  EXPECT_EQ(s.commit, std::string(40, 'c'));
  EXPECT_EQ(s.filesChanged, 17);
  EXPECT_EQ(s.edits, 230);
  EXPECT_EQ(s.reviewCount, 3);
  ASSERT_EQ(s.review.size(), 3u);
  EXPECT_EQ(s.review[2].file, "models/m2.sql");
  EXPECT_EQ(s.review[2].line, 3);
  ASSERT_TRUE(s.verify);
  EXPECT_DOUBLE_EQ(s.verify->seconds, 12.5);
  ASSERT_TRUE(s.diff);
  EXPECT_EQ(s.diff->configMap, "recs-pipeline-diff");
  EXPECT_EQ(s.diff->bytes, 123456);
}

TEST(ResultAcrossTheWire, CutResultKeepsEveryCount) {
  for (int items : {150, 2000}) {
    const std::string message = agent::to_termination_message(agent_result(items));
    ASSERT_LE(message.size(), agent::kMaxResultBytes);
    const auto status = consumer::parse_agent_result(message);
    ASSERT_TRUE(status.value) << status.error;
    const api::AgentResult& s = *status.value;
    EXPECT_EQ(s.reviewCount, items);
    EXPECT_EQ(s.edits, 230);
    EXPECT_EQ(s.filesChanged, 17);
    EXPECT_GT(s.review.size(), 0u);
    EXPECT_LE(s.review.size(), api::kMaxStatusReviewItems);  // what the CRD allows
    EXPECT_EQ(s.review[0].file, "models/m0.sql");
    // status.result as written to the API server carries the count too.
    EXPECT_EQ(json(s)["reviewCount"], items);
  }
}

TEST(ResultAcrossTheWire, SmallItemsAreCappedToTheCrdBound) {
  agent::AgentResult r;
  r.outcome = agent::Outcome::NeedsReview;
  r.review.assign(105, agent::ReviewItem{});  // so small that more than 100 fit in 4 KiB
  r.review_count = r.review.size();
  const std::string message = agent::to_termination_message(r);
  ASSERT_EQ(json::parse(message)["review"].size(), 105u) << message.size();
  const auto status = consumer::parse_agent_result(message);
  ASSERT_TRUE(status.value) << status.error;
  EXPECT_EQ(status.value->review.size(), api::kMaxStatusReviewItems);
  EXPECT_EQ(status.value->reviewCount, 105);
}

}  // namespace
}  // namespace shepherd
