// Keeps secrets out of logs, results and error messages: strips userinfo from URLs and replaces
// every known secret value (the git token) with "***".
#pragma once

#include <string>
#include <vector>

namespace shepherd::agent {

// "https://user:tok@host/x" -> "https://***@host/x"; strings without userinfo are unchanged.
// Also applies inside free text (every scheme://…@ occurrence).
std::string redact_urls(const std::string& text);

class Redactor {
 public:
  // Secrets shorter than 4 bytes are ignored (they would mangle ordinary text and protect nothing).
  void add_secret(std::string secret);
  // redact_urls plus replacement of every registered secret.
  std::string operator()(const std::string& text) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace shepherd::agent
