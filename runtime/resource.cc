// The resource registry and REST path construction.
#include "runtime/resource.h"

#include <mutex>
#include <vector>

namespace shepherd::runtime {

std::string Resource::path(const std::string& ns, const std::string& name,
                           const std::string& subresource) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + resource;
  if (!name.empty()) {
    p += "/" + name;
    if (!subresource.empty()) p += "/" + subresource;
  }
  return p;
}

namespace resources {
const Resource kPods{"", "v1", "pods", "Pod", true};
const Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
const Resource kSecrets{"", "v1", "secrets", "Secret", true};
const Resource kEvents{"", "v1", "events", "Event", true};
const Resource kNamespaces{"", "v1", "namespaces", "Namespace", false};
const Resource kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const Resource kJobs{"batch", "v1", "jobs", "Job", true};
const Resource kCronJobs{"batch", "v1", "cronjobs", "CronJob", true};
const Resource kDeployments{"apps", "v1", "deployments", "Deployment", true};
const Resource kStatefulSets{"apps", "v1", "statefulsets", "StatefulSet", true};
const Resource kDaemonSets{"apps", "v1", "daemonsets", "DaemonSet", true};
const Resource kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
const Resource kEventsV1{"events.k8s.io", "v1", "events", "Event", true};
}  // namespace resources

namespace {
std::mutex g_mu;
std::vector<Resource>& registry() {
  static std::vector<Resource> r = {
      resources::kPods,        resources::kConfigMaps,      resources::kSecrets,    resources::kEvents,
      resources::kNamespaces,  resources::kServiceAccounts, resources::kJobs,       resources::kCronJobs,
      resources::kDeployments, resources::kStatefulSets,    resources::kDaemonSets, resources::kLeases,
      resources::kEventsV1};
  return r;
}
}  // namespace

void register_resource(const Resource& r) {
  std::lock_guard lock(g_mu);
  for (auto& existing : registry()) {
    if (existing.group == r.group && existing.version == r.version && existing.kind == r.kind) {
      existing = r;
      return;
    }
  }
  registry().push_back(r);
}

std::optional<Resource> resource_for_kind(const std::string& api_version, const std::string& kind) {
  std::lock_guard lock(g_mu);
  for (const auto& r : registry()) {
    if (r.api_version() == api_version && r.kind == kind) return r;
  }
  return std::nullopt;
}

std::string group_of(const std::string& api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

}  // namespace shepherd::runtime
