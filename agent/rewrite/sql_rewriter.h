// Rewrites SQL text (a .sql file, a dbt model, or SQL found in a host language's string) for a
// change set: moves the dataset's location and rewrites its renamed/retyped columns only where
// scoping (FROM/JOIN aliases, CTEs, subqueries, dbt source()/ref()) proves they belong to it.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"
#include "sql_lexer.h"

namespace shepherd::rewrite::sql {

struct Result {
  bool reads_dataset = false;     // a FROM/JOIN or source() names the dataset
  bool mentions_dataset = false;  // the dataset's qualified name appears anywhere
  bool reads_other = false;       // a FROM/JOIN names some other table
  std::set<std::string> exports;  // dataset fields (old names) the last query passes through unchanged
  std::set<std::string> wrapped;  // retyped dataset fields the last query converts back with their
                                  // expression, keeping the old name (and so the old type)
  bool used_models = false;       // a ref() was looked up in the ModelIndex: the output depends on it
};

Result rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out,
               const LexOptions& options = {});

// Is this text (e.g. a string literal's body) a SQL statement rather than prose or a name?
bool looks_like_sql(std::string_view text, const LexOptions& options = {});

// The same two steps on tokens lexed once: looks_like_sql(text, lex(text, options)) and
// rewrite(text, lex(text, options), ...) give what the calls above give.
bool looks_like_sql(std::string_view text, const std::vector<Token>& tokens);
Result rewrite(std::string_view text, std::vector<Token> tokens, const Plan& plan, const ModelIndex& models,
               Sink& out);

}  // namespace shepherd::rewrite::sql
