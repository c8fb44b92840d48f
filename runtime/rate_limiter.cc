// Token bucket arithmetic.
#include "runtime/rate_limiter.h"

#include <algorithm>

namespace shepherd::runtime {

TokenBucket::TokenBucket(double qps, int burst, std::shared_ptr<const Clock> clock)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(std::move(clock)),
      tokens_(burst_),
      last_(clock_->now()) {}

void TokenBucket::refill(TimePoint now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

Duration TokenBucket::reserve() {
  if (qps_ <= 0) return Duration::zero();
  std::lock_guard lock(mu_);
  refill(clock_->now());
  tokens_ -= 1.0;
  if (tokens_ >= 0) return Duration::zero();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucket::try_take() {
  if (qps_ <= 0) return true;
  std::lock_guard lock(mu_);
  refill(clock_->now());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace shepherd::runtime
