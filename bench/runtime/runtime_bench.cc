// Benchmarks of the runtime library, each printed beside a baseline measured in the same run:
//  1. memory per cached object: N realistic objects (ConfigMap-sized custom resources with labels,
//     annotations, ownerReferences, managedFields) fed into an informer Store (managedFields
//     stripped, immutable json) vs. the baseline of keeping each object's raw JSON text in a
//     std::map<std::string, std::string> keyed like the store. Each figure is the RSS growth of a
//     fresh forked child divided by N.
//  2. watch events per second: the same stream of N MODIFIED events (16 KiB chunks) through the
//     full informer path (chunk -> line -> json -> cache -> handler -> work queue) vs. the baseline
//     of only splitting lines and parsing the JSON.
// Usage: runtime_bench [objects...]   (default 10000 50000)
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "runtime/client.h"
#include "runtime/informer.h"
#include "runtime/log.h"
#include "runtime/store.h"
#include "runtime/watch.h"
#include "runtime/workqueue.h"

namespace rt = shepherd::runtime;
using nlohmann::json;

namespace {

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// A custom resource shaped like the operator's own (a ConsumerMigration-sized object).
std::string object_text(int i, int generation) {
  const std::string name = "consumer-" + std::to_string(i);
  json o = {{"apiVersion", "shepherd.dev/v1alpha1"},
            {"kind", "ConsumerMigration"},
            {"metadata",
             {{"name", name},
              {"namespace", "team-" + std::to_string(i % 50)},
              {"uid", "3f1c2a7e-9b1d-4c5e-8f00-" + std::to_string(100000000000 + i)},
              {"resourceVersion", std::to_string(1000 + i * 3 + generation)},
              {"generation", generation + 1},
              {"creationTimestamp", "2026-11-24T10:00:00Z"},
              {"labels",
               {{"shepherd.dev/plan", "orders-v2"},
                {"shepherd.dev/wave", std::to_string(i % 4)},
                {"app.kubernetes.io/managed-by", "shepherd"}}},
              {"annotations", {{"shepherd.dev/source-commit", "9f2c0e4b7a1d3c5e6f708192a3b4c5d6e7f80912"}}},
              {"ownerReferences", json::array({{{"apiVersion", "shepherd.dev/v1alpha1"},
                                                {"kind", "MigrationPlan"},
                                                {"name", "orders-v2"},
                                                {"uid", "a1b2c3d4-0000-4000-8000-000000000001"},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}})},
              {"managedFields", json::array({{{"manager", "shepherd-operator"},
                                              {"operation", "Apply"},
                                              {"apiVersion", "shepherd.dev/v1alpha1"},
                                              {"time", "2026-11-24T10:00:00Z"},
                                              {"fieldsType", "FieldsV1"},
                                              {"fieldsV1",
                                               {{"f:spec",
                                                 {{"f:repository", json::object()},
                                                  {"f:path", json::object()},
                                                  {"f:dataset", json::object()},
                                                  {"f:agent", json::object()}}},
                                                {"f:metadata",
                                                 {{"f:labels",
                                                   {{"f:shepherd.dev/plan", json::object()},
                                                    {"f:shepherd.dev/wave", json::object()}}}}}}}},
                                             {{"manager", "shepherd-operator"},
                                              {"operation", "Update"},
                                              {"subresource", "status"},
                                              {"time", "2026-11-24T10:05:00Z"},
                                              {"fieldsType", "FieldsV1"},
                                              {"fieldsV1",
                                               {{"f:status",
                                                 {{"f:phase", json::object()},
                                                  {"f:conditions", json::object()},
                                                  {"f:attempts", json::object()}}}}}}})}}},
            {"spec",
             {{"repository", "https://git.example.com/data/consumer-" + std::to_string(i) + ".git"},
              {"branch", "main"},
              {"path", "pipelines/orders"},
              {"dataset", "orders"},
              {"fromSchema", "v1"},
              {"toSchema", "v2"},
              {"agent", {{"image", "ghcr.io/example/shepherd-agent:0.1.0"}, {"timeoutSeconds", 900}}}}},
            {"status",
             {{"phase", generation % 2 ? "Verifying" : "Rewriting"},
              {"attempts", generation},
              {"observedGeneration", generation + 1},
              {"conditions", json::array({{{"type", "Ready"},
                                           {"status", "False"},
                                           {"reason", "InProgress"},
                                           {"message", "rewriting 14 files"},
                                           {"lastTransitionTime", "2026-11-24T10:05:00Z"}}})}}}};
  return o.dump();
}

// Runs `fn` in a forked child and returns the double it writes back (RSS growth per object).
double in_child(const std::function<double()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const double v = fn();
    if (write(fds[1], &v, sizeof v) != sizeof v) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double v = -1;
  if (read(fds[0], &v, sizeof v) != sizeof v) v = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return v;
}

void memory_bench(int n) {
  size_t text_bytes = 0, stripped_bytes = 0;
  for (int i = 0; i < n; ++i) {
    const std::string t = object_text(i, 0);
    text_bytes += t.size();
    stripped_bytes += rt::make_cached(json::parse(t))->dump().size();
  }
  const double baseline = in_child([n] {
    std::map<std::string, std::string> raw;
    const long before = rss_kib();
    for (int i = 0; i < n; ++i) {
      std::string t = object_text(i, 0);
      raw.emplace("team-" + std::to_string(i % 50) + "/consumer-" + std::to_string(i), std::move(t));
    }
    return (rss_kib() - before) * 1024.0 / n;
  });
  const double store = in_child([n] {
    rt::Store s;
    const long before = rss_kib();
    for (int i = 0; i < n; ++i) s.upsert(rt::make_cached(json::parse(object_text(i, 0))));
    return (rss_kib() - before) * 1024.0 / n;
  });
  const double store_compact = in_child([n] {
    rt::StoreOptions o;
    o.compact = true;  // MessagePack, decoded on read; the default indexes
    rt::Store s(o);
    const long before = rss_kib();
    for (int i = 0; i < n; ++i) s.upsert(rt::make_cached(json::parse(object_text(i, 0))));
    return (rss_kib() - before) * 1024.0 / n;
  });
  // What compact storage costs per read: every get() inflates and decodes (same child-process
  // method, the figure written back is microseconds per get).
  const double compact_get_us = in_child([n] {
    rt::StoreOptions o;
    o.compact = true;
    rt::Store s(o);
    for (int i = 0; i < n; ++i) s.upsert(rt::make_cached(json::parse(object_text(i, 0))));
    const auto keys = s.keys();
    const auto t0 = std::chrono::steady_clock::now();
    size_t sum = 0;
    for (const auto& k : keys) sum += s.get(k)->size();
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    return sum > 0 ? us / static_cast<double>(keys.size()) : -1.0;
  });
  const double store_full = in_child([n] {
    rt::Store s;
    const long before = rss_kib();
    for (int i = 0; i < n; ++i) {
      s.upsert(std::make_shared<const json>(json::parse(object_text(i, 0))));  // managedFields kept
    }
    return (rss_kib() - before) * 1024.0 / n;
  });
  std::printf("memory  objects=%d  json_text=%.0f B/object (stripped %.0f B)\n", n,
              static_cast<double>(text_bytes) / n, static_cast<double>(stripped_bytes) / n);
  std::printf("  baseline map<key, raw JSON text>:          %8.0f B/object\n", baseline);
  std::printf("  Store (managedFields stripped, indexed):   %8.0f B/object  = %.2fx baseline\n", store,
              store / baseline);
  std::printf(
      "  Store, compact (MessagePack), indexed:     %8.0f B/object  = %.2fx baseline; %.1f us per get()\n",
      store_compact, store_compact / baseline, compact_get_us);
  std::printf("  Store without stripping (for comparison):  %8.0f B/object  = %.2fx baseline\n", store_full,
              store_full / baseline);
}

// Serves an empty list, then one watch stream of pre-cut chunks, then a quiet watch.
class StreamTransport : public rt::Transport {
 public:
  explicit StreamTransport(std::vector<std::string> chunks) : chunks_(std::move(chunks)) {}
  rt::Response send(const rt::Request&, std::stop_token) override {
    return rt::Response{200, R"({"metadata":{"resourceVersion":"1"},"items":[]})", "", false, {}};
  }
  rt::Response stream(const rt::Request&, const rt::ChunkHandler& on_chunk, std::stop_token stop) override {
    if (!served_.exchange(true)) {
      start = std::chrono::steady_clock::now();
      for (const auto& c : chunks_) {
        if (!on_chunk(c)) break;
      }
    }
    while (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return rt::Response{0, "", "cancelled", true, {}};
  }
  std::chrono::steady_clock::time_point start;

 private:
  std::vector<std::string> chunks_;
  std::atomic<bool> served_{false};
};

void watch_bench(int n, int distinct) {
  std::string stream;
  for (int i = 0; i < n; ++i) {
    stream += R"({"type":")" + std::string(i < distinct ? "ADDED" : "MODIFIED") + R"(","object":)" +
              object_text(i % distinct, i / distinct) + "}\n";
  }
  std::vector<std::string> chunks;
  for (size_t p = 0; p < stream.size(); p += 16384) chunks.push_back(stream.substr(p, 16384));

  // Baseline: split lines and parse JSON, nothing else.
  auto t0 = std::chrono::steady_clock::now();
  rt::LineSplitter splitter;
  size_t parsed = 0;
  for (const auto& c : chunks) {
    splitter.feed(c, [&](std::string_view line) {
      auto j = json::parse(line);
      parsed += j.size();
      return true;
    });
  }
  const double base_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Full path: informer (decode, strip, cache, index) -> handler -> work queue.
  auto transport = std::make_shared<StreamTransport>(chunks);
  rt::ClientOptions co;
  co.qps = 0;
  auto client = std::make_shared<rt::Client>(transport, co);
  rt::Informer inf(client,
                   rt::Resource{"shepherd.dev", "v1alpha1", "consumermigrations", "ConsumerMigration", true});
  rt::WorkQueue queue;
  std::atomic<int> handled{0};
  std::chrono::steady_clock::time_point end;
  auto on_event = [&](const rt::ObjectPtr& o) {
    queue.add(rt::object_key(*o));
    if (++handled == n) end = std::chrono::steady_clock::now();
  };
  inf.add_handlers({on_event, [&](const rt::ObjectPtr&, const rt::ObjectPtr& o) { on_event(o); }, on_event});
  inf.start();
  while (handled.load() < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  inf.stop();
  const double full_s = std::chrono::duration<double>(end - transport->start).count();
  std::printf("watch   events=%d over %d objects, %.1f MiB of stream, queue depth after=%zu (dedup)\n", n,
              distinct, stream.size() / 1048576.0, queue.depth());
  std::printf("  baseline split+parse only:                 %10.0f events/s\n", n / base_s);
  std::printf("  informer (parse, strip, cache, index, handler, queue): %10.0f events/s = %.2fx baseline\n",
              n / full_s, base_s / full_s);
  (void)parsed;
}

}  // namespace

int main(int argc, char** argv) {
  rt::configure_logging(rt::LogFormat::kText, rt::LogLevel::kError);
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {10000, 50000};
  for (int n : sizes) memory_bench(n);
  for (int n : sizes) watch_bench(n, std::min(n, 10000));
  return 0;
}
