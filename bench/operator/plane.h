// The control plane the benchmark runs on: its own, started with hack/control-plane in a folder of
// its own (never the tests' or a developer's plane), or one given with SHEPHERD_BENCH_CP_DIR (a
// folder where `hack/control-plane up` already runs; left running). Also kubectl against it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shepherd::bench {

struct Plane {
  std::string dir;         // SHEPHERD_CP_DIR of the plane
  std::string kubeconfig;  // admin kubeconfig
  std::string tools_bin;   // kubectl, ...
  bool owned = false;      // started here: stop it at the end
};

struct PlaneOptions {
  std::string source_dir;  // the repository (hack/control-plane, crds/)
  std::string own_dir;     // where to start our own plane
  std::string client_qps;  // SHEPHERD_CP_KUBE_API_QPS for kube-controller-manager/-scheduler ("" = theirs)
  std::string client_burst;
};

// Uses $SHEPHERD_BENCH_CP_DIR when set, else starts a plane in options.own_dir. Error in *err.
std::optional<Plane> plane_up(const PlaneOptions& options, std::string* err);
// Stops the plane when it was started here.
void plane_down(const Plane& plane, const PlaneOptions& options);

struct Kubectl {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Kubectl kubectl(const Plane& plane, const std::vector<std::string>& args);

}  // namespace shepherd::bench
