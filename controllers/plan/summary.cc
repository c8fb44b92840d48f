// Implementation of summary.h.
#include "controllers/plan/summary.h"

#include <charconv>

#include "controllers/api/conditions.h"
#include "controllers/api/names.h"

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kStarted = 1, kCutOver = 2, kPublished = 4, kStalled = 8, kDeleting = 16;
constexpr std::uint8_t kAllFlags = kStarted | kCutOver | kPublished | kStalled | kDeleting;

std::string annotation(const api::ObjectMeta& meta, const char* key) {
  const auto it = meta.annotations.find(key);
  return it == meta.annotations.end() ? std::string() : it->second;
}

void put_number(std::string& out, std::uint64_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v != 0);
}

void put_string(std::string& out, const std::string& s) {
  put_number(out, s.size());
  out += s;
}

// Reads from the front of `in`, consuming what it read; false when `in` does not hold a value.
bool get_number(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto b = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;  // more than 10 bytes: not ours
}

bool get_string(std::string_view& in, std::string& s) {
  std::uint64_t size = 0;
  if (!get_number(in, size) || size > in.size()) return false;
  s.assign(in.substr(0, size));
  in.remove_prefix(size);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_index(const std::string& s) {
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 0) return std::nullopt;
  return v;
}

ConsumerSummary summarize(const api::ConsumerMigration& cmig) {
  ConsumerSummary s;
  s.name = cmig.metadata.name;
  s.consumer = cmig.spec.consumer.name;
  if (const auto it = cmig.metadata.labels.find(api::kLabelWave); it != cmig.metadata.labels.end())
    s.wave = parse_index(it->second).value_or(0);
  const auto& st = cmig.status;
  s.phase = st.phase;
  s.started = st.attempts > 0 || st.phase != ConsumerPhase::Pending;
  s.cut_over = st.cutover && st.cutover->appliedAt && !(st.rollback && st.rollback->restored);
  s.published = st.result && (!st.result->commit.empty() || !st.result->pullRequest.empty());
  s.stalled = api::is_condition_true(st.conditions, api::kConditionStalled) && !api::is_terminal(st.phase);
  s.deleting = cmig.metadata.deletionTimestamp.has_value();
  s.retry_annotation = annotation(cmig.metadata, api::kAnnotationRetry);
  s.rollback_annotation = annotation(cmig.metadata, api::kAnnotationRollback);
  s.skip_annotation = annotation(cmig.metadata, api::kAnnotationSkip);
  return s;
}

std::string encode_summary(const ConsumerSummary& s) {
  std::string out;
  out.reserve(8 + s.name.size() + s.consumer.size() + s.retry_annotation.size() +
              s.rollback_annotation.size() + s.skip_annotation.size());
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(s.phase));
  out.push_back(static_cast<char>((s.started ? kStarted : 0) | (s.cut_over ? kCutOver : 0) |
                                  (s.published ? kPublished : 0) | (s.stalled ? kStalled : 0) |
                                  (s.deleting ? kDeleting : 0)));
  put_number(out, static_cast<std::uint64_t>(s.wave));
  for (const std::string* f :
       {&s.name, &s.consumer, &s.retry_annotation, &s.rollback_annotation, &s.skip_annotation})
    put_string(out, *f);
  return out;
}

std::optional<ConsumerSummary> decode_summary(std::string_view in) {
  if (in.size() < 3 || static_cast<std::uint8_t>(in[0]) != kVersion) return std::nullopt;
  const auto phase = static_cast<std::uint8_t>(in[1]);
  const auto flags = static_cast<std::uint8_t>(in[2]);
  if (phase > static_cast<std::uint8_t>(ConsumerPhase::Skipped) || (flags & ~kAllFlags) != 0)
    return std::nullopt;
  in.remove_prefix(3);
  ConsumerSummary s;
  s.phase = static_cast<ConsumerPhase>(phase);
  s.started = flags & kStarted;
  s.cut_over = flags & kCutOver;
  s.published = flags & kPublished;
  s.stalled = flags & kStalled;
  s.deleting = flags & kDeleting;
  std::uint64_t wave = 0;
  if (!get_number(in, wave)) return std::nullopt;
  s.wave = static_cast<std::int64_t>(wave);
  for (std::string* f :
       {&s.name, &s.consumer, &s.retry_annotation, &s.rollback_annotation, &s.skip_annotation})
    if (!get_string(in, *f)) return std::nullopt;
  if (!in.empty()) return std::nullopt;
  return s;
}

}  // namespace shepherd::controllers::plan
