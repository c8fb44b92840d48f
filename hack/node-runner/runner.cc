// Implementation of runner.h.
#include "hack/node-runner/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "base/files.h"
#include "base/time.h"
#include "runtime/log.h"
#include "runtime/resource.h"

namespace shepherd::noderunner {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using runtime::log_info;
using runtime::log_warn;

const runtime::Resource kNodes{"", "v1", "nodes", "Node", false};

std::string now_rfc3339() { return base::format_rfc3339(std::chrono::system_clock::now()); }

void write_file(const fs::path& p, const std::string& data, fs::perms perms) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
  fs::permissions(p, perms);
}

}  // namespace

Runner::Runner(std::shared_ptr<runtime::Client> client, RunnerConfig config, NodeOptions node)
    : client_(std::move(client)),
      config_(std::move(config)),
      node_(std::move(node)),
      slots_(node_.max_parallel) {}

Runner::~Runner() {
  stop_.request_stop();
  if (pods_) pods_->stop();
  std::map<std::string, std::jthread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& [uid, pgid] : running_) {
      if (pgid > 0) ::kill(-pgid, SIGTERM);
    }
    threads.swap(threads_);
  }
  threads.clear();  // joins
}

bool Runner::register_node() {
  json node{{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata",
             {{"name", node_.name},
              {"labels",
               {{"kubernetes.io/hostname", node_.name},
                {"kubernetes.io/os", "linux"},
                {"shepherd.dev/node-runner", "true"}}}}},
            // Only pods that tolerate this taint (the agent pods of a plan that asks for the runner)
            // land here; everything else keeps going to the kwok node.
            {"spec",
             {{"taints",
               json::array(
                   {{{"key", "shepherd.dev/node-runner"}, {"value", "true"}, {"effect", "NoSchedule"}}})}}}};
  auto r = client_->apply(kNodes, "", node, "shepherd-node-runner", true);
  if (!r) {
    log_warn("registering the node failed", {{"node", node_.name}, {"error", r.error().message}});
    return false;
  }
  heartbeat();
  return true;
}

void Runner::heartbeat() {
  const std::string now = now_rfc3339();
  json status{{"apiVersion", "v1"},
              {"kind", "Node"},
              {"metadata", {{"name", node_.name}}},
              {"status",
               {{"capacity", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}}},
                {"allocatable", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}}},
                {"addresses", json::array({{{"type", "InternalIP"}, {"address", "127.0.0.1"}}})},
                {"nodeInfo",
                 {{"kubeletVersion", "shepherd-node-runner"},
                  {"operatingSystem", "linux"},
                  {"architecture", "amd64"},
                  {"containerRuntimeVersion", "local-process://"},
                  {"kernelVersion", ""},
                  {"osImage", ""},
                  {"kubeProxyVersion", ""},
                  {"machineID", ""},
                  {"systemUUID", ""},
                  {"bootID", ""}}},
                {"conditions", json::array({{{"type", "Ready"},
                                             {"status", "True"},
                                             {"reason", "RunnerReady"},
                                             {"message", "shepherd-node-runner is serving pods"},
                                             {"lastHeartbeatTime", now},
                                             {"lastTransitionTime", now}}})}}}};
  auto r = client_->apply(kNodes, "", status, "shepherd-node-runner", true, "status");
  if (!r) log_warn("node heartbeat failed", {{"error", r.error().message}});
  // The node lifecycle controller watches the node's Lease in kube-node-lease.
  json lease{{"apiVersion", "coordination.k8s.io/v1"},
             {"kind", "Lease"},
             {"metadata", {{"name", node_.name}, {"namespace", "kube-node-lease"}}},
             {"spec",
              {{"holderIdentity", node_.name},
               {"leaseDurationSeconds", 40},
               {"renewTime", base::format_rfc3339_micro(std::chrono::system_clock::now())}}}};
  auto l =
      client_->apply(runtime::resources::kLeases, "kube-node-lease", lease, "shepherd-node-runner", true);
  if (!l) log_warn("node lease renewal failed", {{"error", l.error().message}});
}

bool Runner::run(std::stop_token stop) {
  if (!register_node()) return false;
  runtime::InformerOptions o;
  o.field_selector = "spec.nodeName=" + node_.name;
  pods_ = std::make_shared<runtime::Informer>(client_, runtime::resources::kPods, o);
  pods_->add_handlers({[this](const runtime::ObjectPtr& p) { on_pod(p); },
                       [this](const runtime::ObjectPtr&, const runtime::ObjectPtr& p) { on_pod(p); },
                       nullptr});
  pods_->start();
  log_info("node runner serving", {{"node", node_.name}, {"pods_dir", config_.pods_dir}});
  auto next_beat = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (std::chrono::steady_clock::now() >= next_beat) {
      heartbeat();
      next_beat = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    }
    std::lock_guard lock(mu_);
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (running_.count(it->first) == 0) {
        it = threads_.erase(it);  // finished: join
      } else {
        ++it;
      }
    }
  }
  return true;
}

void Runner::on_pod(const runtime::ObjectPtr& obj) {
  const json& pod = *obj;
  const std::string uid = pod["metadata"].value("uid", "");
  const bool deleting = pod["metadata"].contains("deletionTimestamp");
  const std::string phase = pod.value("/status/phase"_json_pointer, std::string("Pending"));
  std::lock_guard lock(mu_);
  auto it = running_.find(uid);
  if (deleting) {
    if (it != running_.end()) {
      if (it->second > 0) ::kill(-it->second, SIGTERM);  // its thread finalizes the deletion
    } else {
      std::jthread([this, pod] { finalize_deleted(pod); }).detach();
    }
    return;
  }
  if (it != running_.end() || phase != "Pending" || pod.contains("/status/startTime"_json_pointer)) return;
  running_[uid] = 0;
  threads_[uid] = std::jthread([this, pod](std::stop_token st) { run_pod(pod, st); });
}

void Runner::finalize_deleted(const json& pod) {
  // What a kubelet does once the containers are gone: remove the pod for good.
  runtime::DeleteOptions d;
  d.grace_period_seconds = 0;
  d.precondition_uid = pod["metadata"].value("uid", "");
  client_->remove(runtime::resources::kPods, pod["metadata"].value("namespace", ""),
                  pod["metadata"].value("name", ""), d);
}

void Runner::patch_status(const json& pod, const json& status) {
  json body{{"status", status}};
  auto r = client_->patch(runtime::resources::kPods, pod["metadata"].value("namespace", ""),
                          pod["metadata"].value("name", ""), runtime::PatchType::kMerge, body, {}, "status");
  if (!r)
    log_warn("pod status update failed",
             {{"pod", pod["metadata"].value("name", "")}, {"error", r.error().message}});
}

bool Runner::prepare(const LocalExec& e, const json& pod, std::string* error) {
  const std::string ns = pod["metadata"].value("namespace", "");
  fs::remove_all(e.pod_dir);
  fs::create_directories(e.pod_dir);
  for (const auto& d : e.empty_dirs) fs::create_directories(d);
  for (const auto& sv : e.secret_volumes) {
    fs::create_directories(sv.local_dir);
    auto secret = client_->get(runtime::resources::kSecrets, ns, sv.secret_name);
    if (!secret) {
      if (sv.optional && secret.error().is_not_found()) continue;
      *error = "secret " + ns + "/" + sv.secret_name + ": " + secret.error().message;
      return false;
    }
    const json data = secret.value().value("data", json::object());  // named: items() must not outlive it
    for (const auto& [k, v] : data.items()) {
      write_file(fs::path(sv.local_dir) / k, base::base64_decode(v.get<std::string>()).value_or(""),
                 fs::perms::owner_read);
    }
  }
  if (!e.service_account.empty()) {
    // A bound token for the pod's service account, as the kubelet mounts it.
    runtime::Request req;
    req.method = "POST";
    req.path = runtime::resources::kServiceAccounts.path(ns, e.service_account, "token");
    req.content_type = "application/json";
    req.body = json{{"apiVersion", "authentication.k8s.io/v1"},
                    {"kind", "TokenRequest"},
                    {"spec",
                     {{"expirationSeconds", 3600},
                      {"boundObjectRef",
                       {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"name", pod["metadata"].value("name", "")},
                        {"uid", pod["metadata"].value("uid", "")}}}}}}
                   .dump();
    auto token = client_->request("create", runtime::resources::kServiceAccounts, req);
    if (!token) {
      *error = "service account " + ns + "/" + e.service_account + ": " + token.error().message;
      return false;
    }
    const fs::path sa = e.env.at("SHEPHERD_SERVICEACCOUNT_DIR");
    write_file(sa / "token", token.value().value("/status/token"_json_pointer, std::string()),
               fs::perms::owner_read);
    write_file(sa / "namespace", ns, fs::perms::owner_read);
    write_file(sa / "ca.crt", config_.ca_pem, fs::perms::owner_read);
  }
  return true;
}

void Runner::run_pod(json pod, std::stop_token stop) {
  const std::string uid = pod["metadata"].value("uid", "");
  const std::string name = pod["metadata"].value("namespace", "") + "/" + pod["metadata"].value("name", "");
  auto done = [&] {
    std::lock_guard lock(mu_);
    running_.erase(uid);
  };
  slots_.acquire();
  struct Release {
    std::counting_semaphore<1024>& s;
    ~Release() { s.release(); }
  } release{slots_};

  auto planned = plan_exec(pod, config_);
  if (auto* err = std::get_if<std::string>(&planned)) {
    patch_status(pod, failed_to_start_status(pod, "RunnerError", *err, now_rfc3339()));
    done();
    return;
  }
  const LocalExec& e = std::get<LocalExec>(planned);
  std::string error;
  if (!prepare(e, pod, &error)) {
    log_warn("pod cannot start", {{"pod", name}, {"error", error}});
    patch_status(pod, failed_to_start_status(pod, "CreateContainerConfigError", error, now_rfc3339()));
    done();
    return;
  }
  const std::string started = now_rfc3339();
  patch_status(pod, running_status(pod, started));

  const std::string log_path = e.pod_dir + "/container.log";
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : e.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = e.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (chdir(e.pod_dir.c_str()) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  {
    std::lock_guard lock(mu_);
    running_[uid] = pid;
  }
  log_info("pod started", {{"pod", name}, {"pid", pid}, {"binary", e.binary}});
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  (void)stop;
  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const std::string message = termination_message(base::read_file_or_empty(e.termination_log, 4096),
                                                  base::read_file_or_empty(log_path, 1 << 20), exit_code,
                                                  e.termination_message_policy);
  log_info("pod finished", {{"pod", name}, {"exitCode", exit_code}});
  // A pod deleted while running (the Job's deadline, a delete) is removed, not reported.
  auto live = client_->get(runtime::resources::kPods, pod["metadata"].value("namespace", ""),
                           pod["metadata"].value("name", ""));
  if (live && live.value()["metadata"].contains("deletionTimestamp")) {
    finalize_deleted(live.value());
  } else if (live) {
    patch_status(pod, terminated_status(pod, exit_code, message, started, now_rfc3339()));
  }
  done();
}

}  // namespace shepherd::noderunner
