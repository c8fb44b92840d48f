// Implementation of time.h: a hand-written scanner (sscanf accepts too much: signs, spaces, one
// digit where two are required) and std::chrono's calendar for the range checks.
#include "base/time.h"

#include <cstdio>

namespace shepherd::base {
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

std::string format(std::chrono::system_clock::time_point t, bool micro) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto days = floor<std::chrono::days>(us);
  const year_month_day ymd{days};
  const hh_mm_ss hms{us - days};
  char buf[40];
  if (micro) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  }
  return buf;
}

}  // namespace

std::string format_rfc3339(std::chrono::system_clock::time_point t) { return format(t, false); }
std::string format_rfc3339_micro(std::chrono::system_clock::time_point t) { return format(t, true); }

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
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
  long micros = 0;
  if (expect(text, pos, '.')) {
    std::size_t digits = 0;
    long scale = 100000;
    while (pos < text.size() && is_digit(text[pos])) {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
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
  const year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                           std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return system_clock::time_point{sys_days{ymd}} + hours{*hour} + minutes{*minute} + seconds{*second} +
         microseconds{micros} - minutes{offset_minutes};
}

}  // namespace shepherd::base
