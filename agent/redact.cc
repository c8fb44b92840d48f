// Implementation of redact.h: URL userinfo and known secret values never leave the process.
#include "agent/redact.h"

#include <cctype>

namespace shepherd::agent {
namespace {

bool scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '.' || c == '-';
}

}  // namespace

std::string redact_urls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t sep = text.find("://", i);
    if (sep == std::string::npos) break;
    // The scheme must be non-empty and made of scheme characters.
    std::size_t s = sep;
    while (s > i && scheme_char(text[s - 1])) --s;
    std::size_t auth = sep + 3;
    out.append(text, i, auth - i);
    if (s == sep) {
      i = auth;
      continue;
    }
    // The authority ends at '/', '?', '#' or whitespace; userinfo is up to its last '@'.
    std::size_t end = auth;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           std::isspace(static_cast<unsigned char>(text[end])) == 0 && text[end] != '"' &&
           text[end] != '\'') {
      ++end;
    }
    std::size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= auth && at < end) {
      out += "***";
      i = at;  // keep "@host…"
    } else {
      i = auth;
    }
  }
  out.append(text, i, std::string::npos);
  return out;
}

void Redactor::add_secret(std::string secret) {
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.size() >= 4) secrets_.push_back(std::move(secret));
}

std::string Redactor::operator()(const std::string& text) const {
  std::string out = redact_urls(text);
  for (const auto& secret : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

}  // namespace shepherd::agent
