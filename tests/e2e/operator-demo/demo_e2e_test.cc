// The README's main command, end to end: runs `hack/demo --no-build --non-interactive` with its
// state (and its own control plane) in a temporary folder, checks what it leaves behind, and
// always stops it with `hack/demo --down`.
//
// What "worked" means here, beyond exit status 0: the plan is Succeeded; every consumer's
// ConsumerMigration is Succeeded with outcome Changed and nothing to review; each bare remote has
// the branch shepherd/listening-events-v4 one commit ahead of main with the rewrite (account_id
// where the dataset's user_id was, the v4 location, UNIX_MILLIS around ts) while the decoys (the
// CRM table's own user_id, user_id_hash, comments) are untouched; each diff ConfigMap holds that
// diff; and the Deployment recs-api reads the new table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using shepherd::testing::ProcessOptions;
using shepherd::testing::ProcessResult;
using shepherd::testing::run_process;

constexpr const char* kNamespace = "shepherd-demo";
constexpr const char* kPlan = "listening-events-v4";
constexpr const char* kBranch = "shepherd/listening-events-v4";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_dir_ = env_or("SHEPHERD_SOURCE_DIR", "");
    const std::string bin_dir = env_or("SHEPHERD_BIN_DIR", "");
    ASSERT_FALSE(source_dir_.empty()) << "SHEPHERD_SOURCE_DIR is not set (run through ctest)";
    ASSERT_FALSE(bin_dir.empty()) << "SHEPHERD_BIN_DIR is not set (run through ctest)";
    build_dir_ = fs::path(bin_dir).parent_path().string();
    for (const char* b : {"shepherd-operator", "shepherd-agent", "shepherd-node-runner"}) {
      ASSERT_TRUE(fs::exists(fs::path(bin_dir) / b)) << bin_dir << "/" << b << " is not built";
    }
    std::string tmpl = (fs::temp_directory_path() / "shepherd-demo-e2e-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
    demo_dir_ = (fs::path(tmp_) / "demo").string();
    // The demo runs its own control plane inside its folder, independent of the plane the ctest
    // fixture shares between the integration tests.
    env_ = {{"SHEPHERD_DEMO_DIR", demo_dir_},
            {"SHEPHERD_CP_DIR", demo_dir_ + "/control-plane"},
            {"SHEPHERD_BUILD_DIR", build_dir_},
            {"SHEPHERD_DEMO_TIMEOUT", "900"}};
    ProcessResult bin = run_process({source_dir_ + "/hack/control-plane", "bin-dir"});
    ASSERT_EQ(bin.exit_code, 0) << bin.err;
    kubectl_ = bin.out.substr(0, bin.out.find('\n')) + "/kubectl";
  }

  void TearDown() override {
    if (!down_done_) demo_down();
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }

  ProcessResult demo(const std::vector<std::string>& args, std::chrono::minutes timeout) {
    std::vector<std::string> argv = {source_dir_ + "/hack/demo"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions o;
    o.env = env_;
    o.cwd = source_dir_;
    o.timeout = timeout;
    return run_process(argv, o);
  }

  ProcessResult demo_down() {
    down_done_ = true;
    ProcessResult r = demo({"--down"}, std::chrono::minutes(3));
    EXPECT_EQ(r.exit_code, 0) << "hack/demo --down failed:\n" << r.out << r.err;
    return r;
  }

  std::string kubectl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kubectl_, "--kubeconfig", demo_dir_ + "/control-plane/kubeconfig"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << "kubectl failed: " << r.err;
    return r.out;
  }

  json kubectl_json(const std::vector<std::string>& args) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"-n", kNamespace, "-o", "json"});
    std::string out = kubectl(a);
    return out.empty() ? json() : json::parse(out, nullptr, false);
  }

  std::string remote(const std::string& consumer) const {
    return demo_dir_ + "/remotes/" + consumer + ".git";
  }

  std::string git(const std::string& consumer, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", remote(consumer)};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << "git " << args.front() << " in " << consumer << ": " << r.err;
    return r.out;
  }

  // A file as it is on the demo's branch and on main.
  std::string on_branch(const std::string& consumer, const std::string& path) {
    return git(consumer, {"show", std::string(kBranch) + ":" + path});
  }
  std::string on_main(const std::string& consumer, const std::string& path) {
    return git(consumer, {"show", "main:" + path});
  }

  std::string source_dir_, build_dir_, tmp_, demo_dir_, kubectl_;
  std::map<std::string, std::string> env_;
  bool down_done_ = false;
};

TEST_F(DemoTest, MigratesTheSampleConsumersAndStopsCleanly) {
  ProcessResult run = demo({"--no-build", "--non-interactive"}, std::chrono::minutes(20));
  ASSERT_EQ(run.exit_code, 0) << "hack/demo failed\n--- stdout\n" << run.out << "\n--- stderr\n" << run.err;
  EXPECT_TRUE(contains(run.out, "plan listening-events-v4 is Succeeded")) << run.out;
  EXPECT_TRUE(contains(run.out, "hack/demo --down")) << "the summary says how to stop:\n" << run.out;
  EXPECT_TRUE(contains(run.out, "-o jsonpath='{.data.diff}'")) << "the summary says where the diffs are:\n"
                                                               << run.out;

  // The plan.
  json plan = kubectl_json({"get", "migrationplan", kPlan});
  ASSERT_TRUE(plan.is_object()) << "no MigrationPlan " << kPlan;
  EXPECT_EQ(plan["status"].value("phase", ""), "Succeeded") << plan["status"].dump(2);
  EXPECT_EQ(plan["status"].value("observedGeneration", -1), plan["metadata"].value("generation", -2));
  EXPECT_EQ(plan["status"]["totals"].value("consumers", -1), 3) << plan["status"].dump(2);
  EXPECT_EQ(plan["status"]["totals"].value("succeeded", -1), 3) << plan["status"].dump(2);
  bool ready = false;
  for (const auto& c : plan["status"].value("conditions", json::array())) {
    if (c.value("type", "") == "Ready") ready = c.value("status", "") == "True";
  }
  EXPECT_TRUE(ready) << plan["status"].dump(2);

  // The ConsumerMigrations: one per consumer, each Succeeded with a published change.
  json cmigs = kubectl_json({"get", "consumermigrations", "-l", std::string("shepherd.dev/plan=") + kPlan});
  ASSERT_TRUE(cmigs.is_object());
  std::map<std::string, json> by_consumer;
  for (const auto& o : cmigs["items"]) {
    by_consumer[o["metadata"]["labels"].value("shepherd.dev/consumer", "")] = o;
  }
  ASSERT_EQ(by_consumer.size(), 3u) << cmigs.dump(2);
  for (const char* consumer : {"listening-dbt", "recs-features", "recs-api"}) {
    SCOPED_TRACE(consumer);
    ASSERT_TRUE(by_consumer.count(consumer)) << "no ConsumerMigration for " << consumer;
    const json& status = by_consumer[consumer]["status"];
    EXPECT_EQ(status.value("phase", ""), "Succeeded") << status.dump(2);
    const json result = status.value("result", json::object());
    EXPECT_EQ(result.value("outcome", ""), "Changed") << status.dump(2);
    EXPECT_GE(status.value("attempts", 0), 1);
    EXPECT_GT(result.value("filesChanged", 0), 0);
    EXPECT_GT(result.value("edits", 0), 0);
    EXPECT_TRUE(result.value("review", json::array()).empty()) << result.dump(2);
    EXPECT_EQ(result.value("branch", ""), kBranch);
    EXPECT_EQ(result["verify"].value("exitCode", -1), 0) << result.dump(2);

    // The branch on the bare remote: one commit on top of main, the one the status names.
    const std::string main_sha = git(consumer, {"rev-parse", "main"});
    const std::string branch_sha = git(consumer, {"rev-parse", std::string("refs/heads/") + kBranch});
    EXPECT_EQ(branch_sha.substr(0, 40), result.value("commit", ""))
        << "status.result.commit is the pushed commit";
    EXPECT_EQ(git(consumer, {"rev-parse", std::string(kBranch) + "^"}), main_sha);
    const std::string branch_diff = git(consumer, {"diff", "main", kBranch});
    EXPECT_TRUE(contains(branch_diff, "+")) << branch_diff;

    // The diff ConfigMap: kept as long as the ConsumerMigration, holding the same change.
    const std::string cm_name = result["diff"].value("configMap", "");
    ASSERT_FALSE(cm_name.empty()) << result.dump(2);
    json cm = kubectl_json({"get", "configmap", cm_name});
    ASSERT_TRUE(cm.is_object()) << "no ConfigMap " << cm_name;
    const std::string diff = cm["data"].value("diff", "");
    EXPECT_EQ(static_cast<std::int64_t>(diff.size()), result["diff"].value("bytes", std::int64_t{-1}));
    EXPECT_TRUE(contains(diff, "account_id")) << diff;
    EXPECT_TRUE(contains(diff, "listening_v4")) << diff;
  }

  // listening-dbt: the dataset's columns follow the rename and the retype where they are read from
  // it; each model's output keeps its column name (aliased back), so the model's readers stay. The
  // CRM's own user_id column, the longer identifier in the comment and the CRM source stay too.
  {
    const std::string stg = on_branch("listening-dbt", "models/staging/stg_listening_events.sql");
    EXPECT_TRUE(contains(stg, "{{ source('events', 'listening_v4') }}")) << stg;
    EXPECT_TRUE(contains(stg, "        account_id AS user_id,\n")) << stg;
    EXPECT_TRUE(contains(stg, "UNIX_MILLIS(ts) as played_at_ms")) << stg;
    EXPECT_TRUE(contains(stg, "where account_id is not null")) << stg;
    EXPECT_TRUE(contains(stg, "user_id_hash in the marketing export")) << stg;
    EXPECT_FALSE(contains(stg, "listening_v3")) << stg;
    const std::string daily = on_branch("listening-dbt", "models/marts/daily_listens.sql");
    EXPECT_TRUE(
        contains(daily, "select e.account_id AS user_id, e.track_id, UNIX_MILLIS(e.ts) as played_at_ms"))
        << daily;
    EXPECT_TRUE(contains(daily, "from prod.events.listening_v4 as e")) << daily;
    EXPECT_TRUE(contains(daily, "select u.user_id as crm_user_id, u.country")) << daily;
    EXPECT_TRUE(contains(daily, "a.crm_user_id = p.user_id")) << daily;
    const std::string sources = on_branch("listening-dbt", "models/sources.yml");
    EXPECT_TRUE(contains(sources, "- name: listening_v4")) << sources;
    EXPECT_TRUE(contains(sources, "tables:\n      - name: users")) << sources;
    EXPECT_TRUE(contains(sources.substr(sources.find("- name: users")), "- name: user_id")) << sources;
    // main is never touched.
    EXPECT_TRUE(
        contains(on_main("listening-dbt", "models/staging/stg_listening_events.sql"), "listening_v3"));
  }
  // recs-features: PySpark column strings of the dataset change; the derived user_id_hash column,
  // the output table's key and the CRM input do not.
  {
    const std::string job = on_branch("recs-features", "jobs/user_features.py");
    EXPECT_TRUE(contains(job, "EVENTS_TABLE = \"prod.events.listening_v4\"")) << job;
    EXPECT_TRUE(contains(job, ".select(\"account_id\", \"track_id\", \"event_date\")")) << job;
    EXPECT_TRUE(contains(job, "withColumn(\"user_id_hash\"")) << job;
    EXPECT_FALSE(contains(job, "\"user_id\"")) << job;
    const std::string conf = on_branch("recs-features", "conf/user_features.yaml");
    EXPECT_TRUE(contains(conf, "columns: [account_id, track_id, event_date]")) << conf;
    EXPECT_TRUE(contains(conf, "columns: [user_id, country]")) << conf;
    EXPECT_TRUE(contains(conf, "key: user_id")) << conf;
  }
  // recs-api: the JDBC string on the dataset changes; the one on the CRM table does not.
  {
    const std::string java =
        on_branch("recs-api", "src/main/java/dev/shepherd/recs/ListeningRepository.java");
    EXPECT_TRUE(contains(java,
                         "SELECT account_id AS listener_id, track_id, UNIX_MILLIS(ts) AS played_at_ms "
                         "FROM prod.events.listening_v4 "))
        << java;
    EXPECT_TRUE(contains(java, "\"WHERE account_id = ? ORDER BY played_at_ms DESC LIMIT ?\"")) << java;
    EXPECT_TRUE(contains(java, "\"SELECT country FROM prod.crm.users WHERE user_id = ?\"")) << java;
    EXPECT_TRUE(contains(java, "// CRM accounts have their own user_id column")) << java;
  }

  // The cut-over of recs-api: recorded before, applied, measured.
  {
    const json& status = by_consumer["recs-api"]["status"];
    EXPECT_EQ(status["cutover"]["previous"].value("present", false), true) << status.dump(2);
    EXPECT_EQ(status["cutover"]["previous"].value("value", ""), "prod.events.listening_v3");
    EXPECT_GE(status["analysis"].value("rounds", 0), 3) << status.dump(2);
    EXPECT_EQ(status["analysis"].value("failures", -1), 0);
    json deployment = kubectl_json({"get", "deployment", "recs-api"});
    std::string value;
    for (const auto& c : deployment["spec"]["template"]["spec"]["containers"]) {
      if (c.value("name", "") != "api") continue;
      for (const auto& e : c.value("env", json::array())) {
        if (e.value("name", "") == "LISTENING_EVENTS_TABLE") value = e.value("value", "");
      }
    }
    EXPECT_EQ(value, "prod.events.listening_v4") << deployment["spec"]["template"].dump(2);
  }

  // --down stops every process the demo and its control plane started, and removes the folder.
  const std::string cp_dir = demo_dir_ + "/control-plane";
  std::vector<std::pair<int, std::string>> started;  // pid, binary
  for (const std::string& file : {demo_dir_ + "/pids", cp_dir + "/pids"}) {
    std::ifstream in(file);
    std::string name, binary;
    int pid = 0;
    while (in >> name >> pid >> binary) started.emplace_back(pid, fs::weakly_canonical(binary).string());
  }
  EXPECT_GE(started.size(), 8u) << "operator, node runner, Prometheus and the plane's five processes";
  ProcessResult down = demo_down();
  EXPECT_FALSE(fs::exists(demo_dir_)) << down.out;
  EXPECT_FALSE(fs::exists(cp_dir));
  for (const auto& [pid, binary] : started) {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
    EXPECT_TRUE(ec || exe.string().rfind(binary, 0) != 0) << binary << " (pid " << pid << ") still runs";
  }
  ProcessResult again = demo({"--down"}, std::chrono::minutes(1));
  EXPECT_EQ(again.exit_code, 0) << "a second --down is harmless: " << again.err;
}

}  // namespace
