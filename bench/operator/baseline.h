// The baseline: a bare client (runtime's Client, no rate limit, several threads) making
// the API writes the operator makes for a plan, as fast as it can, with the same bodies:
//   per consumer  POST ConsumerMigration (plan::make_consumer_migration), PUT its status to
//                 Generating, POST the agent Job (consumer::decide_consumer's CreateJob, completed
//                 by kwok with the same termination-message annotation), and once the Job is
//                 Complete and its pod terminated, PUT the status to the result; the Events the
//                 decisions carry go through the same EventRecorder;
//   per plan      PUT the plan's status at the start and at the end (plan::decide_plan).
// At most rollout.maxParallel consumers are in flight, as the plan's start gate allows. Jobs and
// pods are observed with watches (Informers): reads, not writes. What it leaves out is exactly the
// operator's machinery: informers of its own objects, work queues, reconcile decisions re-read from
// caches, rate limits.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/operator/metrics_text.h"
#include "runtime/transport.h"

namespace shepherd::bench {

struct BaselineOptions {
  int threads = 32;
  std::string agent_image = "shepherd-agent:0.1.0";  // the operator's default --agent-image
};

struct BaselineResult {
  bool completed = false;
  std::string error;
  Sums writes_by_verb;  // create, update, patch, delete (and reads: get, list, watch)
};

// `plan` is the MigrationPlan as the API server returned it on create (uid, resourceVersion).
BaselineResult run_baseline(std::shared_ptr<runtime::Transport> transport, const nlohmann::json& plan,
                            const BaselineOptions& options, std::chrono::steady_clock::time_point deadline);

}  // namespace shepherd::bench
