// shepherd-agent: the program the operator runs as a Job per attempt. Reads the task from
// SHEPHERD_TASK, runs migrate or rollback, prints the diff and the full result to stdout and
// writes the (at most 4 KiB) result to the termination log. Exit 0 unless the outcome is Failed.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>

#include "agent/actions.h"
#include "agent/credentials.h"
#include "agent/log.h"
#include "agent/task.h"
#include "agent/workspace.h"

namespace {

using namespace shepherd::agent;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

// Every string field of the result passes through the redactor before it leaves the process.
void redact(AgentResult& r, const Redactor& redactor) {
  r.message = redactor(r.message);
  r.pull_request = redactor(r.pull_request);
  r.verify.output_tail = redactor(r.verify.output_tail);
  for (auto& item : r.review) item.message = redactor(item.message);
}

int finish(AgentResult& result, const Log& log) {
  redact(result, log.redactor());
  std::cout << "--- shepherd-agent result ---\n"
            << to_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  const std::string path = env_or("SHEPHERD_TERMINATION_LOG", "/dev/termination-log");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << to_termination_message(result);
  out.close();
  if (!out) log.warn("cannot write the result to " + path);
  log.info("outcome " + to_string(result.outcome) + ": " + result.message);
  return exit_code_for(result.outcome);
}

}  // namespace

int main() {
  Log log;
  AgentResult result;
  ParseResult parsed = parse_task(env_or("SHEPHERD_TASK", ""));
  if (!parsed.value) {
    result.outcome = Outcome::Failed;
    result.message = parsed.error;
    return finish(result, log);
  }
  const Task& task = *parsed.value;
  result.action = to_string(task.action);
  result.attempt = task.attempt;
  const Environment env = Environment::from_process_env();
  const Credentials creds = load_credentials(env.credentials_dir);
  log.redactor().add_secret(creds.token);
  log.info(to_string(task.action) + " " + task.consumer.name + " (plan " + task.namespace_ + "/" + task.plan +
           ", attempt " + std::to_string(task.attempt) + ", mode " + to_string(task.agent.mode) + ") from " +
           task.consumer.repository.url);
  const Deadline deadline(std::chrono::seconds(task.limits.deadline_seconds));
  std::string diff;
  try {
    if (task.action == Action::Migrate) {
      migrate(task, env, creds, deadline, log, result, diff);
    } else {
      rollback(task, env, creds, deadline, log, result);
    }
  } catch (const std::exception& e) {
    result.outcome = Outcome::Failed;
    result.message = log.redactor()(e.what());
    if (deadline.expired()) result.message += " (the run's deadline task.limits.deadlineSeconds was reached)";
  }
  if (!diff.empty()) std::cout << "--- shepherd-agent diff ---\n" << diff << std::flush;
  return finish(result, log);
}
