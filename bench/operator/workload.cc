// Implementation of workload.h.
#include "bench/operator/workload.h"

#include <cstdio>
#include <thread>

namespace shepherd::bench {

using nlohmann::json;

json make_plan(const std::string& name, const std::string& ns, int consumers, int max_parallel) {
  json list = json::array();
  for (int i = 0; i < consumers; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "c%05d", i);
    list.push_back(
        {{"name", id}, {"repository", {{"url", std::string("https://git.example.com/") + id + ".git"}}}});
  }
  return {{"apiVersion", "shepherd.dev/v1alpha1"},
          {"kind", "MigrationPlan"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"dataset",
             {{"name", "bench_events"},
              {"from", {{"version", "1"}, {"location", "bench.events_v1"}}},
              {"to", {{"version", "2"}, {"location", "bench.events_v2"}}}}},
            {"changes", json::array({{{"rename", {{"field", "user_id"}, {"to", "account_id"}}}}})},
            {"consumers", list},
            {"agent",
             {{"retries", 0},
              {"pod", {{"annotations", {{"shepherd.dev/kwok-termination-message", kAgentResult}}}}}}},
            {"rollout", {{"waves", json::array({100})}, {"maxParallel", max_parallel}}}}}};
}

runtime::Result<bool> create_namespace(runtime::Client& client, const std::string& ns) {
  auto r = client.create(runtime::resources::kNamespaces, "",
                         {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  if (!r && !r.error().is_already_exists()) return r.error();
  auto sa = client.create(
      runtime::resources::kServiceAccounts, ns,
      {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "shepherd-agent"}}}});
  if (!sa && !sa.error().is_already_exists()) return sa.error();
  // kube-controller-manager has seen the namespace once it made its `default` service account;
  // a moment more lets the API server's admission caches see ours (a pod of an unseen service
  // account is refused and its Job backs off, which would slow whichever side runs first).
  for (int i = 0; i < 60; ++i) {
    if (client.get(runtime::resources::kServiceAccounts, ns, "default")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  return true;
}

bool delete_namespace(runtime::Client& client, const std::string& ns, std::chrono::seconds timeout) {
  runtime::DeleteOptions d;
  d.propagation_policy = "Background";
  client.remove(runtime::resources::kNamespaces, "", ns, d);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto g = client.get(runtime::resources::kNamespaces, "", ns);
    if (!g && g.error().is_not_found()) return true;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return false;
}

}  // namespace shepherd::bench
