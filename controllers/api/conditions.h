// metav1.Condition helpers following kstatus: Ready / Reconciling / Stalled with the
// "abnormal-true" polarity. set_condition() keeps lastTransitionTime when the status does not
// change, so that a reconcile that only rewrites the message does not look like a transition.
#pragma once

#include <string>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::api {

inline constexpr const char* kConditionReady = "Ready";
inline constexpr const char* kConditionReconciling = "Reconciling";
inline constexpr const char* kConditionStalled = "Stalled";
inline constexpr const char* kTrue = "True";
inline constexpr const char* kFalse = "False";
inline constexpr const char* kUnknown = "Unknown";

// Inserts or updates the condition of `desired.type`. lastTransitionTime becomes `now` when the
// condition is new or its status changed, and is kept otherwise. Returns true when anything
// (status, reason, message, observedGeneration) changed.
bool set_condition(std::vector<Condition>& conditions, Condition desired, Timestamp now);

// The condition of that type, or nullptr.
const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type);

// True when the condition exists with status "True".
bool is_condition_true(const std::vector<Condition>& conditions, const std::string& type);

// Sets the three kstatus conditions at once, consistently:
//   Ready             -> Ready=True, Reconciling=False, Stalled=False (reason echoes)
//   Reconciling       -> Reconciling=True,  Ready=False,   Stalled=False
//   Stalled           -> Stalled=True,      Ready=False,   Reconciling=False
//   Waiting           -> all three False: a deliberate wait (paused, awaiting approval) that is
//                        neither progress nor failure; kstatus reads it as InProgress.
enum class KStatus { Ready, Reconciling, Stalled, Waiting };
bool set_kstatus(std::vector<Condition>& conditions, KStatus state, const std::string& reason,
                 const std::string& message, std::int64_t generation, Timestamp now);

}  // namespace shepherd::controllers::api
