// Pure part of the dev node runner: how a pod scheduled to the runner's node becomes a local
// process (binary, argv, environment, files to write), and the pod status a kubelet would report
// for it. No I/O here, so every rule is unit-tested.
//
// Containers have no filesystem of their own here, so the runner maps the pod's volume mounts to
// folders under the pod's local directory and tells the agent where they are through the
// environment variables the agent honours (docs/node-runner.md):
//   /var/run/shepherd/git  -> SHEPHERD_GIT_CREDENTIALS_DIR     (secret volume)
//   /workspace             -> SHEPHERD_WORKDIR                 (emptyDir)
//   /tmp                   -> TMPDIR                           (emptyDir)
//   /var/run/secrets/kubernetes.io/serviceaccount (projected)
//                          -> SHEPHERD_SERVICEACCOUNT_DIR      (token from the TokenRequest API)
//   terminationMessagePath -> SHEPHERD_TERMINATION_LOG
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shepherd::noderunner {

struct RunnerConfig {
  std::map<std::string, std::string> images;  // image name without tag or registry -> local binary
  std::string pods_dir;                       // where each pod gets a folder
  std::string api_host = "127.0.0.1";         // KUBERNETES_SERVICE_HOST given to the process
  std::string api_port;                       // KUBERNETES_SERVICE_PORT
  std::string ca_pem;                         // the API server's CA, written as ca.crt for the pod
};

struct SecretVolume {
  std::string secret_name;
  bool optional = false;
  std::string local_dir;
};

struct LocalExec {
  std::string pod_dir;
  std::string binary;
  std::vector<std::string> argv;  // argv[0] is the binary
  std::map<std::string, std::string> env;
  std::vector<std::string> empty_dirs;       // to create
  std::vector<SecretVolume> secret_volumes;  // to fill from the API
  std::string termination_log;               // local file the process writes its message to
  std::string service_account;               // for the token request
  std::string termination_message_policy;    // File | FallbackToLogsOnError
};

// "registry.example/team/shepherd-agent:0.1@sha256:..." -> "shepherd-agent".
std::string image_name(const std::string& image);

// The local process for the pod's first container, or an error such as "container agent: image
// busybox has no local binary (known: shepherd-agent)".
std::variant<LocalExec, std::string> plan_exec(const nlohmann::json& pod, const RunnerConfig& config);

// What a kubelet reports when the container starts and when it ends.
nlohmann::json running_status(const nlohmann::json& pod, const std::string& now);
nlohmann::json terminated_status(const nlohmann::json& pod, int exit_code, const std::string& message,
                                 const std::string& started_at, const std::string& finished_at);
// A status for a pod that could not be started at all (bad image, missing secret).
nlohmann::json failed_to_start_status(const nlohmann::json& pod, const std::string& reason,
                                      const std::string& message, const std::string& now);

// The termination message as a kubelet computes it: the file's contents (at most 4096 bytes);
// with FallbackToLogsOnError and a failed container whose file is empty, the log's tail (at most
// 80 lines and 2048 bytes).
std::string termination_message(const std::string& file_contents, const std::string& log, int exit_code,
                                const std::string& policy);

}  // namespace shepherd::noderunner
