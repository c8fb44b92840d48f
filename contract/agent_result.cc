// Encoder and decoder of the agent result (agent_result.h): the full JSON for logs, the
// termination message that always fits in 4 KiB (truncated deterministically), and the decoder the
// operator reads it with.
#include "contract/agent_result.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>

namespace shepherd::contract {
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

std::size_t review_count(const AgentResult& r) { return std::max(r.review_count, r.review.size()); }

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
  j["reviewCount"] = review_count(r);
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

// Thrown inside the decoder only; decode_result turns it into Decoded::error.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw FieldError(path + ": " + what);
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

void read(const json& obj, const char* key, const std::string& path, std::string& out) {
  if (const json* v = member(obj, key)) {
    if (!v->is_string()) fail(path, "must be a string");
    out = v->get<std::string>();
  }
}

// Counts are never negative (the CRD's status schema says so too); an exit code may be.
template <class Int>
void read(const json& obj, const char* key, const std::string& path, Int& out, bool negative = false) {
  if (const json* v = member(obj, key)) {
    if (!v->is_number_integer()) fail(path, "must be an integer");
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > std::uint64_t{1} << 62)
      fail(path, "out of range");
    const auto n = v->get<std::int64_t>();
    if ((n < 0 && !negative) || n < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
        static_cast<std::uint64_t>(std::max<std::int64_t>(n, 0)) >
            static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      fail(path, "out of range");
    out = static_cast<Int>(n);
  }
}

void read(const json& obj, const char* key, const std::string& path, bool& out) {
  if (const json* v = member(obj, key)) {
    if (!v->is_boolean()) fail(path, "must be true or false");
    out = v->get<bool>();
  }
}

void read(const json& obj, const char* key, const std::string& path, double& out) {
  if (const json* v = member(obj, key)) {
    if (!v->is_number()) fail(path, "must be a number");
    out = v->get<double>();
  }
}

const json* object(const json& obj, const char* key, const std::string& path) {
  const json* v = member(obj, key);
  if (v != nullptr && !v->is_object()) fail(path, "must be an object");
  return v;
}

Outcome parse_outcome(const json& j) {
  if (!j.is_string()) fail("outcome", "must be a string");
  const std::string s = j.get<std::string>();
  for (Outcome o : {Outcome::Changed, Outcome::NoChanges, Outcome::NeedsReview, Outcome::Failed})
    if (to_string(o) == s) return o;
  fail("outcome", "unknown value '" + s + "' (want Changed, NoChanges, NeedsReview or Failed)");
}

AgentResult decode_fields(const json& j) {
  AgentResult r;
  r.outcome = parse_outcome(j.at("outcome"));
  read(j, "action", "action", r.action);
  read(j, "attempt", "attempt", r.attempt);
  read(j, "commit", "commit", r.commit);
  read(j, "branch", "branch", r.branch);
  read(j, "pullRequest", "pullRequest", r.pull_request);
  read(j, "filesChanged", "filesChanged", r.files_changed);
  read(j, "edits", "edits", r.edits);
  if (const json* items = member(j, "review")) {
    if (!items->is_array()) fail("review", "must be an array");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string p = "review[" + std::to_string(i) + "]";
      const json& item = (*items)[i];
      if (!item.is_object()) fail(p, "must be an object");
      ReviewItem ri;
      read(item, "file", p + ".file", ri.file);
      read(item, "line", p + ".line", ri.line);
      read(item, "message", p + ".message", ri.message);
      r.review.push_back(std::move(ri));
    }
  }
  r.review_count = r.review.size();
  read(j, "reviewCount", "reviewCount", r.review_count);
  if (r.review_count < r.review.size()) fail("reviewCount", "less than the review items carried");
  if (const json* v = object(j, "verify", "verify")) {
    r.verify.ran = true;
    read(*v, "exitCode", "verify.exitCode", r.verify.exit_code, true);
    read(*v, "seconds", "verify.seconds", r.verify.seconds);
    read(*v, "timedOut", "verify.timedOut", r.verify.timed_out);
    read(*v, "outputTail", "verify.outputTail", r.verify.output_tail);
  }
  if (const json* d = object(j, "diff", "diff")) {
    read(*d, "configMap", "diff.configMap", r.diff.config_map);
    read(*d, "file", "diff.file", r.diff.file);
    read(*d, "bytes", "diff.bytes", r.diff.bytes);
    read(*d, "truncated", "diff.truncated", r.diff.truncated);
  }
  read(j, "message", "message", r.message);
  read(j, "truncated", "truncated", r.truncated);
  return r;
}

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

Decoded<AgentResult> decode_result(std::string_view text) {
  Decoded<AgentResult> out;
  const auto excerpt = [&] {
    std::string s(text.substr(0, 200));
    for (char& ch : s)
      if (ch == '\n' || ch == '\r') ch = ' ';
    return s + (text.size() > 200 ? "..." : "");
  };
  if (text.empty()) {
    out.error = "the agent wrote no result (empty termination message)";
    return out;
  }
  if (text.size() > kMaxResultBytes) {
    out.error = "agent result is " + std::to_string(text.size()) + " bytes, over the " +
                std::to_string(kMaxResultBytes) + "-byte limit";
    return out;
  }
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = "agent result is not a JSON object: " + excerpt();
    return out;
  }
  const auto api_version = j.find("apiVersion");
  if (api_version == j.end() || !api_version->is_string() || *api_version != kResultApiVersion) {
    out.error = std::string("agent result has apiVersion ") +
                (api_version == j.end() ? "(none)" : api_version->dump()) + ", expected " + kResultApiVersion;
    return out;
  }
  if (member(j, "outcome") == nullptr) {
    out.error = "agent result has no outcome";
    return out;
  }
  try {
    out.value = decode_fields(j);
  } catch (const FieldError& e) {
    out.error = std::string("agent result is malformed: ") + e.what();
  } catch (const std::exception& e) {
    out.error = std::string("agent result is malformed: ") + e.what();
  }
  return out;
}

int exit_code_for(Outcome o) { return o == Outcome::Failed ? 1 : 0; }

json encode_result(const AgentResult& r) {
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
                    {"reviewCount", review_count(r)}};
    out = dump(minimal);
  }
  return out;
}

}  // namespace shepherd::contract
