// The I/O half of the dev node runner: registers a Node, keeps it Ready (Lease and status
// heartbeats), watches the pods scheduled to it, runs each as a local process (pod_plan.h) and
// reports the pod's status the way a kubelet does, including the termination message.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <stop_token>
#include <string>
#include <thread>

#include "hack/node-runner/pod_plan.h"
#include "runtime/client.h"
#include "runtime/informer.h"

namespace shepherd::noderunner {

struct NodeOptions {
  std::string name = "shepherd-node-runner";
  int max_parallel = 2;
};

class Runner {
 public:
  Runner(std::shared_ptr<runtime::Client> client, RunnerConfig config, NodeOptions node);
  ~Runner();
  // Registers the node and serves pods until stop is requested; false when the node could not be
  // registered.
  bool run(std::stop_token stop);

 private:
  bool register_node();
  void heartbeat();
  void on_pod(const runtime::ObjectPtr& pod);
  void run_pod(nlohmann::json pod, std::stop_token stop);
  bool prepare(const LocalExec& e, const nlohmann::json& pod, std::string* error);
  void patch_status(const nlohmann::json& pod, const nlohmann::json& status);
  void finalize_deleted(const nlohmann::json& pod);

  std::shared_ptr<runtime::Client> client_;
  RunnerConfig config_;
  NodeOptions node_;
  std::shared_ptr<runtime::Informer> pods_;
  std::counting_semaphore<1024> slots_;
  std::mutex mu_;
  std::map<std::string, int> running_;           // pod uid -> process group id (0 while preparing)
  std::map<std::string, std::jthread> threads_;  // pod uid -> its runner thread
  std::stop_source stop_;
};

}  // namespace shepherd::noderunner
