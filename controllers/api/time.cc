// Go duration and RFC 3339 timestamp conversions (see time.h).
#include "controllers/api/time.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "base/time.h"

namespace shepherd::controllers::api {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return Duration{0};
  // Nanoseconds in long double keep "1.5h" and "0.001s" exact enough; cap at ~290 years.
  long double total_ns = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    long double whole = 0;
    bool any = false;
    while (pos < text.size() && is_digit(text[pos])) {
      whole = whole * 10 + (text[pos] - '0');
      ++pos;
      any = true;
    }
    long double frac = 0;
    long double scale = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) {
        scale /= 10;
        frac += (text[pos] - '0') * scale;
        ++pos;
        any = true;
      }
    }
    if (!any) return std::nullopt;
    const std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos]) && text[pos] != '.') ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    long double ns_per_unit = 0;
    if (unit == "ns")
      ns_per_unit = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      ns_per_unit = 1e3L;
    else if (unit == "ms")
      ns_per_unit = 1e6L;
    else if (unit == "s")
      ns_per_unit = 1e9L;
    else if (unit == "m")
      ns_per_unit = 60e9L;
    else if (unit == "h")
      ns_per_unit = 3600e9L;
    else
      return std::nullopt;
    total_ns += (whole + frac) * ns_per_unit;
    if (total_ns > 9.2e18L) return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(total_ns / 1e6L)};
}

std::string format_duration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  const std::int64_t h = ms / 3'600'000;
  ms %= 3'600'000;
  const std::int64_t m = ms / 60'000;
  ms %= 60'000;
  const std::int64_t s = ms / 1000;
  ms %= 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0 || ms > 0) {
    out += std::to_string(s);
    if (ms > 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
      std::string frac = buf;
      while (frac.back() == '0') frac.pop_back();
      out += frac;
    }
    out += "s";
  }
  return out;
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  const auto t = base::parse_rfc3339(text);
  if (!t) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*t);
}

std::string format_rfc3339(Timestamp t) { return base::format_rfc3339(t); }

}  // namespace shepherd::controllers::api
