// A minimal structured logger: one line per record, text ("ts level msg k=v ...") or JSON
// ({"ts":..,"level":..,"msg":..,...}). Configured once by the operator's main; thread-safe.
// Values of fields whose key looks like a secret (token, password, authorization, secret, key data)
// are replaced by "<redacted>" so a careless call cannot leak credentials.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shepherd::runtime {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string, nlohmann::json>>;

// Sets format, minimum level and sink (default: text, info, std::cerr). The sink must outlive use.
void configure_logging(LogFormat format, LogLevel level, std::ostream* sink = nullptr);
// Parses "debug|info|warn|error" and "json|text"; false when unknown.
bool parse_log_level(std::string_view s, LogLevel* out);
bool parse_log_format(std::string_view s, LogFormat* out);

bool log_enabled(LogLevel level);
void log(LogLevel level, std::string_view msg, const LogFields& fields = {});
inline void log_debug(std::string_view m, const LogFields& f = {}) { log(LogLevel::kDebug, m, f); }
inline void log_info(std::string_view m, const LogFields& f = {}) { log(LogLevel::kInfo, m, f); }
inline void log_warn(std::string_view m, const LogFields& f = {}) { log(LogLevel::kWarn, m, f); }
inline void log_error(std::string_view m, const LogFields& f = {}) { log(LogLevel::kError, m, f); }

}  // namespace shepherd::runtime
