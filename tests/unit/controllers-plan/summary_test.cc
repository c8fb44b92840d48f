// The consumer summary: computed from a ConsumerMigration, and its encoding for the cache
// (round trip, rejection of anything encode did not produce, size against the JSON it replaced).
#include "controllers/plan/summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace shepherd::controllers::plan {
namespace {

using api::ConsumerPhase;

ConsumerSummary typical() {
  ConsumerSummary s;
  s.name = "listening-events-v4-recommendations-pipeline";
  s.consumer = "recommendations-pipeline";
  s.wave = 3;
  s.phase = ConsumerPhase::Analyzing;
  s.started = true;
  s.cut_over = true;
  return s;
}

TEST(SummaryCodec, RoundTripTable) {
  std::vector<ConsumerSummary> rows;
  rows.push_back(ConsumerSummary{});  // every field empty / false / Pending
  rows.push_back(typical());
  for (int p = 0; p <= static_cast<int>(ConsumerPhase::Skipped); ++p) {
    ConsumerSummary s = typical();
    s.phase = static_cast<ConsumerPhase>(p);
    rows.push_back(s);
  }
  for (int flag = 0; flag < 5; ++flag) {
    ConsumerSummary s;
    (flag == 0   ? s.started
     : flag == 1 ? s.cut_over
     : flag == 2 ? s.published
     : flag == 3 ? s.stalled
                 : s.deleting) = true;
    rows.push_back(s);
  }
  ConsumerSummary annotated = typical();
  annotated.retry_annotation = "retry-1";
  annotated.rollback_annotation = "failure-budget";
  annotated.skip_annotation = "true";
  annotated.wave = 1'000'000'000'000;      // a multi-byte number
  annotated.name = std::string(253, 'n');  // longest object name: two-byte length
  rows.push_back(annotated);
  for (const auto& s : rows) {
    const std::string bytes = encode_summary(s);
    EXPECT_FALSE(bytes.empty());
    const auto back = decode_summary(bytes);
    ASSERT_TRUE(back) << api::to_string(s.phase);
    EXPECT_EQ(*back, s) << api::to_string(s.phase);
  }
}

TEST(SummaryCodec, RejectsWhatEncodeDidNotProduce) {
  const std::string good = encode_summary(typical());
  const struct {
    const char* name;
    std::string bytes;
  } rows[] = {
      {"empty", ""},
      {"header only", good.substr(0, 3)},
      {"truncated string", good.substr(0, good.size() - 1)},
      {"trailing byte", good + "x"},
      {"other version", std::string(1, '\x02') + good.substr(1)},
      {"unknown phase", good.substr(0, 1) + std::string(1, '\x0b') + good.substr(2)},
      {"unknown flag", good.substr(0, 2) + std::string(1, '\x20') + good.substr(3)},
      {"length past the end", good.substr(0, 4) + std::string(1, '\x7f') + good.substr(5)},
      {"endless number", good.substr(0, 3) + std::string(11, '\x80')},
      {"positional JSON of before", R"(["a","b",0,"Pending",false,false,false,false,false,"","",""])"},
  };
  for (const auto& r : rows) EXPECT_FALSE(decode_summary(r.bytes)) << r.name;
  EXPECT_TRUE(decode_summary(good));
}

// The cache keeps one summary per ConsumerMigration: the encoding must stay smaller than the
// positional JSON array it replaced, as text and as the parsed value the store used to keep.
TEST(SummaryCodec, SmallerThanThePositionalJsonItReplaced) {
  const ConsumerSummary s = typical();
  const nlohmann::json array = nlohmann::json::array(
      {s.name, s.consumer, s.wave, api::to_string(s.phase), s.started, s.cut_over, s.published, s.stalled,
       s.deleting, s.retry_annotation, s.rollback_annotation, s.skip_annotation});
  const std::string bytes = encode_summary(s);
  EXPECT_LT(bytes.size(), array.dump().size());
  // Parsed, the array alone is 12 json values of 16 bytes each, before any string it points at.
  EXPECT_LT(bytes.size(), 12 * sizeof(nlohmann::json));
}

TEST(Summarize, Table) {
  const struct {
    const char* name;
    const char* json;
    ConsumerSummary want;
  } rows[] = {
      {"created, not started",
       R"({"metadata": {"name": "p-c", "labels": {"shepherd.dev/wave": "2"}}, "spec": {"consumer": {"name": "c"}}})",
       {"p-c", "c", 2, ConsumerPhase::Pending, false, false, false, false, false, "", "", ""}},
      {"waiting for the next attempt",
       R"({"metadata": {"name": "p-c"}, "spec": {"consumer": {"name": "c"}}, "status": {"attempts": 1}})",
       {"p-c", "c", 0, ConsumerPhase::Pending, true, false, false, false, false, "", "", ""}},
      {"cut over and published",
       R"({"metadata": {"name": "p-c"}, "spec": {"consumer": {"name": "c"}},
           "status": {"phase": "Analyzing", "cutover": {"appliedAt": "2026-01-01T00:00:00Z"},
                      "result": {"outcome": "Changed", "pullRequest": "https://pr/1"}}})",
       {"p-c", "c", 0, ConsumerPhase::Analyzing, true, true, true, false, false, "", "", ""}},
      {"restored cut-over",
       R"({"metadata": {"name": "p-c"}, "spec": {"consumer": {"name": "c"}},
           "status": {"phase": "RolledBack", "cutover": {"appliedAt": "2026-01-01T00:00:00Z"},
                      "rollback": {"restored": true}}})",
       {"p-c", "c", 0, ConsumerPhase::RolledBack, true, false, false, false, false, "", "", ""}},
      {"stalled, deleting, annotated",
       R"({"metadata": {"name": "p-c", "deletionTimestamp": "2026-01-01T00:00:00Z",
                        "annotations": {"shepherd.dev/retry": "r", "shepherd.dev/rollback": "b",
                                        "shepherd.dev/skip": "s"}},
           "spec": {"consumer": {"name": "c"}},
           "status": {"phase": "Analyzing", "conditions": [{"type": "Stalled", "status": "True"}]}})",
       {"p-c", "c", 0, ConsumerPhase::Analyzing, true, false, false, true, true, "r", "b", "s"}},
      {"bad wave label",
       R"({"metadata": {"name": "p-c", "labels": {"shepherd.dev/wave": "x"}}})",
       {"p-c", "", 0, ConsumerPhase::Pending, false, false, false, false, false, "", "", ""}},
  };
  for (const auto& r : rows) {
    const auto parsed = api::parse_consumer_migration(nlohmann::json::parse(r.json));
    ASSERT_TRUE(parsed.value) << r.name << ": " << parsed.error;
    EXPECT_EQ(summarize(*parsed.value), r.want) << r.name;
  }
}

}  // namespace
}  // namespace shepherd::controllers::plan
