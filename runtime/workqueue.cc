// The rate-limited work queue.
#include "runtime/workqueue.h"

#include <algorithm>

#include "runtime/backoff.h"

namespace shepherd::runtime {

WorkQueue::WorkQueue(WorkQueueOptions options, std::shared_ptr<const Clock> clock)
    : options_(options),
      clock_(std::move(clock)),
      bucket_(options.overall_qps, options.overall_burst, clock_) {}

void WorkQueue::add_locked(const std::string& key) {
  if (shutting_down_ || draining_) return;
  if (!dirty_.insert(key).second) return;  // already queued (or queued again after processing)
  if (processing_.count(key)) return;      // done() will queue it
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  add_locked(key);
}

void WorkQueue::add_after(const std::string& key, Duration delay) {
  std::lock_guard lock(mu_);
  if (shutting_down_ || draining_) return;
  if (delay <= Duration::zero()) {
    add_locked(key);
    return;
  }
  const TimePoint due = clock_->now() + delay;
  // Keep only the earliest due time per key.
  auto it = waiting_at_.find(key);
  if (it != waiting_at_.end()) {
    if (it->second <= due) return;
    auto range = waiting_.equal_range(it->second);
    for (auto w = range.first; w != range.second; ++w) {
      if (w->second == key) {
        waiting_.erase(w);
        break;
      }
    }
  }
  waiting_.emplace(due, key);
  waiting_at_[key] = due;
  cv_.notify_all();  // a sleeping get() may need to wake earlier
}

void WorkQueue::add_rate_limited(const std::string& key) {
  Duration delay;
  {
    std::lock_guard lock(mu_);
    const int failures = failures_[key]++;
    delay = exponential_delay(options_.base_delay, options_.max_delay, failures);
  }
  delay = std::max(delay, bucket_.reserve());
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int WorkQueue::num_requeues(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promote_due_locked(TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    waiting_at_.erase(key);
    add_locked(key);
  }
}

std::optional<std::string> WorkQueue::pop_locked() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mu_);
  if (shutting_down_) return std::nullopt;
  promote_due_locked(clock_->now());
  return pop_locked();
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  while (true) {
    if (shutting_down_) return std::nullopt;
    promote_due_locked(clock_->now());
    if (auto key = pop_locked()) return key;
    if (draining_) {
      // Nothing left to hand out: wait for the others to finish, then we are done.
      if (processing_.empty()) {
        shutting_down_ = true;
        cv_.notify_all();
        return std::nullopt;
      }
      cv_.wait(lock);  // done() may queue a dirty key again, or empty `processing_`
      continue;
    }
    if (waiting_.empty()) {
      cv_.wait(lock);
    } else {
      // Wait in real time for at most the time to the next due key, and at most a second so that a
      // fake clock in tests is noticed too.
      const Duration until = waiting_.begin()->first - clock_->now();
      cv_.wait_for(
          lock, std::clamp(until, Duration(std::chrono::milliseconds(1)), Duration(std::chrono::seconds(1))));
    }
  }
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key) && !shutting_down_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
  if (processing_.empty()) cv_.notify_all();
}

void WorkQueue::shut_down() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  queue_.clear();
  dirty_.clear();
  waiting_.clear();
  waiting_at_.clear();
  cv_.notify_all();
}

void WorkQueue::shut_down_with_drain() {
  std::unique_lock lock(mu_);
  draining_ = true;
  waiting_.clear();
  waiting_at_.clear();
  cv_.notify_all();
  cv_.wait(lock, [this] { return (queue_.empty() && processing_.empty()) || shutting_down_; });
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::shutting_down() const {
  std::lock_guard lock(mu_);
  return shutting_down_ || draining_;
}

size_t WorkQueue::depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t WorkQueue::delayed() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

size_t WorkQueue::processing() const {
  std::lock_guard lock(mu_);
  return processing_.size();
}

}  // namespace shepherd::runtime
