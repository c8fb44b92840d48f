// Tokenizes Java and Scala in one pass; an unterminated literal ends at the end of its line (or
// of the file for triple quotes) so that one bad line does not swallow the rest of the file.
#include "jvm_lexer.h"

#include "plan.h"

namespace shepherd::rewrite::jvm {

std::vector<Token> lex(std::string_view text, bool scala) {
  std::vector<Token> out;
  std::size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    char d = i + 1 < n ? text[i + 1] : '\0';
    if (c == '/' && d == '/') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && d == '*') {
      auto e = text.find("*/", i + 2);
      i = e == std::string_view::npos ? n : e + 2;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (c == '"') {
      Token t{Kind::String, i, 0};
      // Scala interpolator: a name glued to the opening quote (s"...", f"...", raw"...").
      if (scala && !out.empty() && out.back().end == i &&
          (out.back().kind == Kind::Name || (out.back().kind == Kind::Op && text[out.back().begin] == '$'))) {
        bool is_dollar = out.back().kind == Kind::Op;
        t.begin = out.back().begin;
        t.dollar = is_dollar;
        t.interpolated = !is_dollar;
        out.pop_back();
      }
      bool triple = i + 2 < n && text[i + 1] == '"' && text[i + 2] == '"';
      t.triple = triple;
      std::size_t j = i + (triple ? 3 : 1);
      t.body_begin = j;
      while (j < n) {
        if (!triple && text[j] == '\\' && j + 1 < n) {
          j += 2;
          continue;
        }
        if (!scala && triple && text[j] == '\\' && j + 1 < n) {
          j += 2;
          continue;
        }
        if (!triple && text[j] == '\n') break;
        if (text[j] == '"' && (!triple || (j + 2 < n && text[j + 1] == '"' && text[j + 2] == '"'))) break;
        ++j;
      }
      t.body_end = j;
      std::size_t close = j < n && text[j] == '"' ? (triple ? 3 : 1) : 0;
      // Scala allows extra quotes before the closing """; they belong to the body.
      if (triple && scala) {
        while (j + 3 < n && text[j + 3] == '"') {
          ++j;
          t.body_end = j;
        }
      }
      t.end = std::min(j + close, n);
      out.push_back(t);
      i = t.end;
      continue;
    }
    if (c == '\'') {
      // char literal 'x' or '\n'; a Scala symbol 'name is a name.
      std::size_t j = i + 1;
      if (j < n && text[j] == '\\')
        j += 2;
      else
        ++j;
      if (j < n && text[j] == '\'') {
        out.push_back(Token{Kind::Op, i, j + 1});
        i = j + 1;
        continue;
      }
      ++i;
      continue;
    }
    if (is_ident_start(c) || c == '$' || static_cast<unsigned char>(c) >= 0x80) {
      if (c == '$' && scala && d == '"') {
        out.push_back(Token{Kind::Op, i, i + 1});
        ++i;
        continue;
      }
      std::size_t e = i + 1;
      while (e < n &&
             (is_ident_char(text[e]) || text[e] == '$' || static_cast<unsigned char>(text[e]) >= 0x80))
        ++e;
      out.push_back(Token{Kind::Name, i, e});
      i = e;
      continue;
    }
    if (c == '`' && scala) {
      auto e = text.find('`', i + 1);
      e = e == std::string_view::npos ? n : e + 1;
      out.push_back(Token{Kind::Name, i, e});
      i = e;
      continue;
    }
    if (c >= '0' && c <= '9') {
      std::size_t e = i + 1;
      while (e < n && (is_ident_char(text[e]) || text[e] == '.')) ++e;
      out.push_back(Token{Kind::Number, i, e});
      i = e;
      continue;
    }
    out.push_back(Token{Kind::Op, i, i + 1});
    ++i;
  }
  return out;
}

}  // namespace shepherd::rewrite::jvm
