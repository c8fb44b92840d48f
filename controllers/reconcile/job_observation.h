// What the consumer reconciler reads of an agent Job and of its pod (the benchmark's bare client
// reads the same, through the same functions).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controllers/consumer/decide.h"

namespace shepherd::controllers::reconcile {

// Name, whether it is active, succeeded (Complete=True) or failed (Failed=True, with that
// condition's reason and message), start and completion times. The agent's result, which is in
// the pod, is left to the caller (termination_message).
consumer::JobObservation observe_job(const nlohmann::json& job);

// The pod's first terminated container's termination message ("" when it left none); nullopt
// while no container has terminated.
std::optional<std::string> termination_message(const nlohmann::json& pod);

}  // namespace shepherd::controllers::reconcile
