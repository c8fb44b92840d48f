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
  for (const auto& m : round) {
    switch (m.outcome) {
      case api::MeasurementOutcome::Successful: ++a.successes; break;
      case api::MeasurementOutcome::Failed: ++a.failures; break;
      case api::MeasurementOutcome::Inconclusive: ++a.inconclusive; break;
    }
    a.measurements.push_back(m);
  }
  ++a.rounds;
  if (a.measurements.size() > api::kMaxMeasurements)
    a.measurements.erase(a.measurements.begin(),
                         a.measurements.end() - static_cast<std::ptrdiff_t>(api::kMaxMeasurements));
}

}  // namespace shepherd::controllers::consumer
