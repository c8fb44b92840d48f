// Command-line flags of shepherd-operator (docs/operations.md). Parsing is pure: argv in, Flags or an error
// message naming the flag out, so it is unit-tested without starting anything.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shepherd::operator_main {

struct Flags {
  std::string kubeconfig;       // empty: $KUBECONFIG, then in-cluster, then ~/.kube/config
  std::string watch_namespace;  // empty: all namespaces
  std::string agent_image = "shepherd-agent:0.1.0";
  std::string metrics_bind_address = ":8080";       // "0" disables
  std::string health_probe_bind_address = ":8081";  // "0" disables
  bool leader_elect = false;
  std::string leader_election_namespace;  // empty: the pod's namespace in cluster, else "default"
  std::string leader_election_id = "shepherd-operator";
  int max_concurrent_reconciles = 4;
  std::string log_format = "json";  // json | text
  std::string log_level = "info";   // debug | info | warn | error
  double kube_api_qps = 50;
  int kube_api_burst = 100;
};

struct HelpRequested {};

// Accepts --flag=value and --flag value; boolean flags also as bare --flag. Returns the usage text
// request, the flags, or an error such as "--max-concurrent-reconciles: must be an integer from 1
// to 1000, got \"x\"".
std::variant<Flags, HelpRequested, std::string> parse_flags(const std::vector<std::string>& args);

std::string usage();

// ":8080" -> {"0.0.0.0", 8080}; "127.0.0.1:9000" -> {"127.0.0.1", 9000}; "0" -> nullopt (disabled).
struct BindAddress {
  std::string host;
  int port = 0;
};
std::optional<BindAddress> parse_bind_address(const std::string& value);

}  // namespace shepherd::operator_main
