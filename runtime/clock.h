// A monotonic clock behind an interface, so that queues, rate limiters and backoff can be tested
// with a fake clock that moves only when the test says so.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace shepherd::runtime {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The process-wide steady clock.
std::shared_ptr<const Clock> real_clock();

// A clock for tests: starts at an arbitrary point and moves only by advance().
class FakeClock : public Clock {
 public:
  TimePoint now() const override;
  void advance(Duration d);

 private:
  mutable std::mutex mu_;
  TimePoint now_{std::chrono::hours(1000)};
};

}  // namespace shepherd::runtime
