// Which words of a file the agent changed, and into what: a token-level diff (Myers) of the
// original and the rewritten content. Tokens are words ([A-Za-z0-9_]+) and single punctuation
// characters; whitespace is ignored, so re-indentation is not an edit.
//
// An original word is edited when the diff deletes it (its replacement is the text inserted in
// the same change), or when text is inserted right before or after it on its own line without
// deleting it (`ts` -> `UNIX_MILLIS(ts) AS ts`, `order_date` -> `ordered_at as order_date`; the
// replacement is the whole new span including the word). An insertion between two kept words
// touches both; the scorer only looks at tracked words, so that is harmless in practice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shepherd::corpus {

struct TokenEdit {
  int line = 0;    // of the original, 1-based
  int column = 0;  // of the original, 1-based byte column
  std::string before;
  std::string after;  // the replacing text as written in the new content ("" = deleted)
};

// Pure. Edits of every changed word of `before`, in order. `max_cost` bounds the diff's work (the
// number of differing tokens); above it the changed middle of the file is one change.
std::vector<TokenEdit> edited_words(std::string_view before, std::string_view after, int max_cost = 3000);

// Whitespace runs collapsed to one space, trimmed, ASCII lower case: how replacements compare.
std::string normalize(std::string_view text);

}  // namespace shepherd::corpus
