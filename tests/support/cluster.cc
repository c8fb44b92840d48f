// Implementation of cluster.h.
#include "tests/support/cluster.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

namespace shepherd::testing {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

const Cluster& Cluster::get() {
  static const Cluster cluster = [] {
    Cluster c;
    c.dir = env_or("SHEPHERD_CP_DIR", "");
    c.source_dir = env_or("SHEPHERD_SOURCE_DIR", "");
    c.bin_dir = env_or("SHEPHERD_BIN_DIR", "");
    if (!c.dir.empty()) {
      auto env = read_env_file(c.dir + "/env");
      c.kubeconfig = env["KUBECONFIG"];
      c.tools_bin = env["SHEPHERD_TOOLS_BIN"];
    }
    return c;
  }();
  if (cluster.dir.empty() || cluster.kubeconfig.empty()) {
    ADD_FAILURE() << "no test control plane: SHEPHERD_CP_DIR is unset or $SHEPHERD_CP_DIR/env is missing. "
                     "Run the tests through ctest (the control-plane-up fixture starts it) or hack/test.";
  }
  return cluster;
}

ProcessResult kubectl(const std::vector<std::string>& args, const std::string& stdin_data,
                      std::chrono::milliseconds timeout) {
  const auto& c = Cluster::get();
  std::vector<std::string> argv{c.kubectl_path(), "--kubeconfig", c.kubeconfig};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.stdin_data = stdin_data;
  options.timeout = timeout;
  return run_process(argv, options);
}

std::string kubectl_ok(const std::vector<std::string>& args, const std::string& stdin_data) {
  auto r = kubectl(args, stdin_data);
  if (r.exit_code != 0) {
    std::ostringstream cmd;
    for (const auto& a : args) cmd << ' ' << a;
    ADD_FAILURE() << "kubectl" << cmd.str() << " exited " << r.exit_code << ": " << r.err;
    return "";
  }
  return r.out;
}

nlohmann::json kubectl_get_json(const std::string& resource, const std::string& name, const std::string& ns) {
  std::vector<std::string> args{"get", resource, name, "-o", "json"};
  if (!ns.empty()) {
    args.push_back("-n");
    args.push_back(ns);
  }
  auto r = kubectl(args);
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, false);
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
              std::chrono::milliseconds period) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(period);
  }
}

std::string random_suffix(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<int> pick(0, 35);
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[pick(rng)]);
  return s;
}

void ClusterTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = std::string(info->test_suite_name()) + "-" + info->name();
  std::string clean;
  for (char ch : base) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      clean.push_back(static_cast<char>(std::tolower(c)));
    else if (!clean.empty() && clean.back() != '-')
      clean.push_back('-');
  }
  if (clean.size() > 48) clean.resize(48);
  while (!clean.empty() && clean.back() == '-') clean.pop_back();
  namespace_ = "t-" + clean + "-" + random_suffix();
  ASSERT_FALSE(Cluster::get().kubeconfig.empty());
  auto r = kubectl({"create", "namespace", namespace_});
  ASSERT_EQ(r.exit_code, 0) << "creating namespace " << namespace_ << ": " << r.err;
}

void ClusterTest::TearDown() {
  if (namespace_.empty()) return;
  if (std::getenv("SHEPHERD_KEEP_NAMESPACES") != nullptr) return;
  kubectl({"delete", "namespace", namespace_, "--wait=false", "--ignore-not-found"});
}

}  // namespace shepherd::testing
