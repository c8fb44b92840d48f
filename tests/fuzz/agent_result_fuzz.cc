// Fuzz target: the agent result across its wire, both ways.
//  1. The operator's decoder (parse_agent_result: contract::decode_result, then
//  status.result) on
//     any text: a result or an error, never a crash or exception; status.result
//     never holds more review items than the CRD allows, and its reviewCount is
//     never below them.
//  2. A result built from the input's pieces (any bytes in any string, any
//  number of review
//     items) through the agent's encoder for the termination message: it always
//     fits in 4 KiB, and the operator decodes it with the same outcome and
//     counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "contract/agent_result.h"
#include "controllers/consumer/job.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace shepherd;

std::vector<std::string> pieces(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\x01') {
      out.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

contract::AgentResult result_from(std::string_view text) {
  const auto p = pieces(text);
  auto at = [&](std::size_t i) { return i < p.size() ? p[i] : std::string(); };
  contract::AgentResult r;
  const unsigned char first = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
  r.outcome = static_cast<contract::Outcome>(first % 4);
  r.edits = static_cast<int>(text.size());
  r.files_changed = static_cast<int>(p.size());
  r.message = at(0);
  r.commit = at(1);
  r.branch = at(2);
  r.pull_request = at(3);
  r.verify.ran = (first & 4) != 0;
  r.verify.output_tail = at(4);
  r.diff.config_map = at(5);
  r.diff.bytes = static_cast<std::int64_t>(text.size()) * 1000;
  for (std::size_t i = 6; i + 1 < p.size(); i += 2) r.review.push_back({p[i], static_cast<int>(i), p[i + 1]});
  // Many tiny items: more than the CRD's 100 fit in 4 KiB.
  if ((first & 8) != 0) r.review.resize(r.review.size() + 120);
  r.review_count = r.review.size();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto status = controllers::consumer::parse_agent_result(text);
  FUZZ_CHECK(status.value.has_value() == status.error.empty());
  if (status.value) {
    FUZZ_CHECK(status.value->review.size() <= controllers::api::kMaxStatusReviewItems);
    FUZZ_CHECK(status.value->reviewCount >= static_cast<std::int64_t>(status.value->review.size()));
  }

  const contract::AgentResult r = result_from(text);
  const std::string message = contract::to_termination_message(r);
  FUZZ_CHECK(message.size() <= contract::kMaxResultBytes);
  const auto decoded = contract::decode_result(message);
  FUZZ_CHECK(decoded.value.has_value());
  FUZZ_CHECK(decoded.value->outcome == r.outcome);
  FUZZ_CHECK(decoded.value->review_count == r.review.size());
  if (!decoded.value->truncated) FUZZ_CHECK(decoded.value->review.size() == r.review.size());
  const auto back = controllers::consumer::parse_agent_result(message);
  FUZZ_CHECK(back.value.has_value());
  FUZZ_CHECK(back.value->reviewCount == static_cast<std::int64_t>(r.review.size()));
  return 0;
}
