// The test control plane as integration and e2e tests see it: where its kubeconfig and tools are,
// kubectl, a namespace per test, and waiting for a condition with a deadline.
//
// The plane is started by hack/control-plane (the ctest fixture `control-plane-up`, or hack/test)
// in $SHEPHERD_CP_DIR. A test that finds no running plane fails: it never passes without one.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace shepherd::testing {

// Paths of the running test control plane and of the project.
struct Cluster {
  std::string dir;         // $SHEPHERD_CP_DIR
  std::string kubeconfig;  // admin kubeconfig (client certificate, system:masters)
  std::string tools_bin;   // kubectl, helm, etcd, kwok, ... built by hack/control-plane build
  std::string source_dir;  // the repository
  std::string bin_dir;     // build/bin (shepherd-operator, shepherd-agent)

  // Reads $SHEPHERD_CP_DIR/env written by `hack/control-plane up`. Fails the test (fatal) when
  // the plane is not up.
  static const Cluster& get();

  std::string kubectl_path() const { return tools_bin + "/kubectl"; }
};

// Runs kubectl against the test plane. `args` exclude the binary and --kubeconfig.
ProcessResult kubectl(const std::vector<std::string>& args, const std::string& stdin_data = "",
                      std::chrono::milliseconds timeout = std::chrono::minutes(2));

// kubectl that must succeed; returns stdout. On failure records a test failure with the command
// and its stderr and returns "".
std::string kubectl_ok(const std::vector<std::string>& args, const std::string& stdin_data = "");

// `kubectl get -o json` of one object; a null json when it does not exist.
nlohmann::json kubectl_get_json(const std::string& resource, const std::string& name,
                                const std::string& ns = "");

// Polls `condition` every `period` until it is true or `timeout` passes. Returns whether it became
// true. Use for observing asynchronous effects of real controllers, never to pace a test.
bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
              std::chrono::milliseconds period = std::chrono::milliseconds(200));

// A test with its own namespace on the shared control plane, created in SetUp and deleted (not
// awaited) in TearDown. Name: "t-<test name, lowered>-<random>", at most 63 characters.
class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const Cluster& cluster() const { return Cluster::get(); }
  const std::string& ns() const { return namespace_; }

 private:
  std::string namespace_;
};

// A random lowercase alphanumeric suffix of length n.
std::string random_suffix(size_t n = 6);

}  // namespace shepherd::testing
