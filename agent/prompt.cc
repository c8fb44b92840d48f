// Implementation of prompt.h.
#include "agent/prompt.h"

#include <sstream>
#include <type_traits>

namespace shepherd::agent {
namespace {

std::string location(const DatasetVersion& v) { return v.location.empty() ? "(unchanged)" : v.location; }

}  // namespace

std::string build_prompt(const Task& task, const std::vector<ReviewItem>& review, const VerifyResult& verify,
                         int iteration) {
  std::ostringstream p;
  const auto& d = task.dataset;
  p << "# Shepherd migration: " << d.name << " v" << d.from.version << " -> v" << d.to.version << "\n\n";
  p << "Consumer `" << task.consumer.name << "`";
  if (!task.consumer.repository.path.empty()) p << " (code under `" << task.consumer.repository.path << "`)";
  p << ". Round " << iteration << " of at most " << task.agent.coding_agent.max_iterations << ".\n\n";
  p << "## Goal\n\nThe code in this repository reads dataset `" << d.name
    << "`. Make it read the new version correctly. Leave every other behaviour unchanged.\n\n";
  p << "## Mapping (old -> new)\n\n";
  p << "| kind | old | new |\n|---|---|---|\n";
  p << "| location | " << location(d.from) << " | " << location(d.to) << " |\n";
  for (const auto& change : task.changes) {
    std::visit(
        [&p](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, Rename>) {
            p << "| rename | " << c.field << " | " << c.to << " |\n";
          } else if constexpr (std::is_same_v<T, Retype>) {
            p << "| retype | " << c.field << " : " << c.from << " | " << c.field << " : " << c.to;
            if (!c.expression.empty()) p << " (old value = `" << c.expression << "`)";
            p << " |\n";
          } else if constexpr (std::is_same_v<T, Drop>) {
            p << "| drop | " << c.field << " | (removed: no replacement) |\n";
          } else {
            p << "| add | - | " << c.field << (c.type.empty() ? "" : " : " + c.type) << " |\n";
          }
        },
        change);
  }
  p << "\n## Rules\n\n"
       "- Edit files inside this repository only. Do not touch `.git`, do not commit, do not push.\n"
       "- Do not create symlinks that point outside the repository.\n"
       "- Do not disable, skip or delete tests, and do not weaken the verification.\n"
       "- Where a dropped field is used and there is no safe replacement, leave the code and say so.\n\n";
  p << "## Open review items (" << review.size() << ")\n\n";
  if (review.empty()) p << "None.\n";
  for (const auto& r : review) p << "- `" << r.file << ":" << r.line << "`: " << r.message << "\n";
  if (verify.ran && (verify.exit_code != 0 || verify.timed_out)) {
    p << "\n## Verification is failing\n\nCommand: `";
    for (std::size_t i = 0; i < task.consumer.verify.command.size(); ++i) {
      p << (i ? " " : "") << task.consumer.verify.command[i];
    }
    p << "` exited " << verify.exit_code << (verify.timed_out ? " (timed out)" : "")
      << ". Last output:\n\n```\n"
      << verify.output_tail << "\n```\n";
  }
  return p.str();
}

}  // namespace shepherd::agent
