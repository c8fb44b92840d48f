// Shared helpers of the runtime integration tests: a Client on the test plane, the Widget CRD.
#pragma once

#include <memory>
#include <string>

#include "runtime/client.h"
#include "tests/support/cluster.h"

namespace shepherd::runtime::it {

// A client for the test plane's admin kubeconfig; no client-side rate limit unless qps > 0.
std::shared_ptr<Client> make_client(double qps = 0, RequestObserver observer = {});

// widgets.runtime-test.shepherd.dev (namespaced, status subresource), installed once and kept.
const Resource& widget_resource();
void ensure_widget_crd();

// Waits for `pred` (polling every 50 ms) up to `timeout`.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A ConfigMap object.
nlohmann::json config_map(const std::string& ns, const std::string& name,
                          const nlohmann::json& data = nlohmann::json::object());

}  // namespace shepherd::runtime::it
