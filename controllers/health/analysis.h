// The analysis state machine (pure): from the health settings, what status.analysis recorded so far
// and the clock, decide whether to measure now, wait, or end the analysis with a verdict; and record
// a measurement round into the status, keeping it bounded.
//
// A measurement round is one pass over all checks at one instant. Its outcome is Failed if any
// check Failed, else Inconclusive if any check was Inconclusive (or there were no results), else
// Successful. The counters in status.analysis (successes, failures, inconclusive) count rounds;
// measurements[] keeps the per-check entries of the most recent rounds.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "controllers/api/types.h"
#include "controllers/health/outcome.h"

namespace shepherd::controllers::health {

// Take a round now: every check of the spec (health::measure_round), then record_round().
struct MeasureNow {
  friend bool operator==(const MeasureNow&, const MeasureNow&) = default;
};
struct WaitUntil {
  api::Timestamp at;
  friend bool operator==(const WaitUntil&, const WaitUntil&) = default;
};
enum class Verdict { Succeeded, Failed, Inconclusive };
struct Finished {
  Verdict verdict = Verdict::Inconclusive;
  // Succeeded: AnalysisSucceeded or NoChecks; Failed: FailureLimitExceeded; Inconclusive:
  // AnalysisInconclusive (the consumer is Stalled with this reason).
  std::string reason;
  std::string message;
  friend bool operator==(const Finished&, const Finished&) = default;
};
using AnalysisDecision = std::variant<MeasureNow, WaitUntil, Finished>;

// Decides the next step. In this order:
//  1. failures > failureLimit                -> Finished Failed, at once (count is not awaited);
//  2. inconclusive > inconclusiveLimit       -> Finished Inconclusive;
//  3. rounds taken (sum of counters) >= count -> Finished Succeeded (count < 1 counts as 1: success
//     always needs at least one round of evidence);
//  4. no checks in the spec                  -> Finished Succeeded, reason NoChecks;
//  5. the next round is due                  -> MeasureNow, otherwise WaitUntil(due).
// Round k (k = 1, 2, ...) is due at status.analysis.startedAt + k x interval, so the first round
// comes one interval after the start (the bake period is interval x count and the workload has time
// to roll out). Rounds missed while nobody measured (e.g. the operator was down) are caught up: each
// decision asks for the next overdue round, so the shell measures them back to back until the
// schedule is met again. Missing startedAt is treated as `now` (the caller records it with
// start_analysis()). An interval below one second counts as one second (the CRD refuses one).
AnalysisDecision decide_analysis(const api::HealthSpec& spec, const api::AnalysisStatus& status,
                                 api::Timestamp now);

// A fresh status.analysis that starts at `now`.
api::AnalysisStatus start_analysis(api::Timestamp now);

// The outcome of a round from its check results (rule above).
Outcome combine(const std::vector<CheckResult>& results);

struct NamedResult {
  std::string check;
  CheckResult result;
};

// Appends one round taken at `at`: one Measurement per check (value, outcome, "Reason: message"),
// the round counted in rounds and in successes/failures/inconclusive, and measurements trimmed to the newest
// api::kMaxMeasurements entries (never splitting the newest round, which is always kept whole).
// Returns the round's outcome.
Outcome record_round(api::AnalysisStatus& status, const std::vector<NamedResult>& results, api::Timestamp at);

// Rounds taken so far: successes + failures + inconclusive (status.rounds counts the same).
std::int64_t rounds_taken(const api::AnalysisStatus& status);

}  // namespace shepherd::controllers::health
