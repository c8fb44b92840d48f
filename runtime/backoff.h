// Exponential backoff with jitter for reconnecting watches and retrying requests (client-go's
// reflector defaults: 800 ms doubling to 30 s, jitter 1.0 so waits land in [d, 2d), and reset to the
// initial delay after `reset_after` without a failure).
#pragma once

#include <memory>
#include <random>

#include "runtime/clock.h"

namespace shepherd::runtime {

struct BackoffOptions {
  Duration initial = std::chrono::milliseconds(800);
  Duration max = std::chrono::seconds(30);
  double factor = 2.0;
  double jitter = 1.0;  // wait = d + random[0, jitter) * d
  Duration reset_after = std::chrono::minutes(2);
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, std::shared_ptr<const Clock> clock = real_clock(),
                   unsigned seed = std::random_device{}());
  // The next wait. Grows by `factor` per call, starting again from `initial` when the previous
  // call was longer than `reset_after` ago (the connection was healthy meanwhile).
  Duration next();
  void reset();

 private:
  BackoffOptions o_;
  std::shared_ptr<const Clock> clock_;
  std::mt19937 rng_;
  Duration current_;
  TimePoint last_{};
  bool has_last_ = false;
};

// Per-attempt exponential delay without jitter: base * 2^failures, capped at max.
Duration exponential_delay(Duration base, Duration max, int failures);

}  // namespace shepherd::runtime
