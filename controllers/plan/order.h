// Consumer order and canary waves of a plan (docs/api.md, MigrationPlan spec: `dependsOn` and
// `spec.rollout.waves`). Consumers are sorted topologically by dependsOn (ties by declaration order); wave k
// holds the first ceil(waves[k]% × N) consumers of that order (cumulative). Because waves are prefixes of a
// topological order, a dependency is never in a later wave than its dependent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::plan {

// Cumulative wave ends: ends[k] = ceil(waves[k] × n / 100), computed in integers. Non-decreasing
// when `waves` is increasing; ends.back() == n when waves.back() == 100. Percentages outside
// 0..100 are clamped.
std::vector<std::size_t> wave_ends(std::size_t n, const std::vector<std::int64_t>& waves);

struct WavePlan {
  std::vector<std::size_t> order;    // indices into spec.consumers, dependencies first
  std::vector<std::size_t> ends;     // cumulative ends into `order`, one per wave
  std::vector<std::size_t> wave_of;  // wave index per consumer (by spec index)
  std::vector<std::string> cycle;    // non-empty: no valid order (see api::DependencyGraph)
  std::size_t wave_count() const { return ends.size(); }
  // Consumers (spec indices) of wave k, in order.
  std::vector<std::size_t> members(std::size_t k) const;
};

WavePlan plan_waves(const std::vector<api::ConsumerSpec>& consumers, const std::vector<std::int64_t>& waves);

}  // namespace shepherd::controllers::plan
