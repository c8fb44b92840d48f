// shepherd-operator: wires the runtime library (client, informers, controllers, leader election)
// to Shepherd's reconcilers, and serves /metrics, /healthz and /readyz (docs/operations.md).
#include <malloc.h>
#include <prometheus/exposer.h>
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "controllers/reconcile/cache_trim.h"
#include "controllers/reconcile/consumer_reconciler.h"
#include "controllers/reconcile/plan_reconciler.h"
#include "controllers/reconcile/resources.h"
#include "operator/flags.h"
#include "operator/metrics.h"
#include "operator/probes.h"
#include "runtime/config.h"
#include "runtime/http_transport.h"
#include "runtime/log.h"
#include "runtime/manager.h"

namespace {

using namespace shepherd;
using operator_main::Flags;

std::string own_namespace() {
  std::ifstream in("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  std::string ns;
  if (in && std::getline(in, ns) && !ns.empty()) return ns;
  return "default";
}

// Counts plans per status.phase (for the shepherd_plans gauge).
std::map<std::string, int> plan_phase_counts(const runtime::Store& store) {
  std::map<std::string, int> counts;
  for (const auto& o : store.list()) counts[o->value("/status/phase"_json_pointer, std::string("Pending"))]++;
  return counts;
}

// Counts ConsumerMigrations per phase from the summaries the cache keeps (no decoding).
std::map<std::string, int> consumer_phase_counts(const runtime::Store& store) {
  std::map<std::string, int> counts;
  for (const auto& o : store.list_projected()) {
    if (auto s = controllers::reconcile::consumer_summary_from_json(*o))
      counts[controllers::api::to_string(s->phase)]++;
  }
  return counts;
}

int run(const Flags& flags) {
  auto cfg = runtime::load_default_config(flags.kubeconfig);
  if (!cfg) {
    runtime::log_error("cannot load the Kubernetes configuration", {{"error", cfg.error()}});
    return 1;
  }
  auto transport = runtime::make_http_transport(cfg.value());
  if (!transport) {
    runtime::log_error("cannot set up the transport", {{"error", transport.error()}});
    return 1;
  }
  auto metrics = std::make_shared<operator_main::OperatorMetrics>();
  runtime::ClientOptions co;
  co.qps = flags.kube_api_qps;
  co.burst = flags.kube_api_burst;
  co.field_manager = "shepherd-operator";
  co.observer = [metrics](const runtime::RequestMetric& m) {
    metrics->api_request(m.verb, m.resource, m.code);
  };
  auto client = std::make_shared<runtime::Client>(transport.value(), co);
  controllers::reconcile::register_shepherd_resources();

  std::unique_ptr<prometheus::Exposer> exposer;
  if (auto addr = operator_main::parse_bind_address(flags.metrics_bind_address)) {
    try {
      exposer = std::make_unique<prometheus::Exposer>(addr->host + ":" + std::to_string(addr->port));
      exposer->RegisterCollectable(metrics->registry());
    } catch (const std::exception& e) {
      runtime::log_error("cannot serve metrics",
                         {{"address", flags.metrics_bind_address}, {"error", e.what()}});
      return 1;
    }
  }

  runtime::ManagerOptions mo;
  if (flags.leader_elect) {
    runtime::LeaderElectionConfig le;
    le.lease_namespace =
        flags.leader_election_namespace.empty() ? own_namespace() : flags.leader_election_namespace;
    le.lease_name = flags.leader_election_id;
    le.identity = runtime::default_identity();
    le.on_new_leader = [](const std::string& id) { runtime::log_info("leader is now", {{"identity", id}}); };
    mo.leader_election = le;
  }
  runtime::Manager manager(client, mo);
  const std::string& ns = flags.watch_namespace;
  // The shape of each cache (selector, trim, compact storage, indexes): cache_trim.h.
  namespace rc = controllers::reconcile;
  auto plans = manager.informer(rc::kMigrationPlans, ns, rc::plan_informer_options());
  auto cmigs = manager.informer(rc::kConsumerMigrations, ns, rc::consumer_migration_informer_options());
  auto jobs = manager.informer(runtime::resources::kJobs, ns, rc::agent_job_informer_options());
  auto pods = manager.informer(runtime::resources::kPods, ns, rc::agent_pod_informer_options());

  runtime::EventRecorderOptions eo;
  eo.component = "shepherd-operator";
  auto events = std::make_shared<runtime::EventRecorder>(client, eo);

  runtime::ControllerOptions opts;
  opts.workers = flags.max_concurrent_reconciles;
  opts.hooks.on_reconcile = [metrics](const std::string& c, const std::string& result, runtime::Duration d) {
    metrics->reconcile(c, result, std::chrono::duration_cast<std::chrono::nanoseconds>(d));
  };
  opts.hooks.on_queue_depth = [metrics](const std::string& c, size_t depth) {
    metrics->queue_depth(c, depth);
  };

  auto plan_reconciler =
      std::make_shared<controllers::reconcile::PlanReconciler>(client, plans, cmigs, events);
  auto plan_controller = std::make_shared<runtime::Controller>(
      "migrationplan", plans,
      [plan_reconciler](const std::string& key) { return plan_reconciler->reconcile(key); }, opts);
  plan_controller->owns(cmigs);
  manager.add(plan_controller);

  controllers::reconcile::ConsumerReconcilerOptions cro;
  cro.agent_image = flags.agent_image;
  auto consumer_reconciler = std::make_shared<controllers::reconcile::ConsumerReconciler>(
      client, cmigs, jobs, pods, events, metrics, cro);
  auto consumer_controller = std::make_shared<runtime::Controller>(
      "consumermigration", cmigs,
      [consumer_reconciler](const std::string& key) { return consumer_reconciler->reconcile(key); }, opts);
  consumer_controller->owns(jobs);
  consumer_controller->watches(pods, consumer_reconciler->pod_mapper());
  manager.add(consumer_controller);

  std::unique_ptr<operator_main::ProbeServer> probes;
  if (auto addr = operator_main::parse_bind_address(flags.health_probe_bind_address)) {
    try {
      probes = std::make_unique<operator_main::ProbeServer>(addr->host, addr->port,
                                                            [&manager] { return manager.healthy(); });
    } catch (const std::exception& e) {
      runtime::log_error("cannot serve health probes", {{"error", e.what()}});
      return 1;
    }
  }

  // SIGTERM/SIGINT arrive at this thread (blocked everywhere else) and stop the manager.
  std::stop_source stop;
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  std::thread signals([&stop, sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    runtime::log_info("signal received, stopping", {{"signal", sig}});
    stop.request_stop();
  });
  signals.detach();

  std::jthread gauges([&](std::stop_token st) {
    while (!st.stop_requested()) {
      metrics->set_plan_phases(plan_phase_counts(plans->store()));
      metrics->set_consumer_phases(consumer_phase_counts(cmigs->store()));
      malloc_trim(0);  // give freed pages back to the system (e.g. after a large plan's reconcile)
      for (int i = 0; i < 50 && !st.stop_requested(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  runtime::log_info("shepherd-operator starting", {{"namespace", ns.empty() ? "(all)" : ns},
                                                   {"leaderElection", flags.leader_elect},
                                                   {"workers", flags.max_concurrent_reconciles},
                                                   {"agentImage", flags.agent_image}});
  bool graceful = manager.run(stop.get_token());
  gauges.request_stop();
  if (!graceful) {
    runtime::log_error("stopped: leadership lost or caches did not sync");
    return 1;
  }
  runtime::log_info("shepherd-operator stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Memory (docs/operations.md, "Memory"): glibc gives each thread that allocates an arena of its
  // own, up to 8 per core, and memory freed in one arena is not reused by another thread. A plan
  // reconcile of 10,000 consumers parses megabytes on whichever worker runs it, so in time every
  // worker's arena kept a freed copy (seen: 214 MB mapped for 89 MB in use at 6,000 consumers).
  // Two arenas keep RSS near what is in use; MALLOC_ARENA_MAX in the environment still wins.
  // Large blocks (a plan's megabyte answer, its parsed consumer list) come from mmap and go back
  // to the system when freed; by default glibc raises this threshold after each such free, up to
  // 32 MB, and the next large block then fragments the heap (seen: 17.7 MB blocks on the heap).
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Block the stop signals before any thread exists, so that only the sigwait thread takes them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = operator_main::parse_flags(args);
  if (std::holds_alternative<operator_main::HelpRequested>(parsed)) {
    std::cout << operator_main::usage();
    return 0;
  }
  if (const auto* err = std::get_if<std::string>(&parsed)) {
    std::cerr << "shepherd-operator: " << *err << "\n";
    return 2;
  }
  const Flags& flags = std::get<Flags>(parsed);
  runtime::LogFormat format{};
  runtime::LogLevel level{};
  runtime::parse_log_format(flags.log_format, &format);
  runtime::parse_log_level(flags.log_level, &level);
  runtime::configure_logging(format, level);
  try {
    return run(flags);
  } catch (const std::exception& e) {
    runtime::log_error("shepherd-operator failed", {{"error", e.what()}});
    return 1;
  }
}
