// Analysis state machine: verdict rules, round scheduling, and bounded recording of rounds.
#include "controllers/health/analysis.h"

#include <algorithm>
#include <chrono>

namespace shepherd::controllers::health {

std::int64_t rounds_taken(const api::AnalysisStatus& status) {
  return status.successes + status.failures + status.inconclusive;
}

api::AnalysisStatus start_analysis(api::Timestamp now) {
  api::AnalysisStatus status;
  status.startedAt = now;
  return status;
}

AnalysisDecision decide_analysis(const api::HealthSpec& spec, const api::AnalysisStatus& status,
                                 api::Timestamp now) {
  const std::int64_t taken = rounds_taken(status);
  if (status.failures > spec.failureLimit) {
    return Finished{Verdict::Failed, "FailureLimitExceeded",
                    std::to_string(status.failures) + " of " + std::to_string(taken) +
                        " rounds failed; failureLimit is " + std::to_string(spec.failureLimit)};
  }
  if (status.inconclusive > spec.inconclusiveLimit) {
    return Finished{Verdict::Inconclusive, "AnalysisInconclusive",
                    std::to_string(status.inconclusive) + " of " + std::to_string(taken) +
                        " rounds were inconclusive (inconclusiveLimit " +
                        std::to_string(spec.inconclusiveLimit) +
                        "); look at status.analysis.measurements, then retry or roll back"};
  }
  const std::int64_t count = std::max<std::int64_t>(spec.count, 1);
  if (taken >= count) {
    return Finished{Verdict::Succeeded, "AnalysisSucceeded",
                    std::to_string(taken) + " rounds: " + std::to_string(status.successes) + " successful, " +
                        std::to_string(status.failures) + " failed, " + std::to_string(status.inconclusive) +
                        " inconclusive"};
  }
  if (spec.checks.empty()) {
    return Finished{Verdict::Succeeded, "NoChecks", "the health spec has no checks"};
  }
  const auto interval =
      std::max(std::chrono::duration_cast<std::chrono::seconds>(spec.interval), std::chrono::seconds{1});
  const api::Timestamp due = status.startedAt.value_or(now) + interval * (taken + 1);
  if (now >= due) return MeasureNow{};
  return WaitUntil{due};
}

Outcome combine(const std::vector<CheckResult>& results) {
  if (results.empty()) return Outcome::Inconclusive;
  bool inconclusive = false;
  for (const auto& r : results) {
    if (r.outcome == Outcome::Failed) return Outcome::Failed;
    inconclusive = inconclusive || r.outcome == Outcome::Inconclusive;
  }
  return inconclusive ? Outcome::Inconclusive : Outcome::Successful;
}

Outcome record_round(api::AnalysisStatus& status, const std::vector<NamedResult>& results,
                     api::Timestamp at) {
  std::vector<CheckResult> plain;
  plain.reserve(results.size());
  for (const auto& r : results) {
    plain.push_back(r.result);
    api::Measurement m;
    m.check = r.check;
    m.at = at;
    m.value = r.result.value;
    m.outcome = r.result.outcome;
    m.message = r.result.message.empty() ? r.result.reason : r.result.reason + ": " + r.result.message;
    status.measurements.push_back(std::move(m));
  }
  const Outcome outcome = combine(plain);
  ++status.rounds;
  switch (outcome) {
    case Outcome::Successful:
      ++status.successes;
      break;
    case Outcome::Failed:
      ++status.failures;
      break;
    case Outcome::Inconclusive:
      ++status.inconclusive;
      break;
  }
  const std::size_t keep = std::max(api::kMaxMeasurements, results.size());
  if (status.measurements.size() > keep) {
    status.measurements.erase(status.measurements.begin(),
                              status.measurements.end() - static_cast<std::ptrdiff_t>(keep));
  }
  return outcome;
}

}  // namespace shepherd::controllers::health
