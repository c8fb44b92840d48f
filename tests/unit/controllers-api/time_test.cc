// Go durations and RFC 3339 timestamps.
#include "controllers/api/time.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Duration, ParsesGoStrings) {
  struct Row {
    const char* in;
    std::optional<Duration> want;
  };
  const Row rows[] = {
      {"0", Duration{0}},           {"0s", Duration{0}},    {"30s", seconds{30}},
      {"10m", minutes{10}},         {"1h30m", minutes{90}}, {"1h30m15s", seconds{5415}},
      {"250ms", milliseconds{250}}, {"1.5h", minutes{90}},  {"2m0s", minutes{2}},
      {"1000us", milliseconds{1}},  {"", std::nullopt},     {"30", std::nullopt},
      {"s", std::nullopt},          {"-5s", std::nullopt},  {"5d", std::nullopt},
      {"1h 30m", std::nullopt},     {"abc", std::nullopt},  {".s", std::nullopt},
  };
  for (const auto& r : rows) EXPECT_EQ(parse_duration(r.in), r.want) << r.in;
}

TEST(Duration, FormatsAndRoundTrips) {
  EXPECT_EQ(format_duration(Duration{0}), "0s");
  EXPECT_EQ(format_duration(seconds{30}), "30s");
  EXPECT_EQ(format_duration(minutes{10}), "10m");
  EXPECT_EQ(format_duration(minutes{90}), "1h30m");
  EXPECT_EQ(format_duration(milliseconds{1500}), "1.5s");
  EXPECT_EQ(format_duration(milliseconds{250}), "250ms");
  for (std::int64_t ms : {0, 1, 999, 1000, 61'000, 3'600'000, 5'415'250, 86'400'000})
    EXPECT_EQ(parse_duration(format_duration(milliseconds{ms})), milliseconds{ms}) << ms;
}

TEST(Rfc3339, ParsesAndFormats) {
  const auto t = parse_rfc3339("2024-05-01T12:34:56Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2024-05-01T12:34:56Z");
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:34:56+02:00"), t);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:34:56.123456Z"), t);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z")->time_since_epoch().count(), 0);
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:34:56", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
        "2024-05-01T25:00:00Z", "2024-05-01T12:34:56Zjunk", "2024-05-01T12:34:56.Z", "yesterday"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

}  // namespace
}  // namespace shepherd::controllers::api
