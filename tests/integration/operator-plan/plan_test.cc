// The MigrationPlan and ConsumerMigration controllers, end to end on the real control plane with
// the real shepherd-operator binary and kwok running the agent Jobs (issue 4's "Done when").
// Each test has its own namespace and its own operator (--namespace), and records the watch stream
// of its ConsumerMigrations to check invariants over every state the API server went through.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/operator-plan/watch_log.h"
#include "tests/support/cluster.h"
#include "tests/support/operator.h"

namespace shepherd::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::set<std::string> kTerminal{"Succeeded", "NoChanges",  "NeedsReview",
                                      "Failed",    "RolledBack", "Skipped"};
const std::set<std::string> kDone{"Succeeded", "NoChanges"};

constexpr const char* kChangedResult =
    R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Changed","commit":"0123abcd","branch":"shepherd/p","filesChanged":2,"edits":5})";

struct Consumer {
  std::string name;
  std::vector<std::string> depends_on;
  json agent_override;  // null: none
};

// A plan whose agent Jobs succeed through kwok with kChangedResult as termination message.
json make_plan(const std::string& name, const std::vector<Consumer>& consumers, const json& rollout,
               const json& agent_extra = json::object()) {
  json cs = json::array();
  for (const auto& c : consumers) {
    json entry{{"name", c.name}, {"repository", {{"url", "https://git.example.com/" + c.name + ".git"}}}};
    if (!c.depends_on.empty()) entry["dependsOn"] = c.depends_on;
    if (!c.agent_override.is_null()) entry["agent"] = c.agent_override;
    cs.push_back(entry);
  }
  json agent{{"pod", {{"annotations", {{"shepherd.dev/kwok-termination-message", kChangedResult}}}}}};
  agent.merge_patch(agent_extra);
  return {{"apiVersion", "shepherd.dev/v1alpha1"},
          {"kind", "MigrationPlan"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"dataset",
             {{"name", "listening_events"},
              {"from", {{"version", "3"}, {"location", "prod.events.listening_v3"}}},
              {"to", {{"version", "4"}, {"location", "prod.events.listening_v4"}}}}},
            {"changes", json::array({{{"rename", {{"field", "user_id"}, {"to", "account_id"}}}}})},
            {"consumers", cs},
            {"agent", agent},
            {"rollout", rollout}}}};
}

std::string phase_of(const json& obj) {
  return obj.value("/status/phase"_json_pointer, std::string("Pending"));
}

json get_plan(const std::string& ns, const std::string& name) {
  return kubectl_get_json("migrationplan", name, ns);
}

// The condition of that type (a copy), or null.
json condition(const json& obj, const std::string& type) {
  for (const auto& c : obj.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return nullptr;
}

std::vector<json> cmigs(const std::string& ns) {
  auto out = json::parse(kubectl_ok({"get", "consumermigrations", "-n", ns, "-o", "json"}), nullptr, false);
  std::vector<json> items;
  if (!out.is_discarded()) {
    for (auto& i : out["items"]) items.push_back(i);
  }
  return items;
}

class PlanTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    install_crds();
    create_agent_service_account(ns());
  }

  std::string log_file(const std::string& what) const {
    return std::filesystem::path(Cluster::get().bin_dir).parent_path().string() + "/tests/logs/" + ns() +
           "-" + what + ".json";
  }

  void apply(const json& obj) {
    auto r = kubectl({"apply", "-n", ns(), "-f", "-"}, obj.dump());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  bool wait_plan_phase(const std::string& plan, const std::string& phase, std::chrono::seconds timeout) {
    return wait_for([&] { return phase_of(get_plan(ns(), plan)) == phase; }, timeout,
                    std::chrono::milliseconds(500));
  }
};

// 50 consumers with a dependency graph, waves [10, 50, 100], maxParallel 5: the plan succeeds and
// the watch stream shows that at no moment more than 5 consumers were in progress, that no
// consumer started before its dependencies were Succeeded or NoChanges, and that no wave started
// before the previous one was terminal. Also: printer columns and `kubectl wait`.
TEST_F(PlanTest, FiftyConsumersRespectParallelismDependenciesAndWaves) {
  std::mt19937 rng(42);
  std::vector<Consumer> consumers;
  std::map<std::string, std::vector<std::string>> deps;
  for (int i = 0; i < 50; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "c%02d", i);
    Consumer c{name, {}, nullptr};
    // Up to two dependencies on earlier consumers, declared in shuffled order of the list below.
    for (int k = 0; k < 2 && i > 0; ++k) {
      if (rng() % 3 == 0) continue;
      char dep[8];
      std::snprintf(dep, sizeof dep, "c%02d", static_cast<int>(rng() % static_cast<unsigned>(i)));
      if (std::find(c.depends_on.begin(), c.depends_on.end(), dep) == c.depends_on.end())
        c.depends_on.push_back(dep);
    }
    deps[c.name] = c.depends_on;
    consumers.push_back(c);
  }
  std::shuffle(consumers.begin(), consumers.end(), rng);  // declaration order is not the dependency order

  WatchLog watch("consumermigrations", ns(), log_file("cmig-watch"));
  OperatorProcess op("plan-fifty-" + ns(), {"--namespace", ns()});
  apply(make_plan("fifty", consumers, {{"waves", {10, 50, 100}}, {"maxParallel", 5}}));

  auto wait = kubectl({"wait", "--for=condition=Ready", "migrationplan/fifty", "-n", ns(), "--timeout=600s"},
                      "", std::chrono::seconds(620));
  ASSERT_EQ(wait.exit_code, 0) << "kubectl wait: " << wait.err << "\noperator log: " << op.log_path();
  auto plan = get_plan(ns(), "fifty");
  EXPECT_EQ(phase_of(plan), "Succeeded");
  EXPECT_EQ(plan["status"]["progress"], "50/50");
  EXPECT_EQ(plan["status"]["totals"]["succeeded"], 50);

  // Replay the stream.
  std::this_thread::sleep_for(seconds(1));
  std::map<std::string, std::string> phase;  // consumer -> phase
  std::map<std::string, int> wave;           // consumer -> wave
  std::map<std::string, bool> started;
  int max_in_progress = 0, max_non_terminal = 0;
  std::set<int> waves_started;
  for (const auto& ev : watch.events()) {
    const json& o = ev["object"];
    const std::string consumer = o["spec"]["consumer"]["name"];
    if (ev["type"] == "DELETED") continue;
    const std::string p = phase_of(o);
    if (!started[consumer]) {
      started[consumer] = true;
      wave[consumer] = std::stoi(o["metadata"]["labels"].value("shepherd.dev/wave", "-1"));
      // Created = allowed to start: its dependencies must be done at this point of the stream.
      for (const auto& d : deps[consumer]) {
        EXPECT_TRUE(kDone.count(phase[d]) == 1)
            << consumer << " was created while its dependency " << d << " was " << phase[d];
      }
      // And every consumer of every earlier wave must be terminal.
      const int w = wave[consumer];
      if (waves_started.insert(w).second) {
        for (const auto& [other, ow] : wave) {
          if (ow < w) {
            EXPECT_TRUE(kTerminal.count(phase[other]) == 1)
                << "wave " << w << " started before " << other << " of wave " << ow << " finished";
          }
        }
        int earlier = 0;
        for (const auto& [other, ow] : wave) earlier += ow < w ? 1 : 0;
        const int expected_before = w == 0 ? 0 : (w == 1 ? 5 : 25);  // ceil(10% of 50), ceil(50% of 50)
        EXPECT_EQ(earlier, expected_before)
            << "wave " << w << " started with " << earlier << " consumers before it";
      }
    }
    phase[consumer] = p;
    int in_progress = 0, non_terminal = 0;
    for (const auto& [c, ph] : phase) {
      if (ph == "Generating" || ph == "CuttingOver" || ph == "Analyzing" || ph == "RollingBack")
        ++in_progress;
      if (kTerminal.count(ph) == 0) ++non_terminal;
    }
    max_in_progress = std::max(max_in_progress, in_progress);
    max_non_terminal = std::max(max_non_terminal, non_terminal);
  }
  EXPECT_EQ(started.size(), 50u);
  EXPECT_LE(max_in_progress, 5);
  EXPECT_LE(max_non_terminal, 5);
  EXPECT_GE(max_in_progress, 2) << "the plan never ran consumers in parallel";
  EXPECT_EQ(waves_started, (std::set<int>{0, 1, 2}));

  // What a person checks first.
  auto plans = kubectl_ok({"get", "mplan", "-n", ns()});
  for (const char* col : {"PHASE", "WAVE", "PROGRESS", "FAILED", "AGE"})
    EXPECT_NE(plans.find(col), std::string::npos) << plans;
  EXPECT_NE(plans.find("50/50"), std::string::npos) << plans;
  auto migrations = kubectl_ok({"get", "cmig", "-n", ns()});
  for (const char* col : {"PLAN", "PHASE", "OUTCOME", "ATTEMPTS", "AGE"}) {
    EXPECT_NE(migrations.find(col), std::string::npos) << migrations;
  }
  EXPECT_NE(migrations.find("Changed"), std::string::npos);
  // Events for phase changes on both kinds.
  auto events = kubectl_ok({"get", "events", "-n", ns(), "-o", "json"});
  EXPECT_NE(events.find("\"reason\": \"Succeeded\""), std::string::npos);
}

// Failing Jobs are retried agent.retries times, then the consumer is Failed; the circuit breaker
// trips at maxFailures + 1 and Blocks the plan (Stalled, FailureBudgetExceeded); a retry signal
// resumes it and the plan completes.
TEST_F(PlanTest, RetriesThenFailureBudgetBlocksAndRetrySignalResumes) {
  // f1 and f2 fail their first three attempts (kwok: shepherd.dev/kwok-fail-first-attempts), so
  // attempts 1-2 fail (retries: 1), and the retried series (attempts 3-4) succeeds on attempt 4.
  json failing{{"retries", 1},
               {"pod",
                {{"labels", {{"shepherd.dev/kwok-fail-first-attempts", "true"}}},
                 {"annotations",
                  {{"shepherd.dev/kwok-message", "tests failed"}, {"shepherd.dev/kwok-exit-code", "2"}}}}}};
  std::vector<Consumer> consumers{{"f1", {}, failing},
                                  {"f2", {}, failing},
                                  {"ok1", {"f1"}, nullptr},
                                  {"ok2", {}, nullptr},
                                  {"ok3", {"f2"}, nullptr}};
  WatchLog jobs("jobs", ns(), log_file("job-watch"));
  OperatorProcess op("plan-budget-" + ns(), {"--namespace", ns()});
  apply(make_plan("budget", consumers, {{"maxParallel", 2}, {"maxFailures", 1}}, {{"retries", 1}}));

  ASSERT_TRUE(wait_plan_phase("budget", "Blocked", seconds(240))) << "operator log: " << op.log_path();
  auto plan = get_plan(ns(), "budget");
  json stalled = condition(plan, "Stalled");
  ASSERT_FALSE(stalled.is_null());
  EXPECT_EQ(stalled["status"], "True");
  EXPECT_EQ(stalled["reason"], "FailureBudgetExceeded");
  EXPECT_EQ(plan["status"]["totals"]["failed"], 2);
  for (const auto& cm : cmigs(ns())) {
    const std::string consumer = cm["spec"]["consumer"]["name"];
    if (consumer == "f1" || consumer == "f2") {
      EXPECT_EQ(phase_of(cm), "Failed") << consumer;
      EXPECT_EQ(cm["status"]["attempts"], 2) << consumer << ": 1 attempt + 1 retry";
    }
    EXPECT_NE(consumer, "ok1") << "ok1 depends on a failed consumer and must not start";
    EXPECT_NE(consumer, "ok3") << "ok3 depends on a failed consumer and must not start";
  }
  // Blocked stays blocked: nothing new starts.
  std::this_thread::sleep_for(seconds(3));
  EXPECT_EQ(phase_of(get_plan(ns(), "budget")), "Blocked");

  kubectl_ok({"annotate", "migrationplan", "budget", "-n", ns(), "shepherd.dev/retry=first"});
  ASSERT_TRUE(wait_plan_phase("budget", "Succeeded", seconds(300))) << "operator log: " << op.log_path();
  plan = get_plan(ns(), "budget");
  EXPECT_EQ(plan["status"]["signals"]["retry"], "first");
  EXPECT_EQ(plan["status"]["totals"]["succeeded"], 5);
  for (const auto& cm : cmigs(ns())) {
    const std::string consumer = cm["spec"]["consumer"]["name"];
    if (consumer == "f1" || consumer == "f2") {
      EXPECT_EQ(cm["status"]["attempts"], 4) << consumer;
    }
  }
  // Every attempt had exactly one Job.
  std::map<std::string, std::set<std::string>> uids;
  for (const auto& ev : jobs.events())
    uids[ev["object"]["metadata"]["name"]].insert(ev["object"]["metadata"]["uid"]);
  EXPECT_EQ(uids.size(), 11u) << "f1, f2: 4 attempts each; ok1..3: 1 each";
  for (const auto& [name, set] : uids) EXPECT_EQ(set.size(), 1u) << name;
}

// approval: Manual waits with reason AwaitingApproval until the approve annotation names the wave.
TEST_F(PlanTest, ManualApprovalWaitsForEachWave) {
  std::vector<Consumer> consumers{
      {"a", {}, nullptr}, {"b", {}, nullptr}, {"c", {}, nullptr}, {"d", {}, nullptr}};
  OperatorProcess op("plan-approval-" + ns(), {"--namespace", ns()});
  apply(make_plan("manual", consumers, {{"waves", {50, 100}}, {"approval", "Manual"}}));

  auto awaiting = [&] {
    auto plan = get_plan(ns(), "manual");
    for (const auto& c : plan.value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("reason", "") == "AwaitingApproval") return true;
    }
    return false;
  };
  ASSERT_TRUE(wait_for(awaiting, seconds(60))) << "operator log: " << op.log_path();
  std::this_thread::sleep_for(seconds(3));
  EXPECT_TRUE(cmigs(ns()).empty()) << "nothing starts before wave 0 is approved";

  kubectl_ok({"annotate", "migrationplan", "manual", "-n", ns(), "shepherd.dev/approve=0"});
  ASSERT_TRUE(wait_for(
      [&] {
        auto items = cmigs(ns());
        return items.size() == 2 && kTerminal.count(phase_of(items[0])) == 1 &&
               kTerminal.count(phase_of(items[1])) == 1 && awaiting();
      },
      seconds(120)))
      << "wave 0 should run and the plan wait again for wave 1";
  std::this_thread::sleep_for(seconds(3));
  EXPECT_EQ(cmigs(ns()).size(), 2u) << "wave 1 must not start before it is approved";
  auto plan = get_plan(ns(), "manual");
  EXPECT_EQ(plan["status"]["signals"]["approve"], "0");

  kubectl_ok({"annotate", "--overwrite", "migrationplan", "manual", "-n", ns(), "shepherd.dev/approve=1"});
  ASSERT_TRUE(wait_plan_phase("manual", "Succeeded", seconds(120))) << "operator log: " << op.log_path();
  plan = get_plan(ns(), "manual");
  ASSERT_EQ(plan["status"]["waves"].size(), 2u);
  EXPECT_TRUE(plan["status"]["waves"][0].contains("approvedAt"));
  EXPECT_TRUE(plan["status"]["waves"][1].contains("approvedAt"));
}

// Killing the operator with kill -9 at random moments of a running plan, ten times: the plan
// completes, and no attempt ever has two Jobs.
TEST_F(PlanTest, SurvivesTenKillNinesWithOneJobPerAttempt) {
  std::vector<Consumer> consumers;
  // Chains of dependencies keep the plan running long enough for ten kills.
  for (int i = 0; i < 60; ++i) {
    std::vector<std::string> deps;
    if (i >= 3) deps.push_back("k" + std::to_string(i - 3));
    consumers.push_back({"k" + std::to_string(i), deps, nullptr});
  }
  WatchLog jobs("jobs", ns(), log_file("job-watch"));
  OperatorProcess op("plan-kill-" + ns(), {"--namespace", ns()});
  apply(make_plan("crashy", consumers, {{"waves", {25, 100}}, {"maxParallel", 2}}));

  std::mt19937 rng(7);
  int kills = 0;
  while (kills < 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 1300));
    if (phase_of(get_plan(ns(), "crashy")) == "Succeeded") break;
    op.kill9();
    ++kills;
    op.restart();
  }
  ASSERT_TRUE(wait_plan_phase("crashy", "Succeeded", seconds(300)))
      << "after " << kills << " kills; log " << op.log_path();
  EXPECT_EQ(kills, 10) << "the plan finished before the operator was killed ten times";
  std::map<std::string, std::set<std::string>> uids;
  std::map<std::string, std::set<std::string>> per_attempt;  // "<cmig>/<attempt>" -> job names
  for (const auto& ev : jobs.events()) {
    const auto& md = ev["object"]["metadata"];
    uids[md["name"]].insert(md["uid"]);
    per_attempt[md["labels"].value("shepherd.dev/consumer-migration", "") + "/" +
                md["labels"].value("shepherd.dev/attempt", "")]
        .insert(md["name"]);
  }
  EXPECT_EQ(uids.size(), 60u);
  for (const auto& [name, set] : uids)
    EXPECT_EQ(set.size(), 1u) << "Job " << name << " was created more than once";
  for (const auto& [attempt, names] : per_attempt) EXPECT_EQ(names.size(), 1u) << attempt;
  for (const auto& cm : cmigs(ns())) EXPECT_EQ(cm["status"]["attempts"], 1) << cm["metadata"]["name"];
}

// What CEL cannot check: a dependency cycle (named in the message) and an unknown dependency make
// the plan Stalled with reason InvalidSpec, a Warning Event, and nothing is created.
TEST_F(PlanTest, CyclesAndUnknownDependenciesAreInvalidSpecAndCreateNothing) {
  OperatorProcess op("plan-invalid-" + ns(), {"--namespace", ns()});
  apply(make_plan("cycle",
                  {{"a", {"c"}, nullptr}, {"b", {"a"}, nullptr}, {"c", {"b"}, nullptr}, {"d", {}, nullptr}},
                  {{"maxParallel", 2}}));
  apply(make_plan("unknown", {{"a", {"ghost"}, nullptr}, {"b", {}, nullptr}}, {{"maxParallel", 2}}));
  for (const std::string name : {"cycle", "unknown"}) {
    ASSERT_TRUE(wait_for(
        [&] {
          json s = condition(get_plan(ns(), name), "Stalled");
          return !s.is_null() && s["status"] == "True" && s["reason"] == "InvalidSpec";
        },
        seconds(60)))
        << name << "; operator log: " << op.log_path();
  }
  const std::string cycle_message = condition(get_plan(ns(), "cycle"), "Stalled")["message"];
  EXPECT_NE(cycle_message.find("a -> c -> b -> a"), std::string::npos) << cycle_message;
  const std::string unknown_message = condition(get_plan(ns(), "unknown"), "Stalled")["message"];
  EXPECT_NE(unknown_message.find("ghost"), std::string::npos) << unknown_message;
  std::this_thread::sleep_for(seconds(3));
  EXPECT_TRUE(cmigs(ns()).empty()) << "an invalid plan must not be half-applied";
  auto events = kubectl_ok({"get", "events", "-n", ns(), "--field-selector", "type=Warning", "-o", "json"});
  EXPECT_NE(events.find("InvalidSpec"), std::string::npos) << events;
  EXPECT_TRUE(op.running()) << "bad input must never crash the operator";

  // The fix is a new generation of the spec, which the operator reads again (its plan cache holds
  // no spec): the plan validates and runs to the end; the cycle still creates nothing.
  apply(make_plan("unknown", {{"a", {}, nullptr}, {"b", {"a"}, nullptr}}, {{"maxParallel", 2}}));
  ASSERT_TRUE(wait_plan_phase("unknown", "Succeeded", seconds(120))) << "operator log: " << op.log_path();
  json stalled = condition(get_plan(ns(), "unknown"), "Stalled");
  EXPECT_TRUE(stalled.is_null() || stalled["status"] != "True") << stalled.dump();
  EXPECT_EQ(cmigs(ns()).size(), 2u) << "the fixed plan's two consumers, nothing of the cycle";
}

}  // namespace
}  // namespace shepherd::testing
