// Store: keys, indexes kept in step through updates/removes/replace, stripping on cache.
#include "runtime/store.h"

#include <gtest/gtest.h>

namespace shepherd::runtime {
namespace {
using nlohmann::json;

ObjectPtr obj(const std::string& ns, const std::string& name, json labels = json::object(),
              const std::string& owner_uid = "") {
  json o = {{"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}}};
  if (!owner_uid.empty()) o["metadata"]["ownerReferences"] = json::array({{{"uid", owner_uid}}});
  return make_cached(o);
}

std::set<std::string> keys_of(const std::vector<ObjectPtr>& v) {
  std::set<std::string> out;
  for (const auto& o : v) out.insert(object_key(*o));
  return out;
}

TEST(Store, KeysAndSplit) {
  EXPECT_EQ(object_key(json{{"metadata", {{"name", "a"}, {"namespace", "n"}}}}), "n/a");
  EXPECT_EQ(object_key(json{{"metadata", {{"name", "node1"}}}}), "node1");
  EXPECT_EQ(split_key("n/a"), (std::pair<std::string, std::string>{"n", "a"}));
  EXPECT_EQ(split_key("a"), (std::pair<std::string, std::string>{"", "a"}));
}

TEST(Store, IndexesFollowUpdatesAndRemoves) {
  Store s;
  s.upsert(obj("n1", "a", {{"app", "x"}}, "u1"));
  s.upsert(obj("n1", "b", {{"app", "y"}}, "u1"));
  s.upsert(obj("n2", "c", {{"app", "x"}}));
  EXPECT_EQ(keys_of(s.by_index(kNamespaceIndex, "n1")), (std::set<std::string>{"n1/a", "n1/b"}));
  EXPECT_EQ(keys_of(s.by_index(kOwnerIndex, "u1")), (std::set<std::string>{"n1/a", "n1/b"}));
  EXPECT_EQ(keys_of(s.by_index(kLabelIndex, "app=x")), (std::set<std::string>{"n1/a", "n2/c"}));
  // Relabel a: it leaves app=x and joins app=y.
  auto old = s.upsert(obj("n1", "a", {{"app", "y"}}));
  ASSERT_TRUE(old);
  EXPECT_EQ(keys_of(s.by_index(kLabelIndex, "app=x")), (std::set<std::string>{"n2/c"}));
  EXPECT_EQ(keys_of(s.by_index(kLabelIndex, "app=y")), (std::set<std::string>{"n1/a", "n1/b"}));
  EXPECT_EQ(keys_of(s.by_index(kOwnerIndex, "u1")), (std::set<std::string>{"n1/b"}));
  EXPECT_TRUE(s.remove("n1/b"));
  EXPECT_FALSE(s.remove("n1/b"));
  EXPECT_TRUE(s.by_index(kOwnerIndex, "u1").empty());
  EXPECT_EQ(s.size(), 2u);
}

TEST(Store, ReplaceReturnsDroppedAndReindexes) {
  Store s;
  s.upsert(obj("n", "a"));
  s.upsert(obj("n", "b"));
  auto dropped = s.replace({obj("n", "b"), obj("n", "c", {{"k", "v"}})});
  EXPECT_EQ(keys_of(dropped), (std::set<std::string>{"n/a"}));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(keys_of(s.by_index(kLabelIndex, "k=v")), (std::set<std::string>{"n/c"}));
  EXPECT_EQ(keys_of(s.by_index(kNamespaceIndex, "n")), (std::set<std::string>{"n/b", "n/c"}));
}

// The same index bookkeeping with objects kept as MessagePack, a projection beside them and a
// chosen set of indexes.
TEST(Store, CompactStoreKeepsObjectsProjectionsAndIndexes) {
  StoreOptions o;
  o.compact = true;
  o.projection = [](const json& obj) {
    return obj["metadata"].value("name", "") + "|" + obj["metadata"]["labels"].value("app", "");
  };
  o.indexes =
      std::map<std::string, IndexFunc>{{kOwnerIndex, index_by_owner_uid()}, {"app", index_by_label("app")}};
  Store s(o);
  EXPECT_TRUE(s.compact());
  auto a = obj("n1", "a", {{"app", "x"}}, "u1");
  s.upsert(a);
  s.upsert(obj("n1", "c", {{"app", "y"}}, "u1"));
  s.upsert(obj("n1", "b", {{"app", "x"}}, "u1"));
  // Reads decode the whole object, equal to what went in.
  ASSERT_TRUE(s.get("n1/a"));
  EXPECT_EQ(*s.get("n1/a"), *a);
  // by_index is sorted by key, whatever the insertion order.
  std::vector<std::string> names;
  for (const auto& p : s.by_index(kOwnerIndex, "u1")) names.push_back(object_key(*p));
  EXPECT_EQ(names, (std::vector<std::string>{"n1/a", "n1/b", "n1/c"}));
  EXPECT_EQ(keys_of(s.by_index("app", "x")), (std::set<std::string>{"n1/a", "n1/b"}));
  // Only the chosen indexes exist.
  EXPECT_TRUE(s.by_index(kNamespaceIndex, "n1").empty());
  EXPECT_TRUE(s.by_index(kLabelIndex, "app=x").empty());
  // Projections: read without decoding, following updates.
  auto projected = s.by_index_projected(kOwnerIndex, "u1");
  ASSERT_EQ(projected.size(), 3u);
  EXPECT_EQ(projected, (std::vector<std::string>{"a|x", "b|x", "c|y"}));  // sorted by key
  auto old = s.upsert(obj("n1", "a", {{"app", "z"}}, "u1"));
  ASSERT_TRUE(old);
  EXPECT_EQ(*old, *a);  // the replaced object comes back decoded
  EXPECT_EQ(s.get_projected("n1/a"), "a|z");
  EXPECT_EQ(s.get_projected("n1/none"), std::nullopt);
  EXPECT_EQ(keys_of(s.by_index("app", "x")), (std::set<std::string>{"n1/b"}));
  EXPECT_EQ(s.list_projected().size(), 3u);
  auto removed = s.remove("n1/b");
  ASSERT_TRUE(removed);
  EXPECT_EQ(object_key(*removed), "n1/b");
  EXPECT_TRUE(s.by_index("app", "x").empty());
  EXPECT_EQ(keys_of(s.list()), (std::set<std::string>{"n1/a", "n1/c"}));
  // replace() rebuilds entries, projections and indexes.
  auto dropped = s.replace({obj("n1", "c", {{"app", "x"}}, "u2")});
  EXPECT_EQ(keys_of(dropped), (std::set<std::string>{"n1/a"}));
  EXPECT_EQ(keys_of(s.by_index(kOwnerIndex, "u2")), (std::set<std::string>{"n1/c"}));
  EXPECT_TRUE(s.by_index(kOwnerIndex, "u1").empty());
  EXPECT_EQ(s.get_projected("n1/c"), "c|x");
}

// Without a projection, the projected reads have nothing to give: one empty encoding per object.
TEST(Store, ProjectedReadsWithoutProjectionAreEmpty) {
  Store s;
  s.upsert(obj("n", "a", {{"k", "v"}}, "u"));
  EXPECT_EQ(s.get_projected("n/a"), "");
  EXPECT_EQ(s.by_index_projected(kOwnerIndex, "u"), (std::vector<std::string>{""}));
  EXPECT_EQ(s.list_projected(), (std::vector<std::string>{""}));
}

TEST(Store, CustomIndex) {
  Store s;
  s.add_index("phase", [](const json& o) {
    return std::vector<std::string>{o.value("status", json::object()).value("phase", "")};
  });
  json o = {{"metadata", {{"name", "a"}, {"namespace", "n"}}}, {"status", {{"phase", "Running"}}}};
  s.upsert(make_cached(o));
  EXPECT_EQ(s.by_index("phase", "Running").size(), 1u);
}

TEST(Store, MakeCachedStripsManagedFieldsAndLastApplied) {
  json o = {{"metadata",
             {{"name", "a"},
              {"managedFields", json::array({{{"manager", "kubectl"}}})},
              {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{...}"}}}}}};
  auto c = make_cached(o);
  EXPECT_FALSE(c->at("metadata").contains("managedFields"));
  EXPECT_FALSE(c->at("metadata").contains("annotations"));
  json keep = {{"metadata", {{"name", "a"}, {"annotations", {{"x", "y"}}}}}};
  EXPECT_EQ(make_cached(keep)->at("metadata").at("annotations").at("x"), "y");
}

}  // namespace
}  // namespace shepherd::runtime
