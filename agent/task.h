// The contract between the operator and shepherd-agent: the task it receives (env SHEPHERD_TASK,
// apiVersion shepherd.dev/agent-task/v1) and the result it leaves in the termination log
// (apiVersion shepherd.dev/agent-result/v1, always under 4 KiB). docs/agent.md is the prose
// version of this header; the two change together.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shepherd::agent {

inline constexpr const char* kTaskApiVersion = "shepherd.dev/agent-task/v1";
inline constexpr const char* kResultApiVersion = "shepherd.dev/agent-result/v1";
// The kubelet reads at most 4096 bytes of a termination message; the result always fits.
inline constexpr std::size_t kMaxResultBytes = 4096;

// ---------------------------------------------------------------------------------------------
// Task (input). Field names are the JSON names; "required" fields make parse_task fail with
// "task.<path>: required". Unknown fields are ignored (forward compatibility).
// ---------------------------------------------------------------------------------------------

enum class Action { Migrate, Rollback };        // "migrate" | "rollback"
enum class Mode { DryRun, Push, PullRequest };  // "DryRun" | "Push" | "PullRequest"
enum class Provider { GitHub, GitLab };         // "GitHub" | "GitLab"

struct Repository {
  std::string url;       // required: https://…, ssh://…, git@host:path, git://…, file://… or /path
  std::string revision;  // required: branch, tag or commit to start from (PR base when a branch)
  std::string path;      // optional: sub-directory of the consumer ("" = repository root)
};

struct Verify {
  std::vector<std::string> command;  // optional argv (never a shell string); empty = no verify
  int timeout_seconds = 900;         // "timeoutSeconds", > 0
};

struct Consumer {
  std::string name;  // required
  Repository repository;
  std::string owner;
  Verify verify;
};

struct DatasetVersion {
  std::string version;   // required
  std::string location;  // optional, e.g. prod.events.listening_v3
};

struct Dataset {
  std::string name;  // required
  DatasetVersion from, to;
};

// changes[i]: an object with exactly one of these keys.
struct Rename {
  std::string field, to;
};  // {"rename":{field,to}}
struct Retype {
  std::string field, from, to, expression;
};  // {"retype":{field,from,to,expression?}}
struct Drop {
  std::string field;
};  // {"drop":{field}}
struct Add {
  std::string field, type;
};  // {"add":{field,type}}
using Change = std::variant<Rename, Retype, Drop, Add>;

struct CodingAgent {
  std::vector<std::string> command;  // optional argv; empty = no external coding agent
  int max_iterations = 3;            // "maxIterations", 0..20
};

struct Author {
  std::string name = "Shepherd";
  std::string email = "shepherd@shepherd.dev";
};

// agent.pullRequest: where and how to open pull/merge requests (mode PullRequest; rollback).
struct PullRequestSettings {
  Provider provider = Provider::GitHub;  // "provider"
  std::string api_url;                   // "apiUrl", required in PullRequest mode: https://api.github.com,
                                         // https://gitlab.example.com/api/v4
  std::string repository;  // optional: GitHub "owner/name" or GitLab project id or "group/project";
                           // default: derived from consumer.repository.url
  std::string base;        // optional: target branch; default consumer.repository.revision
};

struct AgentSettings {
  Mode mode = Mode::DryRun;
  std::string branch;  // required for Push/PullRequest; placeholders already expanded
  CodingAgent coding_agent;
  Author author;
  std::optional<PullRequestSettings> pull_request;
};

// rollback: what migrate published, as recorded in ConsumerMigration.status.result.
struct RollbackTarget {
  std::string commit;        // the commit migrate pushed ("" = nothing was pushed)
  std::string branch;        // the branch it was pushed to (default agent.branch)
  std::string pull_request;  // URL of the pull/merge request ("" = none)
};

// ownerReference put on the diff ConfigMap so that it lives exactly as long as its owner.
struct OwnerRef {
  std::string api_version, kind, name, uid;
};

struct DiffTarget {
  std::string config_map;         // "configMap", required: ConfigMap name in task.namespace
  std::optional<OwnerRef> owner;  // "owner": {apiVersion, kind, name, uid}, optional
};

struct Limits {
  int deadline_seconds = 1700;              // "deadlineSeconds": whole run, 1..86400
  std::int64_t max_repo_bytes = 2LL << 30;  // "maxRepoBytes": checked after clone
  std::int64_t max_file_bytes = 1LL << 20;  // "maxFileBytes": larger files not rewritten
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
};

// Parsing never throws: either a Task or one message naming the field, e.g.
// "task.consumer.repository.url: required".
struct ParseResult {
  std::optional<Task> task;
  std::string error;
};
ParseResult parse_task(const std::string& json_text);
ParseResult parse_task(const nlohmann::json& j);

std::string to_string(Mode m);
std::string to_string(Action a);
std::string to_string(Provider p);

// ---------------------------------------------------------------------------------------------
// Result (output)
// ---------------------------------------------------------------------------------------------

enum class Outcome { Changed, NoChanges, NeedsReview, Failed };
std::string to_string(Outcome o);

struct ReviewItem {
  std::string file;  // relative to the repository root
  int line = 0;      // 1-based, 0 = whole file
  std::string message;
};

struct VerifyResult {
  bool ran = false;
  int exit_code = 0;  // "exitCode"; 124 when it timed out, 127 when it could not start
  double seconds = 0;
  bool timed_out = false;   // "timedOut"
  std::string output_tail;  // "outputTail": last bytes of stdout+stderr
};

struct DiffResult {
  std::string config_map;  // "" when the diff went to SHEPHERD_DIFF_DIR or nowhere
  std::string file;        // the file under SHEPHERD_DIFF_DIR, when used
  std::int64_t bytes = 0;  // size of the full unified diff
  bool truncated = false;  // the stored copy was cut (the log has the whole diff)
};

struct AgentResult {
  Outcome outcome = Outcome::Failed;
  std::string action = "migrate";
  int attempt = 1;
  std::string commit;  // commit on `branch` (migrate: the change; rollback: the revert or "")
  std::string branch;
  std::string pull_request;  // URL
  int files_changed = 0;     // "filesChanged"
  int edits = 0;
  std::vector<ReviewItem> review;
  VerifyResult verify;
  DiffResult diff;
  std::string message;  // one human sentence; for Failed, what failed and what to do
};

// The full result as JSON (for logs). Never truncated.
nlohmann::json to_json(const AgentResult& r);

// The result for the termination log: valid JSON of at most `limit` bytes. Truncation is
// deterministic: strings are cut first (outputTail to 1 KiB, each review string to 200 bytes),
// then review items are dropped from the end, then outputTail and message are shortened.
// "reviewCount" always carries the full count and "truncated": true marks any cut.
std::string to_termination_message(const AgentResult& r, std::size_t limit = kMaxResultBytes);

// Exit status of the process for an outcome: 0 for Changed, NoChanges, NeedsReview; 1 for Failed.
int exit_code_for(Outcome o);

}  // namespace shepherd::agent
