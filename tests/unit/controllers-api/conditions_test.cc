// kstatus conditions: lastTransitionTime moves only when the status changes.
#include "controllers/api/conditions.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

const Timestamp t0{std::chrono::seconds{1000}};
const Timestamp t1{std::chrono::seconds{2000}};

TEST(Conditions, KeepsTransitionTimeWhenStatusUnchanged) {
  std::vector<Condition> cs;
  EXPECT_TRUE(set_condition(cs, {"Ready", kFalse, 1, {}, "Progressing", "1/3"}, t0));
  EXPECT_EQ(cs[0].lastTransitionTime, t0);
  EXPECT_TRUE(set_condition(cs, {"Ready", kFalse, 1, {}, "Progressing", "2/3"}, t1));  // message only
  EXPECT_EQ(cs[0].lastTransitionTime, t0);
  EXPECT_EQ(cs[0].message, "2/3");
  EXPECT_FALSE(set_condition(cs, {"Ready", kFalse, 1, {}, "Progressing", "2/3"}, t1));  // nothing
  EXPECT_TRUE(set_condition(cs, {"Ready", kTrue, 1, {}, "Succeeded", "3/3"}, t1));
  EXPECT_EQ(cs[0].lastTransitionTime, t1);
  EXPECT_EQ(cs.size(), 1u);
}

TEST(Conditions, KStatusTriplesAreConsistent) {
  std::vector<Condition> cs;
  set_kstatus(cs, KStatus::Reconciling, "Progressing", "m", 4, t0);
  EXPECT_TRUE(is_condition_true(cs, kConditionReconciling));
  EXPECT_FALSE(is_condition_true(cs, kConditionReady));
  EXPECT_FALSE(is_condition_true(cs, kConditionStalled));
  EXPECT_EQ(find_condition(cs, kConditionReady)->observedGeneration, 4);
  set_kstatus(cs, KStatus::Stalled, "InvalidSpec", "m", 4, t1);
  EXPECT_TRUE(is_condition_true(cs, kConditionStalled));
  EXPECT_FALSE(is_condition_true(cs, kConditionReconciling));
  EXPECT_EQ(find_condition(cs, kConditionReady)->lastTransitionTime, t0);  // stayed False
  EXPECT_EQ(find_condition(cs, kConditionStalled)->lastTransitionTime, t1);
  set_kstatus(cs, KStatus::Ready, "Succeeded", "m", 4, t1);
  EXPECT_TRUE(is_condition_true(cs, kConditionReady));
  EXPECT_EQ(cs.size(), 3u);
  EXPECT_EQ(find_condition(cs, "Nope"), nullptr);
  EXPECT_FALSE(set_kstatus(cs, KStatus::Ready, "Succeeded", "m", 4, t1));
}

}  // namespace
}  // namespace shepherd::controllers::api
