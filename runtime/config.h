// How to reach the API server: server URL, TLS material, credentials, default namespace, limits.
// Loaded from a kubeconfig file (current or named context) or from the in-cluster service account.
// Errors name the file and the field, e.g. "kubeconfig /x: users[admin].client-certificate: cannot
// read /x/a.crt".
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/error.h"

namespace shepherd::runtime {

// A bearer token that may come from a file which is rotated underneath us (projected service
// account tokens): the file is re-read at most once per `refresh` interval.
class TokenSource {
 public:
  static std::shared_ptr<TokenSource> fixed(std::string token);
  static std::shared_ptr<TokenSource> from_file(std::string path,
                                                std::chrono::seconds refresh = std::chrono::seconds(60));
  // The current token; "" when none could be read (the request then goes out unauthenticated and
  // the server answers 401).
  std::string token();

 private:
  std::mutex mu_;
  std::string token_;
  std::string path_;
  std::chrono::seconds refresh_{0};
  std::chrono::steady_clock::time_point read_at_{};
};

struct Config {
  std::string server;  // "https://host:port" (no trailing slash)
  std::string ca_pem;  // trusted CA bundle (PEM); empty = system roots
  std::string client_cert_pem;
  std::string client_key_pem;
  std::shared_ptr<TokenSource> token;  // null when no bearer token
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // overrides the name checked in the server certificate
  std::string namespace_name = "default";
  std::string user_agent = "shepherd-operator";
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // Watches: the idle timeout must exceed the server-side timeoutSeconds (<= 10 min) plus the
  // bookmark gap, so that a quiet watch is ended by the server, never by the client.
  std::chrono::milliseconds watch_timeout{std::chrono::minutes(15)};
};

// Loads `path`; `context` empty = current-context. Relative file paths in the kubeconfig are
// resolved against the kubeconfig's folder.
Result<Config, std::string> load_kubeconfig(const std::string& path, const std::string& context = "");
// Same, from text already in memory (`origin` is used in messages and to resolve relative paths).
Result<Config, std::string> parse_kubeconfig(const std::string& yaml, const std::string& origin,
                                             const std::string& context = "");
// In-cluster: KUBERNETES_SERVICE_HOST/PORT, the service account token (re-read each minute), CA
// and namespace under `sa_dir` (default /var/run/secrets/kubernetes.io/serviceaccount).
Result<Config, std::string> in_cluster_config(
    const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");
// --kubeconfig when given, else $KUBECONFIG, else in-cluster when running in a pod, else
// ~/.kube/config.
Result<Config, std::string> load_default_config(const std::string& kubeconfig_flag = "");

}  // namespace shepherd::runtime
