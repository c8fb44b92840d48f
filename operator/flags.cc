// Implementation of flags.h.
#include "operator/flags.h"

#include <charconv>
#include <functional>
#include <map>

namespace shepherd::operator_main {
namespace {

std::optional<long> to_long(const std::string& s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> to_bool(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

}  // namespace

std::string usage() {
  return R"(Usage: shepherd-operator [flags]

Shepherd migrates the consumers of a dataset whose schema changed (MigrationPlan, ConsumerMigration).

Flags:
  --kubeconfig PATH                  kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --namespace NS                     watch only this namespace (default: all namespaces)
  --agent-image IMAGE                agent image when a plan sets none (default shepherd-agent:0.1.0)
  --metrics-bind-address ADDR        /metrics listener, "0" disables (default :8080)
  --health-probe-bind-address ADDR   /healthz and /readyz listener, "0" disables (default :8081)
  --leader-elect[=BOOL]              elect a leader with a coordination.k8s.io/v1 Lease (default false)
  --leader-election-namespace NS     namespace of the Lease (default: own namespace in cluster, else default)
  --leader-election-id NAME          name of the Lease (default shepherd-operator)
  --max-concurrent-reconciles N      workers per controller, 1..1000 (default 4)
  --log-format json|text             (default json)
  --log-level debug|info|warn|error  (default info)
  --kube-api-qps QPS                 client-side rate limit towards the API server (default 50)
  --kube-api-burst N                 burst of that limit (default 100)
  --help                             this text
)";
}

std::variant<Flags, HelpRequested, std::string> parse_flags(const std::vector<std::string>& args) {
  Flags f;
  using Setter = std::function<std::optional<std::string>(const std::string&)>;
  auto text = [](std::string& field) -> Setter {
    return [&field](const std::string& v) -> std::optional<std::string> {
      field = v;
      return std::nullopt;
    };
  };
  auto integer = [](int& field, long lo, long hi) -> Setter {
    return [&field, lo, hi](const std::string& v) -> std::optional<std::string> {
      auto n = to_long(v);
      if (!n || *n < lo || *n > hi) {
        return "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" +
               v + "\"";
      }
      field = static_cast<int>(*n);
      return std::nullopt;
    };
  };
  auto one_of = [](std::string& field, std::vector<std::string> allowed) -> Setter {
    return [&field, allowed](const std::string& v) -> std::optional<std::string> {
      for (const auto& a : allowed) {
        if (a == v) {
          field = v;
          return std::nullopt;
        }
      }
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return "must be one of " + list + ", got \"" + v + "\"";
    };
  };
  auto address = [](std::string& field) -> Setter {
    return [&field](const std::string& v) -> std::optional<std::string> {
      if (v != "0" && !parse_bind_address(v)) return "must be [host]:port or 0, got \"" + v + "\"";
      field = v;
      return std::nullopt;
    };
  };
  Setter qps = [&f](const std::string& v) -> std::optional<std::string> {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !(d > 0) || d > 100000) {
      return "must be a number above 0, got \"" + v + "\"";
    }
    f.kube_api_qps = d;
    return std::nullopt;
  };

  std::map<std::string, Setter> value_flags{
      {"kubeconfig", text(f.kubeconfig)},
      {"namespace", text(f.watch_namespace)},
      {"agent-image", text(f.agent_image)},
      {"metrics-bind-address", address(f.metrics_bind_address)},
      {"health-probe-bind-address", address(f.health_probe_bind_address)},
      {"leader-election-namespace", text(f.leader_election_namespace)},
      {"leader-election-id", text(f.leader_election_id)},
      {"max-concurrent-reconciles", integer(f.max_concurrent_reconciles, 1, 1000)},
      {"log-format", one_of(f.log_format, {"json", "text"})},
      {"log-level", one_of(f.log_level, {"debug", "info", "warn", "error"})},
      {"kube-api-qps", qps},
      {"kube-api-burst", integer(f.kube_api_burst, 1, 100000)},
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return HelpRequested{};
    if (arg.rfind("--", 0) != 0) return "unexpected argument \"" + arg + "\" (flags start with --)";
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "leader-elect") {
      if (!value) {
        f.leader_elect = true;
        continue;
      }
      auto b = to_bool(*value);
      if (!b) return "--leader-elect: must be true or false, got \"" + *value + "\"";
      f.leader_elect = *b;
      continue;
    }
    auto it = value_flags.find(name);
    if (it == value_flags.end()) return "unknown flag --" + name + " (see --help)";
    if (!value) {
      if (i + 1 >= args.size()) return "--" + name + ": needs a value";
      value = args[++i];
    }
    if (auto err = it->second(*value)) return "--" + name + ": " + *err;
  }
  return f;
}

std::optional<BindAddress> parse_bind_address(const std::string& value) {
  if (value == "0") return std::nullopt;
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  BindAddress b;
  b.host = value.substr(0, colon);
  if (b.host.empty()) b.host = "0.0.0.0";
  auto port = to_long(value.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return std::nullopt;
  b.port = static_cast<int>(*port);
  return b;
}

}  // namespace shepherd::operator_main
