// Serializes the agent result (task.h): the full JSON for logs and the termination message that
// always fits in 4 KiB, truncated deterministically.
#include "agent/task.h"

namespace shepherd::agent {
namespace {

using nlohmann::json;

// Cuts a string to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// Keeps the last `max` bytes (the interesting end of an output), on a UTF-8 boundary.
std::string tail(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t start = s.size() - max;
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) ++start;
  return s.substr(start);
}

json review_json(const ReviewItem& r, std::size_t max_string) {
  return {{"file", cut(r.file, max_string)}, {"line", r.line}, {"message", cut(r.message, max_string)}};
}

json build(const AgentResult& r, std::size_t max_items, std::size_t max_string, std::size_t max_tail,
           std::size_t max_message, bool truncated) {
  json j;
  j["apiVersion"] = kResultApiVersion;
  j["action"] = r.action;
  j["attempt"] = r.attempt;
  j["outcome"] = to_string(r.outcome);
  j["commit"] = r.commit;
  j["branch"] = r.branch;
  j["pullRequest"] = r.pull_request;
  j["filesChanged"] = r.files_changed;
  j["edits"] = r.edits;
  json review = json::array();
  for (std::size_t i = 0; i < r.review.size() && i < max_items; ++i) {
    review.push_back(review_json(r.review[i], max_string));
  }
  j["review"] = std::move(review);
  j["reviewCount"] = r.review.size();
  if (r.verify.ran) {
    j["verify"] = {{"exitCode", r.verify.exit_code},
                   {"seconds", static_cast<double>(static_cast<long long>(r.verify.seconds * 10)) / 10},
                   {"timedOut", r.verify.timed_out},
                   {"outputTail", tail(r.verify.output_tail, max_tail)}};
  }
  json diff = {{"bytes", r.diff.bytes}, {"truncated", r.diff.truncated}};
  if (!r.diff.config_map.empty()) diff["configMap"] = r.diff.config_map;
  if (!r.diff.file.empty()) diff["file"] = cut(r.diff.file, max_string);
  j["diff"] = std::move(diff);
  j["message"] = cut(r.message, max_message);
  if (truncated) j["truncated"] = true;
  return j;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::Changed:
      return "Changed";
    case Outcome::NoChanges:
      return "NoChanges";
    case Outcome::NeedsReview:
      return "NeedsReview";
    case Outcome::Failed:
      return "Failed";
  }
  return "Failed";
}

int exit_code_for(Outcome o) { return o == Outcome::Failed ? 1 : 0; }

json to_json(const AgentResult& r) {
  constexpr std::size_t kAll = static_cast<std::size_t>(-1);
  return build(r, kAll, kAll, kAll, kAll, false);
}

std::string to_termination_message(const AgentResult& r, std::size_t limit) {
  constexpr std::size_t kAll = static_cast<std::size_t>(-1);
  std::string full = dump(build(r, kAll, kAll, kAll, kAll, false));
  if (full.size() <= limit) return full;
  // Step 1: bound every free-form string.
  std::size_t items = r.review.size();
  std::size_t max_tail = 1024, max_message = 1024;
  const std::size_t max_string = 200;
  auto render = [&] { return dump(build(r, items, max_string, max_tail, max_message, true)); };
  std::string out = render();
  // Step 2: drop review items from the end (reviewCount still says how many there were).
  if (out.size() > limit) {
    // The most items that fit (size grows with the item count): binary search, then render.
    std::size_t lo = 0, hi = items;
    while (lo < hi) {
      items = (lo + hi + 1) / 2;
      if (render().size() <= limit) {
        lo = items;
      } else {
        hi = items - 1;
      }
    }
    items = lo;
    out = render();
  }
  // Step 3: shorten the output tail, then the message.
  while (out.size() > limit && max_tail > 0) {
    max_tail = max_tail > 128 ? max_tail - 128 : 0;
    out = render();
  }
  while (out.size() > limit && max_message > 0) {
    max_message = max_message > 128 ? max_message - 128 : 0;
    out = render();
  }
  if (out.size() > limit) {
    // Only the fixed fields remain (branch and commit are bounded by git), but never exceed.
    json minimal = {{"apiVersion", kResultApiVersion},
                    {"outcome", to_string(r.outcome)},
                    {"truncated", true},
                    {"reviewCount", r.review.size()}};
    out = dump(minimal);
  }
  return out;
}

}  // namespace shepherd::agent
