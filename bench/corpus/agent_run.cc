// Workspace, agent run and grep timing (contract in agent_run.h).
#include "agent_run.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "diff.h"
#include "tests/support/process.h"

namespace shepherd::corpus {

namespace fs = std::filesystem;
using shepherd::testing::ProcessOptions;
using shepherd::testing::run_process;

namespace {

constexpr const char* kBase = "corpus-base";
constexpr const char* kBranch = "shepherd/corpus";

std::string git(const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv = {"git", "-c", "core.hooksPath=/dev/null", "-c",
                                   "advice.detachedHead=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions o;
  o.timeout = std::chrono::minutes(5);
  auto r = run_process(argv, o);
  if (r.exit_code != 0) throw std::runtime_error(what + ": " + r.err);
  return r.out;
}

double children_cpu() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string find_git_dir(const std::string& mirrors, const std::string& repository) {
  std::string name = repository;
  for (auto& ch : name) ch = ch == '/' ? '+' : ch;
  const fs::path top = fs::path(mirrors) / name;
  std::error_code ec;
  if (!fs::is_directory(top, ec)) return "";
  auto is_git = [](const fs::path& p) {
    std::error_code e;
    return fs::exists(p / "HEAD", e) && fs::is_directory(p / "objects", e);
  };
  if (is_git(top)) return top.string();
  for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it.depth() > 2) it.disable_recursion_pending();
    if (it->is_directory() && is_git(it->path())) return it->path().string();
  }
  return "";
}

Workspace::Workspace(const Case& c, const RunConfig& config) : keep_(config.keep) {
  const std::string mirror = find_git_dir(config.mirrors, c.repository);
  if (mirror.empty())
    throw std::runtime_error("no fetched copy of " + c.repository + " under " + config.mirrors +
                             " (bring it with the search tool's fetch verb: github:" + c.repository + ")");
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/bench-corpus-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  git({"--git-dir=" + mirror, "cat-file", "-e", c.commit + "^{commit}"},
      "commit " + c.commit + " is not in " + mirror);
  // A local clone hard-links the objects: cheap, and the mirror is never written.
  git({"clone", "--quiet", "--bare", mirror, remote()}, "cloning the mirror");
  git({"--git-dir=" + remote(), "update-ref", std::string("refs/heads/") + kBase, c.commit},
      "pinning the commit");
  git({"--git-dir=" + remote(), "symbolic-ref", "HEAD", std::string("refs/heads/") + kBase}, "setting HEAD");
  fs::create_directories(checkout());
  git({"--git-dir=" + remote(), "--work-tree=" + checkout(), "checkout", "-f", c.commit, "--", "."},
      "checking out the original files");
}

Workspace::~Workspace() {
  if (dir_.empty()) return;
  std::error_code ec;
  if (!keep_) fs::remove_all(dir_, ec);
}

nlohmann::json make_task(const Case& c, const std::string& remote_url) {
  nlohmann::json repo = {{"url", remote_url}, {"revision", kBase}};
  if (!c.path.empty()) repo["path"] = c.path;
  return {{"apiVersion", "shepherd.dev/agent-task/v1"},
          {"action", "migrate"},
          {"plan", "corpus-" + c.id},
          {"namespace", "corpus"},
          {"attempt", 1},
          {"consumer", {{"name", c.id}, {"repository", repo}}},
          {"dataset", c.dataset},
          {"changes", c.changes},
          {"agent", {{"mode", "Push"}, {"branch", kBranch}}},
          {"diff", {{"configMap", c.id + "-diff"}}}};
}

AgentRun run_agent(const Case& c, const Workspace& ws, const RunConfig& config) {
  AgentRun run;
  for (const char* d : {"work", "diff", "credentials"}) fs::create_directories(fs::path(ws.dir()) / d);
  ProcessOptions o;
  o.timeout = std::chrono::minutes(10);
  o.env = {
      {"SHEPHERD_TASK", make_task(c, ws.remote()).dump()},         {"SHEPHERD_WORKDIR", ws.dir() + "/work"},
      {"SHEPHERD_TERMINATION_LOG", ws.dir() + "/termination-log"}, {"SHEPHERD_DIFF_DIR", ws.dir() + "/diff"},
      {"SHEPHERD_GIT_CREDENTIALS_DIR", ws.dir() + "/credentials"}, {"KUBERNETES_SERVICE_HOST", ""}};
  const double cpu0 = children_cpu();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_process({config.agent}, o);
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.cpu_seconds = children_cpu() - cpu0;
  run.stderr_tail = r.err.size() > 2000 ? r.err.substr(r.err.size() - 2000) : r.err;
  // stdout: ["--- shepherd-agent diff ---\n" diff] "--- shepherd-agent result ---\n" result JSON.
  const std::string marker = "--- shepherd-agent result ---\n";
  const auto at = r.out.rfind(marker);
  if (at == std::string::npos)
    throw std::runtime_error("the agent printed no result (exit " + std::to_string(r.exit_code) +
                             "): " + run.stderr_tail);
  run.result = nlohmann::json::parse(r.out.substr(at + marker.size()));
  run.observed.outcome = run.result.value("outcome", "");
  for (const auto& item : run.result.value("review", nlohmann::json::array()))
    run.observed.review.push_back({item.value("file", ""), item.value("line", 0), item.value("message", "")});

  // What was pushed: every changed file of the branch against the pinned commit.
  auto branch = run_process({"git", "--git-dir=" + ws.remote(), "rev-parse", "--verify", "--quiet",
                             std::string("refs/heads/") + kBranch});
  if (branch.exit_code != 0) return run;  // nothing published
  const std::string tip = branch.out.substr(0, branch.out.find('\n'));
  std::string names =
      git({"--git-dir=" + ws.remote(), "diff", "--name-only", "-z", "--no-renames", c.commit, tip},
          "listing the pushed changes");
  for (std::size_t p = 0; p < names.size();) {
    const std::size_t end = names.find('\0', p);
    const std::string file = names.substr(p, end - p);
    p = end == std::string::npos ? names.size() : end + 1;
    if (file.empty()) continue;
    auto shown = run_process({"git", "--git-dir=" + ws.remote(), "show", tip + ":" + file});
    run.pushed[file] = shown.exit_code == 0 ? shown.out : "";
    const std::string before = read_file(fs::path(ws.checkout()) / file);
    for (auto& e : edited_words(before, run.pushed[file]))
      run.observed.edits.push_back({file, e.line, e.column, e.before, e.after});
  }
  return run;
}

Timing time_grep(const Case& c, const Workspace& ws) {
  std::vector<std::string> argv = {"grep", "-rlw", "-i"};
  for (const auto& t : c.tracked) {
    argv.push_back("-e");
    argv.push_back(t);
  }
  argv.push_back(c.path.empty() ? ws.checkout() : ws.checkout() + "/" + c.path);
  ProcessOptions o;
  o.env = {{"LC_ALL", "C"}};
  o.timeout = std::chrono::minutes(5);
  Timing t;
  const double cpu0 = children_cpu();
  const auto t0 = std::chrono::steady_clock::now();
  run_process(argv, o);
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.cpu_seconds = children_cpu() - cpu0;
  return t;
}

}  // namespace shepherd::corpus
