// bench_operator: Shepherd's operator throughput on a real control plane, beside a baseline
// measured in the same run on the same API server (docs/benchmarks.md, "Operator throughput").
//
// For each plan size: (1) the baseline (baseline.h) makes the operator's API writes for a plan of
// N consumers with a bare client; (2) shepherd-operator, started fresh, migrates the same plan in a
// fresh namespace. Each is timed from the plan's POST until the last ConsumerMigration is terminal
// (completion.h, the same watch for both). Printed: both times and their ratio, API writes per
// consumer (the operator's from its /metrics shepherd_api_requests_total, the baseline's from its
// client) by verb and, from the API server's apiserver_request_total, by resource; the operator's
// peak RSS (VmHWM). Targets (project issue 4): time <= 1.5x baseline, <= 6 writes per consumer,
// < 100 MB at 10,000 consumers. It reports, it does not assert: the exit code is 0 when every run
// completed, whatever the figures.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "bench/operator/baseline.h"
#include "bench/operator/completion.h"
#include "bench/operator/metrics_text.h"
#include "bench/operator/operator_process.h"
#include "bench/operator/plane.h"
#include "bench/operator/workload.h"
#include "controllers/reconcile/resources.h"
#include "runtime/config.h"
#include "runtime/http_transport.h"
#include "runtime/log.h"

namespace {

using namespace shepherd;
using namespace shepherd::bench;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int> sizes{1000, 10000};
  int max_parallel = 1000;
  int baseline_threads = 32;
  std::string kube_api_qps = "1000";
  std::string kube_api_burst = "2000";
  std::string workers = "16";
  std::string plane_qps = "1000";
  std::string plane_burst = "2000";
  int timeout_minutes = 25;
  bool run_baseline = true;
  bool run_operator = true;
};

const char* kUsage = R"(usage: bench_operator [flags]
  --sizes=1000,10000             plan sizes (consumers)
  --max-parallel=1000            rollout.maxParallel of the plans (the CRD's maximum)
  --baseline-threads=32          threads of the baseline's client
  --kube-api-qps=1000            shepherd-operator --kube-api-qps
  --kube-api-burst=2000          shepherd-operator --kube-api-burst
  --max-concurrent-reconciles=16 shepherd-operator --max-concurrent-reconciles
  --plane-qps=1000 --plane-burst=2000
                                 client limits of kube-controller-manager and kube-scheduler when
                                 the benchmark starts its own plane (SHEPHERD_CP_KUBE_API_QPS/_BURST)
  --timeout-minutes=25           per run; a run cut short reports its progress and a labelled
                                 extrapolation
  --only=baseline|operator       run one side only
Environment: SHEPHERD_BENCH_CP_DIR=<dir> uses the plane running there (`SHEPHERD_CP_DIR=<dir>
hack/control-plane up`) and leaves it running; otherwise the benchmark starts its own in
<build>/bench-control-plane and stops it at the end.
)";

bool parse(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (k == "--sizes") {
      o->sizes.clear();
      std::stringstream ss(v);
      for (std::string s; std::getline(ss, s, ',');) o->sizes.push_back(std::stoi(s));
    } else if (k == "--max-parallel")
      o->max_parallel = std::stoi(v);
    else if (k == "--baseline-threads")
      o->baseline_threads = std::stoi(v);
    else if (k == "--kube-api-qps")
      o->kube_api_qps = v;
    else if (k == "--kube-api-burst")
      o->kube_api_burst = v;
    else if (k == "--max-concurrent-reconciles")
      o->workers = v;
    else if (k == "--plane-qps")
      o->plane_qps = v;
    else if (k == "--plane-burst")
      o->plane_burst = v;
    else if (k == "--timeout-minutes")
      o->timeout_minutes = std::stoi(v);
    else if (k == "--only") {
      o->run_baseline = v == "baseline";
      o->run_operator = v == "operator";
    } else {
      std::cerr << kUsage;
      return false;
    }
  }
  return true;
}

bool is_write(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete";
}
bool is_server_write(const std::string& verb) {
  return verb == "POST" || verb == "PUT" || verb == "PATCH" || verb == "APPLY" || verb == "DELETE" ||
         verb == "DELETECOLLECTION";
}

double writes(const Sums& by_verb) {
  double n = 0;
  for (const auto& [verb, c] : by_verb) n += is_write(verb) ? c : 0;
  return n;
}

std::string verbs_text(const Sums& by_verb) {
  std::ostringstream s;
  for (const char* v : {"create", "update", "patch", "delete"}) {
    auto it = by_verb.find(v);
    s << " " << v << " " << (it == by_verb.end() ? 0 : static_cast<long>(it->second));
  }
  return s.str();
}

std::string fmt(double v, int prec = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

// The writes behind the Events about MigrationPlans in ns: each Event was created once and then
// patched once per further occurrence, so its count is its number of writes.
double plan_event_writes(runtime::Client& client, const std::string& ns) {
  runtime::ListOptions lo;
  lo.field_selector = "involvedObject.kind=MigrationPlan";
  auto r = client.list_all(runtime::resources::kEvents, ns, lo);
  if (!r) return 0;
  double n = 0;
  for (const auto& e : r.value().value("items", nlohmann::json::array())) n += e.value("count", 1);
  return n;
}

// apiserver_request_total by verb/resource/subresource.
Sums server_requests(const Plane& plane) {
  auto r = kubectl(plane, {"get", "--raw", "/metrics"});
  if (r.exit_code != 0) return {};
  return sum_metric(r.out, "apiserver_request_total", {"resource", "subresource", "verb"});
}

struct RunResult {
  bool ran = false;
  bool completed = false;
  std::string error;
  double seconds = 0;
  size_t terminal = 0;
  std::map<std::string, size_t> phases;
  Sums client_verbs;  // the side's own requests by verb
  Sums server;        // API server writes during the run by resource/subresource/verb
  long hwm_kib = -1;
  long rss_kib = -1;  // VmRSS once the operator's writes are still: what it keeps, not its peak
  // Writes about the plan itself, not any one consumer: its status writes and the writes of the
  // Events about it (one per Event created, one per count increase).
  double plan_status_writes = 0;
  double plan_event_writes = 0;
  std::string op_metrics;  // the operator's /metrics at the end (delta not needed: it starts fresh)
};

struct Context {
  Plane plane;
  std::shared_ptr<runtime::Transport> transport;
  std::shared_ptr<runtime::Client> client;  // setup, plan create, watches: not counted
  std::string operator_binary;
  std::string log_dir;
  Options options;
};

void print_progress(const std::string& what, const CompletionWatch& w, Clock::time_point t0, size_t n) {
  std::cout << "  " << what << ": " << w.terminal() << "/" << n << " terminal after "
            << fmt(std::chrono::duration<double>(Clock::now() - t0).count(), 0) << " s" << std::endl;
}

// Waits for completion, printing progress every 30 s.
bool wait_completion(const std::string& what, CompletionWatch& watch, Clock::time_point t0,
                     Clock::time_point deadline, size_t n) {
  while (Clock::now() < deadline) {
    auto next = std::min(deadline, Clock::now() + std::chrono::seconds(30));
    if (watch.wait(next)) return true;
    print_progress(what, watch, t0, n);
  }
  return false;
}

RunResult run_side(Context& ctx, int n, bool with_operator) {
  RunResult res;
  res.ran = true;
  const std::string what = with_operator ? "operator" : "baseline";
  const std::string ns =
      "bench-" + what + "-" + std::to_string(n) + "-" + std::to_string(::getpid() % 100000);
  if (auto r = create_namespace(*ctx.client, ns); !r) {
    res.error = "creating namespace " + ns + ": " + r.error().message;
    return res;
  }
  CompletionWatch watch(ctx.client, ns, static_cast<size_t>(n));
  if (!watch.start()) {
    res.error = "the ConsumerMigration watch did not sync";
    return res;
  }
  std::unique_ptr<OperatorProcess> op;
  Sums op_before;
  std::string op_metrics_before;
  if (with_operator) {
    op = std::make_unique<OperatorProcess>(
        ctx.operator_binary, ctx.plane.kubeconfig,
        std::vector<std::string>{"--kube-api-qps=" + ctx.options.kube_api_qps,
                                 "--kube-api-burst=" + ctx.options.kube_api_burst,
                                 "--max-concurrent-reconciles=" + ctx.options.workers},
        ctx.log_dir + "/operator-" + std::to_string(n) + ".log");
    if (!op->wait_ready(std::chrono::seconds(120))) {
      res.error = "shepherd-operator did not become ready (log: " + ctx.log_dir + ")";
      op->stop();
      return res;
    }
    op_metrics_before = op->metrics();
    op_before = sum_metric(op_metrics_before, "shepherd_api_requests_total", {"verb"});
  }
  const Sums server_before = server_requests(ctx.plane);
  const json plan = make_plan("bench", ns, n, ctx.options.max_parallel);

  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::minutes(ctx.options.timeout_minutes);
  auto created = ctx.client->create(controllers::reconcile::kMigrationPlans, ns, plan);
  if (!created) {
    res.error = "creating the plan: " + created.error().message;
    if (op) op->stop();
    return res;
  }
  if (with_operator) {
    res.completed = wait_completion(what, watch, t0, deadline, static_cast<size_t>(n));
  } else {
    BaselineOptions bo;
    bo.threads = ctx.options.baseline_threads;
    std::atomic<bool> finished{false};
    std::thread progress([&] {
      while (!finished.load()) {
        for (int i = 0; i < 300 && !finished.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished.load()) print_progress(what, watch, t0, static_cast<size_t>(n));
      }
    });
    auto b = run_baseline(ctx.transport, created.value(), bo, deadline);
    finished = true;
    progress.join();
    res.error = b.error;
    res.client_verbs = b.writes_by_verb;
    res.completed = b.completed && watch.wait(std::min(deadline, Clock::now() + std::chrono::seconds(60)));
  }
  const auto end = res.completed ? watch.done_at() : Clock::now();
  res.seconds = std::chrono::duration<double>(end - t0).count();
  res.terminal = watch.terminal();
  res.phases = watch.phases();
  if (op) {
    // Let the operator finish what follows the last consumer (plan status, Events): until its
    // write count is still for 3 s, at most 30 s.
    double last = -1;
    for (int still = 0, i = 0; still < 3 && i < 30; ++i) {
      double now = writes(sum_metric(op->metrics(), "shepherd_api_requests_total", {"verb"}));
      still = now == last ? still + 1 : 0;
      last = now;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    res.client_verbs = delta(sum_metric(op->metrics(), "shepherd_api_requests_total", {"verb"}), op_before);
    for (const auto& [k, v] :
         delta(sum_metric(op->metrics(), "shepherd_api_requests_total", {"verb", "resource"}),
               sum_metric(op_metrics_before, "shepherd_api_requests_total", {"verb", "resource"}))) {
      const auto slash = k.find('/');
      if (is_write(k.substr(0, slash)) && k.substr(slash + 1).rfind("migrationplans.", 0) == 0) {
        res.plan_status_writes += v;
      }
    }
    res.hwm_kib = op->vm_hwm_kib();
    res.rss_kib = op->vm_rss_kib();
    res.op_metrics = op->metrics();
    std::ofstream(ctx.log_dir + "/operator-" + std::to_string(n) + ".metrics") << res.op_metrics;
    op->stop();
  } else {
    std::this_thread::sleep_for(std::chrono::seconds(5));  // the same settling as the operator gets
  }
  res.plan_event_writes = plan_event_writes(*ctx.client, ns);
  Sums server = delta(server_requests(ctx.plane), server_before);
  for (const auto& [k, v] : server) {
    auto verb = k.substr(k.rfind('/') + 1);
    if (is_server_write(verb) && v > 0) res.server[k] = v;
  }
  const auto c0 = Clock::now();
  bool gone = delete_namespace(*ctx.client, ns, std::chrono::minutes(10));
  std::cout << "  cleanup: namespace " << ns << (gone ? " deleted in " : " still terminating after ")
            << fmt(std::chrono::duration<double>(Clock::now() - c0).count(), 0) << " s" << std::endl;
  return res;
}

void print_side(const std::string& what, const RunResult& r, int n) {
  if (!r.ran) return;
  std::cout << "  " << what << ": ";
  if (!r.error.empty()) std::cout << "ERROR " << r.error << "\n    ";
  if (r.completed) {
    std::cout << fmt(r.seconds, 1) << " s (" << fmt(n / r.seconds, 1) << " consumers/s)";
  } else {
    std::cout << "INCOMPLETE: " << r.terminal << "/" << n << " terminal after " << fmt(r.seconds, 0)
              << " s; extrapolated (linear, at the measured rate): "
              << (r.terminal ? fmt(r.seconds * n / static_cast<double>(r.terminal), 0) + " s" : "n/a");
  }
  std::cout << "\n    writes " << static_cast<long>(writes(r.client_verbs)) << " = "
            << fmt(writes(r.client_verbs) / n) << " per consumer:" << verbs_text(r.client_verbs);
  if (r.plan_status_writes + r.plan_event_writes > 0) {
    const double total = writes(r.client_verbs);
    const double plan = r.plan_status_writes + r.plan_event_writes;
    std::cout << "\n    of which about the plan itself: " << static_cast<long>(r.plan_status_writes)
              << " status writes + " << static_cast<long>(r.plan_event_writes)
              << " Event writes; for the consumers: " << static_cast<long>(total - plan) << " = "
              << fmt((total - plan) / n) << " per consumer";
  }
  if (r.hwm_kib >= 0) std::cout << "\n    peak RSS (VmHWM) " << fmt(r.hwm_kib * 1024.0 / 1e6, 1) << " MB";
  if (r.rss_kib >= 0) std::cout << ", RSS at the end (VmRSS) " << fmt(r.rss_kib * 1024.0 / 1e6, 1) << " MB";
  if (!r.op_metrics.empty()) {
    std::cout << "\n    requests by verb/code:";
    for (const auto& [k, v] : sum_metric(r.op_metrics, "shepherd_api_requests_total", {"verb", "code"})) {
      std::cout << " " << k << "=" << static_cast<long>(v);
    }
    std::cout << "\n    reconciles by controller/result:";
    for (const auto& [k, v] :
         sum_metric(r.op_metrics, "shepherd_reconcile_total", {"controller", "result"})) {
      std::cout << " " << k << "=" << static_cast<long>(v);
    }
    std::cout << "\n    reconcile time by controller:";
    for (const auto& [k, v] :
         sum_metric(r.op_metrics, "shepherd_reconcile_duration_seconds_sum", {"controller"})) {
      std::cout << " " << k << "=" << fmt(v, 1) << " s";
    }
  }
  std::cout << "\n    phases:";
  for (const auto& [p, c] : r.phases) std::cout << " " << (p.empty() ? "(none)" : p) << "=" << c;
  std::cout << "\n";
}

void print_server_table(const RunResult& op, const RunResult& base, int n) {
  std::set<std::string> keys;
  for (const auto& [k, v] : op.server) keys.insert(k);
  for (const auto& [k, v] : base.server) keys.insert(k);
  if (keys.empty()) return;
  std::cout << "  API server writes during the run (apiserver_request_total, all clients incl. "
               "kube-controller-manager, scheduler, kwok), per consumer:\n";
  std::printf("    %-40s %10s %10s\n", "resource/subresource/verb", "operator", "baseline");
  for (const auto& k : keys) {
    auto get = [&](const RunResult& r) {
      auto it = r.server.find(k);
      return it == r.server.end() ? 0.0 : it->second / n;
    };
    std::printf("    %-40s %10s %10s\n", k.c_str(), op.ran ? fmt(get(op), 3).c_str() : "-",
                base.ran ? fmt(get(base), 3).c_str() : "-");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, &options)) return 2;
  runtime::configure_logging(runtime::LogFormat::kText, runtime::LogLevel::kWarn);
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
  const std::string bin_dir = self.parent_path().string();
  const std::string build_dir = self.parent_path().parent_path().string();
  const std::string source_dir = SHEPHERD_SOURCE_DIR;

  PlaneOptions po{source_dir, build_dir + "/bench-control-plane", options.plane_qps, options.plane_burst};
  std::string err;
  std::cout << "bench_operator: starting or finding the control plane..." << std::endl;
  auto plane = plane_up(po, &err);
  if (!plane) {
    std::cerr << "bench_operator: " << err << "\n";
    return 1;
  }
  std::cout << "control plane: " << plane->dir
            << (plane->owned ? " (started here; kube-controller-manager and "
                               "kube-scheduler client QPS " +
                                   options.plane_qps + ", burst " + options.plane_burst + ")"
                             : " (given by SHEPHERD_BENCH_CP_DIR)")
            << std::endl;
  int rc = 0;
  {
    Context ctx;
    ctx.plane = *plane;
    ctx.options = options;
    ctx.operator_binary = bin_dir + "/shepherd-operator";
    ctx.log_dir = build_dir + "/bench-logs";
    std::filesystem::create_directories(ctx.log_dir);
    auto cfg = runtime::load_kubeconfig(plane->kubeconfig, "");
    if (!cfg) {
      std::cerr << "bench_operator: " << cfg.error() << "\n";
      plane_down(*plane, po);
      return 1;
    }
    auto transport = runtime::make_http_transport(cfg.value());
    if (!transport) {
      std::cerr << "bench_operator: " << transport.error() << "\n";
      plane_down(*plane, po);
      return 1;
    }
    ctx.transport = transport.value();
    runtime::ClientOptions co;
    co.qps = 0;
    ctx.client = std::make_shared<runtime::Client>(ctx.transport, co);
    controllers::reconcile::register_shepherd_resources();
    auto crds = kubectl(*plane, {"apply", "-f", source_dir + "/crds/"});
    Kubectl est;
    for (int i = 0; i < 30; ++i) {  // `wait` fails while a new CRD has no conditions at all yet
      est = kubectl(*plane, {"wait", "--for=condition=Established", "--timeout=60s",
                             "crd/migrationplans.shepherd.dev", "crd/consumermigrations.shepherd.dev"});
      if (est.exit_code == 0) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (crds.exit_code != 0 || est.exit_code != 0) {
      std::cerr << "bench_operator: installing the CRDs failed: " << crds.err << est.err << "\n";
      plane_down(*plane, po);
      return 1;
    }
    std::cout << "operator flags: --kube-api-qps=" << options.kube_api_qps
              << " --kube-api-burst=" << options.kube_api_burst
              << " --max-concurrent-reconciles=" << options.workers << "; plans: waves [100], maxParallel "
              << options.max_parallel
              << ", no cut-over, no health checks; baseline: " << options.baseline_threads
              << " client threads, no rate limit\n";

    // A fresh plane is slow at first (caches, the garbage collector's REST mapping of the new
    // CRDs): a small unreported baseline run first, so that neither side pays for it.
    std::cout << "\nwarm-up: baseline with 100 consumers (not reported)" << std::endl;
    run_side(ctx, 100, false);

    std::vector<std::string> summary;
    for (int n : options.sizes) {
      std::cout << "\n== " << n << " consumers ==" << std::endl;
      RunResult base, op;
      if (options.run_baseline) base = run_side(ctx, n, false);
      if (options.run_operator) op = run_side(ctx, n, true);
      print_side("baseline", base, n);
      print_side("operator", op, n);
      print_server_table(op, base, n);
      if (!base.completed && base.ran) rc = 1;
      if (!op.completed && op.ran) rc = 1;
      if (op.ran && base.ran && op.completed && base.completed) {
        double ratio = op.seconds / base.seconds;
        summary.push_back(std::to_string(n) + " consumers: time operator/baseline " + fmt(ratio) +
                          " (target <= 1.5: " + (ratio <= 1.5 ? "MET" : "MISSED") + ")");
      }
      if (op.ran && op.completed) {
        // The target is a per-consumer cost: the plan's own writes (a handful of status writes and
        // Events per plan, whatever its size) are shown beside it, not spread over the consumers.
        const double total = writes(op.client_verbs);
        const double plan_level = op.plan_status_writes + op.plan_event_writes;
        const double wpc = (total - plan_level) / n;
        std::string s = std::to_string(n) + " consumers: operator writes per consumer " + fmt(wpc) +
                        " (target <= 6: " + (wpc <= 6 ? "MET" : "MISSED") + "), plus " +
                        std::to_string(static_cast<long>(plan_level)) +
                        " for the plan itself; all writes / N = " + fmt(total / n, 4);
        if (base.ran) s += "; baseline all writes / N = " + fmt(writes(base.client_verbs) / n, 4);
        summary.push_back(s);
        const double bytes = op.hwm_kib * 1024.0;
        s = std::to_string(n) + " consumers: operator peak RSS " + fmt(bytes / 1e6, 1) + " MB (" +
            fmt(bytes / 1048576.0, 1) + " MiB)";
        if (n >= 10000)
          s += std::string(" (target < 100 MB: ") + (bytes < 100e6 ? "MET" : "MISSED") + ")";
        else
          s += " (the < 100 MB target is for 10,000 consumers)";
        summary.push_back(s);
      }
    }
    std::cout << "\n== targets ==\n";
    for (const auto& s : summary) std::cout << "  " << s << "\n";
  }
  plane_down(*plane, po);
  return rc;
}
