// Moves the dataset's location inside free text that is not SQL: a string literal such as
// "prod.events.listening_v3" or "gs://lake/events/listening_v3/", a YAML or JSON value.
#pragma once

#include <string_view>

#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite {

// Returns true when the text names the dataset's location. A dotted name matches when it starts
// a word and its parts equal the last >= 2 parts of the old location (or exactly the last part when
// `table_argument`, e.g. spark.table("listening_v3")); a path matches on whole segments only, and
// a warehouse path `…/events.db/listening_v3/…` names the table events.listening_v3.
bool rewrite_location_text(std::string_view text, const Plan& plan, Sink& out, bool table_argument);

// The same; also sets *names_other when the text provably names another table whose last part
// may equal the dataset's (a warehouse path `…/other_db.db/listening_v3/`).
bool rewrite_location_text(std::string_view text, const Plan& plan, Sink& out, bool table_argument,
                           bool* names_other);

}  // namespace shepherd::rewrite
