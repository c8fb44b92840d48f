// Implementation of git.h.
#include "agent/git.h"

#include <sstream>

namespace shepherd::agent {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace

std::vector<std::string> git_base_argv(const fs::path& repo) {
  return {"git",
          "-C",
          repo.string(),
          "-c",
          "core.hooksPath=/dev/null",
          "-c",
          "credential.helper=",
          "-c",
          "core.pager=cat",
          "-c",
          "color.ui=false",
          "-c",
          "core.quotePath=false",
          "-c",
          "advice.detachedHead=false",
          "-c",
          "protocol.version=2"};
}

Git::Git(fs::path repo, std::map<std::string, std::string> env, const Log& log, const Deadline& deadline)
    : repo_(std::move(repo)), env_(std::move(env)), log_(log), deadline_(deadline) {}

RunResult Git::run(const std::vector<std::string>& args, const std::string& stdin_data,
                   const std::map<std::string, std::string>& extra_env) const {
  auto argv = git_base_argv(repo_);
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.env = env_;
  for (const auto& [k, v] : extra_env) o.env[k] = v;
  o.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "SHEPHERD_TASK"};
  o.stdin_data = stdin_data;
  o.timeout = deadline_.cap(std::chrono::minutes(30));
  o.max_output = std::size_t{1} << 30;
  return agent::run(argv, o);
}

std::string Git::ok(const std::vector<std::string>& args, const std::string& stdin_data,
                    const std::map<std::string, std::string>& extra_env) const {
  RunResult r = run(args, stdin_data, extra_env);
  if (r.exit_code != 0) {
    std::string what = "git " + join(args) + " failed (exit " + std::to_string(r.exit_code) +
                       (r.timed_out ? ", deadline reached" : "") + "): " + trim(r.err);
    throw GitError(log_.redactor()(what));
  }
  return r.out;
}

void Git::clone(const std::string& url, const std::string& revision) const {
  fs::create_directories(repo_);
  ok({"init", "--quiet"});
  ok({"remote", "add", "origin", url});
  log_.info("fetching " + revision + " from " + url);
  RunResult shallow = run({"fetch", "--quiet", "--no-tags", "--depth", "1", "origin", revision});
  if (shallow.exit_code != 0) {
    // Some servers refuse a shallow fetch of a bare commit id; fetch everything and look it up.
    log_.info("shallow fetch refused (" + trim(shallow.err) + "); fetching full history");
    ok({"fetch", "--quiet", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*"});
    ok({"checkout", "--quiet", "--detach", revision + "^{commit}"});
    return;
  }
  ok({"checkout", "--quiet", "--detach", "FETCH_HEAD"});
}

std::optional<std::string> Git::remote_branch(const std::string& branch) const {
  std::string out = ok({"ls-remote", "--heads", "origin", "refs/heads/" + branch});
  std::istringstream in(out);
  std::string sha, ref;
  while (in >> sha >> ref) {
    if (ref == "refs/heads/" + branch) return sha;
  }
  return std::nullopt;
}

void Git::fetch_branch(const std::string& branch, const std::string& local_ref, int depth) const {
  std::vector<std::string> args = {"fetch", "--quiet", "--no-tags"};
  if (depth > 0) {
    args.push_back("--depth");
    args.push_back(std::to_string(depth));
  } else if (fs::exists(repo_ / ".git" / "shallow")) {
    args.push_back("--unshallow");
  }
  args.push_back("origin");
  args.push_back("+refs/heads/" + branch + ":" + local_ref);
  ok(args);
}

std::string Git::rev_parse(const std::string& rev) const { return trim(ok({"rev-parse", "--verify", rev})); }

bool Git::is_ancestor(const std::string& ancestor, const std::string& descendant) const {
  return run({"merge-base", "--is-ancestor", ancestor, descendant}).exit_code == 0;
}

std::string Git::stage_all() const {
  ok({"add", "--all", "--", "."});
  return trim(ok({"write-tree"}));
}

void Git::reset_to_index() const {
  ok({"checkout-index", "--all", "--force"});
  ok({"clean", "-ffdxq"});
}

std::string Git::staged_diff() const {
  return ok({"diff", "--cached", "--no-color", "--no-ext-diff", "--no-textconv", "HEAD"});
}

std::vector<std::string> Git::staged_files() const {
  std::string out = ok({"diff", "--cached", "--name-only", "-z", "HEAD"});
  std::vector<std::string> files;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    if (end > start) files.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return files;
}

std::string Git::commit_tree(const std::string& tree, const std::string& parent, const std::string& message,
                             const std::string& name, const std::string& email) const {
  return trim(ok({"commit-tree", tree, "-p", parent, "-F", "-"}, message,
                 {{"GIT_AUTHOR_NAME", name},
                  {"GIT_AUTHOR_EMAIL", email},
                  {"GIT_COMMITTER_NAME", name},
                  {"GIT_COMMITTER_EMAIL", email}}));
}

void Git::push(const std::string& commit, const std::string& branch, const std::string& expected) const {
  const std::string ref = "refs/heads/" + branch;
  ok({"push", "--quiet", "--porcelain", "--force-with-lease=" + ref + ":" + expected, "origin",
      commit + ":" + ref});
}

void Git::delete_remote_branch(const std::string& branch, const std::string& expected) const {
  const std::string ref = "refs/heads/" + branch;
  ok({"push", "--quiet", "--porcelain", "--force-with-lease=" + ref + ":" + expected, "origin", ":" + ref});
}

}  // namespace shepherd::agent
