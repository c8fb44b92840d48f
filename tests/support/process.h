// Running child processes from tests: argv in, exit status and captured output out. Never a shell.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace shepherd::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by a signal
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct ProcessOptions {
  std::string stdin_data;
  std::string cwd;
  std::map<std::string, std::string> env;  // added to (or overriding) the current environment
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
};

// Runs argv[0] (looked up in PATH) with the arguments, feeding stdin_data and collecting stdout and
// stderr. A process that outlives the timeout is killed with SIGKILL and reported as timed out.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A child process that runs in the background until stop() or destruction (SIGTERM, then SIGKILL).
// Its output goes to log_path.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  bool running();
  // Sends the signal; with SIGKILL the process is gone when this returns.
  void kill(int signal);
  // SIGTERM, up to `grace` to exit, then SIGKILL. Returns the exit status (see ProcessResult).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  int pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
};

// KEY=VALUE lines of a file (`#` comments and other lines skipped), e.g. the env file that
// hack/control-plane writes into its directory.
std::map<std::string, std::string> read_env_file(const std::string& path);

}  // namespace shepherd::testing
