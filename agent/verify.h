// Runs the consumer's verification command (argv, never a shell) in repo/path with its timeout
// (capped by the overall deadline); the whole process group is killed when time is up.
#pragma once

#include <filesystem>

#include "agent/deadline.h"
#include "agent/log.h"
#include "agent/task.h"

namespace shepherd::agent {

// Bytes of combined stdout+stderr kept for the result (the termination message cuts further).
inline constexpr std::size_t kVerifyTailBytes = 4096;

// An empty command is not run (ran == false) and counts as passing.
VerifyResult run_verify(const Verify& verify, const std::filesystem::path& cwd,
                        const std::filesystem::path& home, const Deadline& deadline, const Log& log);

inline bool verify_passed(const VerifyResult& v) { return !v.ran || (v.exit_code == 0 && !v.timed_out); }

}  // namespace shepherd::agent
