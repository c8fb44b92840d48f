// RFC 3339 formatting and parsing (Lease MicroTime, Event timestamps).
#include "runtime/time_format.h"

#include <gtest/gtest.h>

namespace shepherd::runtime {
namespace {
using namespace std::chrono;

TEST(TimeFormat, FormatsMicroAndSeconds) {
  const system_clock::time_point t = system_clock::time_point(seconds(1700000000)) + microseconds(42);
  EXPECT_EQ(format_rfc3339_micro(t), "2023-11-14T22:13:20.000042Z");
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20Z");
}

TEST(TimeFormat, ParsesRoundTripAndOffsets) {
  const system_clock::time_point t = system_clock::time_point(seconds(1700000000)) + microseconds(123456);
  EXPECT_EQ(parse_rfc3339(format_rfc3339_micro(t)), t);
  EXPECT_EQ(parse_rfc3339("2023-11-14T23:13:20+01:00"), system_clock::time_point(seconds(1700000000)));
  EXPECT_FALSE(parse_rfc3339("2023-11-14 22:13:20Z"));
  EXPECT_FALSE(parse_rfc3339("2023-11-14T22:13:20"));
  EXPECT_FALSE(parse_rfc3339("garbage"));
}

}  // namespace
}  // namespace shepherd::runtime
