// A cheap test, run before any tokenizing, of whether a file could need a rewrite at all: most
// files of a repository never name the dataset, and a substring search (memchr speed) is enough
// to prove it. Keeps migrate_tree near the cost of a plain `grep -rl` of the repository.
#pragma once

#include <string_view>

#include "engine.h"
#include "language.h"
#include "plan.h"

namespace shepherd::rewrite {

bool could_change(Language lang, std::string_view content, const Plan& plan, const ModelIndex& models);

}  // namespace shepherd::rewrite
