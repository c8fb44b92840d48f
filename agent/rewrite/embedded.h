// SQL and table names embedded in another language's string literals. A run of literals joined
// by concatenation is read as one text, so "SELECT user_id " + "FROM t" is scoped as one query,
// while each edit still lands inside the literal it came from.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "engine.h"
#include "plan.h"
#include "sink.h"
#include "sql_rewriter.h"

namespace shepherd::rewrite {

struct Piece {
  std::size_t begin, end;  // a literal's body (between the quotes) in the file
};

struct EmbeddedResult {
  bool is_sql = false;
  sql::Result sql;
  bool names_location = false;     // not SQL, but names the dataset's location
  bool names_other_table = false;  // not SQL, and provably names another table (a warehouse path)
};

EmbeddedResult rewrite_embedded(std::string_view file, const std::vector<Piece>& pieces, const Plan& plan,
                                const ModelIndex& models, Sink& out, const sql::LexOptions& lex,
                                bool table_argument, const sql::Context& context = {});

}  // namespace shepherd::rewrite
