// Watches the ConsumerMigrations of one namespace (an Informer, so reads only) and records the
// moment the expected number of them is terminal (Succeeded, NoChanges, NeedsReview, Failed,
// RolledBack, Skipped). The same watcher times the operator and the baseline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/client.h"
#include "runtime/informer.h"

namespace shepherd::bench {

class CompletionWatch {
 public:
  using Clock = std::chrono::steady_clock;
  CompletionWatch(std::shared_ptr<runtime::Client> client, const std::string& ns, size_t expected);
  ~CompletionWatch();

  // Starts the informer and waits for its first list.
  bool start();
  // Blocks until every expected ConsumerMigration is terminal (true) or the deadline passes (false).
  bool wait(Clock::time_point deadline);
  Clock::time_point done_at() const;
  size_t terminal() const;
  std::map<std::string, size_t> phases() const;  // ConsumerMigrations per status.phase ("" = none)

 private:
  void observe(const runtime::ObjectPtr& obj);

  size_t expected_;
  std::shared_ptr<runtime::Informer> informer_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::string> phase_;  // name -> phase
  size_t terminal_ = 0;
  Clock::time_point done_at_{};
};

}  // namespace shepherd::bench
