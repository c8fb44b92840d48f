// A small SQL tokenizer (BigQuery/ANSI/dbt flavoured): identifiers, quoted identifiers, strings,
// numbers, punctuation and Jinja blocks, with byte offsets. Comments, whitespace and Jinja
// statements (`{% ... %}`, `{# ... #}`) are dropped: no rewrite ever looks inside a comment.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::sql {

enum class Kind {
  Ident,   // user_id, SELECT
  Quoted,  // `prod.events.t` or "user_id"
  String,  // 'text'
  Number,
  Punct,   // one character, or `::`, `<=`, `>=`, `<>`, `!=`, `||`
  Jinja,   // {{ ... }}
  Opaque,  // {expr} of an f-string, $name / ${expr} of a Scala interpolation: unknown text
};

struct Token {
  Kind kind;
  std::size_t begin, end;  // bytes [begin, end) of the text
  int match = -1;          // index of the matching parenthesis, for '(' and ')'
};

struct LexOptions {
  bool braces_opaque = false;      // Python f-strings / str.format: `{...}` is an opaque value
  bool dollar_opaque = false;      // Scala s-strings: `$name`, `${...}`
  bool backslash_escapes = false;  // string body of a host language: `\n` etc. are whitespace
  bool margin_pipes = false;       // Scala triple quotes with stripMargin: a `|` opening a line is layout
};

std::vector<Token> lex(std::string_view text, const LexOptions& options = {});

}  // namespace shepherd::rewrite::sql
