// The agent Job of one attempt (pure builder of its batch/v1 JSON) and the
// operator's edge of the agent contract (contract/): the ConsumerMigration
// becomes a contract::Task here, and a decoded contract::AgentResult becomes
// status.result here; nowhere else.
//
// Decisions: one Job per attempt, named "<cmig>-<attempt>" (rollback:
// "<cmig>-<attempt>-rollback- <n>"), bounded to 63 characters with a hash, so a
// restarted operator finds the Job of an attempt instead of running it twice.
// backoffLimit 0 (retries are new attempts, decided by the operator),
// activeDeadlineSeconds = agent.timeoutSeconds, restartPolicy Never. No
// ttlSecondsAfterFinished by default: the operator reads the result from the
// pod's termination message, so the pod must outlive the Job's completion until
// the operator has recorded it; the Jobs are owned by the ConsumerMigration and
// go with it. The service account token is mounted because the agent writes its
// diff ConfigMap "<cmig>-diff" itself (the chart's shepherd-agent Role allows
// only that).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "contract/agent_result.h"
#include "contract/agent_task.h"
#include "controllers/api/types.h"

namespace shepherd::controllers::consumer {

inline constexpr const char* kGitMountPath = "/var/run/shepherd/git";
inline constexpr std::int64_t kAgentUid = 65532;

enum class JobAction { Migrate, Rollback };

std::string job_name(const std::string& cmig, std::int64_t attempt);
std::string rollback_job_name(const std::string& cmig, std::int64_t attempt, std::int64_t rollback_attempt);
std::string diff_config_map_name(const std::string& cmig);

struct JobOptions {
  JobAction action = JobAction::Migrate;
  std::int64_t attempt = 1;           // the migrate attempt (for rollback: the one being reverted)
  std::int64_t rollback_attempt = 1;  // rollback only
  std::string default_image;          // the operator's --agent-image, used when
                                      // agent.image is empty
  std::optional<std::int64_t> ttl_seconds_after_finished;  // off by default (see above)
};

// The task for this ConsumerMigration (the branch's placeholders expanded, the
// revision defaulted to HEAD, the agent's deadline a minute before the Job's),
// and its SHEPHERD_TASK document.
contract::Task to_task(const api::ConsumerMigration& cmig, const JobOptions& options);
nlohmann::json build_task(const api::ConsumerMigration& cmig, const JobOptions& options);

// The complete batch/v1 Job.
nlohmann::json build_agent_job(const api::ConsumerMigration& cmig, const JobOptions& options);

// status.result for a decoded agent result: the counts (edits, filesChanged,
// reviewCount, which is the full number even when the termination message
// carried only the first items) and at most api::kMaxStatusReviewItems review
// items.
api::AgentResult to_status_result(const contract::AgentResult& r);

// Decodes the termination message of the agent's container
// (contract::decode_result) into status.result. Errors name what is wrong:
// empty, not JSON (e.g. log lines from FallbackToLogsOnError), over 4 KiB,
// wrong apiVersion, bad fields.
api::Parsed<api::AgentResult> parse_agent_result(std::string_view text);

}  // namespace shepherd::controllers::consumer
