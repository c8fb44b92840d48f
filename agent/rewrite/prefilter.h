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

// Does `needle` occur in `hay`, ignoring ASCII case? (memchr-like speed on ordinary text)
bool contains_ignoring_case(std::string_view hay, std::string_view needle);

}  // namespace shepherd::rewrite
