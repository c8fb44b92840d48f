// The agent result, shepherd.dev/agent-result/v1: what shepherd-agent leaves in its container's
// termination message (at most 4 KiB, what the kubelet keeps) and prints whole to its log. One
// type and one codec, linked by both ends: the agent encodes it (agent/main.cc), the operator
// decodes it (controllers/consumer/job.cc, parse_agent_result). docs/agent.md is the prose
// version; the two change together. Knows neither Kubernetes nor the rewrite engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "contract/decoded.h"

namespace shepherd::contract {

inline constexpr const char* kResultApiVersion = "shepherd.dev/agent-result/v1";
// The kubelet reads at most 4096 bytes of a termination message; the encoded result always fits.
inline constexpr std::size_t kMaxResultBytes = 4096;

enum class Outcome { Changed, NoChanges, NeedsReview, Failed };
std::string to_string(Outcome o);

struct ReviewItem {
  std::string file;  // relative to the repository root
  int line = 0;      // 1-based, 0 = whole file
  std::string message;
  bool operator==(const ReviewItem&) const = default;
};

struct VerifyResult {
  bool ran = false;   // encoded as the presence of "verify"
  int exit_code = 0;  // "exitCode"; 124 when it timed out, 127 when it could not start
  double seconds = 0;
  bool timed_out = false;   // "timedOut"
  std::string output_tail;  // "outputTail": last bytes of stdout+stderr
  bool operator==(const VerifyResult&) const = default;
};

struct DiffResult {
  std::string config_map;  // "" when the diff went to SHEPHERD_DIFF_DIR or nowhere
  std::string file;        // the file under SHEPHERD_DIFF_DIR, when used
  std::int64_t bytes = 0;  // size of the full unified diff
  bool truncated = false;  // the stored copy was cut (the log has the whole diff)
  bool operator==(const DiffResult&) const = default;
};

struct AgentResult {
  Outcome outcome = Outcome::Failed;
  std::string action = "migrate";
  int attempt = 1;
  std::string commit;  // commit on `branch` (migrate: the change; rollback: the revert or "")
  std::string branch;
  std::string pull_request;  // "pullRequest": URL
  int files_changed = 0;     // "filesChanged"
  int edits = 0;
  // The places that need a person. A decoded termination message may carry only the first ones;
  // review_count ("reviewCount") is always the full number, and the full list is stored with the
  // diff (docs/agent.md).
  std::vector<ReviewItem> review;
  std::size_t review_count = 0;
  VerifyResult verify;
  DiffResult diff;
  std::string message;     // one human sentence; for Failed, what failed and what to do
  bool truncated = false;  // decoded: the termination message was cut to fit
  bool operator==(const AgentResult&) const = default;
};

// The full result as JSON (for logs). Never truncated. reviewCount is the larger of review_count
// and the number of items.
nlohmann::json encode_result(const AgentResult& r);

// The result for the termination log: valid JSON of at most `limit` bytes. Truncation is
// deterministic: strings are cut first (outputTail to 1 KiB, each review string to 200 bytes),
// then review items are dropped from the end, then outputTail and message are shortened.
// "reviewCount" always carries the full count and "truncated": true marks any cut.
std::string to_termination_message(const AgentResult& r, std::size_t limit = kMaxResultBytes);

// Decodes a termination message (or the full JSON). Errors say what is wrong: empty, over 4 KiB,
// not JSON (e.g. log lines from FallbackToLogsOnError), wrong apiVersion, no outcome, or
// "agent result is malformed: <field>: <what>". Absent fields keep their defaults.
Decoded<AgentResult> decode_result(std::string_view text);

// Exit status of the process for an outcome: 0 for Changed, NoChanges, NeedsReview; 1 for Failed.
int exit_code_for(Outcome o);

}  // namespace shepherd::contract
