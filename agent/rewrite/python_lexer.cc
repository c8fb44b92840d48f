// Tokenizes Python in one pass. Newline tokens are emitted only outside brackets, so that a
// statement spanning lines inside parentheses reads as one logical line.
#include "python_lexer.h"

#include "plan.h"

namespace shepherd::rewrite::python {

namespace {

bool is_prefix_char(char c) {
  return c == 'r' || c == 'R' || c == 'b' || c == 'B' || c == 'f' || c == 'F' || c == 'u' || c == 'U';
}

}  // namespace

std::vector<Token> lex(std::string_view text) {
  std::vector<Token> out;
  int depth = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      if (depth == 0 && (out.empty() || out.back().kind != Kind::Newline))
        out.push_back(Token{Kind::Newline, i, i + 1});
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      i += 2;  // explicit line continuation
      continue;
    }
    // String literal, with up to two prefix letters.
    std::size_t p = i;
    while (p < text.size() && p - i < 2 && is_prefix_char(text[p])) ++p;
    if (p < text.size() && (text[p] == '\'' || text[p] == '"') &&
        (p == i || !(i > 0 && is_ident_char(text[i - 1])))) {
      Token t{Kind::String, i, 0};
      for (std::size_t k = i; k < p; ++k) {
        char pc = text[k];
        t.f_string |= pc == 'f' || pc == 'F';
        t.raw |= pc == 'r' || pc == 'R';
        t.bytes |= pc == 'b' || pc == 'B';
      }
      char q = text[p];
      bool triple = p + 2 < text.size() && text[p + 1] == q && text[p + 2] == q;
      std::size_t qlen = triple ? 3 : 1;
      std::size_t j = p + qlen;
      t.body_begin = j;
      while (j < text.size()) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          j += 2;
          continue;
        }
        if (!triple && text[j] == '\n') break;  // unterminated: stop at the line end
        if (text[j] == q && (!triple || (j + 2 < text.size() && text[j + 1] == q && text[j + 2] == q))) break;
        ++j;
      }
      t.body_end = std::min(j, text.size());
      t.end = std::min(j + (j < text.size() && text[j] == q ? qlen : 0), text.size());
      out.push_back(t);
      i = t.end;
      continue;
    }
    if (is_ident_start(c) || static_cast<unsigned char>(c) >= 0x80) {
      std::size_t e = i + 1;
      while (e < text.size() && (is_ident_char(text[e]) || static_cast<unsigned char>(text[e]) >= 0x80)) ++e;
      out.push_back(Token{Kind::Name, i, e});
      i = e;
      continue;
    }
    if (c >= '0' && c <= '9') {
      std::size_t e = i + 1;
      while (e < text.size() && (is_ident_char(text[e]) || text[e] == '.')) ++e;
      out.push_back(Token{Kind::Number, i, e});
      i = e;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    std::size_t len = 1;
    if (i + 1 < text.size() && ((c == '=' && text[i + 1] == '=') || (c == '!' && text[i + 1] == '=') ||
                                (c == '*' && text[i + 1] == '*')))
      len = 2;
    out.push_back(Token{Kind::Op, i, i + len});
    i += len;
  }
  return out;
}

}  // namespace shepherd::rewrite::python
