// Benchmark of the rewrite engine: generates a repository of mixed-language files (about one in
// ten reads the dataset), times `grep -rl` for the dataset's names over it (the floor any scan
// must pay: read every byte once) and then migrate_tree over it, in the same run, and prints both
// and their ratio. Usage: bench_rewrite [files=20000] [seed=1]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "rewrite/engine.h"

namespace fs = std::filesystem;
using shepherd::rewrite::Change;
using shepherd::rewrite::ChangeSet;

namespace {

ChangeSet changes() {
  ChangeSet cs;
  cs.dataset.name = "listening_events";
  cs.dataset.from = {"3", "prod.events.listening_v3"};
  cs.dataset.to = {"4", "prod.events.listening_v4"};
  Change rename{Change::Kind::Rename, "user_id", "account_id", "", "", "", ""};
  Change retype{Change::Kind::Retype, "ts", "", "INT64", "TIMESTAMP", "UNIX_MILLIS({field})", ""};
  Change drop{Change::Kind::Drop, "legacy_flag", "", "", "", "", ""};
  cs.changes = {rename, retype, drop};
  return cs;
}

// One file's content: a realistic body for its language, repeated to a realistic size; about one
// in ten reads the dataset, the rest read other tables with the same column names (decoys).
std::string body(const std::string& ext, bool ours, std::mt19937& rng) {
  std::string table = ours ? "prod.events.listening_v3" : "prod.users.profiles";
  std::string unit;
  if (ext == "sql") {
    unit = "with plays as (\n  select user_id, track_id, ts, legacy_flag from " + table +
           "\n  where country = 'SE'\n),\nagg as (\n  select p.user_id, count(*) as n, max(p.ts) as last_ts\n"
           "  from plays p join prod.catalog.tracks t on t.track_id = p.track_id\n  group by p.user_id\n)\n"
           "select user_id, n from agg -- user_id per listener\n;\n";
  } else if (ext == "py") {
    unit = "df = spark.table(\"" + table + "\")\nout = df.select(\"user_id\", F.col(\"track_id\")).groupBy(\"user_id\").count()\n"
           "q = \"\"\"\nSELECT user_id, ts FROM `" + table + "` WHERE legacy_flag\n\"\"\"\n# user_id comment\n"
           "def f(x):\n    return x + 1\n";
  } else if (ext == "java") {
    unit = "  private static final String Q = \"SELECT user_id, track_id \" +\n      \"FROM " + table +
           " WHERE user_id = ?\";\n  int add(int a, int b) { return a + b; }  // user_id\n";
  } else if (ext == "scala") {
    unit = "  val plays = spark.sql(\"\"\"SELECT user_id, ts\n    |FROM " + table +
           "\"\"\".stripMargin)\n  plays.select($\"user_id\", col(\"ts\")).groupBy(\"user_id\").count()\n";
  } else if (ext == "yaml") {
    unit = "- name: job\n  input:\n    table: " + table + "\n    columns: [user_id, track_id]\n  schedule: daily\n";
  } else if (ext == "json") {
    unit = "{\"table\": \"" + table + "\", \"columns\": [\"user_id\", \"ts\"], \"owner\": \"team\"}";
    return unit + "\n";
  } else {
    unit = "Some prose about user_id and pipelines. Nothing to rewrite here.\n";
  }
  std::string out;
  std::size_t target = 1500 + rng() % 6000;  // 1.5-7.5 KB
  while (out.size() < target) out += unit;
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU time (user + system), which unlike wall time does not depend on what else shares the cores.
double cpu(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Timing {
  double wall, cpu;
};

// grep -rl -e ... <dir>, spawned without a shell; output discarded.
Timing time_grep(const fs::path& dir) {
  auto start = std::chrono::steady_clock::now();
  double cpu0 = cpu(RUSAGE_CHILDREN);
  pid_t pid = fork();
  if (pid == 0) {
    FILE* null = std::fopen("/dev/null", "w");
    if (null) dup2(fileno(null), STDOUT_FILENO);
    std::string d = dir.string();
    const char* argv[] = {"grep", "-rl", "-e", "listening_v3", "-e", "listening_events", "-e", "user_id",
                          "-e", "legacy_flag", d.c_str(), nullptr};
    execvp("grep", const_cast<char* const*>(argv));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return Timing{seconds_since(start), cpu(RUSAGE_CHILDREN) - cpu0};
}

}  // namespace

int main(int argc, char** argv) {
  int files = argc > 1 ? std::atoi(argv[1]) : 20000;
  unsigned seed = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1u;
  std::string tmpl = (fs::temp_directory_path() / "shepherd-bench-rewrite-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return 1;
  fs::path root = tmpl;

  std::mt19937 rng(seed);
  const char* exts[] = {"sql", "sql", "sql", "sql", "sql", "sql", "sql", "py", "py", "py", "py", "py",
                        "java", "java", "scala", "scala", "yaml", "yaml", "json", "md"};
  std::size_t bytes = 0;
  for (int i = 0; i < files; ++i) {
    std::string ext = exts[rng() % 20];
    bool ours = rng() % 10 == 0;
    fs::path p = root / ("team" + std::to_string(i % 40)) / ("pkg" + std::to_string(i % 400)) /
                 ("file" + std::to_string(i) + "." + ext);
    fs::create_directories(p.parent_path());
    std::string content = body(ext, ours, rng);
    bytes += content.size();
    std::ofstream(p, std::ios::binary) << content;
  }

  time_grep(root);  // warm the page cache so both timings read from memory
  Timing grep = time_grep(root);
  auto start = std::chrono::steady_clock::now();
  double cpu0 = cpu(RUSAGE_SELF);
  auto report = shepherd::rewrite::migrate_tree(root, "", changes());
  Timing engine{seconds_since(start), cpu(RUSAGE_SELF) - cpu0};

  std::printf("files: %d (%.1f MB), scanned %d, changed %d, edits %zu, review %zu\n", files,
              static_cast<double>(bytes) / 1e6, report.files_scanned, report.files_changed, report.edits.size(),
              report.review.size());
  std::printf("grep -rl baseline: wall %.3f s, cpu %.3f s\n", grep.wall, grep.cpu);
  std::printf("migrate_tree:      wall %.3f s, cpu %.3f s\n", engine.wall, engine.cpu);
  std::printf("ratio:             wall %.2fx, cpu %.2fx (target <= 3x)\n", engine.wall / grep.wall, engine.cpu / grep.cpu);
  std::error_code ec;
  fs::remove_all(root, ec);
  return 0;
}
