// Backoff arithmetic.
#include "runtime/backoff.h"

#include <algorithm>
#include <cmath>

namespace shepherd::runtime {

Backoff::Backoff(BackoffOptions options, std::shared_ptr<const Clock> clock, unsigned seed)
    : o_(options), clock_(std::move(clock)), rng_(seed), current_(o_.initial) {}

Duration Backoff::next() {
  const TimePoint now = clock_->now();
  if (has_last_ && now - last_ > o_.reset_after) current_ = o_.initial;
  has_last_ = true;
  last_ = now;
  const Duration base = std::min(current_, o_.max);
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  const double jittered = static_cast<double>(base.count()) * (1.0 + o_.jitter * dist(rng_));
  const auto grown = static_cast<double>(current_.count()) * o_.factor;
  current_ =
      grown >= static_cast<double>(o_.max.count()) ? o_.max : Duration(static_cast<Duration::rep>(grown));
  return Duration(static_cast<Duration::rep>(jittered));
}

void Backoff::reset() {
  current_ = o_.initial;
  has_last_ = false;
}

Duration exponential_delay(Duration base, Duration max, int failures) {
  if (failures <= 0) return std::min(base, max);
  const double d = static_cast<double>(base.count()) * std::pow(2.0, std::min(failures, 62));
  if (d >= static_cast<double>(max.count())) return max;
  return Duration(static_cast<Duration::rep>(d));
}

}  // namespace shepherd::runtime
