// shepherd-operator as integration and e2e tests run it: the real binary from build/bin, started as
// a background process against the test control plane, with free ports for /metrics and the probes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace shepherd::testing {

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests on one machine).
int free_port();

// Installs Shepherd's CRDs (kubectl apply -f crds/) and waits until both are Established.
void install_crds();

// Creates the agent's service account (shepherd-agent) in the namespace: the Jobs' pods need it.
void create_agent_service_account(const std::string& ns);

class OperatorProcess {
 public:
  // Starts build/bin/shepherd-operator with --kubeconfig of the test plane, free metrics and probe
  // ports, text logs at debug level, and `extra_args`; waits until /readyz answers 200 (fails the
  // test when it does not within 60 s). The log goes to <build>/tests/logs/<name>.log.
  explicit OperatorProcess(const std::string& name, std::vector<std::string> extra_args = {});
  ~OperatorProcess();

  void kill9();    // SIGKILL, no cleanup: what a crash or OOM kill looks like
  int stop();      // SIGTERM, then waits
  void restart();  // starts it again with the same arguments
  bool running();
  std::string metrics();  // GET /metrics
  const std::string& log_path() const { return log_path_; }
  int metrics_port() const { return metrics_port_; }

 private:
  void start();
  std::string name_;
  std::vector<std::string> args_;
  std::string log_path_;
  int metrics_port_ = 0;
  int probe_port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

// GET http://127.0.0.1:<port><path>; "" when it fails. Status code in *code when given.
std::string http_get(int port, const std::string& path, int* code = nullptr);

}  // namespace shepherd::testing
