// The Manager: shared informers, controllers and leader election started and stopped together.
#include "runtime/manager.h"

#include <condition_variable>

#include "runtime/log.h"

namespace shepherd::runtime {

Manager::Manager(std::shared_ptr<Client> client, ManagerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

Manager::~Manager() { stop_all(); }

std::shared_ptr<Informer> Manager::informer(const Resource& r, const std::string& ns, InformerOptions o) {
  o.namespace_name = ns;
  const std::string key =
      r.api_version() + "/" + r.resource + "|" + ns + "|" + o.label_selector + "|" + o.field_selector;
  std::lock_guard lock(mu_);
  auto& slot = informers_[key];
  if (!slot) slot = std::make_shared<Informer>(client_, r, o);
  return slot;
}

void Manager::add(std::shared_ptr<Controller> controller) {
  std::lock_guard lock(mu_);
  controllers_.push_back(std::move(controller));
}

void Manager::start_informers() {
  std::lock_guard lock(mu_);
  for (auto& [key, inf] : informers_) inf->start();
}

bool Manager::wait_synced(std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + options_.sync_timeout;
  std::vector<std::shared_ptr<Informer>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, inf] : informers_) all.push_back(inf);
  }
  for (auto& inf : all) {
    while (!inf->wait_for_sync(std::chrono::milliseconds(200))) {
      if (stop.stop_requested()) return false;
      if (std::chrono::steady_clock::now() > deadline) {
        log_error("informer did not sync",
                  {{"resource", inf->resource().display()}, {"namespace", inf->options().namespace_name}});
        return false;
      }
    }
  }
  return true;
}

void Manager::start_controllers() {
  std::lock_guard lock(mu_);
  for (auto& c : controllers_) c->start();
}

void Manager::stop_all() {
  std::vector<std::shared_ptr<Controller>> controllers;
  std::vector<std::shared_ptr<Informer>> informers;
  {
    std::lock_guard lock(mu_);
    controllers = controllers_;
    for (auto& [key, inf] : informers_) informers.push_back(inf);
  }
  // Controllers first (at once: no new reconciles), then the informers that feed them.
  for (auto& c : controllers) c->queue().shut_down();
  for (auto& c : controllers) c->stop();
  for (auto& inf : informers) inf->stop();
}

bool Manager::healthy() const {
  std::lock_guard lock(mu_);
  for (const auto& [key, inf] : informers_) {
    if (!inf->has_synced()) return false;
  }
  return true;
}

bool Manager::run(std::stop_token stop) {
  start_informers();
  if (!wait_synced(stop)) {
    stop_all();
    return stop.stop_requested();
  }
  if (!options_.leader_election) {
    leading_ = true;
    start_controllers();
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
    leading_ = false;
    stop_all();
    return true;
  }
  LeaderElectionConfig le = *options_.leader_election;
  auto user_started = le.on_started_leading;
  auto user_stopped = le.on_stopped_leading;
  le.on_started_leading = [this, user_started] {
    leading_ = true;
    start_controllers();
    if (user_started) user_started();
  };
  le.on_stopped_leading = [this, user_stopped] {
    leading_ = false;
    // Stop every controller at once: another replica may be leading already.
    std::lock_guard lock(mu_);
    for (auto& c : controllers_) c->queue().shut_down();
    if (user_stopped) user_stopped();
  };
  LeaderElector elector(client_, le);
  const bool graceful = elector.run(stop);
  stop_all();
  return graceful;
}

}  // namespace shepherd::runtime
