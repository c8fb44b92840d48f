// base/time.h: the one RFC 3339 parser and formatter (Lease MicroTime, Event timestamps, API times).
#include "base/time.h"

#include <gtest/gtest.h>

namespace shepherd::base {
namespace {
using namespace std::chrono;

TEST(Rfc3339, FormatsMicroAndSeconds) {
  const system_clock::time_point t = system_clock::time_point(seconds(1700000000)) + microseconds(42);
  EXPECT_EQ(format_rfc3339_micro(t), "2023-11-14T22:13:20.000042Z");
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339, RoundTripsAndHonoursOffsets) {
  const system_clock::time_point t = system_clock::time_point(seconds(1700000000)) + microseconds(123456);
  EXPECT_EQ(parse_rfc3339(format_rfc3339_micro(t)), t);
  EXPECT_EQ(parse_rfc3339("2023-11-14T23:13:20+01:00"), system_clock::time_point(seconds(1700000000)));
  EXPECT_EQ(parse_rfc3339("2023-11-14T21:13:20-01:00"), system_clock::time_point(seconds(1700000000)));
  EXPECT_EQ(parse_rfc3339("2023-11-14t22:13:20z"), system_clock::time_point(seconds(1700000000)));
  // Digits past microseconds are dropped, not rounded.
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20.123456789Z"),
            system_clock::time_point(seconds(1700000000)) + microseconds(123456));
}

TEST(Rfc3339, RejectsWhatIsNotATimestamp) {
  for (const char* bad : {"", "garbage", "2024-05-01", "2024-05-01T12:34:56", "2023-11-14 22:13:20Z",
                          "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-05-01T25:00:00Z",
                          "2024-05-01T12:34:56Zjunk", "2024-05-01T12:34:56.Z", "2024-5-01T12:34:56Z",
                          "+024-05-01T12:34:56Z", "2024-05-01T12:34:56+2:00", "2024-05-01T12:34:56+24:00"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

}  // namespace
}  // namespace shepherd::base
