// Implementation of pod_plan.h.
#include "hack/node-runner/pod_plan.h"

#include <algorithm>

namespace shepherd::noderunner {
namespace {

using nlohmann::json;

constexpr const char* kServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

const std::map<std::string, std::string>& mount_env() {
  static const std::map<std::string, std::string> m{
      {"/var/run/shepherd/git", "SHEPHERD_GIT_CREDENTIALS_DIR"},
      {"/workspace", "SHEPHERD_WORKDIR"},
      {"/tmp", "TMPDIR"},
  };
  return m;
}

std::string field_ref(const json& pod, const std::string& path) {
  const auto& md = pod["metadata"];
  if (path == "metadata.name") return md.value("name", "");
  if (path == "metadata.namespace") return md.value("namespace", "");
  if (path == "metadata.uid") return md.value("uid", "");
  if (path == "spec.nodeName") return pod["spec"].value("nodeName", "");
  if (path == "spec.serviceAccountName") return pod["spec"].value("serviceAccountName", "default");
  return "";
}

}  // namespace

std::string image_name(const std::string& image) {
  std::string s = image;
  if (auto at = s.find('@'); at != std::string::npos) s = s.substr(0, at);
  auto slash = s.rfind('/');
  std::string last = slash == std::string::npos ? s : s.substr(slash + 1);
  if (auto colon = last.find(':'); colon != std::string::npos) last = last.substr(0, colon);
  return last;
}

std::variant<LocalExec, std::string> plan_exec(const json& pod, const RunnerConfig& config) {
  const auto& spec = pod.value("spec", json::object());
  const auto containers = spec.value("containers", json::array());
  if (containers.empty()) return std::string("pod has no containers");
  const auto& c = containers[0];
  const std::string cname = c.value("name", "");
  const std::string image = c.value("image", "");
  auto it = config.images.find(image_name(image));
  if (it == config.images.end()) {
    std::string known;
    for (const auto& [k, v] : config.images) known += (known.empty() ? "" : ", ") + k;
    return "container " + cname + ": image " + image + " has no local binary (known: " + known + ")";
  }
  LocalExec e;
  const auto& md = pod["metadata"];
  e.pod_dir = config.pods_dir + "/" + md.value("namespace", "") + "_" + md.value("name", "") + "_" +
              md.value("uid", "");
  e.binary = it->second;
  e.argv.push_back(e.binary);
  // command replaces the image's entrypoint (the binary itself here); args follow it.
  auto command = c.value("command", json::array());
  for (size_t i = 1; i < command.size(); ++i) e.argv.push_back(command[i].get<std::string>());
  for (const auto& a : c.value("args", json::array())) e.argv.push_back(a.get<std::string>());

  e.env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  e.env["HOME"] = e.pod_dir + "/home";
  e.empty_dirs.push_back(e.env["HOME"]);
  e.env["HOSTNAME"] = md.value("name", "");
  e.env["KUBERNETES_SERVICE_HOST"] = config.api_host;
  e.env["KUBERNETES_SERVICE_PORT"] = config.api_port;
  for (const auto& env : c.value("env", json::array())) {
    const std::string name = env.value("name", "");
    if (env.contains("value")) {
      e.env[name] = env["value"].get<std::string>();
    } else if (env.contains("valueFrom") && env["valueFrom"].contains("fieldRef")) {
      e.env[name] = field_ref(pod, env["valueFrom"]["fieldRef"].value("fieldPath", ""));
    } else if (env.contains("valueFrom")) {
      return "container " + cname + ": env " + name +
             ": only value and fieldRef are supported by the node runner";
    } else {
      e.env[name] = "";
    }
  }

  std::map<std::string, json> volumes;
  for (const auto& v : spec.value("volumes", json::array())) volumes[v.value("name", "")] = v;
  for (const auto& m : c.value("volumeMounts", json::array())) {
    const std::string vname = m.value("name", "");
    const std::string mount_path = m.value("mountPath", "");
    auto vit = volumes.find(vname);
    if (vit == volumes.end()) return "container " + cname + ": volumeMount " + vname + " has no volume";
    const std::string local = e.pod_dir + "/volumes/" + vname;
    if (vit->second.contains("secret")) {
      const auto& s = vit->second["secret"];
      e.secret_volumes.push_back({s.value("secretName", ""), s.value("optional", false), local});
    } else if (vit->second.contains("emptyDir")) {
      e.empty_dirs.push_back(local);
    } else if (vit->second.contains("projected") && mount_path == kServiceAccountPath) {
      // The service account admission plugin's kube-api-access volume: a bound token, the CA and
      // the namespace, which the runner obtains from the TokenRequest API.
      e.service_account = spec.value("serviceAccountName", "default");
      e.env["SHEPHERD_SERVICEACCOUNT_DIR"] = e.pod_dir + "/serviceaccount";
      continue;
    } else {
      return "container " + cname + ": volume " + vname +
             ": only emptyDir and secret are supported by the node runner";
    }
    auto env_it = mount_env().find(mount_path);
    if (env_it != mount_env().end()) e.env[env_it->second] = local;
  }
  e.termination_log = e.pod_dir + "/termination-log";
  e.env["SHEPHERD_TERMINATION_LOG"] = e.termination_log;
  e.termination_message_policy = c.value("terminationMessagePolicy", "File");
  return e;
}

json running_status(const json& pod, const std::string& now) {
  json statuses = json::array();
  for (const auto& c : pod["spec"].value("containers", json::array())) {
    statuses.push_back({{"name", c.value("name", "")},
                        {"image", c.value("image", "")},
                        {"imageID", ""},
                        {"ready", true},
                        {"started", true},
                        {"restartCount", 0},
                        {"state", {{"running", {{"startedAt", now}}}}}});
  }
  return {{"phase", "Running"},
          {"startTime", now},
          {"hostIP", "127.0.0.1"},
          {"podIP", "127.0.0.1"},
          {"conditions",
           json::array({{{"type", "Initialized"}, {"status", "True"}, {"lastTransitionTime", now}},
                        {{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", now}},
                        {{"type", "ContainersReady"}, {"status", "True"}, {"lastTransitionTime", now}},
                        {{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", now}}})},
          {"containerStatuses", statuses}};
}

json terminated_status(const json& pod, int exit_code, const std::string& message,
                       const std::string& started_at, const std::string& finished_at) {
  json statuses = json::array();
  for (const auto& c : pod["spec"].value("containers", json::array())) {
    json terminated{{"exitCode", exit_code},
                    {"reason", exit_code == 0 ? "Completed" : "Error"},
                    {"startedAt", started_at},
                    {"finishedAt", finished_at}};
    if (!message.empty()) terminated["message"] = message;
    statuses.push_back({{"name", c.value("name", "")},
                        {"image", c.value("image", "")},
                        {"imageID", ""},
                        {"ready", false},
                        {"started", false},
                        {"restartCount", 0},
                        {"state", {{"terminated", terminated}}}});
  }
  const char* reason = exit_code == 0 ? "PodCompleted" : "PodFailed";
  return {
      {"phase", exit_code == 0 ? "Succeeded" : "Failed"},
      {"conditions",
       json::array(
           {{{"type", "Ready"}, {"status", "False"}, {"reason", reason}, {"lastTransitionTime", finished_at}},
            {{"type", "ContainersReady"},
             {"status", "False"},
             {"reason", reason},
             {"lastTransitionTime", finished_at}}})},
      {"containerStatuses", statuses}};
}

json failed_to_start_status(const json& pod, const std::string& reason, const std::string& message,
                            const std::string& now) {
  json s = terminated_status(pod, 128, message, now, now);
  for (auto& cs : s["containerStatuses"]) cs["state"]["terminated"]["reason"] = reason;
  s["message"] = message;
  s["reason"] = reason;
  return s;
}

std::string termination_message(const std::string& file_contents, const std::string& log, int exit_code,
                                const std::string& policy) {
  constexpr size_t kMaxFile = 4096;
  constexpr size_t kMaxLogBytes = 2048;
  constexpr size_t kMaxLogLines = 80;
  if (!file_contents.empty()) return file_contents.substr(0, kMaxFile);
  if (policy != "FallbackToLogsOnError" || exit_code == 0) return "";
  // The last kMaxLogLines lines, then the last kMaxLogBytes bytes of those.
  size_t pos = log.size();
  size_t lines = 0;
  while (pos > 0 && lines < kMaxLogLines) {
    auto nl = log.rfind('\n', pos - 1);
    if (pos == log.size() && nl == log.size() - 1) {  // a trailing newline is not a line of its own
      pos = nl;
      continue;
    }
    ++lines;
    if (nl == std::string::npos) {
      pos = 0;
      break;
    }
    pos = nl + (lines < kMaxLogLines ? 0 : 1);
    if (lines == kMaxLogLines) break;
  }
  std::string tail = log.substr(pos);
  if (!tail.empty() && tail.front() == '\n') tail.erase(0, 1);
  if (tail.size() > kMaxLogBytes) tail = tail.substr(tail.size() - kMaxLogBytes);
  return tail;
}

}  // namespace shepherd::noderunner
