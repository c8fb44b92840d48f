// What the benchmark migrates: a MigrationPlan of N minimal consumers in one wave ([100]),
// maxParallel as given, no cut-over, no health checks, agent retries 0, and the kwok annotation that
// makes every agent Job's pod terminate at once with a valid "Changed" agent result (so each
// ConsumerMigration goes Pending -> Generating -> Succeeded). Plus the namespace around it.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/client.h"

namespace shepherd::bench {

inline constexpr const char* kAgentResult =
    R"({"apiVersion":"shepherd.dev/agent-result/v1","action":"migrate","attempt":1,"outcome":"Changed",)"
    R"("commit":"3f2a","branch":"shepherd/bench","filesChanged":1,"edits":1})";

nlohmann::json make_plan(const std::string& name, const std::string& ns, int consumers, int max_parallel);

// Creates the namespace and the agent's service account (shepherd-agent) in it.
runtime::Result<bool> create_namespace(runtime::Client& client, const std::string& ns);

// Deletes the namespace (the plan, ConsumerMigrations, Jobs and pods go with it) and waits until it
// is gone, so that the next run does not share the API server with the clean-up. Returns whether
// it was gone before the timeout.
bool delete_namespace(runtime::Client& client, const std::string& ns, std::chrono::seconds timeout);

}  // namespace shepherd::bench
