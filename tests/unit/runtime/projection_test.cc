// Typed projections: a codec's values go into the store as bytes and come back typed.
#include "runtime/projection.h"

#include <gtest/gtest.h>

namespace shepherd::runtime {
namespace {
using nlohmann::json;

// A test codec: an object's name and its "app" label, encoded as "A" name '\n' app.
struct AppCodec {
  struct Value {
    std::string name;
    std::string app;
    bool operator==(const Value&) const = default;
  };
  static std::optional<Value> project(const json& object) {
    const json& labels = object["metadata"]["labels"];
    if (!labels.contains("app")) return std::nullopt;  // unreadable for this codec
    return Value{object["metadata"].value("name", ""), labels.value("app", "")};
  }
  static std::string encode(const Value& v) { return "A" + v.name + "\n" + v.app; }
  static std::optional<Value> decode(std::string_view bytes) {
    const auto nl = bytes.find('\n');
    if (bytes.empty() || bytes[0] != 'A' || nl == std::string_view::npos) return std::nullopt;
    return Value{std::string(bytes.substr(1, nl - 1)), std::string(bytes.substr(nl + 1))};
  }
};
static_assert(ProjectionCodec<AppCodec>);

ObjectPtr obj(const std::string& name, json labels) {
  return make_cached(
      {{"metadata",
        {{"name", name}, {"namespace", "n"}, {"labels", labels}, {"ownerReferences", {{{"uid", "u"}}}}}}});
}

TEST(Projection, ValuesComeBackTypedInKeyOrder) {
  StoreOptions o;
  o.compact = true;
  o.projection = projection_of<AppCodec>();
  Store s(o);
  s.upsert(obj("b", {{"app", "y"}}));
  s.upsert(obj("a", {{"app", "x"}}));
  s.upsert(obj("c", json::object()));  // cannot be projected
  const auto values = by_index_as<AppCodec>(s, kOwnerIndex, "u");
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0], (AppCodec::Value{"a", "x"}));
  EXPECT_EQ(values[1], (AppCodec::Value{"b", "y"}));
  EXPECT_EQ(values[2], std::nullopt);
  EXPECT_EQ(s.get_projected("n/a"), "Aa\nx");
  EXPECT_EQ(list_as<AppCodec>(s).size(), 3u);
  s.upsert(obj("a", {{"app", "z"}}));  // the projection follows the object
  EXPECT_EQ(by_index_as<AppCodec>(s, kOwnerIndex, "u")[0], (AppCodec::Value{"a", "z"}));
}

TEST(Projection, DecodeRejectsWhatIsNotTheCodecs) {
  const struct {
    std::string bytes;
    std::optional<AppCodec::Value> want;
  } rows[] = {
      {"", std::nullopt},  // not projected
      {"Aa\nx", AppCodec::Value{"a", "x"}},
      {"Ba\nx", std::nullopt},
      {"Aax", std::nullopt},
  };
  for (const auto& r : rows) EXPECT_EQ(decode_projection<AppCodec>(r.bytes), r.want) << r.bytes;
}

}  // namespace
}  // namespace shepherd::runtime
