// The change set every rewrite test uses (the example plan of docs/api.md) and small helpers.
#pragma once

#include <string>
#include <vector>

#include "rewrite/engine.h"

namespace shepherd::rewrite::testing {

// listening_events v3 -> v4: prod.events.listening_v3 -> prod.events.listening_v4,
// rename user_id -> account_id, retype ts INT64 -> TIMESTAMP via UNIX_MILLIS({field}),
// drop legacy_flag, add country.
ChangeSet spec_changes();

// Review messages joined one per line as "line: message", for compact assertions.
std::string review_lines(const FileResult& r);

// The assertions of every table-driven rewrite test: the rewritten content equals `out`, and the
// review items are exactly as many as `review`, each containing its expected message.
void expect_rewrite(const FileResult& r, const std::string& out, const std::vector<std::string>& review);

}  // namespace shepherd::rewrite::testing
