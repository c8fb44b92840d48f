// The change set every rewrite test uses (the SPEC's example plan) and small helpers.
#pragma once

#include <string>

#include "rewrite/engine.h"

namespace shepherd::rewrite::testing {

// listening_events v3 -> v4: prod.events.listening_v3 -> prod.events.listening_v4,
// rename user_id -> account_id, retype ts INT64 -> TIMESTAMP via UNIX_MILLIS({field}),
// drop legacy_flag, add country.
ChangeSet spec_changes();

// Review messages joined one per line as "line: message", for compact assertions.
std::string review_lines(const FileResult& r);

}  // namespace shepherd::rewrite::testing
