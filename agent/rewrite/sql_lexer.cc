// Tokenizes SQL in one forward pass; unterminated constructs run to the end of the text rather
// than failing, because SQL embedded in other languages is often a fragment.
#include "sql_lexer.h"

#include "plan.h"

namespace shepherd::rewrite::sql {

namespace {

std::size_t find_or_end(std::string_view text, std::string_view needle, std::size_t from) {
  auto pos = text.find(needle, from);
  return pos == std::string_view::npos ? text.size() : pos + needle.size();
}

// Skips a quoted run starting at `i` (the opening quote), honouring doubled quotes and backslashes.
std::size_t skip_quoted(std::string_view text, std::size_t i) {
  char q = text[i];
  std::size_t j = i + 1;
  while (j < text.size()) {
    if (text[j] == '\\' && j + 1 < text.size()) {
      j += 2;
      continue;
    }
    if (text[j] == q) {
      if (j + 1 < text.size() && text[j + 1] == q && q != '`') {
        j += 2;
        continue;
      }
      return j + 1;
    }
    ++j;
  }
  return text.size();
}

std::size_t skip_braces(std::string_view text, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i; j < text.size(); ++j) {
    if (text[j] == '{') ++depth;
    if (text[j] == '}' && --depth == 0) return j + 1;
  }
  return text.size();
}

bool at_line_start(std::string_view text, std::size_t i) {
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  return i == 0 || text[i - 1] == '\n';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::vector<Token> lex(std::string_view text, const LexOptions& options) {
  std::vector<Token> out;
  out.reserve(text.size() / 4 + 8);  // about one token per 4-6 bytes of SQL
  std::vector<int> open;
  std::size_t i = 0;
  auto push = [&](Kind k, std::size_t b, std::size_t e) { out.push_back(Token{k, b, e, -1}); };
  while (i < text.size()) {
    char c = text[i];
    char n = i + 1 < text.size() ? text[i + 1] : '\0';
    if (is_space(c) || (options.margin_pipes && c == '|' && at_line_start(text, i))) {
      ++i;  // layout: white space, or the margin pipe of a Scala stripMargin string
    } else if (options.backslash_escapes && c == '\\') {
      i += 2;  // \n, \t, \" ... inside a host-language string: layout, not SQL
    } else if (c == '-' && n == '-') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) i = text.size();
    } else if (c == '/' && n == '*') {
      i = find_or_end(text, "*/", i + 2);
    } else if (c == '{' && n == '{') {
      std::size_t e = find_or_end(text, "}}", i + 2);
      push(Kind::Jinja, i, e);
      i = e;
    } else if (c == '{' && n == '%') {
      i = find_or_end(text, "%}", i + 2);
    } else if (c == '{' && n == '#') {
      i = find_or_end(text, "#}", i + 2);
    } else if (options.braces_opaque && c == '{') {
      std::size_t e = skip_braces(text, i);
      push(Kind::Opaque, i, e);
      i = e;
    } else if (options.dollar_opaque && c == '$' && (n == '{' || is_ident_start(n))) {
      std::size_t e = i + 1;
      if (n == '{') {
        e = skip_braces(text, i + 1);
      } else {
        while (e < text.size() && is_ident_char(text[e])) ++e;
      }
      push(Kind::Opaque, i, e);
      i = e;
    } else if (c == '`' || c == '"') {
      std::size_t e = skip_quoted(text, i);
      push(Kind::Quoted, i, e);
      i = e;
    } else if (c == '\'') {
      std::size_t e = skip_quoted(text, i);
      push(Kind::String, i, e);
      i = e;
    } else if (is_ident_start(c) || static_cast<unsigned char>(c) >= 0x80) {
      std::size_t e = i + 1;
      while (e < text.size() && (is_ident_char(text[e]) || static_cast<unsigned char>(text[e]) >= 0x80)) ++e;
      push(Kind::Ident, i, e);
      i = e;
    } else if (c >= '0' && c <= '9') {
      std::size_t e = i + 1;
      while (e < text.size() && (is_ident_char(text[e]) || text[e] == '.')) ++e;
      push(Kind::Number, i, e);
      i = e;
    } else {
      std::size_t len = 1;
      std::string_view two = text.substr(i, 2);
      if (two == "::" || two == "<=" || two == ">=" || two == "<>" || two == "!=" || two == "||") len = 2;
      push(Kind::Punct, i, i + len);
      if (c == '(') {
        open.push_back(static_cast<int>(out.size() - 1));
      } else if (c == ')' && !open.empty()) {
        out[static_cast<std::size_t>(open.back())].match = static_cast<int>(out.size() - 1);
        out.back().match = open.back();
        open.pop_back();
      }
      i += len;
    }
  }
  return out;
}

}  // namespace shepherd::rewrite::sql
