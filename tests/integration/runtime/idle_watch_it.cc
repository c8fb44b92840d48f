// A watch that stays quiet for more than 5 minutes must not be killed by the client (cpprestsdk's
// default 30 s timeout would): it lasts until the server's timeoutSeconds and still delivers an
// event that arrives after 5 idle minutes. Takes ~6 minutes; label `soak`.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/integration/runtime/helpers.h"

namespace shepherd::runtime {
namespace {
using namespace std::chrono_literals;
using shepherd::testing::ClusterTest;

class IdleWatchIT : public ClusterTest {};

TEST_F(IdleWatchIT, QuietWatchSurvivesFiveMinutes) {
  auto c = it::make_client();
  ASSERT_TRUE(c);
  auto list = c->list(resources::kConfigMaps, ns());
  ASSERT_TRUE(list.ok());
  WatchOptions wo;
  wo.resource_version = list.value()["metadata"]["resourceVersion"];
  wo.timeout_seconds = 340;
  wo.allow_bookmarks = false;  // nothing at all on the wire while idle
  wo.field_selector = "metadata.name=late";
  std::atomic<bool> got_late{false};
  std::jthread writer([&](std::stop_token st) {
    const auto until = std::chrono::steady_clock::now() + 310s;
    while (!st.stop_requested() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1s);
    if (!st.stop_requested()) c->create(resources::kConfigMaps, ns(), it::config_map(ns(), "late"));
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c->watch(resources::kConfigMaps, ns(), wo,
                    [&](const WatchEvent& ev) {
                      if (ev.type == WatchEvent::Type::kAdded) got_late = true;
                      return true;
                    },
                    {});
  const auto lasted = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(got_late.load()) << "the event after 310 s of silence was delivered";
  EXPECT_GE(lasted, 335s) << "the watch ended by the server's timeoutSeconds, not earlier";
}

}  // namespace
}  // namespace shepherd::runtime
