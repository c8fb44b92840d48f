// The Manager owns the shared informers (one per resource + namespace + selectors), the
// controllers, and optionally leader election, and starts and stops them together. With leader
// election, informers start right away (a warm cache for a quick takeover) and controllers start
// only once leading; losing the lease stops every controller at once and run() returns.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/client.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "runtime/leader_election.h"

namespace shepherd::runtime {

struct ManagerOptions {
  std::optional<LeaderElectionConfig> leader_election;  // none = always act
  std::chrono::milliseconds sync_timeout{std::chrono::minutes(2)};
};

class Manager {
 public:
  explicit Manager(std::shared_ptr<Client> client, ManagerOptions options = {});
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  std::shared_ptr<Client> client() const { return client_; }
  // The shared informer for `r` in `ns` ("" = all namespaces) and the selectors in `o`; created
  // on first use. o.namespace_name is overridden by ns.
  std::shared_ptr<Informer> informer(const Resource& r, const std::string& ns = "", InformerOptions o = {});
  void add(std::shared_ptr<Controller> controller);

  // Starts informers, waits for their sync, (acquires leadership,) starts controllers, and blocks
  // until stop is requested or the lease is lost. Returns true on a requested stop, false when
  // leadership was lost or the caches did not sync. Everything is stopped when it returns.
  bool run(std::stop_token stop);

  bool leading() const { return leading_.load(); }
  bool healthy() const;  // all informers synced (for /readyz)

 private:
  void start_informers();
  bool wait_synced(std::stop_token stop);
  void start_controllers();
  void stop_all();

  std::shared_ptr<Client> client_;
  ManagerOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Informer>> informers_;
  std::vector<std::shared_ptr<Controller>> controllers_;
  std::atomic<bool> leading_{false};
};

}  // namespace shepherd::runtime
