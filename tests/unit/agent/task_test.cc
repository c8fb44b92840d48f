// parse_task: a valid task parses completely; every malformed one fails with the field's path.
#include "agent/task.h"

#include <gtest/gtest.h>

namespace shepherd::agent {
namespace {

using nlohmann::json;

json valid() {
  return json::parse(R"J({
    "apiVersion": "shepherd.dev/agent-task/v1", "action": "migrate", "plan": "listening-events-v4",
    "namespace": "data-platform", "attempt": 2,
    "consumer": {"name": "recs-pipeline", "owner": "team-recs",
                 "repository": {"url": "https://git.example.com/recs/pipeline.git", "revision": "main", "path": "jobs/"},
                 "verify": {"command": ["make", "test"], "timeoutSeconds": 60}},
    "dataset": {"name": "listening_events", "from": {"version": "3", "location": "prod.events.listening_v3"},
                "to": {"version": "4", "location": "prod.events.listening_v4"}},
    "changes": [{"rename": {"field": "user_id", "to": "account_id"}},
                {"retype": {"field": "ts", "from": "INT64", "to": "TIMESTAMP", "expression": "UNIX_MILLIS({field})"}},
                {"drop": {"field": "legacy_flag"}}, {"add": {"field": "country", "type": "STRING"}}],
    "agent": {"mode": "PullRequest", "branch": "shepherd/listening-events-v4",
              "codingAgent": {"command": ["claude", "-p"], "maxIterations": 2},
              "author": {"name": "Bot", "email": "bot@example.com"},
              "pullRequest": {"provider": "GitLab", "apiUrl": "https://gitlab.example.com/api/v4"}},
    "diff": {"configMap": "recs-pipeline-diff"}
  })J");
}

std::string error_of(const json& j) {
  ParseResult r = parse_task(j);
  EXPECT_FALSE(r.value.has_value()) << j.dump();
  return r.error;
}

TEST(ParseTask, ValidTaskParsesEveryField) {
  ParseResult r = parse_task(valid());
  ASSERT_TRUE(r.value) << r.error;
  const Task& t = *r.value;
  EXPECT_EQ(t.action, Action::Migrate);
  EXPECT_EQ(t.namespace_, "data-platform");
  EXPECT_EQ(t.attempt, 2);
  EXPECT_EQ(t.consumer.repository.path, "jobs/");
  EXPECT_EQ(t.consumer.verify.command, (std::vector<std::string>{"make", "test"}));
  EXPECT_EQ(t.consumer.verify.timeout_seconds, 60);
  ASSERT_EQ(t.changes.size(), 4u);
  EXPECT_EQ(std::get<Rename>(t.changes[0]).to, "account_id");
  EXPECT_EQ(std::get<Retype>(t.changes[1]).expression, "UNIX_MILLIS({field})");
  EXPECT_EQ(std::get<Drop>(t.changes[2]).field, "legacy_flag");
  EXPECT_EQ(std::get<Add>(t.changes[3]).type, "STRING");
  EXPECT_EQ(t.agent.mode, Mode::PullRequest);
  EXPECT_EQ(t.agent.coding_agent.max_iterations, 2);
  EXPECT_EQ(t.agent.author.email, "bot@example.com");
  ASSERT_TRUE(t.agent.pull_request);
  EXPECT_EQ(t.agent.pull_request->provider, Provider::GitLab);
  EXPECT_EQ(t.diff.config_map, "recs-pipeline-diff");
}

TEST(ParseTask, MalformedTasksNameTheField) {
  struct Case {
    std::string pointer;  // JSON pointer to change
    json value;           // null = remove
    std::string error;
  };
  const std::vector<Case> cases = {
      {"/consumer/repository/url", nullptr, "task.consumer.repository.url: required"},
      {"/consumer/repository/url", "", "task.consumer.repository.url: required (empty)"},
      {"/consumer/repository/url", 42, "task.consumer.repository.url: must be a string"},
      {"/consumer/repository/url", "--upload-pack=evil",
       "task.consumer.repository.url: must not start with '-'"},
      {"/consumer/repository/revision", nullptr, "task.consumer.repository.revision: required"},
      {"/consumer/repository/path", "../etc",
       "task.consumer.repository.path: must be a relative path inside the repository"},
      {"/consumer/name", nullptr, "task.consumer.name: required"},
      {"/consumer", nullptr, "task.consumer: required"},
      {"/consumer/verify/command", "make test",
       "task.consumer.verify.command: must be an array of strings (argv, not a shell string)"},
      {"/consumer/verify/timeoutSeconds", 0,
       "task.consumer.verify.timeoutSeconds: must be between 1 and 86400"},
      {"/apiVersion", "v1", "task.apiVersion: must be shepherd.dev/agent-task/v1 (got 'v1')"},
      {"/action", "explode", "task.action: must be migrate or rollback (got 'explode')"},
      {"/namespace", nullptr, "task.namespace: required"},
      {"/dataset/to/version", nullptr, "task.dataset.to.version: required"},
      {"/changes", json::array(), "task.changes: required (1..200 changes)"},
      {"/changes/0", json::parse(R"({"rename":{"field":"a","to":"b"},"drop":{"field":"c"}})"),
       "task.changes[0]: must be an object with exactly one of rename, retype, drop, add"},
      {"/changes/1/retype/to", nullptr, "task.changes[1].retype.to: required"},
      {"/changes/2", json::parse(R"({"explode":{"field":"x"}})"),
       "task.changes[2]: unknown change 'explode' (want rename, retype, drop or add)"},
      {"/agent/mode", "Yolo", "task.agent.mode: must be one of DryRun, Push, PullRequest (got 'Yolo')"},
      {"/agent/branch", nullptr, "task.agent.branch: required"},
      {"/agent/branch", "-delete", "task.agent.branch: must not start with '-'"},
      {"/agent/branch", "a..b", "task.agent.branch: is not a valid git ref name"},
      {"/agent/pullRequest", nullptr, "task.agent.pullRequest: required when task.agent.mode is PullRequest"},
      {"/agent/pullRequest/provider", "Bitbucket",
       "task.agent.pullRequest.provider: must be GitHub, GitLab or Gitea (got 'Bitbucket')"},
      {"/agent/pullRequest/apiUrl", "ftp://x", "task.agent.pullRequest.apiUrl: must be an http(s) URL"},
      {"/agent/codingAgent/maxIterations", 99,
       "task.agent.codingAgent.maxIterations: must be between 0 and 20"},
      {"/agent/author/name", "a<b>", "task.agent.author: must not contain <, > or newlines"},
      {"/attempt", 0, "task.attempt: must be between 1 and 1000000"},
      {"/diff/configMap", "Not_A_Name", "task.diff.configMap: must be a DNS-1123 subdomain name"},
      {"/diff", nullptr, "task.diff: required"},
  };
  for (const auto& c : cases) {
    json j = valid();
    json::json_pointer ptr(c.pointer);
    if (c.value.is_null()) {
      j[ptr.parent_pointer()].erase(ptr.back());
    } else {
      j[ptr] = c.value;
    }
    EXPECT_EQ(error_of(j), c.error) << c.pointer;
  }
}

TEST(ParseTask, RollbackNeedsItsTargetButNoChanges) {
  json j = valid();
  j["action"] = "rollback";
  j.erase("changes");
  EXPECT_EQ(error_of(j), "task.rollback: required when task.action is rollback");
  j["rollback"] = {{"commit", "zz"}};
  EXPECT_EQ(error_of(j), "task.rollback.commit: must be a hex commit id");
  j["rollback"] = {{"commit", "abc123"}, {"pullRequest", "https://x/pull/1"}};
  j.erase("diff");
  ParseResult r = parse_task(j);
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->rollback->branch, "shepherd/listening-events-v4");  // defaults to agent.branch
}

TEST(ParseTask, NotJsonAndEmpty) {
  EXPECT_EQ(parse_task(std::string("")).error, "task: SHEPHERD_TASK is empty or unset");
  EXPECT_EQ(parse_task(std::string("{nope")).error, "task: not valid JSON");
  EXPECT_EQ(parse_task(std::string("[]")).error, "task: must be a JSON object");
}

TEST(ParseTask, DryRunNeedsNoBranch) {
  json j = valid();
  j["agent"] = {{"mode", "DryRun"}};
  ParseResult r = parse_task(j);
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(r.value->agent.mode, Mode::DryRun);
  EXPECT_EQ(r.value->agent.author.name, "Shepherd");
}

}  // namespace
}  // namespace shepherd::agent
