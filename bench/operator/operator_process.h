// shepherd-operator as the benchmark runs it: the real binary (next to bench_operator in build/bin)
// as a child process against the plane, metrics and probes on free loopback ports, info logs to a
// file; its /metrics and its peak RSS (VmHWM of /proc/<pid>/status).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace shepherd::bench {

class OperatorProcess {
 public:
  OperatorProcess(const std::string& binary, const std::string& kubeconfig,
                  const std::vector<std::string>& extra, const std::string& log_path);
  // Waits until /readyz answers 200 (caches synced); false after the timeout or when it exited.
  bool wait_ready(std::chrono::seconds timeout);
  std::string metrics();
  long vm_hwm_kib() const;  // peak resident set size; -1 when unreadable
  long vm_rss_kib() const;
  int stop();
  int pid() const { return process_->pid(); }

 private:
  int metrics_port_ = 0;
  int probe_port_ = 0;
  std::unique_ptr<testing::BackgroundProcess> process_;
};

int free_port();

}  // namespace shepherd::bench
