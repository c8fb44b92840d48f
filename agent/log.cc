// Implementation of log.h: timestamped, redacted lines on stderr.
#include "agent/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace shepherd::agent {
namespace {

void emit(const char* level, const std::string& text) {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s %s shepherd-agent: %s\n", stamp, level, text.c_str());
  std::fflush(stderr);
}

}  // namespace

void Log::info(const std::string& message) const { emit("INFO", redact_(message)); }
void Log::warn(const std::string& message) const { emit("WARN", redact_(message)); }

}  // namespace shepherd::agent
