// Rewrites SQL text (a .sql file, a dbt model, or SQL found in a host language's string) for a
// change set: moves the dataset's location and rewrites its renamed/retyped columns only where
// scoping (FROM/JOIN aliases, CTEs, subqueries, dbt source()/ref()) proves they belong to it.
#pragma once

#include <map>
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

// What the host program that runs the SQL says about it: names it binds to frames before running
// it (Glue's sparkSqlQuery mapping, Spark temp views), and whether the result is read by name.
struct View {
  enum class Kind { Dataset, Other, Unknown };
  Kind kind = Kind::Unknown;
  bool all = false;              // Dataset: the frame is the dataset read itself (every field) ...
  std::set<std::string> fields;  // ... or carries these dataset fields (old names)
};
struct Context {
  std::map<std::string, View> views;  // lower-case view name -> what its frame reads
  // The result becomes a frame or table that code downstream reads by column name: a renamed
  // field selected bare keeps its old name (`user_email AS user`).
  bool outputs_by_name = false;
};

Result rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out,
               const LexOptions& options = {});

// The tables this SQL text creates with a column list: lower-case dotted name as spelled (quotes
// removed) -> lower-case column names. Constraints are not columns.
std::map<std::string, std::set<std::string>> created_tables(std::string_view text);

// Is this text (e.g. a string literal's body) a SQL statement rather than prose or a name?
bool looks_like_sql(std::string_view text, const LexOptions& options = {});

// The same two steps on tokens lexed once: looks_like_sql(text, lex(text, options)) and
// rewrite(text, lex(text, options), ...) give what the calls above give.
bool looks_like_sql(std::string_view text, const std::vector<Token>& tokens);
Result rewrite(std::string_view text, std::vector<Token> tokens, const Plan& plan, const ModelIndex& models,
               Sink& out, const Context& context = {});

}  // namespace shepherd::rewrite::sql
