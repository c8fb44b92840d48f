// merge_patch_diff: the patch, applied with RFC 7386 semantics (nlohmann's merge_patch), gives
// the target, and carries only what changed.
#include "runtime/merge_patch.h"

#include <gtest/gtest.h>

namespace shepherd::runtime {
namespace {
using nlohmann::json;

json applied(json from, const json& patch) {
  from.merge_patch(patch);
  return from;
}

TEST(MergePatch, CarriesOnlyWhatChanged) {
  json from = {{"phase", "Progressing"},
               {"totals", {{"succeeded", 10}, {"failed", 0}, {"pending", 90}}},
               {"waves", json::array({{{"index", 0}, {"state", "Running"}}})},
               {"message", "wave 1 of 3"}};
  json to = from;
  to["totals"]["succeeded"] = 11;
  to["totals"]["pending"] = 89;
  to.erase("message");
  to["waves"][0]["state"] = "Done";
  json patch = merge_patch_diff(from, to);
  EXPECT_EQ(patch, (json{{"totals", {{"succeeded", 11}, {"pending", 89}}},
                         {"waves", json::array({{{"index", 0}, {"state", "Done"}}})},  // arrays are replaced
                         {"message", nullptr}}));
  EXPECT_EQ(applied(from, patch), to);
}

TEST(MergePatch, EqualDocumentsGiveAnEmptyPatch) {
  json doc = {{"a", {{"b", 1}}}, {"c", json::array({1, 2})}};
  EXPECT_EQ(merge_patch_diff(doc, doc), json::object());
}

TEST(MergePatch, TypeChangesAndNonObjectsReplace) {
  json from = {{"a", {{"b", 1}}}, {"x", 1}};
  json to = {{"a", "now a string"}, {"x", {{"y", true}}}, {"new", {{"k", "v"}}}};
  json patch = merge_patch_diff(from, to);
  EXPECT_EQ(applied(from, patch), to);
  EXPECT_EQ(merge_patch_diff(json::array({1}), json::array({2})), json::array({2}));
  EXPECT_EQ(merge_patch_diff(json::object(), json{{"a", 1}}), (json{{"a", 1}}));
}

}  // namespace
}  // namespace shepherd::runtime
