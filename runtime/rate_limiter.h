// A token bucket (qps tokens per second, up to `burst` saved). reserve() takes a token now and says
// how long the caller must wait before using it, so callers can sleep or schedule a delayed add;
// the bucket may go into debt, which keeps the long-run rate at qps however many callers there are.
#pragma once

#include <memory>
#include <mutex>

#include "runtime/clock.h"

namespace shepherd::runtime {

class TokenBucket {
 public:
  // qps <= 0 disables limiting (reserve() always returns zero).
  TokenBucket(double qps, int burst, std::shared_ptr<const Clock> clock = real_clock());

  // Takes one token; returns the wait until it may be used (zero when a token was available).
  Duration reserve();
  // Takes a token only if one is available now.
  bool try_take();

 private:
  void refill(TimePoint now);

  const double qps_;
  const double burst_;
  std::shared_ptr<const Clock> clock_;
  std::mutex mu_;
  double tokens_;
  TimePoint last_;
};

}  // namespace shepherd::runtime
