// Makes the full diff retrievable with kubectl: server-side applies it to the ConfigMap named by
// task.diff.configMap in task.namespace (key `diff`), using the pod's service account. Without a
// reachable API (local runs, tests) and with SHEPHERD_DIFF_DIR set, writes <dir>/<configMap>.diff.
#pragma once

#include <string>

#include "agent/log.h"
#include "agent/task.h"

namespace shepherd::agent {

// A diff above this many bytes is cut at a line boundary and marked (the Job log has it whole).
inline constexpr std::size_t kMaxStoredDiffBytes = 900 * 1024;

// The diff as stored: at most kMaxStoredDiffBytes plus the marker line.
std::string stored_diff(const std::string& diff, bool* truncated);

// The server-side-apply body of the ConfigMap (a JSON object).
nlohmann::json diff_config_map(const Task& task, const std::string& diff);

// Stores the diff; throws std::runtime_error naming the ConfigMap and the API's answer when the
// API refuses it. Where it went is in the returned DiffResult.
DiffResult store_diff(const Task& task, const std::string& diff, const Log& log);

}  // namespace shepherd::agent
