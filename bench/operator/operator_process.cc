// Implementation of operator_process.h.
#include "bench/operator/operator_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench/operator/metrics_text.h"

namespace shepherd::bench {
namespace {

long status_field_kib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

}  // namespace

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

OperatorProcess::OperatorProcess(const std::string& binary, const std::string& kubeconfig,
                                 const std::vector<std::string>& extra, const std::string& log_path) {
  metrics_port_ = free_port();
  probe_port_ = free_port();
  std::vector<std::string> argv{binary,
                                "--kubeconfig=" + kubeconfig,
                                "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port_),
                                "--health-probe-bind-address=127.0.0.1:" + std::to_string(probe_port_),
                                "--log-format=text",
                                "--log-level=info"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  // For profiling only: SHEPHERD_BENCH_OPERATOR_WRAPPER="heaptrack -o /tmp/op" runs the operator
  // under that command. The RSS figures are then the wrapper's, not the operator's.
  if (const char* w = std::getenv("SHEPHERD_BENCH_OPERATOR_WRAPPER"); w && *w) {
    std::istringstream words(w);
    std::vector<std::string> prefix;
    for (std::string word; words >> word;) prefix.push_back(word);
    argv.insert(argv.begin(), prefix.begin(), prefix.end());
  }
  process_ = std::make_unique<testing::BackgroundProcess>(argv, log_path);
}

bool OperatorProcess::wait_ready(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && process_->running()) {
    int code = 0;
    http_get(probe_port_, "/readyz", &code);
    if (code == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

std::string OperatorProcess::metrics() { return http_get(metrics_port_, "/metrics"); }

long OperatorProcess::vm_hwm_kib() const { return status_field_kib(process_->pid(), "VmHWM"); }
long OperatorProcess::vm_rss_kib() const { return status_field_kib(process_->pid(), "VmRSS"); }

int OperatorProcess::stop() { return process_->stop(std::chrono::seconds(15)); }

}  // namespace shepherd::bench
