// The Helm chart charts/shepherd against the real test control plane, with the pinned helm and
// kubectl 1.33 of hack/control-plane:
//   - `helm lint` (also --strict) passes, and fails on a value the schema forbids;
//   - what `helm template` renders is accepted by `kubectl apply --dry-run=server`, with default
//     values and with every option on (the ServiceMonitor, whose CRD belongs to the Prometheus
//     Operator and is absent here, is checked for selecting the metrics Service instead);
//   - `helm install --wait`, `helm upgrade` (replicas 2 → leader election) and `helm uninstall`
//     work, and uninstall leaves nothing of the release but the CRDs (as docs/operations.md says);
//   - the operator's and the agent's service accounts can do exactly what the RBAC table of
//     charts/shepherd/README.md says, verb by verb (`kubectl auth can-i --as=...`), for a
//     cluster-wide install and for one with operator.watchNamespace; the table in the README and
//     the list in this file must be the same, so docs and chart cannot drift apart.
// The operator image cannot be pulled here; kwok runs the pods on its fake node anyway.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using shepherd::testing::Cluster;
using shepherd::testing::ClusterTest;
using shepherd::testing::kubectl;
using shepherd::testing::kubectl_get_json;
using shepherd::testing::kubectl_ok;
using shepherd::testing::ProcessOptions;
using shepherd::testing::ProcessResult;
using shepherd::testing::random_suffix;
using shepherd::testing::run_process;
using shepherd::testing::wait_for;

std::string chart_dir() { return Cluster::get().source_dir + "/charts/shepherd"; }

// Helm's cache, config and data live in a folder of this process, never in $HOME.
class HelmHome {
 public:
  HelmHome() {
    std::string tmpl = (fs::temp_directory_path() / "shepherd-helm-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  }
  ~HelmHome() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

ProcessResult helm(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
  static HelmHome home;
  const Cluster& c = Cluster::get();
  std::vector<std::string> argv{c.tools_bin + "/helm"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions o;
  o.timeout = timeout;
  o.env = {{"KUBECONFIG", c.kubeconfig},
           {"HELM_CACHE_HOME", home.dir() + "/cache"},
           {"HELM_CONFIG_HOME", home.dir() + "/config"},
           {"HELM_DATA_HOME", home.dir() + "/data"}};
  return run_process(argv, o);
}

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += " " + a;
  return s;
}

// helm that must succeed; returns stdout.
std::string helm_ok(const std::vector<std::string>& args) {
  auto r = helm(args);
  EXPECT_EQ(r.exit_code, 0) << "helm" << joined(args) << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
  return r.out;
}

// The YAML documents of a multi-document stream, as raw text (for kubectl) and parsed.
struct Manifest {
  std::string text;
  YAML::Node node;
  std::string kind() const { return node["kind"] ? node["kind"].as<std::string>() : ""; }
  std::string name() const { return node["metadata"]["name"].as<std::string>(); }
  std::string ns() const {
    return node["metadata"]["namespace"] ? node["metadata"]["namespace"].as<std::string>() : "";
  }
};

std::vector<Manifest> split_manifests(const std::string& stream) {
  std::vector<Manifest> out;
  std::vector<std::string> docs(1);
  std::istringstream in(stream);
  for (std::string line; std::getline(in, line);) {
    if (line == "---") {
      docs.emplace_back();
    } else {
      docs.back() += line + "\n";
    }
  }
  for (const auto& d : docs) {
    YAML::Node n = YAML::Load(d);
    if (n.IsMap() && n["kind"]) out.push_back({d, n});
  }
  return out;
}

std::string join_manifests(const std::vector<Manifest>& ms) {
  std::string s;
  for (const auto& m : ms) s += "---\n" + m.text;
  return s;
}

const Manifest* find_kind(const std::vector<Manifest>& ms, const std::string& kind) {
  for (const auto& m : ms) {
    if (m.kind() == kind) return &m;
  }
  return nullptr;
}

// A test with a release namespace (the ClusterTest's) and a second namespace where plans run. The
// release is uninstalled at the end whatever happened, so that no ClusterRole outlives a test.
class HelmTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    release_ = "shp-" + random_suffix(6);
    plans_ns_ = "plans-" + random_suffix(8);
    kubectl_ok({"create", "namespace", plans_ns_});
  }
  void TearDown() override {
    if (installed_) helm({"uninstall", release_, "-n", ns(), "--wait", "--timeout", "2m"});
    kubectl({"delete", "namespace", plans_ns_, "--wait=false", "--ignore-not-found"});
    ClusterTest::TearDown();
  }

  void install(const std::vector<std::string>& extra, bool wait) {
    std::vector<std::string> args{"install", release_, chart_dir(), "-n", ns()};
    if (wait) args.insert(args.end(), {"--wait", "--timeout", "3m"});
    args.insert(args.end(), extra.begin(), extra.end());
    installed_ = true;
    helm_ok(args);
  }

  json deployment() {
    auto list = json::parse(kubectl_ok(
        {"get", "deployments", "-n", ns(), "-l", "app.kubernetes.io/instance=" + release_, "-o", "json"}));
    if (list["items"].size() != 1) {
      ADD_FAILURE() << "expected one Deployment of release " << release_ << ", got " << list["items"].size();
      return json::object();
    }
    return list["items"][0];
  }

  std::string release_;
  std::string plans_ns_;
  bool installed_ = false;
};

// ---------------------------------------------------------------------------------------------
// Lint and render

TEST(HelmLint, PassesPlainAndStrict) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{},
        {"--strict"},
        {"--strict", "--set", "replicaCount=2", "--set", "metrics.serviceMonitor.enabled=true", "--set",
         "operator.watchNamespace=team-a", "--set", "rbac.cutoverNamespaces={team-a,team-b}", "--set",
         "agent.namespaces={team-a}", "--set", "rbac.secretsGet=false"}}) {
    std::vector<std::string> args{"lint", chart_dir()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = helm(args);
    EXPECT_EQ(r.exit_code, 0) << "helm" << joined(args) << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("0 chart(s) failed"), std::string::npos) << r.out;
  }
}

TEST(HelmLint, RejectsValuesTheSchemaForbids) {
  for (const char* bad : {"operator.logFormat=xml", "replicaCount=-1", "rbac.secretGet=true",
                          "agent.namespaces={Not_A_Namespace}"}) {
    auto r = helm({"lint", "--strict", chart_dir(), "--set", std::string(bad)});
    EXPECT_NE(r.exit_code, 0) << "helm lint accepted --set " << bad << "\n" << r.out;
  }
  // A ServiceMonitor without the Service it selects is refused when rendering.
  auto r = helm({"template", "x", chart_dir(), "--set", "metrics.serviceMonitor.enabled=true", "--set",
                 "metrics.service.enabled=false"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("metrics.serviceMonitor.enabled needs metrics.service.enabled"), std::string::npos)
      << r.err;
}

TEST_F(HelmTest, DefaultTemplateIsAcceptedByServerDryRun) {
  std::string rendered = helm_ok({"template", release_, chart_dir(), "-n", ns(), "--include-crds"});
  auto ms = split_manifests(rendered);
  std::set<std::string> kinds;
  for (const auto& m : ms) kinds.insert(m.kind());
  for (const char* k : {"CustomResourceDefinition", "Deployment", "Service", "ServiceAccount", "ClusterRole",
                        "ClusterRoleBinding", "Role", "RoleBinding"}) {
    EXPECT_TRUE(kinds.count(k)) << "the chart renders no " << k;
  }
  EXPECT_FALSE(kinds.count("ServiceMonitor")) << "ServiceMonitor is off by default";
  // No -n: every namespaced object of the chart names its namespace (helm template | kubectl apply
  // must put it where helm install would).
  auto r = kubectl({"apply", "--dry-run=server", "-f", "-"}, rendered);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(HelmTest, TemplateWithEveryOptionIsAcceptedByServerDryRun) {
  std::string rendered = helm_ok({"template",  release_,
                                  chart_dir(), "-n",
                                  ns(),        "--include-crds",
                                  "--set",     "replicaCount=2",
                                  "--set",     "operator.watchNamespace=" + plans_ns_,
                                  "--set",     "rbac.cutoverNamespaces={" + plans_ns_ + "," + ns() + "}",
                                  "--set",     "agent.namespaces={" + plans_ns_ + "," + ns() + "}",
                                  "--set",     "metrics.serviceMonitor.enabled=true",
                                  "--set",     "metrics.serviceMonitor.labels.release=prom",
                                  "--set",     "imagePullSecrets={regcred}",
                                  "--set",     "operator.extraArgs={--kube-api-qps=20}",
                                  "--set",     "serviceAccount.annotations.team=data",
                                  "--set",     "podLabels.team=data",
                                  "--set",     "priorityClassName=",
                                  "--set",     "operator.logFormat=text"});
  auto ms = split_manifests(rendered);

  // The ServiceMonitor's CRD belongs to the Prometheus Operator, which this plane does not run (and
  // imitating its schema here would prove nothing): check that it selects the metrics Service.
  const Manifest* sm = find_kind(ms, "ServiceMonitor");
  ASSERT_NE(sm, nullptr);
  const Manifest* svc = find_kind(ms, "Service");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(sm->node["apiVersion"].as<std::string>(), "monitoring.coreos.com/v1");
  EXPECT_EQ(sm->ns(), ns());
  EXPECT_EQ(sm->node["metadata"]["labels"]["release"].as<std::string>(), "prom");
  for (const auto& kv : sm->node["spec"]["selector"]["matchLabels"]) {
    auto key = kv.first.as<std::string>();
    ASSERT_TRUE(svc->node["metadata"]["labels"][key])
        << "the ServiceMonitor selects on label " << key << ", which the metrics Service does not have";
    EXPECT_EQ(svc->node["metadata"]["labels"][key].as<std::string>(), kv.second.as<std::string>()) << key;
  }
  EXPECT_EQ(sm->node["spec"]["namespaceSelector"]["matchNames"][0].as<std::string>(), ns());
  EXPECT_EQ(sm->node["spec"]["endpoints"][0]["port"].as<std::string>(),
            svc->node["spec"]["ports"][0]["name"].as<std::string>());

  // Leader election is on with two replicas; the RBAC is bound in the namespaces named.
  const Manifest* dep = find_kind(ms, "Deployment");
  ASSERT_NE(dep, nullptr);
  std::vector<std::string> args =
      dep->node["spec"]["template"]["spec"]["containers"][0]["args"].as<std::vector<std::string>>();
  for (const std::string& want :
       {std::string("--leader-elect"), "--leader-election-namespace=" + ns(), "--namespace=" + plans_ns_,
        std::string("--log-format=text"), std::string("--kube-api-qps=20")}) {
    EXPECT_NE(std::find(args.begin(), args.end(), want), args.end()) << want;
  }
  std::set<std::pair<std::string, std::string>> bindings;  // (namespace, name) of RoleBindings
  for (const auto& m : ms) {
    EXPECT_NE(m.kind(), "ClusterRoleBinding") << "with operator.watchNamespace and rbac.cutoverNamespaces "
                                                 "nothing is bound cluster-wide: "
                                              << m.name();
    if (m.kind() == "RoleBinding") bindings.insert({m.ns(), m.name()});
  }
  const std::string full = release_ + "-shepherd";
  for (const auto& want : std::set<std::pair<std::string, std::string>>{{plans_ns_, full + "-operator"},
                                                                        {plans_ns_, full + "-secrets-get"},
                                                                        {plans_ns_, full + "-cutover"},
                                                                        {ns(), full + "-cutover"},
                                                                        {ns(), full + "-leader-election"},
                                                                        {plans_ns_, "shepherd-agent"},
                                                                        {ns(), "shepherd-agent"}}) {
    EXPECT_TRUE(bindings.count(want)) << "no RoleBinding " << want.first << "/" << want.second;
  }

  std::vector<Manifest> applicable;
  for (const auto& m : ms) {
    if (m.kind() != "ServiceMonitor") applicable.push_back(m);
  }
  auto r = kubectl({"apply", "--dry-run=server", "-f", "-"}, join_manifests(applicable));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// ---------------------------------------------------------------------------------------------
// Install, upgrade, uninstall

TEST_F(HelmTest, InstallUpgradeUninstallLeavesOnlyTheCrds) {
  install({}, /*wait=*/true);
  json dep = deployment();
  EXPECT_EQ(dep["status"].value("readyReplicas", 0), 1) << dep["status"].dump();
  auto args = dep["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_EQ(std::find(args.begin(), args.end(), "--leader-elect"), args.end()) << args.dump();
  const auto& container = dep["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["securityContext"].value("readOnlyRootFilesystem", false), true);
  EXPECT_EQ(dep["spec"]["template"]["spec"]["securityContext"].value("runAsNonRoot", false), true);
  for (const char* crd : {"migrationplans.shepherd.dev", "consumermigrations.shepherd.dev"}) {
    EXPECT_FALSE(kubectl_get_json("crd", crd).is_null()) << crd << " not installed";
  }

  // Upgrade to two replicas: leader election comes with it, the Lease in the release namespace.
  helm_ok(
      {"upgrade", release_, chart_dir(), "-n", ns(), "--wait", "--timeout", "3m", "--set", "replicaCount=2"});
  dep = deployment();
  EXPECT_EQ(dep["spec"].value("replicas", 0), 2);
  EXPECT_EQ(dep["status"].value("readyReplicas", 0), 2) << dep["status"].dump();
  args = dep["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-elect"), args.end()) << args.dump();
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-election-namespace=" + ns()), args.end())
      << args.dump();
  auto history = json::parse(helm_ok({"history", release_, "-n", ns(), "-o", "json"}));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["status"], "deployed");

  // Everything the release owns, from its manifest: each must exist now and be gone after.
  auto owned = split_manifests(helm_ok({"get", "manifest", release_, "-n", ns()}));
  std::set<std::string> kinds;
  for (const auto& m : owned) kinds.insert(m.kind());
  EXPECT_EQ(kinds, (std::set<std::string>{"ClusterRole", "ClusterRoleBinding", "Deployment", "Role",
                                          "RoleBinding", "Service", "ServiceAccount"}));
  for (const auto& m : owned) {
    EXPECT_FALSE(kubectl_get_json(m.kind(), m.name(), m.ns()).is_null()) << m.kind() << " " << m.name();
  }
  EXPECT_NE(kubectl_ok({"get", "secrets", "-n", ns(), "-l", "owner=helm,name=" + release_, "-o", "name"}),
            "");

  helm_ok({"uninstall", release_, "-n", ns(), "--wait", "--timeout", "2m"});
  installed_ = false;
  for (const auto& m : owned) {
    EXPECT_TRUE(kubectl_get_json(m.kind(), m.name(), m.ns()).is_null())
        << m.kind() << " " << m.name() << " is left";
  }
  const std::string sel = "app.kubernetes.io/instance=" + release_;
  EXPECT_EQ(
      kubectl_ok({"get",
                  "deployments,replicasets,services,serviceaccounts,configmaps,secrets,roles,rolebindings,"
                  "leases",
                  "-A", "-l", sel, "-o", "name"}),
      "");
  EXPECT_EQ(kubectl_ok({"get", "clusterroles,clusterrolebindings", "-l", sel, "-o", "name"}), "");
  EXPECT_EQ(kubectl_ok({"get", "secrets", "-n", ns(), "-l", "owner=helm,name=" + release_, "-o", "name"}), "")
      << "Helm's release secrets are left";
  // Pods go with their ReplicaSet, asynchronously (garbage collection).
  EXPECT_TRUE(wait_for(
      [&] {
        return kubectl_ok({"get", "pods", "-n", ns(), "-l", sel, "-o", "name"}).empty();
      },
      std::chrono::seconds(60)));
  // What docs/operations.md says is kept: the CRDs (and with them every plan).
  for (const char* crd : {"migrationplans.shepherd.dev", "consumermigrations.shepherd.dev"}) {
    EXPECT_FALSE(kubectl_get_json("crd", crd).is_null()) << crd << " was deleted by helm uninstall";
  }
  EXPECT_EQ(helm_ok({"list", "-n", ns(), "-q"}), "");
}

// ---------------------------------------------------------------------------------------------
// RBAC, verb by verb

// One row of the table "Checked permissions" in charts/shepherd/README.md.
struct Permission {
  std::string identity;  // operator | agent
  std::string verb;
  std::string resource;  // resource.group[/subresource]
  std::string where;     // plans | release | other | cluster
  bool cluster_wide;     // allowed with the default values
  bool namespaced;       // allowed with operator.watchNamespace=<plans> and rbac.cutoverNamespaces={<plans>}

  auto tie() const { return std::tie(identity, verb, resource, where, cluster_wide, namespaced); }
  bool operator<(const Permission& o) const { return tie() < o.tie(); }
  bool operator==(const Permission& o) const { return tie() == o.tie(); }
};

std::ostream& operator<<(std::ostream& os, const Permission& p) {
  return os << "| " << p.identity << " | " << p.verb << " | " << p.resource << " | " << p.where << " | "
            << (p.cluster_wide ? "yes" : "no") << " | " << (p.namespaced ? "yes" : "no") << " |";
}

// What the operator needs (operator/main.cc, controllers/reconcile/*.cc, runtime/events.cc
// and leader_election.cc) and what the agent needs (agent/diff_store.cc), and what neither may do.
const std::vector<Permission>& expected_permissions() {
  static const std::vector<Permission> all = {
      // Plans: read and watched, status written, never rewritten or created.
      {"operator", "get", "migrationplans.shepherd.dev", "plans", true, true},
      {"operator", "list", "migrationplans.shepherd.dev", "plans", true, true},
      {"operator", "watch", "migrationplans.shepherd.dev", "plans", true, true},
      {"operator", "list", "migrationplans.shepherd.dev", "cluster", true, false},
      {"operator", "watch", "migrationplans.shepherd.dev", "cluster", true, false},
      {"operator", "update", "migrationplans.shepherd.dev/status", "plans", true, true},
      {"operator", "update", "migrationplans.shepherd.dev", "plans", false, false},
      {"operator", "patch", "migrationplans.shepherd.dev", "plans", false, false},
      {"operator", "create", "migrationplans.shepherd.dev", "plans", false, false},
      {"operator", "delete", "migrationplans.shepherd.dev", "plans", false, false},
      // ConsumerMigrations: created, annotated and deleted by the plan controller.
      {"operator", "create", "consumermigrations.shepherd.dev", "plans", true, true},
      {"operator", "patch", "consumermigrations.shepherd.dev", "plans", true, true},
      {"operator", "delete", "consumermigrations.shepherd.dev", "plans", true, true},
      {"operator", "update", "consumermigrations.shepherd.dev", "plans", false, false},
      {"operator", "list", "consumermigrations.shepherd.dev", "cluster", true, false},
      {"operator", "watch", "consumermigrations.shepherd.dev", "cluster", true, false},
      {"operator", "update", "consumermigrations.shepherd.dev/status", "plans", true, true},
      {"operator", "update", "consumermigrations.shepherd.dev/finalizers", "plans", true, true},
      // Agent Jobs and their pods.
      {"operator", "create", "jobs.batch", "plans", true, true},
      {"operator", "delete", "jobs.batch", "plans", true, true},
      {"operator", "list", "jobs.batch", "cluster", true, false},
      {"operator", "watch", "jobs.batch", "cluster", true, false},
      {"operator", "update", "jobs.batch", "plans", false, false},
      {"operator", "list", "pods", "plans", true, true},
      {"operator", "watch", "pods", "plans", true, true},
      {"operator", "list", "pods", "cluster", true, false},
      {"operator", "create", "pods", "plans", false, false},
      {"operator", "delete", "pods", "plans", false, false},
      {"operator", "create", "pods/exec", "plans", false, false},
      {"operator", "get", "pods/log", "plans", false, false},
      // Events.
      {"operator", "create", "events", "plans", true, true},
      {"operator", "patch", "events", "plans", true, true},
      // Leader election: the Lease in the release namespace only.
      {"operator", "get", "leases.coordination.k8s.io", "release", true, true},
      {"operator", "create", "leases.coordination.k8s.io", "release", true, true},
      {"operator", "update", "leases.coordination.k8s.io", "release", true, true},
      {"operator", "update", "leases.coordination.k8s.io", "other", false, false},
      {"operator", "delete", "leases.coordination.k8s.io", "release", false, false},
      // Secrets: get by name where plans are watched; never list or watch.
      {"operator", "get", "secrets", "plans", true, true},
      {"operator", "get", "secrets", "other", true, false},
      {"operator", "list", "secrets", "plans", false, false},
      {"operator", "watch", "secrets", "plans", false, false},
      {"operator", "list", "secrets", "cluster", false, false},
      // Cut-over targets: get and patch one object, in the cut-over namespaces.
      {"operator", "get", "deployments.apps", "plans", true, true},
      {"operator", "patch", "deployments.apps", "plans", true, true},
      {"operator", "patch", "deployments.apps", "other", true, false},
      {"operator", "patch", "statefulsets.apps", "plans", true, true},
      {"operator", "patch", "daemonsets.apps", "plans", true, true},
      {"operator", "patch", "cronjobs.batch", "plans", true, true},
      {"operator", "get", "configmaps", "plans", true, true},
      {"operator", "patch", "configmaps", "plans", true, true},
      {"operator", "patch", "configmaps", "other", true, false},
      {"operator", "list", "pods", "other", true, false},
      {"operator", "list", "deployments.apps", "cluster", false, false},
      {"operator", "update", "deployments.apps", "plans", false, false},
      {"operator", "delete", "deployments.apps", "plans", false, false},
      {"operator", "create", "configmaps", "plans", false, false},
      {"operator", "delete", "configmaps", "plans", false, false},
      // Nothing that grants more rights or reaches beyond its job.
      {"operator", "create", "rolebindings.rbac.authorization.k8s.io", "plans", false, false},
      {"operator", "create", "clusterrolebindings.rbac.authorization.k8s.io", "cluster", false, false},
      {"operator", "escalate", "clusterroles.rbac.authorization.k8s.io", "cluster", false, false},
      {"operator", "bind", "clusterroles.rbac.authorization.k8s.io", "cluster", false, false},
      {"operator", "impersonate", "serviceaccounts", "plans", false, false},
      {"operator", "create", "serviceaccounts/token", "plans", false, false},
      {"operator", "get", "nodes", "cluster", false, false},
      {"operator", "delete", "namespaces", "cluster", false, false},
      // The agent: its diff ConfigMap (one server-side apply) in its own namespace, nothing else.
      {"agent", "get", "configmaps", "plans", true, true},
      {"agent", "create", "configmaps", "plans", true, true},
      {"agent", "patch", "configmaps", "plans", true, true},
      {"agent", "update", "configmaps", "plans", false, false},
      {"agent", "delete", "configmaps", "plans", false, false},
      {"agent", "list", "configmaps", "plans", false, false},
      {"agent", "watch", "configmaps", "plans", false, false},
      {"agent", "get", "configmaps", "other", false, false},
      {"agent", "list", "configmaps", "cluster", false, false},
      {"agent", "get", "secrets", "plans", false, false},
      {"agent", "list", "secrets", "cluster", false, false},
      {"agent", "get", "pods", "plans", false, false},
      {"agent", "create", "pods", "plans", false, false},
      {"agent", "create", "jobs.batch", "plans", false, false},
      {"agent", "get", "consumermigrations.shepherd.dev", "plans", false, false},
      {"agent", "patch", "migrationplans.shepherd.dev/status", "plans", false, false},
  };
  return all;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c) && c != '`'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// The rows between <!-- rbac-checks:begin --> and <!-- rbac-checks:end --> in the chart's README.
std::vector<Permission> documented_permissions() {
  std::ifstream in(chart_dir() + "/README.md");
  EXPECT_TRUE(in) << "cannot read " << chart_dir() << "/README.md";
  std::vector<Permission> rows;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("<!-- rbac-checks:begin -->") != std::string::npos) inside = true;
    if (line.find("<!-- rbac-checks:end -->") != std::string::npos) inside = false;
    if (!inside || line.rfind("|", 0) != 0 || line.find("---") != std::string::npos) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');) cells.push_back(trim(cell));
    if (cells.size() < 6 || cells[0] == "Identity") continue;
    auto yes = [&](const std::string& v) {
      EXPECT_TRUE(v == "yes" || v == "no") << "README RBAC table: '" << v << "' in: " << line;
      return v == "yes";
    };
    rows.push_back({cells[0], cells[1], cells[2], cells[3], yes(cells[4]), yes(cells[5])});
  }
  return rows;
}

TEST(HelmRbacTable, ReadmeTableIsTheListThisTestChecks) {
  auto documented = documented_permissions();
  std::set<Permission> doc(documented.begin(), documented.end());
  std::set<Permission> code(expected_permissions().begin(), expected_permissions().end());
  EXPECT_EQ(doc.size(), documented.size()) << "duplicate rows in the README's RBAC table";
  for (const auto& p : code) {
    EXPECT_TRUE(doc.count(p)) << "missing in charts/shepherd/README.md (rbac-checks):\n" << p;
  }
  for (const auto& p : doc) {
    EXPECT_TRUE(code.count(p)) << "in charts/shepherd/README.md but not in this test:\n" << p;
  }
}

class HelmRbacTest : public HelmTest {
 protected:
  // Checks every row of the table for one install; `namespaced` picks the column.
  void check_all(bool namespaced) {
    std::string op_sa = deployment()["spec"]["template"]["spec"].value("serviceAccountName", "");
    ASSERT_FALSE(op_sa.empty());
    const std::map<std::string, std::string> identities{
        {"operator", "system:serviceaccount:" + ns() + ":" + op_sa},
        {"agent", "system:serviceaccount:" + plans_ns_ + ":shepherd-agent"}};
    const std::map<std::string, std::vector<std::string>> where{{"plans", {"-n", plans_ns_}},
                                                                {"release", {"-n", ns()}},
                                                                {"other", {"-n", "default"}},
                                                                {"cluster", {"--all-namespaces"}}};
    int checked = 0;
    for (const auto& p : expected_permissions()) {
      std::vector<std::string> args{"auth", "can-i", p.verb};
      auto slash = p.resource.find('/');
      args.push_back(p.resource.substr(0, slash));
      if (slash != std::string::npos) args.push_back("--subresource=" + p.resource.substr(slash + 1));
      args.push_back("--as=" + identities.at(p.identity));
      for (const auto& a : where.at(p.where)) args.push_back(a);
      auto r = kubectl(args);
      ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "kubectl" << joined(args) << ": " << r.err;
      EXPECT_EQ(r.err.find("have a resource type"), std::string::npos)
          << "unknown resource in row " << p << ": " << r.err;
      const bool allowed = r.exit_code == 0;
      const bool want = namespaced ? p.namespaced : p.cluster_wide;
      EXPECT_EQ(allowed, want) << (namespaced ? "[watchNamespace install] " : "[cluster-wide install] ") << p
                               << "\n  where plans=" << plans_ns_ << " release=" << ns();
      ++checked;
    }
    EXPECT_GT(checked, 50);
  }
};

TEST_F(HelmRbacTest, ClusterWideInstallGrantsExactlyTheDocumentedRights) {
  install({"--set", "agent.namespaces={" + plans_ns_ + "}"}, /*wait=*/false);
  check_all(/*namespaced=*/false);
}

TEST_F(HelmRbacTest, WatchNamespaceInstallGrantsExactlyTheDocumentedRights) {
  // agent.namespaces left empty: the agent's account goes to the watched namespace.
  install({"--set", "operator.watchNamespace=" + plans_ns_, "--set",
           "rbac.cutoverNamespaces={" + plans_ns_ + "}"},
          /*wait=*/false);
  check_all(/*namespaced=*/true);
}

TEST_F(HelmRbacTest, SecretsGetCanBeTurnedOff) {
  install({"--set", "rbac.secretsGet=false", "--set", "agent.namespaces={" + plans_ns_ + "}"},
          /*wait=*/false);
  std::string op_sa = deployment()["spec"]["template"]["spec"].value("serviceAccountName", "");
  auto r = kubectl({"auth", "can-i", "get", "secrets", "-n", plans_ns_,
                    "--as=system:serviceaccount:" + ns() + ":" + op_sa});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

}  // namespace
