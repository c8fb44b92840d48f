// The structured logger's formatting and sink.
#include "runtime/log.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <iostream>
#include <mutex>
#include <sstream>

#include "base/time.h"

namespace shepherd::runtime {
namespace {
std::mutex g_mu;
LogFormat g_format = LogFormat::kText;
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::ostream* g_sink = nullptr;

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool is_secret_key(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word :
       {"token", "password", "authorization", "secret", "private", "key-data", "key_data", "credential"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

void configure_logging(LogFormat format, LogLevel level, std::ostream* sink) {
  std::lock_guard lock(g_mu);
  g_format = format;
  g_level = static_cast<int>(level);
  g_sink = sink;
}

bool parse_log_level(std::string_view s, LogLevel* out) {
  if (s == "debug")
    *out = LogLevel::kDebug;
  else if (s == "info")
    *out = LogLevel::kInfo;
  else if (s == "warn" || s == "warning")
    *out = LogLevel::kWarn;
  else if (s == "error")
    *out = LogLevel::kError;
  else
    return false;
  return true;
}

bool parse_log_format(std::string_view s, LogFormat* out) {
  if (s == "json")
    *out = LogFormat::kJson;
  else if (s == "text")
    *out = LogFormat::kText;
  else
    return false;
  return true;
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void log(LogLevel level, std::string_view msg, const LogFields& fields) {
  if (!log_enabled(level)) return;
  const std::string ts = base::format_rfc3339_micro(std::chrono::system_clock::now());
  std::lock_guard lock(g_mu);
  std::string line;
  if (g_format == LogFormat::kJson) {
    nlohmann::json j = {{"ts", ts}, {"level", level_name(level)}, {"msg", std::string(msg)}};
    for (const auto& [k, v] : fields) j[k] = is_secret_key(k) ? nlohmann::json("<redacted>") : v;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    std::ostringstream os;
    os << ts << ' ' << level_name(level) << ' ' << msg;
    for (const auto& [k, v] : fields) {
      os << ' ' << k << '=';
      if (is_secret_key(k))
        os << "<redacted>";
      else if (v.is_string())
        os << nlohmann::json(v.get<std::string>())
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      else
        os << v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    line = os.str();
  }
  std::ostream& out = g_sink ? *g_sink : std::cerr;
  out << line << '\n';
  out.flush();
}

}  // namespace shepherd::runtime
