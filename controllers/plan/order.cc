// Wave cutting over the topological order (see order.h).
#include "controllers/plan/order.h"

#include <algorithm>

#include "controllers/api/dependencies.h"

namespace shepherd::controllers::plan {

std::vector<std::size_t> wave_ends(std::size_t n, const std::vector<std::int64_t>& waves) {
  std::vector<std::size_t> ends;
  ends.reserve(waves.size());
  for (std::int64_t w : waves) {
    const auto pct = static_cast<std::uint64_t>(std::clamp<std::int64_t>(w, 0, 100));
    ends.push_back(static_cast<std::size_t>((pct * n + 99) / 100));
  }
  return ends;
}

std::vector<std::size_t> WavePlan::members(std::size_t k) const {
  if (k >= ends.size()) return {};
  const std::size_t begin = k == 0 ? 0 : std::min(ends[k - 1], order.size());
  const std::size_t end = std::min(ends[k], order.size());
  if (end <= begin) return {};
  return {order.begin() + static_cast<std::ptrdiff_t>(begin),
          order.begin() + static_cast<std::ptrdiff_t>(end)};
}

WavePlan plan_waves(const std::vector<api::ConsumerSpec>& consumers, const std::vector<std::int64_t>& waves) {
  WavePlan p;
  auto graph = api::analyse_dependencies(consumers);
  p.order = std::move(graph.order);
  p.cycle = std::move(graph.cycle);
  p.ends = wave_ends(consumers.size(), waves.empty() ? std::vector<std::int64_t>{100} : waves);
  // Whatever the list says, the last wave takes everyone left.
  if (!p.ends.empty()) p.ends.back() = std::max(p.ends.back(), consumers.size());
  p.wave_of.assign(consumers.size(), p.ends.empty() ? 0 : p.ends.size() - 1);
  for (std::size_t pos = 0, k = 0; pos < p.order.size(); ++pos) {
    while (k + 1 < p.ends.size() && pos >= p.ends[k]) ++k;
    p.wave_of[p.order[pos]] = k;
  }
  return p;
}

}  // namespace shepherd::controllers::plan
