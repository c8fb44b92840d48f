// Loading Config from kubeconfig files (yaml-cpp) and from the in-cluster service account.
#include "runtime/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "base/files.h"

namespace shepherd::runtime {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Finds `name` in a kubeconfig list like clusters: [{name: x, cluster: {...}}].
YAML::Node find_named(const YAML::Node& list, const std::string& name, const char* inner) {
  if (!list || !list.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& item : list) {
    if (item["name"] && item["name"].as<std::string>() == name) return item[inner];
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

class Loader {
 public:
  Loader(std::string origin) : origin_(std::move(origin)) {
    if (!origin_.empty()) base_ = fs::path(origin_).parent_path();
  }

  std::string err(const std::string& field, const std::string& what) const {
    return "kubeconfig " + origin_ + ": " + field + ": " + what;
  }

  std::string resolve(const std::string& p) const {
    fs::path path(p);
    if (path.is_relative() && !base_.empty()) path = base_ / path;
    return path.string();
  }

  // Reads "<key>-data" (base64) or "<key>" (a file path) into *out ("" when neither is set).
  // Returns the error message, if any.
  std::optional<std::string> material(const YAML::Node& node, const std::string& where,
                                      const std::string& key, std::string* out) const {
    out->clear();
    if (node[key + "-data"]) {
      auto decoded = base::base64_decode(node[key + "-data"].as<std::string>());
      if (!decoded) return err(where + "." + key + "-data", "not valid base64");
      *out = *decoded;
    } else if (node[key]) {
      const std::string path = resolve(node[key].as<std::string>());
      auto data = base::read_file(path);
      if (!data) return err(where + "." + key, "cannot read " + path);
      *out = *data;
    }
    return std::nullopt;
  }

  std::string origin_;
  fs::path base_;
};

}  // namespace

std::shared_ptr<TokenSource> TokenSource::fixed(std::string token) {
  auto t = std::make_shared<TokenSource>();
  t->token_ = std::move(token);
  return t;
}

std::shared_ptr<TokenSource> TokenSource::from_file(std::string path, std::chrono::seconds refresh) {
  auto t = std::make_shared<TokenSource>();
  t->path_ = std::move(path);
  t->refresh_ = refresh;
  return t;
}

std::string TokenSource::token() {
  std::lock_guard lock(mu_);
  if (path_.empty()) return token_;
  const auto now = std::chrono::steady_clock::now();
  if (token_.empty() || now - read_at_ >= refresh_) {
    if (auto data = base::read_file(path_)) {
      token_ = trim(*data);
      read_at_ = now;
    }
  }
  return token_;
}

Result<Config, std::string> parse_kubeconfig(const std::string& yaml, const std::string& origin,
                                             const std::string& context) {
  Loader l(origin);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return l.err("(document)", std::string("not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return l.err("(document)", "not a YAML mapping");
  try {
    std::string ctx_name = context;
    if (ctx_name.empty()) {
      if (!root["current-context"] || root["current-context"].as<std::string>().empty()) {
        return l.err("current-context", "not set and no context was given");
      }
      ctx_name = root["current-context"].as<std::string>();
    }
    const YAML::Node ctx = find_named(root["contexts"], ctx_name, "context");
    if (!ctx) return l.err("contexts[" + ctx_name + "]", "no such context");
    if (!ctx["cluster"]) return l.err("contexts[" + ctx_name + "].cluster", "missing");
    const std::string cluster_name = ctx["cluster"].as<std::string>();
    const YAML::Node cluster = find_named(root["clusters"], cluster_name, "cluster");
    if (!cluster) return l.err("clusters[" + cluster_name + "]", "no such cluster");
    const std::string cwhere = "clusters[" + cluster_name + "].cluster";

    Config c;
    if (!cluster["server"] || cluster["server"].as<std::string>().empty()) {
      return l.err(cwhere + ".server", "missing");
    }
    c.server = cluster["server"].as<std::string>();
    while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
    if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0) {
      return l.err(cwhere + ".server", "must start with https:// or http://, got " + c.server);
    }
    if (auto e = l.material(cluster, cwhere, "certificate-authority", &c.ca_pem)) return *e;
    if (cluster["insecure-skip-tls-verify"]) {
      c.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"].as<bool>();
    }
    if (cluster["tls-server-name"]) c.tls_server_name = cluster["tls-server-name"].as<std::string>();
    if (ctx["namespace"] && !ctx["namespace"].as<std::string>().empty()) {
      c.namespace_name = ctx["namespace"].as<std::string>();
    }

    if (ctx["user"]) {
      const std::string user_name = ctx["user"].as<std::string>();
      const YAML::Node user = find_named(root["users"], user_name, "user");
      if (!user) return l.err("users[" + user_name + "]", "no such user");
      const std::string uwhere = "users[" + user_name + "].user";
      if (user.IsMap()) {
        if (auto e = l.material(user, uwhere, "client-certificate", &c.client_cert_pem)) return *e;
        if (auto e = l.material(user, uwhere, "client-key", &c.client_key_pem)) return *e;
        if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
          return l.err(uwhere, "client-certificate and client-key must be given together");
        }
        if (user["token"]) {
          c.token = TokenSource::fixed(user["token"].as<std::string>());
        } else if (user["tokenFile"]) {
          const std::string path = l.resolve(user["tokenFile"].as<std::string>());
          if (!base::read_file(path)) return l.err(uwhere + ".tokenFile", "cannot read " + path);
          c.token = TokenSource::from_file(path);
        }
        if (user["exec"] || user["auth-provider"]) {
          if (c.token == nullptr && c.client_cert_pem.empty()) {
            return l.err(uwhere,
                         "exec and auth-provider credentials are not supported; use a "
                         "client certificate or a token");
          }
        }
      }
    }
    return c;
  } catch (const YAML::Exception& e) {
    return l.err("(document)", std::string("unexpected shape: ") + e.what());
  }
}

Result<Config, std::string> load_kubeconfig(const std::string& path, const std::string& context) {
  auto data = base::read_file(path);
  if (!data) return "kubeconfig " + path + ": cannot read the file";
  return parse_kubeconfig(*data, path, context);
}

Result<Config, std::string> in_cluster_config(const std::string& sa_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || !*host || !*port) {
    return std::string(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
        "must be set (not running in a pod?)");
  }
  Config c;
  const std::string h = host;
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  const std::string token_path = sa_dir + "/token";
  if (!base::read_file(token_path)) return "in-cluster config: cannot read " + token_path;
  c.token = TokenSource::from_file(token_path);
  auto ca = base::read_file(sa_dir + "/ca.crt");
  if (!ca) return "in-cluster config: cannot read " + sa_dir + "/ca.crt";
  c.ca_pem = *ca;
  if (auto ns = base::read_file(sa_dir + "/namespace")) c.namespace_name = trim(*ns);
  return c;
}

Result<Config, std::string> load_default_config(const std::string& kubeconfig_flag) {
  if (!kubeconfig_flag.empty()) return load_kubeconfig(kubeconfig_flag);
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string first = env;
    first = first.substr(0, first.find(':'));  // merging several files is not supported
    return load_kubeconfig(first);
  }
  if (std::getenv("KUBERNETES_SERVICE_HOST")) return in_cluster_config();
  if (const char* home = std::getenv("HOME")) return load_kubeconfig(std::string(home) + "/.kube/config");
  return std::string("no kubeconfig: pass --kubeconfig or set KUBECONFIG");
}

}  // namespace shepherd::runtime
