// Analysis seam: verdict, schedule and bounded history (see analysis.h).
#include "controllers/consumer/analysis.h"

namespace shepherd::controllers::consumer {

AnalysisVerdict default_analysis_verdict(const api::AnalysisStatus& a, const api::HealthSpec& h) {
  if (h.checks.empty()) return AnalysisVerdict::Successful;
  if (a.failures > h.failureLimit) return AnalysisVerdict::Failed;
  if (a.inconclusive > h.inconclusiveLimit) return AnalysisVerdict::Inconclusive;
  if (a.rounds >= h.count) return AnalysisVerdict::Successful;
  return AnalysisVerdict::Running;
}

api::Timestamp next_measurement_at(const api::AnalysisStatus& a, const api::HealthSpec& h) {
  const api::Timestamp start = a.startedAt.value_or(api::Timestamp{});
  return start + std::chrono::duration_cast<std::chrono::seconds>(h.interval * (a.rounds + 1));
}

void fold_round(api::AnalysisStatus& a, const std::vector<api::Measurement>& round) {
  if (round.empty()) return;
  // The counters count rounds, not measurements (docs/health.md): a round is Failed if any check
  // failed, otherwise Inconclusive if any check was inconclusive, otherwise Successful.
  bool failed = false;
  bool inconclusive = false;
  for (const auto& m : round) {
    failed = failed || m.outcome == api::MeasurementOutcome::Failed;
    inconclusive = inconclusive || m.outcome == api::MeasurementOutcome::Inconclusive;
    a.measurements.push_back(m);
  }
  if (failed)
    ++a.failures;
  else if (inconclusive)
    ++a.inconclusive;
  else
    ++a.successes;
  ++a.rounds;
  if (a.measurements.size() > api::kMaxMeasurements)
    a.measurements.erase(a.measurements.begin(),
                         a.measurements.end() - static_cast<std::ptrdiff_t>(api::kMaxMeasurements));
}

}  // namespace shepherd::controllers::consumer
