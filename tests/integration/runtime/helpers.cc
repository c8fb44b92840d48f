// Implementation of helpers.h.
#include "tests/integration/runtime/helpers.h"

#include <thread>

#include "runtime/config.h"
#include "runtime/http_transport.h"

namespace shepherd::runtime::it {

std::shared_ptr<Client> make_client(double qps, RequestObserver observer) {
  auto cfg = load_kubeconfig(shepherd::testing::Cluster::get().kubeconfig);
  EXPECT_TRUE(cfg.ok()) << (cfg.ok() ? "" : cfg.error());
  if (!cfg.ok()) return nullptr;
  auto transport = make_http_transport(cfg.value());
  EXPECT_TRUE(transport.ok()) << (transport.ok() ? "" : transport.error());
  if (!transport.ok()) return nullptr;
  ClientOptions o;
  o.qps = qps;
  o.observer = std::move(observer);
  return std::make_shared<Client>(transport.value(), o);
}

const Resource& widget_resource() {
  static const Resource r{"runtime-test.shepherd.dev", "v1", "widgets", "Widget", true};
  return r;
}

void ensure_widget_crd() {
  static const char* kCrd = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.runtime-test.shepherd.dev
spec:
  group: runtime-test.shepherd.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
          status:
            type: object
            properties:
              phase: {type: string}
              observedGeneration: {type: integer}
)";
  shepherd::testing::kubectl_ok({"apply", "-f", "-"}, kCrd);
  shepherd::testing::kubectl_ok(
      {"wait", "--for=condition=Established", "--timeout=60s", "crd/widgets.runtime-test.shepherd.dev"});
  register_resource(widget_resource());
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

nlohmann::json config_map(const std::string& ns, const std::string& name, const nlohmann::json& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", data}};
}

}  // namespace shepherd::runtime::it
