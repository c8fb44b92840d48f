// A rate-limited work queue of keys (client-go's workqueue semantics):
//  - a key is queued at most once however often it is added (dedup);
//  - a key handed out by get() is "processing" until done(); adding it meanwhile marks it dirty and
//    it is queued again by done(), so no key is ever processed by two workers at once;
//  - add_after() queues a key after a delay; add_rate_limited() after the larger of the key's
//    exponential backoff (base * 2^failures, capped) and an overall token bucket's delay;
//    forget() resets the key's failure count;
//  - shut_down() stops at once (queued keys are dropped; get() returns nullopt);
//    shut_down_with_drain() stops accepting keys, lets workers finish what is queued and
//    processing, and returns when they have.
// The clock is injectable; try_get() lets tests step time without threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "runtime/clock.h"
#include "runtime/rate_limiter.h"

namespace shepherd::runtime {

struct WorkQueueOptions {
  Duration base_delay = std::chrono::milliseconds(5);
  Duration max_delay = std::chrono::seconds(1000);
  double overall_qps = 10;  // <= 0 disables the overall bucket
  int overall_burst = 100;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {}, std::shared_ptr<const Clock> clock = real_clock());

  void add(const std::string& key);
  void add_after(const std::string& key, Duration delay);
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

  // Blocks until a key is ready; nullopt once shut down (and, with drain, emptied).
  std::optional<std::string> get();
  // Non-blocking: a ready key (moving due delayed keys in first) or nullopt.
  std::optional<std::string> try_get();
  void done(const std::string& key);

  void shut_down();
  void shut_down_with_drain();
  bool shutting_down() const;

  size_t depth() const;    // keys ready to be handed out
  size_t delayed() const;  // keys waiting for their delay
  size_t processing() const;

 private:
  void add_locked(const std::string& key);
  void promote_due_locked(TimePoint now);
  std::optional<std::string> pop_locked();

  const WorkQueueOptions options_;
  std::shared_ptr<const Clock> clock_;
  TokenBucket bucket_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::multimap<TimePoint, std::string> waiting_;
  std::unordered_map<std::string, TimePoint> waiting_at_;  // earliest due per key
  std::unordered_map<std::string, int> failures_;
  bool shutting_down_ = false;
  bool draining_ = false;
};

}  // namespace shepherd::runtime
