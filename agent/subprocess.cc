// Implementation of subprocess.h with fork/execvpe, poll over pipes and process-group kill.
#include "agent/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/fd.h"

extern char** environ;

namespace shepherd::agent {
namespace {

using base::Fd;

std::vector<std::string> child_env(const RunOptions& o) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& k : o.unset_env) all.erase(k);
  for (const auto& [k, v] : o.env) all[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void append_bounded(std::string& buf, const char* data, std::size_t n, std::size_t max, bool& cut) {
  buf.append(data, n);
  if (buf.size() > max) {
    buf.erase(0, buf.size() - max);
    cut = true;
  }
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  RunResult result;
  if (argv.empty() || argv[0].empty()) {
    result.exit_code = 127;
    result.err = "empty command";
    return result;
  }
  const auto started = std::chrono::steady_clock::now();
  int in[2], out[2], err[2], exec_err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return result;
  Fd in_r(in[0]), in_w(in[1]);
  if (pipe2(out, O_CLOEXEC) != 0) return result;
  Fd out_r(out[0]), out_w(out[1]);
  if (pipe2(err, O_CLOEXEC) != 0) return result;
  Fd err_r(err[0]), err_w(err[1]);
  if (pipe2(exec_err, O_CLOEXEC) != 0) return result;
  Fd exec_r(exec_err[0]), exec_w(exec_err[1]);

  auto args = argv;
  auto env = child_env(options);
  auto cargs = c_strings(args);
  auto cenv = c_strings(env);

  pid_t pid = fork();
  if (pid < 0) {
    result.err = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(options.merge_stderr ? out[1] : err[1], 2);
    signal(SIGPIPE, SIG_DFL);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(exec_err[1], &e, sizeof e);
      _exit(127);
    }
    execvpe(cargs[0], cargs.data(), cenv.data());
    int e = errno;
    (void)!write(exec_err[1], &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);  // also in the parent, so the group exists before we might signal it
  in_r.reset();
  out_w.reset();
  err_w.reset();
  exec_w.reset();

  int child_errno = 0;
  if (read(exec_r.get(), &child_errno, sizeof child_errno) == static_cast<ssize_t>(sizeof child_errno)) {
    result.err = "cannot start " + argv[0] + ": " + std::strerror(child_errno);
  } else {
    result.started = true;
  }

  std::size_t written = 0;
  if (options.stdin_data.empty()) in_w.reset();
  if (in_w.get() >= 0) fcntl(in_w.get(), F_SETFL, O_NONBLOCK);
  const auto deadline = started + options.timeout;
  bool exited = false;
  int status = 0;
  bool err_cut = false;
  char buf[65536];
  while (out_r.get() >= 0 || err_r.get() >= 0 || !exited) {
    if (!exited) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        exited = true;
        // Whatever the program left behind in its group must not outlive it (or hold our pipes).
        kill(-pid, SIGKILL);
      }
    }
    if (std::chrono::steady_clock::now() >= deadline && !result.timed_out && !exited) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
    }
    std::vector<pollfd> fds;
    if (out_r.get() >= 0) fds.push_back({out_r.get(), POLLIN, 0});
    if (err_r.get() >= 0) fds.push_back({err_r.get(), POLLIN, 0});
    if (in_w.get() >= 0) fds.push_back({in_w.get(), POLLOUT, 0});
    if (fds.empty()) {
      if (!exited) {
        if (result.timed_out) {
          waitpid(pid, &status, 0);
          exited = true;
        } else {
          usleep(10000);
        }
      }
      continue;
    }
    int ready = poll(fds.data(), fds.size(), 50);
    if (ready < 0 && errno != EINTR) break;
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in_w.get()) {
        ssize_t n = write(p.fd, options.stdin_data.data() + written, options.stdin_data.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) in_w.reset();
        if (written >= options.stdin_data.size()) in_w.reset();
        continue;
      }
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n > 0) {
        if (p.fd == out_r.get()) {
          append_bounded(result.out, buf, static_cast<std::size_t>(n), options.max_output,
                         result.out_truncated);
        } else {
          append_bounded(result.err, buf, static_cast<std::size_t>(n), options.max_output, err_cut);
        }
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (p.fd == out_r.get())
          out_r.reset();
        else
          err_r.reset();
      }
    }
  }
  result.exit_code = result.timed_out ? 124 : (result.started ? decode(status) : 127);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace shepherd::agent
