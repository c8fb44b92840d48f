// bench_projection_size: heap bytes per cached ConsumerMigration projection at 10,000 consumers,
// the typed summary's encoding as the Store keeps it (plan::encode_summary in a char[] of its
// exact size, 8 bytes in the entry) against the positional JSON array it replaced (a parsed
// 12-element nlohmann::json behind a shared_ptr, 16 bytes in the entry), measured in the same run
// with mallinfo2 (docs/benchmarks.md, "Plan cache projection").
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controllers/plan/summary.h"

namespace {

using shepherd::controllers::api::ConsumerPhase;
using shepherd::controllers::plan::ConsumerSummary;

std::size_t heap_in_use() { return mallinfo2().uordblks; }

// The layout of the projection before typed projections: [name, consumer, wave, phase, started,
// cut_over, published, stalled, deleting, retry, rollback, skip].
nlohmann::json positional(const ConsumerSummary& s) {
  return nlohmann::json::array({s.name, s.consumer, s.wave, shepherd::controllers::api::to_string(s.phase),
                                s.started, s.cut_over, s.published, s.stalled, s.deleting, s.retry_annotation,
                                s.rollback_annotation, s.skip_annotation});
}

}  // namespace

int main() {
  constexpr int kConsumers = 10'000;
  std::vector<ConsumerSummary> summaries;
  for (int i = 0; i < kConsumers; ++i) {
    ConsumerSummary s;
    s.consumer = "consumer-" + std::to_string(i);  // as bench_operator names them
    s.name = "bench-plan-" + s.consumer;
    s.phase = i % 2 ? ConsumerPhase::Succeeded : ConsumerPhase::Generating;
    s.started = true;
    summaries.push_back(std::move(s));
  }

  std::vector<std::shared_ptr<const nlohmann::json>> before;
  before.reserve(kConsumers);
  std::size_t text = 0;
  const std::size_t h0 = heap_in_use();
  for (const auto& s : summaries) {
    before.push_back(std::make_shared<const nlohmann::json>(positional(s)));
    text += before.back()->dump().size();
  }
  const std::size_t h1 = heap_in_use();

  std::vector<std::unique_ptr<char[]>> after;
  after.reserve(kConsumers);
  std::size_t bytes = 0;
  const std::size_t h2 = heap_in_use();
  for (const auto& s : summaries) {
    const std::string e = shepherd::controllers::plan::encode_summary(s);
    after.push_back(std::make_unique_for_overwrite<char[]>(e.size()));
    std::copy(e.begin(), e.end(), after.back().get());
    bytes += e.size();
  }
  const std::size_t h3 = heap_in_use();

  const double n = kConsumers;
  const double before_per = static_cast<double>(h1 - h0) / n + sizeof(std::shared_ptr<const nlohmann::json>);
  const double after_per = static_cast<double>(h3 - h2) / n + sizeof(std::unique_ptr<char[]>);
  std::printf("consumers: %d\n", kConsumers);
  std::printf("positional JSON (before): %.1f B text, %.1f B per object (heap + entry)\n", text / n,
              before_per);
  std::printf("typed encoding (now):     %.1f B encoded, %.1f B per object (heap + entry)\n", bytes / n,
              after_per);
  std::printf("total: %.2f MiB -> %.2f MiB (ratio %.2f)\n", before_per * n / 1048576, after_per * n / 1048576,
              after_per / before_per);
  return 0;
}
