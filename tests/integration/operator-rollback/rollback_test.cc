// Cut-over, health analysis and rollback end to end (issue 5's "Done when"): the real
// shepherd-operator binary on the shared test control plane, kwok running the agent Jobs and the
// Deployments' pods, and a real Prometheus (Debian's /usr/bin/prometheus) scraping a /metrics file
// whose values the test writes (served by python3 -m http.server).
//
// Each test has its own namespace and its own operator (--namespace). The health query of every
// consumer selects its own series, shepherd_test_error_rate{namespace="<ns>",consumer="<name>"}, so
// the tests share one Prometheus without seeing each other's values. Test 3 stops a Prometheus, so
// it runs a private one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/operator.h"
#include "tests/support/process.h"

namespace shepherd::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kChangedResult =
    R"({"apiVersion":"shepherd.dev/agent-result/v1","outcome":"Changed","commit":"abc","branch":"shepherd/p","filesChanged":1,"edits":2})";
constexpr const char* kEnv = "LISTENING_EVENTS_TABLE";
constexpr const char* kOld = "prod.events.listening_v3";
constexpr const char* kNew = "prod.events.listening_v4";
constexpr const char* kMetric = "shepherd_test_error_rate";

std::string url_encode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::filesystem::path make_temp_dir(const char* prefix) {
  std::string pattern = std::string("/tmp/") + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return {};
  return std::filesystem::path(buf.data());
}

// /metrics.txt with values the test sets, served by python3's http.server.
class MetricsServer {
 public:
  MetricsServer() {
    dir_ = make_temp_dir("shepherd-rollback-metrics");
    port_ = free_port();
    write();
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                                 dir_.string(), std::to_string(port_)},
        (dir_ / "server.log").string());
    ready_ = wait_for(
        [&] {
          int code = 0;
          http_get(port_, "/metrics.txt", &code);
          return code == 200;
        },
        seconds(30), milliseconds(100));
  }
  ~MetricsServer() {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool ready() const { return ready_; }
  int port() const { return port_; }

  // The value of shepherd_test_error_rate{namespace=ns,consumer=consumer}; nullopt removes it.
  void set(const std::string& ns, const std::string& consumer, std::optional<std::string> value) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string labels = "namespace=\"" + ns + "\",consumer=\"" + consumer + "\"";
    if (value)
      series_[labels] = *value;
    else
      series_.erase(labels);
    write_locked();
  }

 private:
  void write() {
    std::lock_guard<std::mutex> lock(mu_);
    write_locked();
  }
  void write_locked() {
    std::ostringstream body;
    body << "# TYPE shepherd_test_heartbeat gauge\nshepherd_test_heartbeat 1\n";
    body << "# TYPE " << kMetric << " gauge\n";
    for (const auto& [labels, value] : series_) body << kMetric << "{" << labels << "} " << value << "\n";
    // Written aside and renamed: a scrape never reads half a file.
    const auto tmp = dir_ / "metrics.tmp";
    std::ofstream(tmp) << body.str();
    std::filesystem::rename(tmp, dir_ / "metrics.txt");
  }

  std::filesystem::path dir_;
  int port_ = 0;
  bool ready_ = false;
  std::mutex mu_;
  std::map<std::string, std::string> series_;
  std::unique_ptr<BackgroundProcess> server_;
};

// A real Prometheus scraping the metrics server every second.
class Prometheus {
 public:
  explicit Prometheus(int target_port) {
    dir_ = make_temp_dir("shepherd-rollback-prometheus");
    port_ = free_port();
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: shepherd-rollback-test\n"
        << "    metrics_path: /metrics.txt\n"
        << "    static_configs:\n      - targets: ['127.0.0.1:" << target_port << "']\n";
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir_ / "data").string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
        (dir_ / "prometheus.log").string());
    ready_ = wait_for(
        [&] {
          int code = 0;
          http_get(port_, "/-/ready", &code);
          return code == 200;
        },
        seconds(60), milliseconds(200));
  }
  ~Prometheus() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool ready() const { return ready_; }
  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return (dir_ / "prometheus.log").string(); }
  void stop() {
    if (process_) process_->stop(seconds(10));
    process_.reset();
  }

  // The value of an instant query with exactly one sample; nullopt otherwise.
  std::optional<std::string> query(const std::string& promql) const {
    int code = 0;
    const std::string body = http_get(port_, "/api/v1/query?query=" + url_encode(promql), &code);
    if (code != 200) return std::nullopt;
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") return std::nullopt;
    const auto& result = j["data"]["result"];
    if (!result.is_array() || result.size() != 1) return std::nullopt;
    return result[0]["value"][1].get<std::string>();
  }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  bool ready_ = false;
  std::unique_ptr<BackgroundProcess> process_;
};

// Records every state of the ConsumerMigrations of a namespace the API server went through
// (kubectl get --watch), one line per event: "<name> <phase> <Ready reason>".
class PhaseWatch {
 public:
  PhaseWatch(const std::string& ns, const std::string& log_path) : path_(log_path) {
    const auto& c = Cluster::get();
    std::filesystem::remove(path_);
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{
            c.kubectl_path(), "--kubeconfig", c.kubeconfig, "get", "consumermigrations", "-n", ns, "--watch",
            "-o",
            R"(jsonpath={.metadata.name}{" "}{.status.phase}{" "}{.status.conditions[?(@.type=="Ready")].reason}{"\n"})"},
        path_);
  }
  ~PhaseWatch() { process_.reset(); }
  // Every recorded line.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(line);
    return out;
  }
  // The phases recorded for one ConsumerMigration, in order.
  std::vector<std::string> phases(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& line : lines()) {
      std::istringstream ss(line);
      std::string n, phase;
      ss >> n >> phase;
      if (n == name && !phase.empty()) out.push_back(phase);
    }
    return out;
  }

 private:
  std::string path_;
  std::unique_ptr<BackgroundProcess> process_;
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string phase_of(const json& obj) {
  if (obj.is_null() || obj.is_discarded()) return "";
  return obj.value("/status/phase"_json_pointer, std::string("Pending"));
}

// The condition of that type; an empty object when there is none.
json condition(const json& obj, const std::string& type) {
  if (!obj.is_object()) return json::object();
  for (const auto& c : obj.value("/status/conditions"_json_pointer, json::array()))
    if (c.value("type", "") == type) return c;
  return json::object();
}

// The env list of a container of a Deployment (json array; empty when none).
json container_env(const json& deploy, const std::string& container) {
  for (const auto& c : deploy.value("/spec/template/spec/containers"_json_pointer, json::array()))
    if (c.value("name", "") == container) return c.value("env", json::array());
  return json::array();
}

// The value of an env var of container "api"; nullopt when absent.
std::optional<std::string> api_env(const json& deploy, const std::string& name = kEnv) {
  for (const auto& e : container_env(deploy, "api"))
    if (e.value("name", "") == name) return e.value("value", "");
  return std::nullopt;
}

// Value of a Prometheus text sample `name{labels}` in an exposition; -1 when absent.
double sample_value(const std::string& exposition, const std::string& name_and_labels) {
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name_and_labels + " ", 0) == 0) return std::stod(line.substr(name_and_labels.size() + 1));
  }
  return -1;
}

struct ConsumerSpec {
  ConsumerSpec(std::string n, json c) : name(std::move(n)), cutover(std::move(c)) {}
  std::string name;
  json cutover;           // null: none
  json health = nullptr;  // null: the plan's
  json agent = nullptr;   // null: the plan's
  std::vector<std::string> depends_on;
};

class OperatorRollback : public ClusterTest {
 public:
  static void SetUpTestSuite() {
    metrics_ = std::make_unique<MetricsServer>();
    prometheus_ = std::make_unique<Prometheus>(metrics_->port());
  }
  static void TearDownTestSuite() {
    prometheus_.reset();
    metrics_.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/prometheus")) << "install Debian's prometheus package";
    ASSERT_TRUE(metrics_ && metrics_->ready()) << "the metrics server (python3 -m http.server) did not start";
    ASSERT_TRUE(prometheus_ && prometheus_->ready())
        << "Prometheus did not become ready; see " << prometheus_->log_path();
    ClusterTest::SetUp();
    if (HasFatalFailure()) return;
    install_crds();
    create_agent_service_account(ns());
    op_ =
        std::make_unique<OperatorProcess>("rollback-" + ns(), std::vector<std::string>{"--namespace", ns()});
  }

  void TearDown() override {
    if (op_) {
      if (HasFailure()) std::cerr << "operator log: " << op_->log_path() << "\n";
      op_.reset();
    }
    ClusterTest::TearDown();
  }

  std::string log_file(const std::string& what) const {
    return std::filesystem::path(Cluster::get().bin_dir).parent_path().string() + "/tests/logs/" + ns() +
           "-" + what + ".log";
  }

  void apply(const json& obj, const std::string& manager = "gitops-sim") {
    auto r =
        kubectl({"apply", "--server-side", "--field-manager=" + manager, "-n", ns(), "-f", "-"}, obj.dump());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // A Deployment with containers "sidecar" and "api"; "api" has LOG_LEVEL, optionally kEnv=kOld,
  // and Z. Both containers request resources, so their pods are not BestEffort (test 4's quota).
  void create_deployment(const std::string& name, bool with_env) {
    json env = json::array({{{"name", "LOG_LEVEL"}, {"value", "info"}}});
    if (with_env) env.push_back({{"name", kEnv}, {"value", kOld}});
    env.push_back({{"name", "Z"}, {"value", "z"}});
    const json requests{{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}}};
    json deploy{
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", name}, {"namespace", ns()}, {"labels", {{"app", name}}}}},
        {"spec",
         {{"replicas", 1},
          {"selector", {{"matchLabels", {{"app", name}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", name}}}}},
            {"spec",
             {{"containers", json::array({{{"name", "sidecar"},
                                           {"image", "example.com/sidecar:1"},
                                           {"env", json::array({{{"name", kEnv}, {"value", "sidecar-own"}}})},
                                           {"resources", requests}},
                                          {{"name", "api"},
                                           {"image", "example.com/api:1"},
                                           {"env", env},
                                           {"resources", requests}}})}}}}}}}};
    apply(deploy);
    auto w =
        kubectl({"wait", "-n", ns(), "--for=condition=Available", "deployment/" + name, "--timeout=120s"});
    ASSERT_EQ(w.exit_code, 0) << "Deployment " << name << " did not become Available: " << w.err;
  }

  void create_configmap(const std::string& name, bool with_key) {
    json data{{"other", "keep-me"}};
    if (with_key) data["table"] = kOld;
    apply({{"apiVersion", "v1"},
           {"kind", "ConfigMap"},
           {"metadata", {{"name", name}, {"namespace", ns()}}},
           {"data", data}});
  }

  json env_cutover(const std::string& deployment) const {
    return {{"target", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", deployment}}},
            {"env", {{"container", "api"}, {"name", kEnv}, {"value", kNew}}}};
  }
  // A ConfigMap cut-over. `target` is optional with configMap (docs/api.md), but a plan whose
  // configMap cut-over has no target cannot create its ConsumerMigration today: the C++ model
  // serialises the absent target as {apiVersion: "", kind: "", name: ""}, which the CRD rejects
  // (controllers/api/types.cc, to_json(CutoverSpec); reported, not ours to fix). So a target is
  // given; it is only used by the workload check, which these consumers do not have.
  json configmap_cutover(const std::string& cm, const std::string& workload) const {
    return {{"target", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", workload}}},
            {"configMap", {{"name", cm}, {"key", "table"}, {"value", kNew}}}};
  }

  // The Prometheus check of this test's series (threshold max 0.01) against `address`.
  json error_rate_check(const std::string& address = "") const {
    return {{"name", "error-rate"},
            {"prometheus",
             {{"address", address.empty() ? prometheus_->address() : address},
              {"query", std::string(kMetric) + R"({namespace="{{namespace}}",consumer="{{consumer}}"})"}}},
            {"threshold", {{"max", 0.01}}}};
  }

  // A plan in Push mode whose agent Jobs succeed through kwok with kChangedResult.
  json make_plan(const std::string& name, const std::vector<ConsumerSpec>& consumers, const json& health,
                 const json& rollout) const {
    json cs = json::array();
    for (const auto& c : consumers) {
      json entry{{"name", c.name}, {"repository", {{"url", "https://git.example.com/" + c.name + ".git"}}}};
      if (!c.cutover.is_null()) entry["cutover"] = c.cutover;
      if (!c.health.is_null()) entry["health"] = c.health;
      if (!c.agent.is_null()) entry["agent"] = c.agent;
      if (!c.depends_on.empty()) entry["dependsOn"] = c.depends_on;
      cs.push_back(entry);
    }
    return {{"apiVersion", "shepherd.dev/v1alpha1"},
            {"kind", "MigrationPlan"},
            {"metadata", {{"name", name}, {"namespace", ns()}}},
            {"spec",
             {{"dataset",
               {{"name", "listening_events"},
                {"from", {{"version", "3"}, {"location", kOld}}},
                {"to", {{"version", "4"}, {"location", kNew}}}}},
              {"changes", json::array({{{"rename", {{"field", "user_id"}, {"to", "account_id"}}}}})},
              {"consumers", cs},
              {"agent",
               {{"mode", "Push"},
                {"retries", 0},
                {"pod", {{"annotations", {{"shepherd.dev/kwok-termination-message", kChangedResult}}}}}}},
              {"health", health},
              {"rollout", rollout}}}};
  }

  // Sets the test's series of a consumer and waits until Prometheus answers the check's query
  // with it, so that the first round of the analysis sees it.
  void set_metric(const std::string& consumer, const std::string& value, Prometheus* prom = nullptr) {
    if (prom == nullptr) prom = prometheus_.get();
    metrics_->set(ns(), consumer, value);
    const std::string q = std::string(kMetric) + "{namespace=\"" + ns() + "\",consumer=\"" + consumer + "\"}";
    std::optional<std::string> last;
    const bool seen = wait_for(
        [&] {
          last = prom->query(q);
          return last && std::stod(*last) == std::stod(value);
        },
        seconds(60), milliseconds(250));
    ASSERT_TRUE(seen) << "Prometheus does not answer " << q << " with " << value
                      << " (last: " << last.value_or("none") << ")";
  }

  json cmig(const std::string& name) const { return kubectl_get_json("consumermigration", name, ns()); }
  // With metadata.managedFields (kubectl hides them by default).
  json deployment(const std::string& name) const {
    auto r = kubectl({"get", "deployment", name, "-n", ns(), "--show-managed-fields", "-o", "json"});
    if (r.exit_code != 0) return nullptr;
    return json::parse(r.out, nullptr, false);
  }
  json configmap(const std::string& name) const { return kubectl_get_json("configmap", name, ns()); }

  // Waits until the ConsumerMigration satisfies `ok`; stops early (false) when it reaches a phase
  // in `fatal`. The last object seen goes to *last.
  bool wait_cmig(const std::string& name, const std::function<bool(const json&)>& ok, seconds timeout,
                 json* last, const std::set<std::string>& fatal = {}) {
    bool failed_early = false;
    const bool done = wait_for(
        [&] {
          *last = cmig(name);
          if (last->is_null()) return false;
          if (fatal.count(phase_of(*last)) != 0) {
            failed_early = true;
            return true;
          }
          return ok(*last);
        },
        timeout, milliseconds(300));
    return done && !failed_early;
  }

  // Jobs of the namespace with label shepherd.dev/action=<action>: name -> uid.
  std::map<std::string, std::string> jobs(const std::string& action) const {
    std::map<std::string, std::string> out;
    auto list = json::parse(
        kubectl_ok({"get", "jobs", "-n", ns(), "-l", "shepherd.dev/action=" + action, "-o", "json"}), nullptr,
        false);
    if (list.is_discarded()) return out;
    for (const auto& j : list["items"]) out[j["metadata"]["name"]] = j["metadata"]["uid"];
    return out;
  }

  static std::unique_ptr<MetricsServer> metrics_;
  static std::unique_ptr<Prometheus> prometheus_;
  std::unique_ptr<OperatorProcess> op_;
};

std::unique_ptr<MetricsServer> OperatorRollback::metrics_;
std::unique_ptr<Prometheus> OperatorRollback::prometheus_;

// The managedFields entries of a manager.
std::vector<json> managed_by(const json& obj, const std::string& manager) {
  std::vector<json> out;
  for (const auto& m : obj.value("/metadata/managedFields"_json_pointer, json::array()))
    if (m.value("manager", "") == manager) out.push_back(m);
  return out;
}

const std::set<std::string> kEnded{"Succeeded", "NoChanges",  "NeedsReview",
                                   "Failed",    "RolledBack", "Skipped"};

// 1. A healthy consumer is cut over, analysed for `count` rounds (a Prometheus check it passes and
//    the workload check) and ends Succeeded; the Deployment carries the new value and nothing else
//    of it changed; shepherd-operator owns exactly that one env entry.
TEST_F(OperatorRollback, HealthyConsumerIsCutOverAnalysedAndSucceeds) {
  create_deployment("recs-api", true);
  ASSERT_NO_FATAL_FAILURE(set_metric("api", "0.001"));
  const json before = deployment("recs-api");
  ASSERT_FALSE(before.is_null());
  PhaseWatch watch(ns(), log_file("cmig-watch"));

  const json health{
      {"interval", "2s"},
      {"count", 3},
      {"failureLimit", 0},
      // The rollout of the new ReplicaSet may still be in progress at the first round.
      {"inconclusiveLimit", 2},
      {"checks", json::array({error_rate_check(), {{"name", "workload"}, {"workload", json::object()}}})}};
  apply(make_plan("p", {{"api", env_cutover("recs-api")}}, health, {{"maxFailures", 0}}));

  json cm;
  ASSERT_TRUE(wait_cmig("p-api",
                        [](const json& o) {
                          const json stalled = condition(o, "Stalled");
                          return phase_of(o) == "Succeeded" || (stalled.value("status", "") == "True");
                        },
                        seconds(180), &cm, {"RolledBack", "Failed", "RollingBack"}) &&
              phase_of(cm) == "Succeeded")
      << "phase " << phase_of(cm) << ": " << cm.value("/status/message"_json_pointer, std::string()) << "\n"
      << cm.dump(2);

  // Status: previous value recorded, cut-over applied, `count` rounds each counted once.
  json st = cm["status"];
  EXPECT_EQ(st["cutover"]["previous"], json({{"present", true}, {"value", kOld}})) << st.dump(2);
  EXPECT_TRUE(st["cutover"].contains("appliedAt"));
  json a = st["analysis"];
  EXPECT_EQ(a.value("rounds", 0), 3) << a.dump(2);
  EXPECT_EQ(a.value("successes", 0) + a.value("failures", 0) + a.value("inconclusive", 0),
            a.value("rounds", 0))
      << "the counters must count rounds, not measurements: " << a.dump(2);
  EXPECT_EQ(a.value("failures", 0), 0);
  EXPECT_GE(a.value("successes", 0), 1);
  EXPECT_LE(a.value("inconclusive", 0), 2);
  std::set<std::string> checks;
  int prometheus_successes = 0;
  for (const auto& m : a.value("measurements", json::array())) {
    checks.insert(m.value("check", ""));
    if (m.value("check", "") == "error-rate" && m.value("outcome", "") == "Successful") {
      ++prometheus_successes;
      EXPECT_EQ(m.value("value", ""), "0.001") << m.dump();
    }
  }
  EXPECT_EQ(checks, (std::set<std::string>{"error-rate", "workload"}));
  EXPECT_GE(prometheus_successes, 1) << "no round measured the Prometheus value: " << a.dump(2);
  EXPECT_FALSE(st.contains("rollback")) << st.dump(2);
  EXPECT_EQ(condition(cm, "Ready").value("status", ""), "True");

  // The Deployment: the new value, and nothing else changed.
  const json after = deployment("recs-api");
  EXPECT_EQ(api_env(after), std::optional<std::string>(kNew));
  json expected_spec = before["spec"];
  for (auto& c : expected_spec["template"]["spec"]["containers"])
    if (c["name"] == "api")
      for (auto& e : c["env"])
        if (e["name"] == kEnv) e["value"] = kNew;
  EXPECT_EQ(after["spec"], expected_spec) << "diff: " << json::diff(expected_spec, after["spec"]).dump();
  EXPECT_EQ(after["metadata"]["labels"], before["metadata"]["labels"]);
  EXPECT_EQ(after.value("/metadata/generation"_json_pointer, 0),
            before.value("/metadata/generation"_json_pointer, 0) + 1)
      << "the cut-over must be one change of the spec";

  // managedFields: shepherd-operator owns exactly containers[name=api].env[name=kEnv], by Apply.
  const auto owned = managed_by(after, "shepherd-operator");
  ASSERT_EQ(owned.size(), 1u) << after["metadata"]["managedFields"].dump(2);
  EXPECT_EQ(owned[0].value("operation", ""), "Apply");
  EXPECT_FALSE(owned[0].contains("subresource")) << owned[0].dump();
  const std::string env_key = std::string("k:{\"name\":\"") + kEnv + "\"}";
  const json expected_fields{{"f:spec",
                              {{"f:template",
                                {{"f:spec",
                                  {{"f:containers",
                                    {{"k:{\"name\":\"api\"}",
                                      {{".", json::object()},
                                       {"f:name", json::object()},
                                       {"f:env",
                                        {{env_key,
                                          {{".", json::object()},
                                           {"f:name", json::object()},
                                           {"f:value", json::object()}}}}}}}}}}}}}}}};
  EXPECT_EQ(owned[0]["fieldsV1"], expected_fields) << owned[0]["fieldsV1"].dump(2);

  // The watch saw the whole way, and never a rollback.
  wait_for(
      [&] {
        auto p = watch.phases("p-api");
        return !p.empty() && p.back() == "Succeeded";
      },
      seconds(30));
  const auto phases = watch.phases("p-api");
  EXPECT_NE(std::find(phases.begin(), phases.end(), "Analyzing"), phases.end()) << join(phases);
  for (const auto& p : phases) EXPECT_TRUE(p != "RollingBack" && p != "RolledBack") << join(phases);

  // The plan ends Succeeded; the operator counted no rollback.
  EXPECT_TRUE(wait_for([&] { return phase_of(kubectl_get_json("migrationplan", "p", ns())) == "Succeeded"; },
                       seconds(60), milliseconds(500)));
  EXPECT_LE(sample_value(op_->metrics(), R"(shepherd_rollbacks_total{reason="HealthCheckFailed"})"), 0);
}

// 2. Consumers whose metric crosses the threshold are rolled back, each target restored exactly:
//    an env var that existed gets its old value, one that did not exist is removed again, and the
//    same for a ConfigMap key. status.rollback records it, the phase is RolledBack and
//    shepherd_rollbacks_total counts every rollback.
TEST_F(OperatorRollback, FailingConsumersAreRolledBackToTheExactPreviousState) {
  create_deployment("present", true);
  create_deployment("absent", false);
  create_configmap("cm-present", true);
  create_configmap("cm-absent", false);
  const std::vector<std::string> names{"env-present", "env-absent", "cm-present", "cm-absent"};
  for (const auto& n : names) ASSERT_NO_FATAL_FAILURE(set_metric(n, "0.001"));
  const json dep_before_present = deployment("present");
  const json dep_before_absent = deployment("absent");
  const json cm_before_present = configmap("cm-present");
  const json cm_before_absent = configmap("cm-absent");
  PhaseWatch watch(ns(), log_file("cmig-watch"));

  // Never enough rounds to succeed; never stalled: only a failed round ends the analysis.
  const json health{{"interval", "1s"},
                    {"count", 1000},
                    {"failureLimit", 0},
                    {"inconclusiveLimit", 1000},
                    {"checks", json::array({error_rate_check()})}};
  apply(make_plan("p",
                  {{"env-present", env_cutover("present")},
                   {"env-absent", env_cutover("absent")},
                   {"cm-present", configmap_cutover("cm-present", "present")},
                   {"cm-absent", configmap_cutover("cm-absent", "absent")}},
                  health, {{"maxFailures", 4}}));

  // All four are cut over and measured healthy at least once.
  for (const auto& n : names) {
    json cm;
    ASSERT_TRUE(wait_cmig(
        "p-" + n,
        [](const json& o) {
          return phase_of(o) == "Analyzing" && o.value("/status/analysis/successes"_json_pointer, 0) >= 1;
        },
        seconds(180), &cm, kEnded))
        << n << ": phase " << phase_of(cm) << "\n"
        << cm.dump(2);
  }
  EXPECT_EQ(api_env(deployment("present")), std::optional<std::string>(kNew));
  EXPECT_EQ(api_env(deployment("absent")), std::optional<std::string>(kNew));
  EXPECT_EQ(configmap("cm-present")["data"].value("table", ""), kNew);
  EXPECT_EQ(configmap("cm-absent")["data"].value("table", ""), kNew);

  // The metric crosses the threshold: every consumer is rolled back.
  for (const auto& n : names) metrics_->set(ns(), n, "0.5");
  for (const auto& n : names) {
    json cm;
    ASSERT_TRUE(wait_cmig("p-" + n, [](const json& o) { return phase_of(o) == "RolledBack"; }, seconds(180),
                          &cm, {"Succeeded", "Failed"}))
        << n << ": phase " << phase_of(cm) << "\n"
        << cm.dump(2);
    json st = cm["status"];
    json rb = st["rollback"];
    EXPECT_EQ(rb.value("reason", ""), "HealthCheckFailed") << rb.dump();
    EXPECT_TRUE(rb.value("restored", false)) << rb.dump();
    EXPECT_TRUE(rb.contains("startedAt") && rb.contains("completedAt")) << rb.dump();
    EXPECT_EQ(rb.value("attempts", 0), 1) << rb.dump();
    EXPECT_EQ(rb.value("job", ""), "p-" + n + "-1-rollback-1") << rb.dump();
    EXPECT_EQ(st["analysis"].value("failures", 0), 1) << st["analysis"].dump();
    const bool had = n.find("present") != std::string::npos;
    EXPECT_EQ(st["cutover"]["previous"].value("present", !had), had) << st["cutover"].dump();
    if (had) {
      EXPECT_EQ(st["cutover"]["previous"].value("value", ""), kOld) << st["cutover"].dump();
    }
    bool failed_measurement = false;
    for (const auto& m : st["analysis"].value("measurements", json::array()))
      if (m.value("outcome", "") == "Failed") {
        failed_measurement = true;
        EXPECT_EQ(m.value("value", ""), "0.5");
        EXPECT_NE(m.value("message", "").find("AboveMaximum"), std::string::npos) << m.dump();
      }
    EXPECT_TRUE(failed_measurement) << st["analysis"].dump(2);
  }

  // Every target holds exactly what it held before the cut-over.
  const json present = deployment("present");
  const json absent = deployment("absent");
  EXPECT_EQ(api_env(present), std::optional<std::string>(kOld));
  EXPECT_FALSE(api_env(absent).has_value()) << container_env(absent, "api").dump();
  EXPECT_EQ(present["spec"], dep_before_present["spec"])
      << json::diff(dep_before_present["spec"], present["spec"]).dump();
  EXPECT_EQ(absent["spec"], dep_before_absent["spec"])
      << json::diff(dep_before_absent["spec"], absent["spec"]).dump();
  // One write to cut over, one to restore.
  EXPECT_EQ(present.value("/metadata/generation"_json_pointer, 0),
            dep_before_present.value("/metadata/generation"_json_pointer, 0) + 2);
  EXPECT_EQ(absent.value("/metadata/generation"_json_pointer, 0),
            dep_before_absent.value("/metadata/generation"_json_pointer, 0) + 2);
  // The sidecar's variable of the same name was never touched.
  for (const auto* d : {&present, &absent})
    EXPECT_EQ(container_env(*d, "sidecar"), json::array({{{"name", kEnv}, {"value", "sidecar-own"}}}));
  EXPECT_EQ(configmap("cm-present")["data"], cm_before_present["data"]);
  EXPECT_EQ(configmap("cm-absent")["data"], cm_before_absent["data"]);
  EXPECT_FALSE(configmap("cm-absent")["data"].contains("table"));

  // One rollback Job per consumer, each succeeded.
  const auto rollback_jobs = jobs("rollback");
  EXPECT_EQ(rollback_jobs.size(), 4u);
  for (const auto& n : names) EXPECT_EQ(rollback_jobs.count("p-" + n + "-1-rollback-1"), 1u) << n;

  // The watch never saw a Succeeded consumer; every one went through RollingBack.
  for (const auto& n : names) {
    const auto phases = watch.phases("p-" + n);
    EXPECT_EQ(std::find(phases.begin(), phases.end(), "Succeeded"), phases.end())
        << n << ": " << join(phases);
  }

  // The operator's counter.
  std::string exposition;
  EXPECT_TRUE(wait_for(
      [&] {
        exposition = op_->metrics();
        return sample_value(exposition, R"(shepherd_rollbacks_total{reason="HealthCheckFailed"})") == 4;
      },
      seconds(30)))
      << exposition;
}

// 3. Prometheus stops answering mid-analysis: the rounds are Inconclusive, never Successful; the
//    consumer is never Succeeded and ends Stalled with reason AnalysisInconclusive (still cut over,
//    waiting for a person).
TEST_F(OperatorRollback, PrometheusStoppedMidAnalysisStallsAndNeverSucceeds) {
  Prometheus own(metrics_->port());  // this test stops it
  ASSERT_TRUE(own.ready()) << own.log_path();
  create_deployment("recs-api", true);
  ASSERT_NO_FATAL_FAILURE(set_metric("api", "0.001", &own));
  PhaseWatch watch(ns(), log_file("cmig-watch"));

  // With Prometheus up this would succeed after 8 rounds; 3 inconclusive rounds stall it.
  const json health{{"interval", "2s"},
                    {"count", 8},
                    {"failureLimit", 0},
                    {"inconclusiveLimit", 2},
                    {"checks", json::array({error_rate_check(own.address())})}};
  apply(make_plan("p", {{"api", env_cutover("recs-api")}}, health, {{"maxFailures", 0}}));

  std::vector<std::string> seen;  // phases polled throughout
  json cm;
  ASSERT_TRUE(wait_cmig(
      "p-api",
      [&](const json& o) {
        seen.push_back(phase_of(o));
        return phase_of(o) == "Analyzing" && o.value("/status/analysis/successes"_json_pointer, 0) >= 1;
      },
      seconds(180), &cm, kEnded))
      << "phase " << phase_of(cm) << "\n"
      << cm.dump(2);
  const std::int64_t rounds_before_stop = cm.value("/status/analysis/rounds"_json_pointer, 0);
  ASSERT_LT(rounds_before_stop, 8) << "the analysis got too far before the stop: " << cm.dump(2);
  own.stop();

  ASSERT_TRUE(wait_cmig("p-api",
                        [&](const json& o) {
                          seen.push_back(phase_of(o));
                          const json stalled = condition(o, "Stalled");
                          return stalled.value("status", "") == "True";
                        },
                        seconds(180), &cm, {"Succeeded", "RollingBack", "RolledBack", "Failed"}))
      << "phase " << phase_of(cm) << "\n"
      << cm.dump(2);
  // Still nothing moves it on by itself.
  EXPECT_FALSE(wait_for(
      [&] {
        cm = cmig("p-api");
        seen.push_back(phase_of(cm));
        return phase_of(cm) != "Analyzing";
      },
      seconds(8), milliseconds(300)))
      << "phase " << phase_of(cm);

  EXPECT_EQ(phase_of(cm), "Analyzing");
  EXPECT_EQ(condition(cm, "Stalled").value("reason", ""), "AnalysisInconclusive") << cm["status"].dump(2);
  EXPECT_EQ(condition(cm, "Ready").value("status", ""), "False");
  json a = cm["status"]["analysis"];
  EXPECT_EQ(a.value("failures", 0), 0) << a.dump(2);
  EXPECT_GT(a.value("inconclusive", 0), 2) << a.dump(2);
  EXPECT_LT(a.value("successes", 0), 8) << a.dump(2);
  EXPECT_EQ(a.value("successes", 0) + a.value("failures", 0) + a.value("inconclusive", 0),
            a.value("rounds", 0))
      << a.dump(2);
  bool unreachable = false;
  for (const auto& m : a.value("measurements", json::array())) {
    if (m.value("check", "") != "error-rate") continue;
    const std::string message = m.value("message", "");
    if (message.find("Unreachable") != std::string::npos) {
      unreachable = true;
      EXPECT_EQ(m.value("outcome", ""), "Inconclusive") << m.dump();
    }
  }
  EXPECT_TRUE(unreachable) << a.dump(2);
  // Stalled, not rolled back: the Deployment is still cut over.
  EXPECT_EQ(api_env(deployment("recs-api")), std::optional<std::string>(kNew));
  EXPECT_FALSE(cm["status"].contains("rollback"));

  for (const auto& p : seen) EXPECT_NE(p, "Succeeded");
  const auto phases = watch.phases("p-api");
  EXPECT_FALSE(phases.empty());
  for (const auto& p : phases) EXPECT_NE(p, "Succeeded") << join(phases);
}

// 4. The operator is killed with SIGKILL while the rollback Job runs (a ResourceQuota holds its
//    pod back: BestEffort pods 0; the Deployments' pods request resources and are not affected).
//    After the restart the rollback finishes exactly once: the env var restored by one write, one
//    rollback Job whose UID never changes, the migrate Job untouched, status consistent.
TEST_F(OperatorRollback, OperatorKilledDuringRollbackFinishesItExactlyOnce) {
  create_deployment("recs-api", true);
  ASSERT_NO_FATAL_FAILURE(set_metric("api", "0.001"));
  const json before = deployment("recs-api");
  const std::int64_t gen0 = before.value("/metadata/generation"_json_pointer, 0);
  PhaseWatch watch(ns(), log_file("cmig-watch"));

  const json health{{"interval", "1s"},
                    {"count", 1000},
                    {"failureLimit", 0},
                    {"inconclusiveLimit", 1000},
                    {"checks", json::array({error_rate_check()})}};
  apply(make_plan("p", {{"api", env_cutover("recs-api")}}, health, {{"maxFailures", 0}}));
  json cm;
  ASSERT_TRUE(wait_cmig(
      "p-api",
      [](const json& o) {
        return phase_of(o) == "Analyzing" && o.value("/status/analysis/successes"_json_pointer, 0) >= 1;
      },
      seconds(180), &cm, kEnded))
      << cm.dump(2);
  EXPECT_EQ(api_env(deployment("recs-api")), std::optional<std::string>(kNew));
  const auto migrate_jobs = jobs("migrate");
  ASSERT_EQ(migrate_jobs.size(), 1u);

  // From now on no agent pod can start.
  apply({{"apiVersion", "v1"},
         {"kind", "ResourceQuota"},
         {"metadata", {{"name", "hold-agent-pods"}, {"namespace", ns()}}},
         {"spec", {{"hard", {{"pods", "0"}}}, {"scopes", json::array({"BestEffort"})}}}});
  ASSERT_TRUE(wait_for(
      [&] {
        auto q = kubectl_get_json("resourcequota", "hold-agent-pods", ns());
        return q.is_object() && q.contains("/status/hard/pods"_json_pointer);
      },
      seconds(60)));

  metrics_->set(ns(), "api", "0.5");
  std::string rollback_job;
  ASSERT_TRUE(wait_cmig(
      "p-api",
      [&](const json& o) {
        if (phase_of(o) != "RollingBack") return false;
        if (!o.value("/status/rollback/restored"_json_pointer, false)) return false;
        rollback_job = o.value("/status/rollback/job"_json_pointer, std::string());
        return !rollback_job.empty() && jobs("rollback").count(rollback_job) == 1;
      },
      seconds(180), &cm, kEnded))
      << "phase " << phase_of(cm)
      << " (a RolledBack here means the quota did not hold the rollback pod back)\n"
      << cm.dump(2);
  const json status_before_kill = cm["status"];
  const std::string rollback_uid = jobs("rollback").at(rollback_job);
  const json job = kubectl_get_json("job", rollback_job, ns());
  ASSERT_EQ(job.value("/status/succeeded"_json_pointer, 0), 0) << job.dump(2);
  EXPECT_EQ(api_env(deployment("recs-api")), std::optional<std::string>(kOld));
  EXPECT_EQ(deployment("recs-api").value("/metadata/generation"_json_pointer, 0), gen0 + 2);
  EXPECT_EQ(sample_value(op_->metrics(), R"(shepherd_rollbacks_total{reason="HealthCheckFailed"})"), 1);

  // Crash, and start again.
  op_->kill9();
  ASSERT_FALSE(op_->running());
  ASSERT_NO_FATAL_FAILURE(op_->restart());
  // The new process reconciled the consumer at least once (it is still RollingBack: the Job waits).
  ASSERT_TRUE(wait_for(
      [&] {
        const std::string m = op_->metrics();
        return m.find("shepherd_reconcile_total{controller=\"consumermigration\"") != std::string::npos;
      },
      seconds(60), milliseconds(500)))
      << op_->metrics();
  cm = cmig("p-api");
  EXPECT_EQ(phase_of(cm), "RollingBack");
  EXPECT_EQ(cm["status"]["rollback"], status_before_kill["rollback"])
      << "the restarted operator changed the rollback";
  EXPECT_EQ(jobs("rollback"), (std::map<std::string, std::string>{{rollback_job, rollback_uid}}));

  // Release the pod: the rollback Job completes and the rollback finishes.
  kubectl_ok({"delete", "resourcequota", "hold-agent-pods", "-n", ns()});
  ASSERT_TRUE(wait_cmig("p-api", [](const json& o) { return phase_of(o) == "RolledBack"; }, seconds(240), &cm,
                        {"Succeeded", "Failed"}))
      << cm.dump(2);

  json rb = cm["status"]["rollback"];
  EXPECT_EQ(rb.value("reason", ""), "HealthCheckFailed");
  EXPECT_EQ(rb.value("attempts", 0), 1) << rb.dump();
  EXPECT_EQ(rb.value("job", ""), rollback_job);
  EXPECT_TRUE(rb.value("restored", false));
  EXPECT_EQ(rb.value("startedAt", ""), status_before_kill["rollback"].value("startedAt", ""));
  EXPECT_TRUE(rb.contains("completedAt"));
  EXPECT_EQ(cm["status"]["cutover"], status_before_kill["cutover"]);
  EXPECT_EQ(cm["status"].value("attempts", 0), 1);
  EXPECT_EQ(jobs("rollback"), (std::map<std::string, std::string>{{rollback_job, rollback_uid}}))
      << "the rollback Job was replaced or duplicated";
  EXPECT_EQ(jobs("migrate"), migrate_jobs);
  const json rjob = kubectl_get_json("job", rollback_job, ns());
  EXPECT_EQ(rjob.value("/status/succeeded"_json_pointer, 0), 1) << rjob.dump(2);

  const json after = deployment("recs-api");
  EXPECT_EQ(api_env(after), std::optional<std::string>(kOld));
  EXPECT_EQ(after["spec"], before["spec"]) << json::diff(before["spec"], after["spec"]).dump();
  EXPECT_EQ(after.value("/metadata/generation"_json_pointer, 0), gen0 + 2) << "restored more than once";

  // The restarted operator did not start the rollback again.
  EXPECT_LE(sample_value(op_->metrics(), R"(shepherd_rollbacks_total{reason="HealthCheckFailed"})"), 0);
  const auto phases = watch.phases("p-api");
  EXPECT_EQ(std::count(phases.begin(), phases.end(), "RolledBack") >= 1, true) << join(phases);
  // RollingBack is entered once: no phase other than RollingBack/RolledBack after it.
  auto first = std::find(phases.begin(), phases.end(), "RollingBack");
  ASSERT_NE(first, phases.end()) << join(phases);
  for (auto it = first; it != phases.end(); ++it)
    EXPECT_TRUE(*it == "RollingBack" || *it == "RolledBack") << join(phases);
}

// 5. The circuit breaker trips (maxFailures 0) with onFailure: Rollback: every consumer that was cut
//    over is restored and the plan ends RolledBack. Consumers a and b are cut over and Succeeded
//    first (c depends on them); c's agent Job fails (kwok-fail, retries 0).
TEST_F(OperatorRollback, CircuitBreakerWithRollbackRestoresEveryCutOverConsumer) {
  for (const auto* d : {"dep-a", "dep-b", "dep-c"}) create_deployment(d, true);
  ASSERT_NO_FATAL_FAILURE(set_metric("a", "0.001"));
  ASSERT_NO_FATAL_FAILURE(set_metric("b", "0.001"));
  ASSERT_NO_FATAL_FAILURE(set_metric("c", "0.001"));
  std::map<std::string, json> before;
  for (const auto* d : {"dep-a", "dep-b", "dep-c"}) before[d] = deployment(d);
  PhaseWatch watch(ns(), log_file("cmig-watch"));

  const json health{{"interval", "1s"},
                    {"count", 2},
                    {"failureLimit", 0},
                    {"inconclusiveLimit", 3},
                    {"checks", json::array({error_rate_check()})}};
  ConsumerSpec c{"c", env_cutover("dep-c")};
  c.depends_on = {"a", "b"};
  c.agent = {{"retries", 0},
             {"pod",
              {{"labels", {{"shepherd.dev/kwok-fail", "true"}}},
               {"annotations", {{"shepherd.dev/kwok-message", "verify failed: 3 tests"}}}}}};
  apply(make_plan("p", {{"a", env_cutover("dep-a")}, {"b", env_cutover("dep-b")}, c}, health,
                  {{"maxFailures", 0}, {"onFailure", "Rollback"}}));

  json plan;
  ASSERT_TRUE(wait_for(
      [&] {
        plan = kubectl_get_json("migrationplan", "p", ns());
        return phase_of(plan) == "RolledBack";
      },
      seconds(240), milliseconds(500)))
      << "plan phase " << phase_of(plan) << "\n"
      << plan.dump(2) << "\n"
      << kubectl({"get", "cmig", "-n", ns(), "-o", "yaml"}).out;

  EXPECT_EQ(condition(plan, "Stalled").value("reason", ""), "RolledBack") << plan["status"].dump(2);
  for (const auto* n : {"a", "b"}) {
    const json cm = cmig(std::string("p-") + n);
    EXPECT_EQ(phase_of(cm), "RolledBack") << cm.dump(2);
    const auto phases = watch.phases(std::string("p-") + n);
    EXPECT_NE(std::find(phases.begin(), phases.end(), "Succeeded"), phases.end())
        << n << " was not cut over and Succeeded before the breaker tripped: " << join(phases);
    json rb = cm["status"]["rollback"];
    EXPECT_EQ(rb.value("reason", ""), "FailureBudgetExceeded") << rb.dump();
    EXPECT_TRUE(rb.value("restored", false)) << rb.dump();
    EXPECT_EQ(rb.value("attempts", 0), 1) << rb.dump();
    EXPECT_TRUE(rb.contains("completedAt")) << rb.dump();
  }
  const json cmc = cmig("p-c");
  EXPECT_EQ(phase_of(cmc), "Failed") << cmc.dump(2);
  EXPECT_FALSE(cmc["status"].contains("cutover")) << cmc["status"].dump(2);

  // Every cut-over Deployment holds its previous spec again; c's was never touched.
  for (const auto* d : {"dep-a", "dep-b", "dep-c"}) {
    const json after = deployment(d);
    EXPECT_EQ(api_env(after), std::optional<std::string>(kOld)) << d;
    EXPECT_EQ(after["spec"], before[d]["spec"])
        << d << ": " << json::diff(before[d]["spec"], after["spec"]).dump();
  }
  const json dep_c = deployment("dep-c");
  EXPECT_EQ(dep_c.value("/metadata/generation"_json_pointer, 0),
            before["dep-c"].value("/metadata/generation"_json_pointer, 0));
  EXPECT_TRUE(managed_by(dep_c, "shepherd-operator").empty()) << dep_c["metadata"]["managedFields"].dump(2);
  for (const auto* d : {"dep-a", "dep-b"})
    EXPECT_EQ(deployment(d).value("/metadata/generation"_json_pointer, 0),
              before[d].value("/metadata/generation"_json_pointer, 0) + 2)
        << d;

  // One rollback Job each for a and b, none for c (it published nothing).
  std::set<std::string> rollback_names;
  for (const auto& [name, uid] : jobs("rollback")) rollback_names.insert(name);
  EXPECT_EQ(rollback_names, (std::set<std::string>{"p-a-1-rollback-1", "p-b-1-rollback-1"}));
  std::string exposition;
  EXPECT_TRUE(wait_for(
      [&] {
        exposition = op_->metrics();
        return sample_value(exposition, R"(shepherd_rollbacks_total{reason="FailureBudgetExceeded"})") == 2;
      },
      seconds(30)))
      << exposition;
}

}  // namespace
}  // namespace shepherd::testing
