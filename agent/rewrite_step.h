// The agent's single point of contact with the rewrite engine (agent/rewrite/engine.h): converts
// the task's changes to the engine's ChangeSet and its report to result review items.
#pragma once

#include <filesystem>
#include <vector>

#include "agent/rewrite/engine.h"
#include "agent/task.h"

namespace shepherd::agent {

rewrite::ChangeSet to_change_set(const Task& task);

struct RewriteOutcome {
  int edits = 0;
  int files_changed = 0;
  int files_scanned = 0;
  std::vector<ReviewItem> review;
  std::vector<std::string> notes;  // skipped files and truncation, for the log
};

RewriteOutcome rewrite_repository(const Task& task, const std::filesystem::path& repo);

}  // namespace shepherd::agent
