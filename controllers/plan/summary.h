// What the plan controller reads of each of its ConsumerMigrations: the summary decide_plan takes,
// how it is computed from the object, and its encoding as the projection the ConsumerMigration
// cache keeps beside each object (runtime/store.h, "projection"; controllers/reconcile/cache_trim.h).
//
// The encoding is binary and versioned, smaller than the object's JSON and smaller than a parsed
// JSON value: 10,000 of them are kept for a plan of 10,000 consumers.
//   byte 0      format version (1)
//   byte 1      phase (api::ConsumerPhase, its index)
//   byte 2      flags: 1 started, 2 cut_over, 4 published, 8 stalled, 16 deleting
//   then        wave, then name, consumer, retry, rollback and skip annotations: each an unsigned
//               LEB128 number (for strings, their length followed by their bytes)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "controllers/api/types.h"

namespace shepherd::controllers::plan {

struct ConsumerSummary {
  std::string name;      // ConsumerMigration name
  std::string consumer;  // spec.consumer.name
  std::int64_t wave = 0;
  api::ConsumerPhase phase = api::ConsumerPhase::Pending;
  bool started = false;    // an attempt was started (attempts > 0 or phase past Pending)
  bool cut_over = false;   // cut-over applied and not restored
  bool published = false;  // the agent pushed a commit or opened a pull request
  bool stalled = false;    // Stalled=True (e.g. AnalysisInconclusive): waits for a person
  bool deleting = false;   // deletionTimestamp set
  std::string retry_annotation;
  std::string rollback_annotation;
  std::string skip_annotation;
  bool operator==(const ConsumerSummary&) const = default;
};

ConsumerSummary summarize(const api::ConsumerMigration& cmig);

// The bytes of `s` (layout above) and back; decode answers nullopt for anything encode did not
// produce (wrong version, unknown phase or flags, truncated, trailing bytes).
std::string encode_summary(const ConsumerSummary& s);
std::optional<ConsumerSummary> decode_summary(std::string_view bytes);

// A non-negative decimal index ("0", "12"): a wave label, the approve annotation.
std::optional<std::int64_t> parse_index(const std::string& s);

}  // namespace shepherd::controllers::plan
