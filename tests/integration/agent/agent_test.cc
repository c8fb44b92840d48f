// shepherd-agent end to end on real git: the binary runs as a subprocess with SHEPHERD_TASK and a
// termination log, like the kubelet runs it, against bare remotes on disk, git daemon (git://),
// smart HTTP with a token (askpass path), a fake GitHub/GitLab API on 127.0.0.1 (their contracts)
// and a real Gitea (hack/forge, the `forge` test fixture).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using shepherd::testing::BackgroundProcess;
using shepherd::testing::ProcessOptions;
using shepherd::testing::ProcessResult;
using shepherd::testing::run_process;

const std::string kToken = "tok-9f8e7d6c5b4a-SECRET";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string git(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(),
              {"git", "-C", dir.string(), "-c", "user.name=Test", "-c", "user.email=test@example.com"});
  ProcessResult r = run_process(args);
  EXPECT_EQ(r.exit_code, 0) << args[6] << ": " << r.err;
  return trim(r.out);
}

// All refs of a bare repository: "sha ref" lines.
std::string refs(const fs::path& bare) {
  return git(bare, {"for-each-ref", "--format=%(objectname) %(refname)"});
}

// Waits for a server to write its port to a file.
int wait_port(const fs::path& file) {
  for (int i = 0; i < 200; ++i) {
    if (fs::exists(file)) return std::stoi(slurp(file));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "server did not start: " << file;
  return 0;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

struct AgentRun {
  ProcessResult process;
  json result;  // the termination log
  std::string termination_log;
  std::string diff;    // SHEPHERD_DIFF_DIR/<configMap>.diff
  std::string review;  // SHEPHERD_DIFF_DIR/<configMap>.review: every place, one per line
};

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shepherd-agent-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    creds_ = dir_ / "creds";
    fs::create_directories(creds_);
    make_consumer_repo();
  }
  void TearDown() override {
    servers_.clear();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A realistic consumer: a dbt project and a PySpark job reading listening_events v3, with a
  // verification script that checks the migration and leaves build output behind.
  void make_consumer_repo() {
    const fs::path src = dir_ / "src";
    fs::create_directories(src);
    run_process({"git", "init", "-q", "-b", "main", src.string()});
    spit(src / "dbt/dbt_project.yml", "name: recs\nversion: '1.0'\nprofile: recs\nmodel-paths: [models]\n");
    spit(src / "dbt/models/daily_listens.sql",
         "{{ config(materialized='table') }}\n"
         "select user_id, date(ts) as day, count(*) as plays\n"
         "from prod.events.listening_v3\n"
         "where user_id is not null\n"
         "group by user_id, date(ts)\n");
    spit(src / "dbt/models/schema.yml",
         "version: 2\nmodels:\n  - name: daily_listens\n    columns:\n      - name: user_id\n      - name: "
         "plays\n");
    spit(src / "dbt/check.py",
         "import pathlib, sys\n"
         "pathlib.Path('target').mkdir(exist_ok=True)\n"
         "pathlib.Path('target/manifest.json').write_text('{}')\n"
         "sql = pathlib.Path('models/daily_listens.sql').read_text()\n"
         "ok = 'listening_v4' in sql and 'account_id' in sql\n"
         "print('dbt check', 'passed' if ok else 'FAILED')\n"
         "sys.exit(0 if ok else 1)\n");
    spit(src / "jobs/daily.py",
         "from pyspark.sql import SparkSession, functions as F\n\n"
         "spark = SparkSession.builder.appName('daily').getOrCreate()\n"
         "events = spark.table('prod.events.listening_v3')\n"
         "daily = events.select('user_id', 'ts', 'legacy_flag').filter(F.col('legacy_flag') == 0)\n"
         "daily.groupBy('user_id').count().write.mode('overwrite').saveAsTable('prod.recs.daily')\n");
    spit(src / "README.md", "Recommendation pipelines. Not about user_id_hash.\n");
    git(src, {"add", "-A"});
    git(src, {"commit", "-q", "-m", "initial"});
    remote_ = dir_ / "remotes" / "pipeline.git";
    fs::create_directories(remote_.parent_path());
    run_process({"git", "clone", "-q", "--bare", src.string(), remote_.string()});
  }

  json task(const std::string& mode, const std::string& path = "dbt/") {
    json t = {{"apiVersion", "shepherd.dev/agent-task/v1"},
              {"action", "migrate"},
              {"plan", "listening-events-v4"},
              {"namespace", "data-platform"},
              {"attempt", 1},
              {"consumer",
               {{"name", "recs-pipeline"},
                {"owner", "team-recs"},
                {"repository", {{"url", remote_.string()}, {"revision", "main"}, {"path", path}}},
                {"verify", {{"command", {"python3", "check.py"}}, {"timeoutSeconds", 60}}}}},
              {"dataset",
               {{"name", "listening_events"},
                {"from", {{"version", "3"}, {"location", "prod.events.listening_v3"}}},
                {"to", {{"version", "4"}, {"location", "prod.events.listening_v4"}}}}},
              {"changes",
               {{{"rename", {{"field", "user_id"}, {"to", "account_id"}}}},
                {{"drop", {{"field", "legacy_flag"}}}}}},
              {"agent",
               {{"mode", mode},
                {"branch", "shepherd/listening-events-v4"},
                {"author", {{"name", "Shepherd Bot"}, {"email", "bot@shepherd.dev"}}}}},
              {"diff", {{"configMap", "recs-pipeline-diff"}}}};
    if (path != "dbt/") t["consumer"]["verify"] = json::object();
    return t;
  }

  json rollback_task(const json& migrate_task, const json& migrate_result) {
    json t = migrate_task;
    t["action"] = "rollback";
    t.erase("changes");
    t.erase("diff");
    t["rollback"] = {{"commit", migrate_result["commit"]},
                     {"branch", migrate_result["branch"]},
                     {"pullRequest", migrate_result["pullRequest"]}};
    return t;
  }

  AgentRun run_agent(const json& t) {
    AgentRun run;
    const fs::path term = dir_ / "termination-log";
    fs::remove(term);
    ProcessOptions o;
    o.env = {{"SHEPHERD_TASK", t.dump()},
             {"SHEPHERD_TERMINATION_LOG", term.string()},
             {"SHEPHERD_WORKDIR", (dir_ / "workspace").string()},
             {"SHEPHERD_DIFF_DIR", (dir_ / "diffs").string()},
             {"SHEPHERD_GIT_CREDENTIALS_DIR", creds_.string()},
             {"KUBERNETES_SERVICE_HOST", ""}};
    o.timeout = std::chrono::minutes(3);
    run.process = run_process({SHEPHERD_AGENT_BIN}, o);
    run.termination_log = slurp(term);
    EXPECT_LE(run.termination_log.size(), 4096u);
    run.result = json::parse(run.termination_log, nullptr, false);
    EXPECT_FALSE(run.result.is_discarded()) << run.termination_log << "\nstderr:\n" << run.process.err;
    if (fs::exists(dir_ / "diffs/recs-pipeline-diff.diff"))
      run.diff = slurp(dir_ / "diffs/recs-pipeline-diff.diff");
    if (fs::exists(dir_ / "diffs/recs-pipeline-diff.review"))
      run.review = slurp(dir_ / "diffs/recs-pipeline-diff.review");
    // The workspace is cleaned up after every run.
    if (fs::exists(dir_ / "workspace")) {
      EXPECT_TRUE(fs::is_empty(dir_ / "workspace"));
    }
    return run;
  }

  std::string file_on_branch(const std::string& branch, const std::string& path) {
    return git(remote_, {"show", branch + ":" + path});
  }

  void start_forge() {
    servers_.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"python3", std::string(SHEPHERD_AGENT_TEST_DIR) + "/fake_forge.py",
                                 (dir_ / "forge.port").string(), (dir_ / "forge.log").string(), kToken},
        (dir_ / "forge.out").string()));
    forge_port_ = wait_port(dir_ / "forge.port");
  }

  std::vector<json> forge_requests() {
    std::vector<json> out;
    std::istringstream in(slurp(dir_ / "forge.log"));
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }

  fs::path dir_, creds_, remote_;
  int forge_port_ = 0;
  std::vector<std::unique_ptr<BackgroundProcess>> servers_;
};

TEST_F(AgentTest, DryRunProducesTheDiffAndPushesNothing) {
  const std::string before = refs(remote_);
  AgentRun run = run_agent(task("DryRun"));
  EXPECT_EQ(run.process.exit_code, 0) << run.process.err;
  EXPECT_EQ(run.result["outcome"], "Changed") << run.termination_log;
  EXPECT_EQ(run.result["commit"], "");
  EXPECT_EQ(run.result["branch"], "");
  EXPECT_GE(run.result["edits"].get<int>(), 4);
  // The model only: its output column keeps its name (aliased back), so schema.yml stays.
  EXPECT_EQ(run.result["filesChanged"], 1);
  EXPECT_EQ(run.result["verify"]["exitCode"], 0);
  EXPECT_NE(run.result["verify"]["outputTail"].get<std::string>().find("dbt check passed"),
            std::string::npos);
  EXPECT_NE(run.diff.find("+from prod.events.listening_v4"), std::string::npos) << run.diff;
  EXPECT_NE(run.diff.find("-select user_id, date(ts)"), std::string::npos);
  EXPECT_NE(run.diff.find("+select account_id AS user_id, date(ts)"), std::string::npos) << run.diff;
  EXPECT_NE(run.diff.find("+where account_id is not null"), std::string::npos) << run.diff;
  EXPECT_EQ(run.diff.find("jobs/daily.py"), std::string::npos) << "path dbt/ only";
  EXPECT_EQ(run.diff.find("target/manifest.json"), std::string::npos)
      << "verify output is never part of the change";
  EXPECT_EQ(run.result["diff"]["bytes"], run.diff.size());
  // stdout has the full diff and the full result.
  EXPECT_NE(run.process.out.find(run.diff), std::string::npos);
  EXPECT_NE(run.process.out.find("--- shepherd-agent result ---"), std::string::npos);
  EXPECT_EQ(refs(remote_), before);
}

TEST_F(AgentTest, PushPublishesOnceAndRerunReusesTheCommit) {
  const std::string main_before = git(remote_, {"rev-parse", "main"});
  json t = task("Push");
  AgentRun first = run_agent(t);
  ASSERT_EQ(first.process.exit_code, 0) << first.process.err;
  EXPECT_EQ(first.result["outcome"], "Changed") << first.termination_log;
  const std::string commit = first.result["commit"];
  EXPECT_EQ(commit, git(remote_, {"rev-parse", "refs/heads/shepherd/listening-events-v4"}));
  EXPECT_EQ(git(remote_, {"rev-parse", "main"}), main_before) << "the base branch is never touched";
  EXPECT_EQ(git(remote_, {"rev-parse", commit + "^"}), main_before);
  EXPECT_EQ(git(remote_, {"log", "-1", "--format=%an <%ae>", commit}), "Shepherd Bot <bot@shepherd.dev>");
  EXPECT_NE(git(remote_, {"log", "-1", "--format=%B", commit}).find("Shepherd-Consumer: recs-pipeline"),
            std::string::npos);
  const std::string sql = file_on_branch("shepherd/listening-events-v4", "dbt/models/daily_listens.sql");
  EXPECT_NE(sql.find("from prod.events.listening_v4"), std::string::npos) << sql;
  EXPECT_NE(sql.find("select account_id AS user_id,"), std::string::npos) << sql;
  EXPECT_NE(sql.find("group by account_id, date(ts)"), std::string::npos) << sql;
  EXPECT_EQ(git(remote_, {"ls-tree", "-r", "--name-only", commit, "dbt/target"}), "");
  const std::string after_first = refs(remote_);

  json again = t;
  again["attempt"] = 2;
  AgentRun second = run_agent(again);
  ASSERT_EQ(second.process.exit_code, 0) << second.process.err;
  EXPECT_EQ(second.result["outcome"], "Changed");
  EXPECT_EQ(second.result["commit"], commit) << "the same change is published once";
  EXPECT_EQ(refs(remote_), after_first);
  EXPECT_NE(second.process.err.find("not pushing again"), std::string::npos);
}

TEST_F(AgentTest, ForeignBranchIsNeverOverwritten) {
  git(remote_, {"branch", "shepherd/listening-events-v4", "main"});
  const std::string before = refs(remote_);
  AgentRun run = run_agent(task("Push"));
  EXPECT_NE(run.process.exit_code, 0);
  EXPECT_EQ(run.result["outcome"], "Failed");
  EXPECT_NE(run.result["message"].get<std::string>().find("was not made by Shepherd"), std::string::npos)
      << run.termination_log;
  EXPECT_EQ(refs(remote_), before);
}

TEST_F(AgentTest, MigrateThenRollbackLeavesTheRemoteAsBefore) {
  const std::string before = refs(remote_);
  json t = task("Push");
  AgentRun migrated = run_agent(t);
  ASSERT_EQ(migrated.result["outcome"], "Changed") << migrated.termination_log;
  ASSERT_NE(refs(remote_), before);

  AgentRun rolled = run_agent(rollback_task(t, migrated.result));
  EXPECT_EQ(rolled.process.exit_code, 0) << rolled.process.err;
  EXPECT_EQ(rolled.result["outcome"], "Changed") << rolled.termination_log;
  EXPECT_EQ(refs(remote_), before);

  AgentRun again = run_agent(rollback_task(t, migrated.result));
  EXPECT_EQ(again.process.exit_code, 0);
  EXPECT_EQ(again.result["outcome"], "NoChanges") << again.termination_log;
  EXPECT_EQ(refs(remote_), before);
}

TEST_F(AgentTest, RollbackRevertsWhenOthersCommittedOnTop) {
  json t = task("Push");
  AgentRun migrated = run_agent(t);
  ASSERT_EQ(migrated.result["outcome"], "Changed") << migrated.termination_log;
  // A person adds a commit on the branch.
  const fs::path wc = dir_ / "wc";
  run_process({"git", "clone", "-q", "-b", "shepherd/listening-events-v4", remote_.string(), wc.string()});
  spit(wc / "NOTES.md", "reviewed\n");
  git(wc, {"add", "NOTES.md"});
  git(wc, {"commit", "-q", "-m", "review notes"});
  git(wc, {"push", "-q", "origin", "HEAD:shepherd/listening-events-v4"});

  AgentRun rolled = run_agent(rollback_task(t, migrated.result));
  EXPECT_EQ(rolled.result["outcome"], "Changed") << rolled.termination_log;
  const std::string tip = git(remote_, {"rev-parse", "shepherd/listening-events-v4"});
  EXPECT_EQ(rolled.result["commit"], tip);
  EXPECT_EQ(file_on_branch("shepherd/listening-events-v4", "dbt/models/daily_listens.sql"),
            git(remote_, {"show", "main:dbt/models/daily_listens.sql"}));
  EXPECT_EQ(file_on_branch("shepherd/listening-events-v4", "NOTES.md"), "reviewed");
}

TEST_F(AgentTest, FailingVerificationIsNeverPublished) {
  json t = task("Push");
  t["consumer"]["verify"]["command"] = {"python3", "-c",
                                        "import sys; print('boom: 3 tests failed'); sys.exit(3)"};
  const std::string before = refs(remote_);
  AgentRun run = run_agent(t);
  EXPECT_NE(run.process.exit_code, 0);
  EXPECT_EQ(run.result["outcome"], "Failed") << run.termination_log;
  EXPECT_EQ(run.result["verify"]["exitCode"], 3);
  EXPECT_NE(run.result["verify"]["outputTail"].get<std::string>().find("boom: 3 tests failed"),
            std::string::npos);
  EXPECT_FALSE(run.diff.empty()) << "the diff is stored even when nothing is published";
  EXPECT_EQ(refs(remote_), before);
}

TEST_F(AgentTest, VerificationTimeoutKillsTheProcessGroup) {
  json t = task("Push");
  t["consumer"]["verify"] = {{"command", {"sh", "-c", "sleep 300 & sleep 300"}}, {"timeoutSeconds", 1}};
  auto started = std::chrono::steady_clock::now();
  AgentRun run = run_agent(t);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
  EXPECT_EQ(run.result["outcome"], "Failed") << run.termination_log;
  EXPECT_EQ(run.result["verify"]["timedOut"], true);
  EXPECT_EQ(run_process({"pgrep", "-f", "sleep 300 & sleep 300"}).exit_code, 1) << "children were killed";
}

TEST_F(AgentTest, DroppedFieldNeedsReviewAndTheCodingAgentCanResolveIt) {
  json t = task("Push", "jobs/");
  AgentRun review = run_agent(t);
  EXPECT_EQ(review.result["outcome"], "NeedsReview") << review.termination_log;
  ASSERT_GE(review.result["reviewCount"].get<int>(), 1);
  EXPECT_EQ(review.result["review"][0]["file"], "jobs/daily.py");
  EXPECT_NE(review.result["review"][0]["message"].get<std::string>().find("legacy_flag"), std::string::npos);
  // The full list is stored beside the diff, one place per line.
  EXPECT_EQ(std::count(review.review.begin(), review.review.end(), '\n'),
            review.result["reviewCount"].get<int>())
      << review.review;
  EXPECT_TRUE(review.review.starts_with("jobs/daily.py:")) << review.review;

  // A coding agent that reads the prompt and removes the dropped column.
  spit(dir_ / "coder.py",
       "import os, pathlib, re\n"
       "prompt = pathlib.Path(os.environ['SHEPHERD_PROMPT_FILE']).read_text()\n"
       "assert '| drop | legacy_flag |' in prompt, prompt\n"
       "p = pathlib.Path('jobs/daily.py')\n"
       "s = p.read_text().replace(\", 'legacy_flag').filter(F.col('legacy_flag') == 0)\", ')')\n"
       "p.write_text(s)\n");
  json fixed = task("DryRun", "jobs/");
  fixed["agent"]["codingAgent"] = {{"command", {"python3", (dir_ / "coder.py").string()}},
                                   {"maxIterations", 2}};
  AgentRun run = run_agent(fixed);
  EXPECT_EQ(run.result["outcome"], "Changed") << run.termination_log << run.process.err;
  EXPECT_EQ(run.result["reviewCount"], 0);
  EXPECT_EQ(run.diff.find("+daily = events.select('account_id', 'ts', 'legacy_flag')"), std::string::npos)
      << run.diff;
  EXPECT_NE(run.diff.find("+daily = events.select('account_id', 'ts')"), std::string::npos) << run.diff;
}

TEST_F(AgentTest, CodingAgentThatEscapesTheRepositoryFails) {
  spit(dir_ / "evil.py", "import os\nos.symlink('/etc/passwd', 'jobs/passwd')\n");
  json t = task("Push", "jobs/");
  t["agent"]["codingAgent"] = {{"command", {"python3", (dir_ / "evil.py").string()}}, {"maxIterations", 1}};
  const std::string before = refs(remote_);
  AgentRun run = run_agent(t);
  EXPECT_EQ(run.result["outcome"], "Failed") << run.termination_log;
  EXPECT_NE(
      run.result["message"].get<std::string>().find("symlink jobs/passwd -> /etc/passwd points outside"),
      std::string::npos)
      << run.termination_log;
  EXPECT_EQ(refs(remote_), before);

  spit(dir_ / "hook.py", "open('.git/hooks/post-checkout', 'w').write('#!/bin/sh\\n')\n");
  t["agent"]["codingAgent"]["command"] = {"python3", (dir_ / "hook.py").string()};
  run = run_agent(t);
  EXPECT_EQ(run.result["outcome"], "Failed");
  EXPECT_NE(run.result["message"].get<std::string>().find(".git/hooks/post-checkout was created"),
            std::string::npos)
      << run.termination_log;
}

TEST_F(AgentTest, MalformedTaskFailsNamingTheField) {
  json t = task("Push");
  t["consumer"]["repository"].erase("url");
  AgentRun run = run_agent(t);
  EXPECT_EQ(run.process.exit_code, 1);
  EXPECT_EQ(run.result["outcome"], "Failed");
  EXPECT_EQ(run.result["message"], "task.consumer.repository.url: required");
}

TEST_F(AgentTest, PushesOverGitDaemon) {
  const int port = free_port();
  servers_.push_back(std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
                               "--base-path=" + (dir_ / "remotes").string(), "--listen=127.0.0.1",
                               "--port=" + std::to_string(port), (dir_ / "remotes").string()},
      (dir_ / "daemon.log").string()));
  const std::string url = "git://127.0.0.1:" + std::to_string(port) + "/pipeline.git";
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    up = run_process({"git", "ls-remote", url}).exit_code == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << slurp(dir_ / "daemon.log");
  json t = task("Push");
  t["consumer"]["repository"]["url"] = url;
  AgentRun run = run_agent(t);
  EXPECT_EQ(run.result["outcome"], "Changed") << run.termination_log << run.process.err;
  EXPECT_EQ(run.result["commit"], git(remote_, {"rev-parse", "refs/heads/shepherd/listening-events-v4"}));
}

TEST_F(AgentTest, SmartHttpWithTokenNeverLeaksIt) {
  servers_.push_back(std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"python3", std::string(SHEPHERD_AGENT_TEST_DIR) + "/git_http_server.py",
                               (dir_ / "http.port").string(), (dir_ / "remotes").string(), kToken,
                               (dir_ / "http.log").string()},
      (dir_ / "http.out").string()));
  const int port = wait_port(dir_ / "http.port");
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/pipeline.git";

  json t = task("Push");
  t["consumer"]["repository"]["url"] = url;
  AgentRun denied = run_agent(t);  // no token mounted yet
  EXPECT_EQ(denied.result["outcome"], "Failed") << denied.termination_log;

  spit(creds_ / "token", kToken + "\n");
  AgentRun run = run_agent(t);
  EXPECT_EQ(run.result["outcome"], "Changed") << run.termination_log << run.process.err;
  EXPECT_EQ(run.result["commit"], git(remote_, {"rev-parse", "refs/heads/shepherd/listening-events-v4"}));
  EXPECT_NE(slurp(dir_ / "http.log").find("POST /pipeline.git/git-receive-pack auth=ok"), std::string::npos);

  // A URL with userinfo and a wrong token: the failure message is redacted.
  spit(creds_ / "token", "wrong-" + kToken + "\n");
  json bad = t;
  bad["consumer"]["repository"]["url"] =
      "http://someone:" + kToken + "@127.0.0.1:" + std::to_string(port) + "/nope.git";
  AgentRun leaked = run_agent(bad);
  EXPECT_EQ(leaked.result["outcome"], "Failed");
  for (const AgentRun* r : {&denied, &run, &leaked}) {
    EXPECT_EQ(r->termination_log.find(kToken), std::string::npos) << r->termination_log;
    EXPECT_EQ(r->process.out.find(kToken), std::string::npos);
    EXPECT_EQ(r->process.err.find(kToken), std::string::npos) << r->process.err;
  }
}

TEST_F(AgentTest, PullRequestOnGitHubOpensFindsAndCloses) {
  start_forge();
  spit(creds_ / "token", kToken + "\n");
  const std::string before = refs(remote_);
  json t = task("PullRequest");
  t["agent"]["pullRequest"] = {{"provider", "GitHub"},
                               {"apiUrl", "http://127.0.0.1:" + std::to_string(forge_port_)},
                               {"repository", "acme/pipeline"}};
  AgentRun first = run_agent(t);
  ASSERT_EQ(first.result["outcome"], "Changed") << first.termination_log << first.process.err;
  EXPECT_EQ(first.result["pullRequest"], "https://github.example/acme/pipeline/pull/1");
  AgentRun second = run_agent(t);
  EXPECT_EQ(second.result["pullRequest"], "https://github.example/acme/pipeline/pull/1")
      << second.termination_log;
  EXPECT_EQ(second.result["commit"], first.result["commit"]);

  AgentRun rolled = run_agent(rollback_task(t, first.result));
  EXPECT_EQ(rolled.result["outcome"], "Changed") << rolled.termination_log;
  EXPECT_EQ(refs(remote_), before);

  int posts = 0, closes = 0;
  for (const auto& r : forge_requests()) {
    EXPECT_EQ(r["authorization"], "Bearer " + kToken);
    if (r["method"] == "GET") {
      EXPECT_EQ(r["path"],
                "/repos/acme/pipeline/pulls?state=open&head=acme%3Ashepherd%2Flistening-events-v4");
    }
    if (r["method"] == "POST") {
      ++posts;
      EXPECT_EQ(r["path"], "/repos/acme/pipeline/pulls");
      EXPECT_EQ(r["body"]["head"], "shepherd/listening-events-v4");
      EXPECT_EQ(r["body"]["base"], "main");
      EXPECT_NE(r["body"]["body"].get<std::string>().find("get configmap recs-pipeline-diff"),
                std::string::npos);
    }
    if (r["method"] == "PATCH") {
      ++closes;
      EXPECT_EQ(r["path"], "/repos/acme/pipeline/pulls/1");
      EXPECT_EQ(r["body"], json({{"state", "closed"}}));
    }
  }
  EXPECT_EQ(posts, 1);
  EXPECT_EQ(closes, 1);
}

TEST_F(AgentTest, MergeRequestOnGitLabOpensFindsAndCloses) {
  start_forge();
  spit(creds_ / "token", kToken + "\n");
  const std::string before = refs(remote_);
  json t = task("PullRequest");
  t["agent"]["pullRequest"] = {{"provider", "GitLab"},
                               {"apiUrl", "http://127.0.0.1:" + std::to_string(forge_port_) + "/api/v4"},
                               {"repository", "data/recs-pipeline"}};
  AgentRun first = run_agent(t);
  ASSERT_EQ(first.result["outcome"], "Changed") << first.termination_log << first.process.err;
  EXPECT_EQ(first.result["pullRequest"], "https://gitlab.example/data/recs-pipeline/-/merge_requests/1");
  AgentRun second = run_agent(t);
  EXPECT_EQ(second.result["pullRequest"], first.result["pullRequest"]) << second.termination_log;

  AgentRun rolled = run_agent(rollback_task(t, first.result));
  EXPECT_EQ(rolled.result["outcome"], "Changed") << rolled.termination_log;
  EXPECT_EQ(refs(remote_), before);

  int posts = 0, closes = 0;
  for (const auto& r : forge_requests()) {
    EXPECT_EQ(r["authorization"], "Bearer " + kToken);
    if (r["method"] == "GET") {
      EXPECT_EQ(r["path"],
                "/api/v4/projects/data%2Frecs-pipeline/"
                "merge_requests?state=opened&source_branch=shepherd%2Flistening-events-v4");
    }
    if (r["method"] == "POST") {
      ++posts;
      EXPECT_EQ(r["body"]["source_branch"], "shepherd/listening-events-v4");
      EXPECT_EQ(r["body"]["target_branch"], "main");
    }
    if (r["method"] == "PUT") {
      ++closes;
      EXPECT_EQ(r["path"], "/api/v4/projects/data%2Frecs-pipeline/merge_requests/1");
      EXPECT_EQ(r["body"], json({{"state_event", "close"}}));
    }
  }
  EXPECT_EQ(posts, 1);
  EXPECT_EQ(closes, 1);
}

// The forge that the `forge` fixture started (hack/forge up): its exports, from $SHEPHERD_FORGE_DIR/env.
std::map<std::string, std::string> forge_env() {
  std::map<std::string, std::string> env;
  const char* dir = std::getenv("SHEPHERD_FORGE_DIR");
  if (dir == nullptr) return env;
  std::istringstream in(slurp(fs::path(dir) / "env"));
  for (std::string line; std::getline(in, line);) {
    if (auto eq = line.find('='); eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

// One call of Gitea's API with the admin's token; the answer's JSON (null when it is not JSON).
json forge_api(const std::map<std::string, std::string>& forge, const std::string& method,
               const std::string& path, const json& body = nullptr) {
  std::vector<std::string> argv = {"curl",
                                   "-sS",
                                   "-X",
                                   method,
                                   "-H",
                                   "Authorization: token " + forge.at("SHEPHERD_FORGE_TOKEN"),
                                   "-H",
                                   "Content-Type: application/json",
                                   forge.at("SHEPHERD_FORGE_API") + path};
  if (!body.is_null()) argv.insert(argv.end(), {"--data-binary", body.dump()});
  ProcessResult r = run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << method << " " << path << ": " << r.err;
  return json::parse(r.out, nullptr, false);
}

// On a real Gitea: the agent pushes over HTTP with the token, opens one pull request (a second run
// adopts it), and the rollback closes it and deletes the branch.
TEST_F(AgentTest, PullRequestOnGiteaOpensFindsAndCloses) {
  const auto forge = forge_env();
  ASSERT_TRUE(forge.count("SHEPHERD_FORGE_API"))
      << "no forge: run under ctest (fixture `forge`) or hack/forge up";
  const std::string repo = "pipeline-" + dir_.filename().string().substr(dir_.filename().string().size() - 6);
  const json created = forge_api(forge, "POST", "/user/repos", {{"name", repo}, {"default_branch", "main"}});
  ASSERT_EQ(created.value("name", ""), repo) << created.dump();
  const std::string owner = forge.at("SHEPHERD_FORGE_USER");
  const std::string http_url = forge.at("SHEPHERD_FORGE_URL") + "/" + owner + "/" + repo + ".git";
  // Seed it with the consumer (basic auth in the URL is fine for the test's own push).
  const std::string auth_url = "http://" + owner + ":" + forge.at("SHEPHERD_FORGE_PASSWORD") + "@" +
                               http_url.substr(std::string("http://").size());
  git(remote_, {"push", "-q", auth_url, "main"});
  // Gitea takes a push in through a queue: until it has, the repository reads as empty and its pull
  // request routes answer 404. A consumer's repository is never new, so wait for that first.
  const std::string main_sha = git(remote_, {"rev-parse", "main"});
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    const json r = forge_api(forge, "GET", "/repos/" + owner + "/" + repo);
    const json b = forge_api(forge, "GET", "/repos/" + owner + "/" + repo + "/branches/main");
    ready =
        r.value("empty", true) == false && b.contains("commit") && b["commit"].value("id", "") == main_sha;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(ready) << "Gitea did not take in the seed push within 30 s";

  spit(creds_ / "token", forge.at("SHEPHERD_FORGE_TOKEN") + "\n");
  json t = task("PullRequest");
  t["consumer"]["repository"]["url"] = http_url;
  t["agent"]["pullRequest"] = {{"provider", "Gitea"}, {"apiUrl", forge.at("SHEPHERD_FORGE_API")}};
  AgentRun first = run_agent(t);
  ASSERT_EQ(first.result["outcome"], "Changed") << first.termination_log << first.process.err;
  const std::string pr_url = forge.at("SHEPHERD_FORGE_URL") + "/" + owner + "/" + repo + "/pulls/1";
  EXPECT_EQ(first.result["pullRequest"], pr_url);

  const json pr = forge_api(forge, "GET", "/repos/" + owner + "/" + repo + "/pulls/1");
  EXPECT_EQ(pr.value("state", ""), "open") << pr.dump();
  EXPECT_EQ(pr["head"].value("ref", ""), "shepherd/listening-events-v4");
  EXPECT_EQ(pr["head"].value("sha", ""), first.result["commit"]);
  EXPECT_EQ(pr["base"].value("ref", ""), "main");
  EXPECT_NE(pr.value("body", "").find("get configmap recs-pipeline-diff"), std::string::npos)
      << pr.value("body", "");

  AgentRun second = run_agent(t);
  EXPECT_EQ(second.result["pullRequest"], pr_url) << second.termination_log;
  EXPECT_EQ(second.result["commit"], first.result["commit"]);
  const json open = forge_api(forge, "GET", "/repos/" + owner + "/" + repo + "/pulls?state=all");
  ASSERT_TRUE(open.is_array()) << open.dump();
  EXPECT_EQ(open.size(), 1u) << "a second run must adopt the pull request, not open another";

  AgentRun rolled = run_agent(rollback_task(t, first.result));
  EXPECT_EQ(rolled.result["outcome"], "Changed") << rolled.termination_log << rolled.process.err;
  EXPECT_EQ(forge_api(forge, "GET", "/repos/" + owner + "/" + repo + "/pulls/1").value("state", ""),
            "closed");
  const json branch =
      forge_api(forge, "GET", "/repos/" + owner + "/" + repo + "/branches/shepherd%2Flistening-events-v4");
  EXPECT_FALSE(branch.contains("commit")) << "the branch is deleted by the rollback: " << branch.dump();
  for (const AgentRun* r : {&first, &second, &rolled}) {
    EXPECT_EQ(r->termination_log.find(forge.at("SHEPHERD_FORGE_TOKEN")), std::string::npos);
    EXPECT_EQ(r->process.err.find(forge.at("SHEPHERD_FORGE_TOKEN")), std::string::npos);
  }
}

}  // namespace
