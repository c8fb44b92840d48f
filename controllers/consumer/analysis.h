// The seam between the consumer state machine and health analysis (controllers/health owns the
// providers and may own a richer verdict): when the next measurement round is due, how a round is
// folded into status.analysis (bounded history), and the default verdict of docs/health.md.
#pragma once

#include <functional>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::consumer {

enum class AnalysisVerdict { Running, Successful, Failed, Inconclusive };

// Verdict over the counters so far. The state machine takes any function of this shape, so the
// health package can replace the default without touching the phase logic.
using AnalysisJudge = std::function<AnalysisVerdict(const api::AnalysisStatus&, const api::HealthSpec&)>;

// docs/health.md: no checks -> Successful; failures > failureLimit -> Failed (at once);
// inconclusive > inconclusiveLimit -> Inconclusive (at once); `count` rounds taken -> Successful.
AnalysisVerdict default_analysis_verdict(const api::AnalysisStatus& analysis, const api::HealthSpec& health);

// When the shell should take the next round: startedAt + interval × (rounds + 1).
api::Timestamp next_measurement_at(const api::AnalysisStatus& analysis, const api::HealthSpec& health);

// Appends one round (one measurement per check), updates counters, keeps the last
// api::kMaxMeasurements measurements. An empty round changes nothing.
void fold_round(api::AnalysisStatus& analysis, const std::vector<api::Measurement>& round);

}  // namespace shepherd::controllers::consumer
