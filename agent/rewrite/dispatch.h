// migrate_file's core for callers that already have a Plan (migrate_tree builds one per run, not
// one per file).
#pragma once

#include <string>
#include <string_view>

#include "engine.h"
#include "language.h"
#include "plan.h"

namespace shepherd::rewrite {

// Rewrites one file's content into `result`. Returns false, leaving `result` alone, when the
// pre-check proves the file cannot change (then migrate_file returns the content unchanged, with
// no edits and no review items).
bool migrate_content(const std::string& path, std::string_view content, Language lang, const Plan& plan,
                     const ModelIndex& models, FileResult& result);

}  // namespace shepherd::rewrite
