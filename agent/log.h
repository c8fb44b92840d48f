// The agent's log: human lines on stderr, every one passed through the Redactor first. The diff
// and the final result go to stdout (see main.cc), so that `kubectl logs` shows both.
#pragma once

#include <string>

#include "agent/redact.h"

namespace shepherd::agent {

class Log {
 public:
  explicit Log(Redactor redactor = {}) : redact_(std::move(redactor)) {}
  void info(const std::string& message) const;
  void warn(const std::string& message) const;
  const Redactor& redactor() const { return redact_; }
  Redactor& redactor() { return redact_; }

 private:
  Redactor redact_;
};

}  // namespace shepherd::agent
