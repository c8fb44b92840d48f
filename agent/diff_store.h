// Makes the full diff and the full review list retrievable with kubectl: server-side applies them
// to the ConfigMap named by task.diff.configMap in task.namespace (keys `diff` and `review`), using
// the pod's service account. Without a reachable API (local runs, tests) and with SHEPHERD_DIFF_DIR
// set, writes <dir>/<configMap>.diff and <dir>/<configMap>.review.
#pragma once

#include <string>
#include <vector>

#include "agent/log.h"
#include "agent/task.h"

namespace shepherd::agent {

// A ConfigMap holds at most 1 MiB. The review list is stored whole up to kMaxStoredReviewBytes;
// the diff gets the rest of kMaxStoredBytes, at most kMaxStoredDiffBytes. What is cut is cut at a
// line boundary and marked (the Job log has both whole).
inline constexpr std::size_t kMaxStoredBytes = std::size_t{960} * 1024;
inline constexpr std::size_t kMaxStoredDiffBytes = std::size_t{900} * 1024;
inline constexpr std::size_t kMaxStoredReviewBytes = std::size_t{480} * 1024;

// The diff as stored: at most `max` bytes plus the marker line.
std::string stored_diff(const std::string& diff, bool* truncated, std::size_t max = kMaxStoredDiffBytes);

// The review list as text, one place per line: "<file>:<line>: <message>" ("<file>: <message>"
// for a whole file), newlines in messages replaced by spaces.
std::string review_text(const std::vector<ReviewItem>& review);

// The server-side-apply body of the ConfigMap (a JSON object): keys diff, bytes, truncated, review,
// reviewCount.
nlohmann::json diff_config_map(const Task& task, const std::string& diff,
                               const std::vector<ReviewItem>& review);

// Stores the diff and the review list; throws std::runtime_error naming the ConfigMap and the
// API's answer when the API refuses it. Where it went is in the returned DiffResult.
DiffResult store_diff(const Task& task, const std::string& diff, const std::vector<ReviewItem>& review,
                      const Log& log);

}  // namespace shepherd::agent
