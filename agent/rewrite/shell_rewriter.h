// Shell scripts (.sh, .bash) that set up or feed the dataset: SQL in here-documents
// (`psql … <<-EOSQL … EOSQL`) is rewritten as SQL; the rest of a script that is about the dataset
// is only reviewed, since shell text around it (sed over CSV headers, comments, file names) cannot be
// proven to mean the dataset's columns.
#pragma once

#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::shell {

// Every here-document body (`<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"`) fed to a SQL client (psql,
// mysql, sqlite3, bq, …) or that looks like SQL goes through the SQL rewrite; `$name`/`${…}` are opaque
// unless the delimiter is quoted. When a body reads or names the dataset, each other line of the script
// (outside SQL bodies) that names a changed field as a whole word is listed once for review.
void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out);

}  // namespace shepherd::rewrite::shell
