// Tests of percent-encoding and the instant-query request target.
#include "controllers/health/query_url.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::health {
namespace {

TEST(PercentEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a+b c&d=e"), "a%2Bb%20c%26d%3De");
  EXPECT_EQ(percent_encode(R"(x{a="b"}[5m]/)"), "x%7Ba%3D%22b%22%7D%5B5m%5D%2F");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(InstantQueryTarget, AddsServerTimeoutInWholeSeconds) {
  EXPECT_EQ(instant_query_target("up", std::chrono::milliseconds(10500)),
            "/api/v1/query?query=up&timeout=10s");
  EXPECT_EQ(instant_query_target("1 + 1", std::chrono::milliseconds(999)), "/api/v1/query?query=1%20%2B%201");
}

}  // namespace
}  // namespace shepherd::controllers::health
