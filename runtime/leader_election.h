// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: acquire when the
// lease is free or its holder has not renewed within leaseDurationSeconds as observed locally
// (not by comparing clocks), renew every retry_period, give up leadership when renewals fail for
// renew_deadline. Every write is a PUT guarded by resourceVersion, so two candidates can never both
// win a round. On a graceful stop the lease is released (holder "", leaseDurationSeconds 1) so a
// successor takes over at once. Like client-go it does not fence: callbacks must stop acting
// promptly when on_stopped_leading runs.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "runtime/client.h"

namespace shepherd::runtime {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per replica, e.g. "<hostname>_<random>"
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  bool release_on_cancel = true;
  // Runs on the elector's thread once leadership is acquired; must return promptly (start threads).
  std::function<void()> on_started_leading;
  // Runs once when leadership ends (lost or released); must stop all acting at once.
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

// "<hostname>_<16 hex chars>".
std::string default_identity();

class LeaderElector {
 public:
  LeaderElector(std::shared_ptr<Client> client, LeaderElectionConfig config);

  // Campaigns until leading, leads until the lease is lost or stop is requested, then calls
  // on_stopped_leading (if it was leading) and releases the lease when stopped gracefully.
  // Returns true when stop was requested, false when leadership was lost.
  bool run(std::stop_token stop);
  bool is_leader() const { return leading_.load(); }
  // Called by tests to abandon the lease without releasing it (simulates kill -9).
  void set_release_on_cancel(bool v) { config_.release_on_cancel = v; }

  // One acquire-or-renew round; true when we hold the lease afterwards. Public for tests.
  bool try_acquire_or_renew();

 private:
  void release();
  bool sleep(Duration d, std::stop_token stop);

  std::shared_ptr<Client> client_;
  LeaderElectionConfig config_;
  std::atomic<bool> leading_{false};
  nlohmann::json observed_;  // last lease read or written
  std::string observed_holder_;
  std::string observed_record_;  // holder, renewTime, duration of the last lease seen
  std::chrono::steady_clock::time_point observed_time_{};
};

}  // namespace shepherd::runtime
