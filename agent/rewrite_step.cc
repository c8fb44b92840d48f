// Implementation of rewrite_step.h.
#include "agent/rewrite_step.h"

#include <type_traits>

namespace shepherd::agent {

rewrite::ChangeSet to_change_set(const Task& task) {
  rewrite::ChangeSet cs;
  cs.dataset.name = task.dataset.name;
  cs.dataset.from = {task.dataset.from.version, task.dataset.from.location};
  cs.dataset.to = {task.dataset.to.version, task.dataset.to.location};
  for (const auto& change : task.changes) {
    rewrite::Change c;
    std::visit(
        [&c](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          c.field = v.field;
          if constexpr (std::is_same_v<T, Rename>) {
            c.kind = rewrite::Change::Kind::Rename;
            c.to = v.to;
          } else if constexpr (std::is_same_v<T, Retype>) {
            c.kind = rewrite::Change::Kind::Retype;
            c.from_type = v.from;
            c.to_type = v.to;
            c.expression = v.expression;
          } else if constexpr (std::is_same_v<T, Drop>) {
            c.kind = rewrite::Change::Kind::Drop;
          } else {
            c.kind = rewrite::Change::Kind::Add;
            c.type = v.type;
          }
        },
        change);
    cs.changes.push_back(std::move(c));
  }
  return cs;
}

RewriteOutcome rewrite_repository(const Task& task, const std::filesystem::path& repo) {
  rewrite::Limits limits;
  limits.max_file_bytes = static_cast<std::size_t>(task.limits.max_file_bytes);
  rewrite::Report report =
      rewrite::migrate_tree(repo, task.consumer.repository.path, to_change_set(task), limits);
  RewriteOutcome out;
  out.edits = static_cast<int>(report.edits.size());
  out.files_changed = report.files_changed;
  out.files_scanned = report.files_scanned;
  for (const auto& r : report.review) out.review.push_back({r.file, r.line, r.message});
  for (const auto& m : report.mentions) out.mentions.push_back({m.file, m.line, ""});
  for (const auto& s : report.skipped) out.notes.push_back("skipped " + s.file + ": " + s.reason);
  if (report.truncated)
    out.notes.push_back("the scan stopped early at a limit; some files were not examined");
  return out;
}

NoChangeDecision decide_without_change(const std::vector<ReviewItem>& review,
                                       const std::vector<ReviewItem>& mentions, const std::string& dataset,
                                       const std::string& fields) {
  NoChangeDecision d;
  if (!review.empty()) {
    d.outcome = Outcome::NeedsReview;
    d.review = review;
    d.message =
        std::to_string(review.size()) + " place(s) need review and there is no automatic change to publish";
    return d;
  }
  if (mentions.empty()) {
    d.message = "nothing in the repository refers to the dataset or what changed";
    return d;
  }
  d.outcome = Outcome::NeedsReview;
  for (const auto& m : mentions)
    d.review.push_back({m.file, m.line,
                        "names " + dataset + ", but no use of a changed field (" + fields +
                            ") was found here: confirm by hand that nothing here reads them"});
  d.message = std::to_string(mentions.size()) +
              " file(s) refer to the dataset and no change was made: confirm that none reads a changed field";
  return d;
}

std::string changed_fields(const Task& task) {
  std::string out;
  for (const auto& change : task.changes) {
    if (std::holds_alternative<Add>(change)) continue;
    std::visit([&out](const auto& v) { out += (out.empty() ? "" : ", ") + v.field; }, change);
  }
  return out;
}

}  // namespace shepherd::agent
