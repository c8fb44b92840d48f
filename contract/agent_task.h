// The agent task, shepherd.dev/agent-task/v1: what the operator hands shepherd-agent in env
// SHEPHERD_TASK. One type and one codec, linked by both ends: the operator builds a Task from the
// ConsumerMigration and encodes it (controllers/consumer/job.cc), the agent decodes it
// (agent/main.cc). docs/agent.md is the prose version of this header; the two change together.
// Knows neither Kubernetes nor the rewrite engine.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "contract/decoded.h"

namespace shepherd::contract {

inline constexpr const char* kTaskApiVersion = "shepherd.dev/agent-task/v1";

// ---------------------------------------------------------------------------------------------
// Task (input). Field names are the JSON names; "required" fields make decode_task fail with
// "task.<path>: required". Unknown fields are ignored (forward compatibility).
// ---------------------------------------------------------------------------------------------

enum class Action { Migrate, Rollback };        // "migrate" | "rollback"
enum class Mode { DryRun, Push, PullRequest };  // "DryRun" | "Push" | "PullRequest"
enum class Provider { GitHub, GitLab, Gitea };  // "GitHub" | "GitLab" | "Gitea" (Gitea and Forgejo)

struct Repository {
  std::string url;       // required: https://…, ssh://…, git@host:path, git://…, file://… or /path
  std::string revision;  // required: branch, tag or commit to start from (PR base when a branch)
  std::string path;      // optional: sub-directory of the consumer ("" = repository root)
  bool operator==(const Repository&) const = default;
};

struct Verify {
  std::vector<std::string> command;  // optional argv (never a shell string); empty = no verify
  int timeout_seconds = 900;         // "timeoutSeconds", > 0
  bool operator==(const Verify&) const = default;
};

struct Consumer {
  std::string name;  // required
  Repository repository;
  std::string owner;
  Verify verify;
  bool operator==(const Consumer&) const = default;
};

struct DatasetVersion {
  std::string version;   // required
  std::string location;  // optional, e.g. prod.events.listening_v3
  bool operator==(const DatasetVersion&) const = default;
};

struct Dataset {
  std::string name;  // required
  DatasetVersion from, to;
  bool operator==(const Dataset&) const = default;
};

// changes[i]: an object with exactly one of these keys.
struct Rename {
  std::string field, to;
  bool operator==(const Rename&) const = default;
};  // {"rename":{field,to}}
struct Retype {
  std::string field, from, to, expression;
  bool operator==(const Retype&) const = default;
};  // {"retype":{field,from,to,expression?}}
struct Drop {
  std::string field;
  bool operator==(const Drop&) const = default;
};  // {"drop":{field}}
struct Add {
  std::string field, type;
  bool operator==(const Add&) const = default;
};  // {"add":{field,type}}
using Change = std::variant<Rename, Retype, Drop, Add>;

struct CodingAgent {
  std::vector<std::string> command;  // optional argv; empty = no external coding agent
  int max_iterations = 3;            // "maxIterations", 0..20
  bool operator==(const CodingAgent&) const = default;
};

struct Author {
  std::string name = "Shepherd";
  std::string email = "shepherd@shepherd.dev";
  bool operator==(const Author&) const = default;
};

// agent.pullRequest: where and how to open pull/merge requests (mode PullRequest; rollback).
struct PullRequestSettings {
  Provider provider = Provider::GitHub;  // "provider"
  std::string api_url;                   // "apiUrl", required in PullRequest mode: https://api.github.com,
                                         // https://gitlab.example.com/api/v4
  std::string repository;  // optional: GitHub "owner/name" or GitLab project id or "group/project";
                           // default: derived from consumer.repository.url
  std::string base;        // optional: target branch; default consumer.repository.revision
  bool operator==(const PullRequestSettings&) const = default;
};

struct AgentSettings {
  Mode mode = Mode::DryRun;
  std::string branch;  // required for Push/PullRequest; placeholders already expanded
  CodingAgent coding_agent;
  Author author;
  std::optional<PullRequestSettings> pull_request;
  bool operator==(const AgentSettings&) const = default;
};

// rollback: what migrate published, as recorded in ConsumerMigration.status.result.
struct RollbackTarget {
  std::string commit;        // the commit migrate pushed ("" = nothing was pushed)
  std::string branch;        // the branch it was pushed to (default agent.branch)
  std::string pull_request;  // URL of the pull/merge request ("" = none)
  bool operator==(const RollbackTarget&) const = default;
};

// ownerReference put on the diff ConfigMap so that it lives exactly as long as its owner.
struct OwnerRef {
  std::string api_version, kind, name, uid;
  bool operator==(const OwnerRef&) const = default;
};

struct DiffTarget {
  std::string config_map;         // "configMap", required: ConfigMap name in task.namespace
  std::optional<OwnerRef> owner;  // "owner": {apiVersion, kind, name, uid}, optional
  bool operator==(const DiffTarget&) const = default;
};

struct Limits {
  int deadline_seconds = 1700;              // "deadlineSeconds": whole run, 1..86400
  std::int64_t max_repo_bytes = 2LL << 30;  // "maxRepoBytes": checked after clone
  std::int64_t max_file_bytes = 1LL << 20;  // "maxFileBytes": larger files not rewritten
  bool operator==(const Limits&) const = default;
};

struct Task {
  Action action = Action::Migrate;
  std::string plan;
  std::string namespace_;  // "namespace", required (where the diff ConfigMap goes)
  Consumer consumer;
  Dataset dataset;
  std::vector<Change> changes;  // required for migrate, 1..200
  AgentSettings agent;
  int attempt = 1;                         // >= 1
  std::optional<RollbackTarget> rollback;  // required for action rollback
  DiffTarget diff;
  Limits limits;  // "limits", optional
  bool operator==(const Task&) const = default;
};

// Decoding never throws: either a Task or one message naming the field, e.g.
// "task.consumer.repository.url: required". Unknown fields are ignored.
Decoded<Task> decode_task(const std::string& json_text);
Decoded<Task> decode_task(const nlohmann::json& j);

// The task as JSON. decode_task(encode_task(t)) == t for every task that decode_task accepts;
// optional members that are empty (consumer.owner, repository.path, verify without a command,
// pullRequest, rollback, diff of a rollback) are left out.
nlohmann::json encode_task(const Task& t);

std::string to_string(Mode m);
std::string to_string(Action a);
std::string to_string(Provider p);

}  // namespace shepherd::contract
