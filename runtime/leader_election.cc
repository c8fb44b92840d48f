// Lease-based leader election (acquire, renew, release) with client-go's timing.
#include "runtime/leader_election.h"

#include <unistd.h>

#include <condition_variable>
#include <random>

#include "base/time.h"
#include "runtime/log.h"

namespace shepherd::runtime {
namespace {
int64_t seconds_of(Duration d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}
}  // namespace

std::string default_identity() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  std::random_device rd;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
  return std::string(host) + "_" + suffix;
}

LeaderElector::LeaderElector(std::shared_ptr<Client> client, LeaderElectionConfig config)
    : client_(std::move(client)), config_(std::move(config)) {}

bool LeaderElector::sleep(Duration d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

bool LeaderElector::try_acquire_or_renew() {
  const auto now_sys = std::chrono::system_clock::now();
  const auto now = std::chrono::steady_clock::now();
  const std::string now_s = base::format_rfc3339_micro(now_sys);
  const Resource& r = resources::kLeases;
  auto got = client_->get(r, config_.lease_namespace, config_.lease_name);
  if (!got) {
    if (!got.error().is_not_found()) {
      log_warn("leader election: reading the lease failed",
               {{"lease", config_.lease_name}, {"error", got.error().to_string()}});
      return false;
    }
    nlohmann::json lease = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
        {"spec",
         {{"holderIdentity", config_.identity},
          {"leaseDurationSeconds", seconds_of(config_.lease_duration)},
          {"acquireTime", now_s},
          {"renewTime", now_s},
          {"leaseTransitions", 0}}}};
    auto created = client_->create(r, config_.lease_namespace, lease);
    if (!created) return false;  // someone else created it first (AlreadyExists) or an error
    observed_ = created.value();
    observed_holder_ = config_.identity;
    observed_time_ = now;
    return true;
  }
  nlohmann::json lease = std::move(got.value());
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  const std::string holder = spec.value("holderIdentity", "");
  // Expiry is judged by when *we* last saw the record change, not by its timestamps, so clock
  // skew between replicas does not matter.
  const std::string record = holder + "|" + spec.value("renewTime", "") + "|" +
                             std::to_string(spec.value("leaseDurationSeconds", 0));
  if (record != observed_record_) {
    observed_record_ = record;
    observed_time_ = now;
    if (holder != observed_holder_) {
      observed_holder_ = holder;
      if (config_.on_new_leader && !holder.empty()) config_.on_new_leader(holder);
    }
  }
  const auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", 15));
  if (!holder.empty() && holder != config_.identity && now < observed_time_ + duration) {
    return false;  // held by someone else, not expired
  }
  const bool renewing = holder == config_.identity;
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = seconds_of(config_.lease_duration);
  spec["renewTime"] = now_s;
  if (!renewing) {
    spec["acquireTime"] = now_s;
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
  }
  // PUT with the resourceVersion we read: if anyone wrote in between, 409 and we lose this round.
  auto updated = client_->update(r, config_.lease_namespace, lease);
  if (!updated) {
    if (!updated.error().is_conflict()) {
      log_warn("leader election: writing the lease failed",
               {{"lease", config_.lease_name}, {"error", updated.error().to_string()}});
    }
    return false;
  }
  observed_ = updated.value();
  observed_holder_ = config_.identity;
  observed_time_ = now;
  return true;
}

bool LeaderElector::run(std::stop_token stop) {
  std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, 1.2);
  log_info("leader election: campaigning",
           {{"lease", config_.lease_namespace + "/" + config_.lease_name}, {"identity", config_.identity}});
  while (!stop.stop_requested() && !try_acquire_or_renew()) {
    const auto wait = std::chrono::duration_cast<Duration>(config_.retry_period * (1.0 + jitter(rng)));
    if (!sleep(wait, stop)) break;
  }
  if (stop.stop_requested()) return true;
  leading_ = true;
  log_info("leader election: became leader", {{"identity", config_.identity}});
  if (config_.on_started_leading) config_.on_started_leading();
  auto last_renew = std::chrono::steady_clock::now();
  bool lost = false;
  while (sleep(config_.retry_period, stop)) {
    if (try_acquire_or_renew()) {
      last_renew = std::chrono::steady_clock::now();
      continue;
    }
    // Someone else holds it: we lost it already, stop at once. Otherwise keep trying until the
    // renew deadline.
    if ((!observed_holder_.empty() && observed_holder_ != config_.identity) ||
        std::chrono::steady_clock::now() - last_renew >= config_.renew_deadline) {
      lost = true;
      break;
    }
  }
  leading_ = false;
  if (lost) {
    log_error("leader election: lost the lease", {{"identity", config_.identity}});
  }
  if (config_.on_stopped_leading) config_.on_stopped_leading();
  if (!lost && config_.release_on_cancel) release();
  return !lost;
}

void LeaderElector::release() {
  auto got = client_->get(resources::kLeases, config_.lease_namespace, config_.lease_name);
  if (!got) return;
  nlohmann::json lease = std::move(got.value());
  if (lease["spec"].value("holderIdentity", "") != config_.identity) return;
  const std::string now_s = base::format_rfc3339_micro(std::chrono::system_clock::now());
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["leaseDurationSeconds"] = 1;
  lease["spec"]["renewTime"] = now_s;
  lease["spec"]["acquireTime"] = now_s;
  auto updated = client_->update(resources::kLeases, config_.lease_namespace, lease);
  if (!updated) {
    log_warn("leader election: releasing the lease failed", {{"error", updated.error().to_string()}});
  } else {
    log_info("leader election: released the lease", {{"identity", config_.identity}});
  }
}

}  // namespace shepherd::runtime
