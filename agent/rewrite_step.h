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
  std::vector<ReviewItem> mentions;  // files naming the dataset (first line), message empty
  std::vector<std::string> notes;    // skipped files and truncation, for the log
};

RewriteOutcome rewrite_repository(const Task& task, const std::filesystem::path& repo);

// Pure: the outcome when the tree did not change. NoChanges only when nothing reviewed and no file
// names the dataset; a file that names it, where the engine found no use of a changed field, is
// listed for review (the engine cannot prove that it reads none: a column bound by position, a
// name built at run time). `dataset` labels the messages; `fields` lists the changed fields.
struct NoChangeDecision {
  Outcome outcome = Outcome::NoChanges;
  std::string message;
  std::vector<ReviewItem> review;
};
NoChangeDecision decide_without_change(const std::vector<ReviewItem>& review,
                                       const std::vector<ReviewItem>& mentions, const std::string& dataset,
                                       const std::string& fields);

// "user_id, ts, legacy_flag": the fields a task renames, retypes or drops (added ones excluded).
std::string changed_fields(const Task& task);

}  // namespace shepherd::agent
