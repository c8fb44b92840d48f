// The agent's view of its contract with the operator: the task it receives (env
// SHEPHERD_TASK) and the result it leaves in the termination log. The types and
// their codecs are the contract library's (contract/agent_task.h,
// contract/agent_result.h), shared with the operator; this header only brings
// them into the agent's namespace so that the agent's files read as before.
#pragma once

#include "contract/agent_result.h"
#include "contract/agent_task.h"

namespace shepherd::agent {

using contract::Action;
using contract::Add;
using contract::AgentResult;
using contract::AgentSettings;
using contract::Author;
using contract::Change;
using contract::CodingAgent;
using contract::Consumer;
using contract::Dataset;
using contract::DatasetVersion;
using contract::DiffResult;
using contract::DiffTarget;
using contract::Drop;
using contract::exit_code_for;
using contract::kMaxResultBytes;
using contract::kResultApiVersion;
using contract::kTaskApiVersion;
using contract::Limits;
using contract::Mode;
using contract::Outcome;
using contract::OwnerRef;
using contract::Provider;
using contract::PullRequestSettings;
using contract::Rename;
using contract::Repository;
using contract::Retype;
using contract::ReviewItem;
using contract::RollbackTarget;
using contract::Task;
using contract::to_string;
using contract::to_termination_message;
using contract::Verify;
using contract::VerifyResult;

// The agent's entry to the task decoder (an alias, not a second parser).
using ParseResult = contract::Decoded<Task>;
inline ParseResult parse_task(const std::string& json_text) { return contract::decode_task(json_text); }
inline ParseResult parse_task(const nlohmann::json& j) { return contract::decode_task(j); }
inline nlohmann::json to_json(const AgentResult& r) { return contract::encode_result(r); }

}  // namespace shepherd::agent
