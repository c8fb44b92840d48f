// Logger: JSON and text lines, levels, and redaction of secret-looking fields.
#include "runtime/log.h"

#include <gtest/gtest.h>

#include <sstream>

namespace shepherd::runtime {
namespace {

TEST(Log, JsonLinesWithRedaction) {
  std::ostringstream out;
  configure_logging(LogFormat::kJson, LogLevel::kInfo, &out);
  log_debug("hidden");
  log_info("hello", {{"object", "ns/a"}, {"bearerToken", "s3cr3t"}, {"count", 3}});
  configure_logging(LogFormat::kText, LogLevel::kInfo, nullptr);
  const std::string s = out.str();
  EXPECT_EQ(s.find("hidden"), std::string::npos);
  EXPECT_EQ(s.find("s3cr3t"), std::string::npos);
  auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["msg"], "hello");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["object"], "ns/a");
  EXPECT_EQ(j["count"], 3);
  EXPECT_EQ(j["bearerToken"], "<redacted>");
}

TEST(Log, TextLines) {
  std::ostringstream out;
  configure_logging(LogFormat::kText, LogLevel::kWarn, &out);
  log_info("skipped");
  log_warn("careful", {{"key", "a b"}, {"password", "pw"}});
  configure_logging(LogFormat::kText, LogLevel::kInfo, nullptr);
  const std::string s = out.str();
  EXPECT_EQ(s.find("skipped"), std::string::npos);
  EXPECT_NE(s.find("warn careful key=\"a b\" password=<redacted>"), std::string::npos) << s;
}

TEST(Log, ParsesFlags) {
  LogLevel l;
  LogFormat f;
  EXPECT_TRUE(parse_log_level("debug", &l));
  EXPECT_EQ(l, LogLevel::kDebug);
  EXPECT_FALSE(parse_log_level("loud", &l));
  EXPECT_TRUE(parse_log_format("json", &f));
  EXPECT_EQ(f, LogFormat::kJson);
  EXPECT_FALSE(parse_log_format("xml", &f));
}

}  // namespace
}  // namespace shepherd::runtime
