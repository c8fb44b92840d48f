// The real steady clock and the fake clock used by tests.
#include "runtime/clock.h"

namespace shepherd::runtime {
namespace {
class SteadyClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};
}  // namespace

std::shared_ptr<const Clock> real_clock() {
  static const auto clock = std::make_shared<const SteadyClock>();
  return clock;
}

TimePoint FakeClock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

void FakeClock::advance(Duration d) {
  std::lock_guard lock(mu_);
  now_ += d;
}

}  // namespace shepherd::runtime
