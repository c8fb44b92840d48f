// Watch stream line reassembly across arbitrary chunk boundaries and event decoding.
#include "runtime/watch.h"

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

// A list answer whose strings hold every character the scanner must not take for structure.
const char* kTrickyList =
    R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"x}]{[\""},)"
    R"("items":[{"metadata":{"name":"a","annotations":{"note":"} ] { [ \" \\ \u00e9 items"}},"items":[{"x":1}]},)"
    R"({"metadata":{"name":"b"},"status":{"message":"\\"}},)"
    R"({"metadata":{"name":"c"},"spec":{"list":[[],[{}],"]"]}}],"extra":{"items":[{"not":"an item"}]}})";

struct Split {
  std::vector<nlohmann::json> items;
  nlohmann::json metadata;
  bool complete = false;
};

Split split_list(const std::string& body, size_t chunk_size) {
  ListSplitter splitter;
  Split out;
  for (size_t i = 0; i < body.size(); i += chunk_size) {
    splitter.feed(
        std::string_view(body).substr(i, chunk_size),
        [&](std::string_view item) {
          out.items.push_back(nlohmann::json::parse(item));
          return true;
        },
        [&](std::string_view meta) { out.metadata = nlohmann::json::parse(meta); });
  }
  out.complete = splitter.complete();
  return out;
}

TEST(ListSplitter, AnyChunkingGivesTheItemsAndMetadata) {
  const std::string body = kTrickyList;
  const auto whole = nlohmann::json::parse(body);
  for (size_t chunk = 1; chunk <= body.size(); ++chunk) {
    const Split s = split_list(body, chunk);
    ASSERT_EQ(s.items.size(), 3u) << "chunk size " << chunk;
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(s.items[i], whole["items"][i]) << "chunk size " << chunk;
    EXPECT_EQ(s.metadata, whole["metadata"]) << "chunk size " << chunk;
    EXPECT_TRUE(s.complete);
  }
}

TEST(ListSplitter, IncompleteAnswerIsNotComplete) {
  const std::string body = kTrickyList;
  const Split s = split_list(body.substr(0, body.size() - 1), 64);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.items.size(), 3u);
}

TEST(ListSplitter, StopsWhenTheHandlerSaysSo) {
  ListSplitter splitter;
  int items = 0;
  EXPECT_FALSE(splitter.feed(
      kTrickyList, [&](std::string_view) { return ++items < 2; }, [](std::string_view) {}));
  EXPECT_EQ(items, 2);
}

// skip_fields: the object's top-level fields named are never parsed; nested fields of the same
// name, and the event's own keys, are kept.
TEST(WatchEvent, SkipsTheNamedTopLevelFieldsOfTheObject) {
  const std::string line =
      R"({"type":"MODIFIED","object":{"metadata":{"name":"p","managedFields":[{}]},)"
      R"("spec":{"consumers":[{"name":"a"}]},"status":{"spec":"kept","phase":"Progressing"}}})";
  auto ev = parse_watch_event(line, {"spec"});
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, WatchEvent::Type::kModified);
  EXPECT_FALSE(ev->object.contains("spec"));
  EXPECT_FALSE(ev->object["metadata"].contains("managedFields"));
  EXPECT_EQ(ev->object["metadata"]["name"], "p");
  EXPECT_EQ(ev->object["status"]["spec"], "kept");
  EXPECT_EQ(ev->object["status"]["phase"], "Progressing");
  auto whole = parse_watch_event(line);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->object["spec"]["consumers"][0]["name"], "a");
  auto item = parse_object_without_managed_fields(
      R"({"metadata":{"name":"p"},"spec":{"x":1},"status":{"spec":2}})", {"spec"});
  EXPECT_FALSE(item.contains("spec"));
  EXPECT_EQ(item["status"]["spec"], 2);
}

TEST(ParseObjectWithoutManagedFields, SkipsOnlyMetadataManagedFields) {
  auto j = parse_object_without_managed_fields(
      R"({"metadata":{"name":"a","managedFields":[{"manager":"m"}]},"spec":{"managedFields":1}})");
  ASSERT_TRUE(j.is_object());
  EXPECT_FALSE(j["metadata"].contains("managedFields"));
  EXPECT_EQ(j["metadata"]["name"], "a");
  EXPECT_EQ(j["spec"]["managedFields"], 1);
  EXPECT_TRUE(parse_object_without_managed_fields("[1,2]").is_null());
  EXPECT_TRUE(parse_object_without_managed_fields("{").is_null());
}

}  // namespace
}  // namespace shepherd::runtime
