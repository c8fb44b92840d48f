// shepherd-node-runner: dev-only node that runs Job pods of known images as local processes and
// reports their status like a kubelet (docs/node-runner.md). For machines without a container
// runtime, e.g. the README's demo; never for a real cluster.
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "hack/node-runner/runner.h"
#include "runtime/config.h"
#include "runtime/http_transport.h"
#include "runtime/log.h"

namespace {

void usage() {
  std::cerr
      << "Usage: shepherd-node-runner --kubeconfig PATH --pods-dir DIR --image NAME=BINARY [--image ...]\n"
         "                            [--node-name NAME] [--max-parallel N]\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shepherd;
  std::string kubeconfig;
  noderunner::RunnerConfig config;
  noderunner::NodeOptions node;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << ": needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--kubeconfig")
      kubeconfig = value();
    else if (a == "--pods-dir")
      config.pods_dir = value();
    else if (a == "--node-name")
      node.name = value();
    else if (a == "--max-parallel")
      node.max_parallel = std::max(1, std::atoi(value().c_str()));
    else if (a == "--image") {
      std::string v = value();
      auto eq = v.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--image: expected NAME=BINARY, got " << v << "\n";
        return 2;
      }
      config.images[v.substr(0, eq)] = v.substr(eq + 1);
    } else {
      usage();
      return 2;
    }
  }
  if (config.pods_dir.empty() || config.images.empty()) {
    usage();
    return 2;
  }
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);  // before any thread starts, so all inherit it
  runtime::configure_logging(runtime::LogFormat::kText, runtime::LogLevel::kInfo);
  auto cfg = runtime::load_default_config(kubeconfig);
  if (!cfg) {
    std::cerr << "shepherd-node-runner: " << cfg.error() << "\n";
    return 1;
  }
  const std::string& server = cfg.value().server;  // https://host:port
  auto colon = server.rfind(':');
  config.api_host = server.substr(server.find("://") + 3, colon - server.find("://") - 3);
  config.api_port = server.substr(colon + 1);
  config.ca_pem = cfg.value().ca_pem;
  auto transport = runtime::make_http_transport(cfg.value());
  if (!transport) {
    std::cerr << "shepherd-node-runner: " << transport.error() << "\n";
    return 1;
  }
  runtime::ClientOptions co;
  co.field_manager = "shepherd-node-runner";
  auto client = std::make_shared<runtime::Client>(transport.value(), co);

  // SIGTERM/SIGINT are taken by a thread of their own with sigwait, so that stopping is ordinary
  // code rather than an async-signal handler.
  std::stop_source stop;
  std::jthread signals([&stop, set = sigs](std::stop_token) mutable {
    int sig = 0;
    sigwait(&set, &sig);
    stop.request_stop();
  });
  signals.detach();
  noderunner::Runner runner(client, config, node);
  return runner.run(stop.get_token()) ? 0 : 1;
}
