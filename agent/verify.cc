// Implementation of verify.h.
#include "agent/verify.h"

#include "agent/subprocess.h"

namespace shepherd::agent {

VerifyResult run_verify(const Verify& verify, const std::filesystem::path& cwd,
                        const std::filesystem::path& home, const Deadline& deadline, const Log& log) {
  VerifyResult v;
  if (verify.command.empty()) return v;
  RunOptions o;
  o.cwd = cwd.string();
  o.merge_stderr = true;
  o.max_output = std::size_t{256} * 1024;
  o.timeout = deadline.cap(std::chrono::seconds(verify.timeout_seconds));
  // The verification sees no git credentials and no task; HOME is a scratch directory.
  o.unset_env = {"SHEPHERD_TASK", "GIT_ASKPASS", "GIT_SSH_COMMAND", "SHEPHERD_GIT_TOKEN_FILE",
                 "SHEPHERD_GIT_CREDENTIALS_DIR"};
  o.env["HOME"] = home.string();
  o.env["SHEPHERD_VERIFY"] = "1";
  log.info("verify: running " + verify.command[0] + " (" + std::to_string(verify.command.size() - 1) +
           " arguments) in " + cwd.string());
  RunResult r = run(verify.command, o);
  v.ran = true;
  v.exit_code = r.exit_code;
  v.timed_out = r.timed_out;
  v.seconds = r.seconds;
  std::string out = r.out;
  if (!r.started) out += r.err;
  if (r.timed_out)
    out += "\n[shepherd: verification timed out after " + std::to_string(static_cast<int>(r.seconds)) +
           " s; process group killed]\n";
  v.output_tail = out.size() > kVerifyTailBytes ? out.substr(out.size() - kVerifyTailBytes) : out;
  log.info("verify: exit " + std::to_string(v.exit_code) + " after " +
           std::to_string(static_cast<int>(r.seconds)) + " s");
  return v;
}

}  // namespace shepherd::agent
