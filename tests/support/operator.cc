// Implementation of operator.h.
#include "tests/support/operator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "tests/support/cluster.h"

namespace shepherd::testing {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string http_get(int port, const std::string& path, int* code) {
  auto r = run_process({"curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "5",
                        "http://127.0.0.1:" + std::to_string(port) + path});
  auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) {
    if (code != nullptr) *code = 0;
    return "";
  }
  if (code != nullptr) *code = std::atoi(r.out.c_str() + nl + 1);
  return r.out.substr(0, nl);
}

void install_crds() {
  auto r = kubectl({"apply", "-f", Cluster::get().source_dir + "/crds/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // `kubectl wait` fails at once on a CRD whose status has no conditions yet, so poll instead.
  for (const char* crd : {"migrationplans.shepherd.dev", "consumermigrations.shepherd.dev"}) {
    bool established = wait_for(
        [&] {
          return kubectl({"get", "crd", crd, "-o",
                          "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"})
                     .out == "True";
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(established) << crd << " is not Established";
  }
}

void create_agent_service_account(const std::string& ns) {
  kubectl_ok({"create", "serviceaccount", "shepherd-agent", "-n", ns});
}

OperatorProcess::OperatorProcess(const std::string& name, std::vector<std::string> extra_args)
    : name_(name), args_(std::move(extra_args)) {
  const auto& c = Cluster::get();
  std::filesystem::path logs = std::filesystem::path(c.bin_dir).parent_path() / "tests" / "logs";
  std::filesystem::create_directories(logs);
  log_path_ = (logs / (name + ".log")).string();
  std::filesystem::remove(log_path_);
  start();
}

OperatorProcess::~OperatorProcess() {
  if (process_) process_->stop(std::chrono::seconds(10));
}

void OperatorProcess::start() {
  const auto& c = Cluster::get();
  metrics_port_ = free_port();
  probe_port_ = free_port();
  std::vector<std::string> argv{c.bin_dir + "/shepherd-operator",
                                "--kubeconfig",
                                c.kubeconfig,
                                "--metrics-bind-address",
                                "127.0.0.1:" + std::to_string(metrics_port_),
                                "--health-probe-bind-address",
                                "127.0.0.1:" + std::to_string(probe_port_),
                                "--log-format",
                                "text",
                                "--log-level",
                                "debug"};
  argv.insert(argv.end(), args_.begin(), args_.end());
  process_ = std::make_unique<BackgroundProcess>(argv, log_path_);
  bool ready = wait_for(
      [&] {
        int code = 0;
        http_get(probe_port_, "/readyz", &code);
        return code == 200 || !process_->running();
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100));
  ASSERT_TRUE(ready && process_->running()) << "shepherd-operator did not become ready; log: " << log_path_;
}

void OperatorProcess::kill9() {
  if (process_) process_->kill(SIGKILL);
}

int OperatorProcess::stop() { return process_ ? process_->stop(std::chrono::seconds(15)) : -1; }

void OperatorProcess::restart() {
  if (process_ && process_->running()) process_->kill(SIGKILL);
  start();
}

bool OperatorProcess::running() { return process_ && process_->running(); }

std::string OperatorProcess::metrics() { return http_get(metrics_port_, "/metrics"); }

}  // namespace shepherd::testing
