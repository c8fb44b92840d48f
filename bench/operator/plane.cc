// Implementation of plane.h.
#include "bench/operator/plane.h"

#include <cstdlib>
#include <fstream>
#include <map>

#include "tests/support/process.h"

namespace shepherd::bench {
namespace {

std::optional<Plane> from_dir(const std::string& dir, bool owned, std::string* err) {
  auto env = testing::read_env_file(dir + "/env");
  if (env["KUBECONFIG"].empty() || env["SHEPHERD_TOOLS_BIN"].empty()) {
    *err = "no running control plane in " + dir + " (" + dir + "/env is missing or incomplete)";
    return std::nullopt;
  }
  return Plane{dir, env["KUBECONFIG"], env["SHEPHERD_TOOLS_BIN"], owned};
}

}  // namespace

std::optional<Plane> plane_up(const PlaneOptions& o, std::string* err) {
  if (const char* given = std::getenv("SHEPHERD_BENCH_CP_DIR"); given != nullptr && *given != '\0') {
    return from_dir(given, false, err);
  }
  std::map<std::string, std::string> env{{"SHEPHERD_CP_DIR", o.own_dir}};
  if (!o.client_qps.empty()) env["SHEPHERD_CP_KUBE_API_QPS"] = o.client_qps;
  if (!o.client_burst.empty()) env["SHEPHERD_CP_KUBE_API_BURST"] = o.client_burst;
  testing::ProcessOptions po;
  po.env = env;
  po.timeout = std::chrono::minutes(15);  // a first `build` compiles the plane
  auto r = testing::run_process({o.source_dir + "/hack/control-plane", "up"}, po);
  if (r.exit_code != 0) {
    *err = "hack/control-plane up failed (" + std::to_string(r.exit_code) + "): " + r.err;
    return std::nullopt;
  }
  return from_dir(o.own_dir, true, err);
}

void plane_down(const Plane& plane, const PlaneOptions& o) {
  if (!plane.owned) return;
  testing::ProcessOptions po;
  po.env = {{"SHEPHERD_CP_DIR", plane.dir}};
  testing::run_process({o.source_dir + "/hack/control-plane", "down"}, po);
}

Kubectl kubectl(const Plane& plane, const std::vector<std::string>& args) {
  std::vector<std::string> argv{plane.tools_bin + "/kubectl", "--kubeconfig", plane.kubeconfig};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::ProcessOptions po;
  po.timeout = std::chrono::minutes(5);
  auto r = testing::run_process(argv, po);
  return {r.exit_code, r.out, r.err};
}

}  // namespace shepherd::bench
