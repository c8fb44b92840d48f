// Go duration and RFC 3339 timestamp conversions (see time.h).
#include "controllers/api/time.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace shepherd::controllers::api {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at text[pos..]; advances pos.
std::optional<int> read_fixed(std::string_view text, std::size_t& pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

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
  std::size_t pos = 0;
  const auto year = read_fixed(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = read_fixed(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = read_fixed(text, pos, 2);
  if (!day) return std::nullopt;
  if (!expect(text, pos, 'T') && !expect(text, pos, 't')) return std::nullopt;
  const auto hour = read_fixed(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = read_fixed(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  const auto second = read_fixed(text, pos, 2);
  if (!second) return std::nullopt;
  if (expect(text, pos, '.')) {
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto oh = read_fixed(text, pos, 2);
    if (!oh || !expect(text, pos, ':')) return std::nullopt;
    const auto om = read_fixed(text, pos, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  const auto days = std::chrono::sys_days{ymd};
  return Timestamp{days} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{*second} - std::chrono::minutes{offset_minutes};
}

std::string format_rfc3339(Timestamp t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace shepherd::controllers::api
