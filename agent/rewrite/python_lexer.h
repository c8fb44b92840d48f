// A small Python tokenizer: names, string literals (all prefixes, single and triple quoted) with
// the location of their bodies, numbers, operators and logical line ends. Comments are dropped.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::python {

enum class Kind { Name, String, Number, Op, Newline };

struct Token {
  Kind kind;
  std::size_t begin, end;                    // whole token
  std::size_t body_begin = 0, body_end = 0;  // String: the characters between the quotes
  bool f_string = false;                     // f"..." (interpolates {expr})
  bool raw = false;
  bool bytes = false;
};

std::vector<Token> lex(std::string_view text);

}  // namespace shepherd::rewrite::python
