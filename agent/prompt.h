// The prompt file for the external coding agent (env SHEPHERD_PROMPT_FILE): the schema change as
// an old -> new mapping, the rules it must keep, the open review items and the last verification
// failure. Deterministic (same inputs, same bytes) so that an attempt can be replayed.
#pragma once

#include <string>
#include <vector>

#include "agent/task.h"

namespace shepherd::agent {

std::string build_prompt(const Task& task, const std::vector<ReviewItem>& review, const VerifyResult& verify,
                         int iteration);

}  // namespace shepherd::agent
