// A small Java/Scala tokenizer: names, string literals (plain, Java text blocks, Scala triple
// quotes and interpolators like s"..."), char literals, numbers and operators. Comments dropped.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::jvm {

enum class Kind { Name, String, Number, Op };

struct Token {
  Kind kind;
  std::size_t begin, end;
  std::size_t body_begin = 0, body_end = 0;  // String: between the quotes
  bool triple = false;                       // """...""" (Java text block or Scala raw string)
  bool interpolated = false;                 // Scala s"..", f"..", raw"..": $name / ${expr} inside
  bool dollar = false;                       // Scala Spark $"col"
};

std::vector<Token> lex(std::string_view text, bool scala);

}  // namespace shepherd::rewrite::jvm
