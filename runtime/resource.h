// Resources as the REST API names them (group/version/resource, namespaced or not) and the URL
// paths built from them, plus a registry of the kinds the operator uses (apiVersion+kind -> resource)
// to which custom resources can be added.
#pragma once

#include <optional>
#include <string>

namespace shepherd::runtime {

struct Resource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "configmaps"
  std::string kind;      // "ConfigMap"
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1/namespaces/<ns>/configmaps[/<name>[/<sub>]]"; ns "" = all namespaces (list/watch).
  std::string path(const std::string& ns, const std::string& name = "",
                   const std::string& subresource = "") const;
  // "configmaps", "jobs.batch": for logs and metrics.
  std::string display() const { return group.empty() ? resource : resource + "." + group; }
  bool operator==(const Resource& o) const {
    return group == o.group && version == o.version && resource == o.resource;
  }
};

namespace resources {
extern const Resource kPods, kConfigMaps, kSecrets, kEvents, kNamespaces, kServiceAccounts;
extern const Resource kJobs, kCronJobs;
extern const Resource kDeployments, kStatefulSets, kDaemonSets;
extern const Resource kLeases;
extern const Resource kEventsV1;  // events.k8s.io/v1
}  // namespace resources

// Adds (or replaces) a resource in the registry, e.g. a CRD the operator serves.
void register_resource(const Resource& r);
// The resource for an object's apiVersion and kind; nullopt when not registered.
std::optional<Resource> resource_for_kind(const std::string& api_version, const std::string& kind);
// Splits "batch/v1" into group "batch" and version "v1" ("v1" -> group "").
std::string group_of(const std::string& api_version);

}  // namespace shepherd::runtime
