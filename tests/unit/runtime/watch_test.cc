// Watch stream line reassembly across arbitrary chunk boundaries and event decoding.
#include "operator/runtime/watch.h"

#include <gtest/gtest.h>

#include <random>

namespace shepherd::runtime {
namespace {

std::vector<std::string> split_all(const std::vector<std::string>& chunks) {
  LineSplitter s;
  std::vector<std::string> lines;
  for (const auto& c : chunks) {
    s.feed(c, [&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    });
  }
  return lines;
}

TEST(LineSplitter, JoinsLinesSplitAcrossChunks) {
  EXPECT_EQ(split_all({"{\"a\":", "1}\n{\"b\"", ":2}\n"}),
            (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
  EXPECT_EQ(split_all({"x\r\n\n", "y", "", "\n", "partial"}), (std::vector<std::string>{"x", "y"}));
}

TEST(LineSplitter, AnySplitGivesTheSameLines) {
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    expected.push_back(R"({"type":"ADDED","object":{"n":)" + std::to_string(i * 7919) + "}}");
    stream += expected.back() + "\n";
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::string> chunks;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t n = std::uniform_int_distribution<size_t>(1, 40)(rng);
      chunks.push_back(stream.substr(pos, n));
      pos += n;
    }
    ASSERT_EQ(split_all(chunks), expected) << "trial " << trial;
  }
}

TEST(LineSplitter, StopsWhenHandlerSaysSo) {
  LineSplitter s;
  int seen = 0;
  EXPECT_FALSE(s.feed("a\nb\nc\n", [&](std::string_view) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

TEST(WatchEvent, Decodes) {
  auto ev = parse_watch_event(R"({"type":"MODIFIED","object":{"kind":"ConfigMap"}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, WatchEvent::Type::kModified);
  EXPECT_EQ(ev->object["kind"], "ConfigMap");
  auto err = parse_watch_event(
      R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}})");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->type, WatchEvent::Type::kError);
  EXPECT_TRUE(parse_watch_event(R"({"type":"BOOKMARK","object":{}})"));
  EXPECT_FALSE(parse_watch_event(R"({"type":"WHAT","object":{}})"));
  EXPECT_FALSE(parse_watch_event(R"({"type":"ADDED"})"));
  EXPECT_FALSE(parse_watch_event("{not json"));
}

// metadata.managedFields never reaches the informer; a field of that name elsewhere does.
TEST(WatchEvent, SkipsManagedFieldsWhileParsing) {
  auto ev = parse_watch_event(
      R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","managedFields":[{"manager":"kubectl"}],)"
      R"("labels":{"managedFields":"kept"}},"data":{"managedFields":"kept too"}}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->object["metadata"], (nlohmann::json{{"name", "a"}, {"labels", {{"managedFields", "kept"}}}}));
  EXPECT_EQ(ev->object["data"]["managedFields"], "kept too");
}

}  // namespace
}  // namespace shepherd::runtime
