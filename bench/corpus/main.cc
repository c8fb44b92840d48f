// bench_corpus: runs the real shepherd-agent on real repositories (bench/corpus/cases/*.yaml) and
// scores what it did against the hand-written expectations: precision, recall, review recall
// (dropped fields separately), false all-clears, review noise and time against `grep -rlw -i`,
// per case, per family and in total. Figures, not pass/fail: the exit status is non-zero only when
// a case is invalid (bad file, occurrences its expectation does not cover) or cannot be run.
//
// Usage: bench_corpus [options] [CASE...]       CASE = a case file or id; default every case
//   --cases DIR              where the case files are (default: the source tree's bench/corpus/cases)
//   --mirrors DIR            fetched repositories, <owner>+<name>/… (default /work/.mirror)
//   --agent PATH             shepherd-agent (default: beside this program)
//   --list-occurrences CASE  print every occurrence of the tracked names (file:line:token: text)
//   --check                  validate the cases (file and coverage of every occurrence) without
//                            running the agent: for an author, before the first run
//   --keep                   keep each case's temporary directory (printed)
//   --all-findings           print every finding (default: the first 15 per case)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "agent_run.h"
#include "case.h"
#include "occurrences.h"
#include "score.h"

namespace fs = std::filesystem;
using namespace shepherd::corpus;

namespace {

struct Options {
  std::string cases_dir = SHEPHERD_SOURCE_DIR "/bench/corpus/cases";
  RunConfig run;
  std::string list_case;
  bool all_findings = false;
  bool check_only = false;
  std::vector<std::string> cases;
};

std::string self_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

std::string case_path(const Options& o, const std::string& arg) {
  if (fs::exists(arg)) return arg;
  return o.cases_dir + "/" + arg + ".yaml";
}

void print_metrics_row(const std::string& label, const Metrics& m) {
  const double times = m.grep_seconds > 0 ? m.agent_seconds / m.grep_seconds : 0;
  std::printf("%-10s %5d  %-22s %-22s %-20s %-20s %3d  %5d  %7.2f %7.3f %7.1fx\n", label.c_str(), m.cases,
              ratio(m.edits_correct, m.edits).c_str(), ratio(m.expected_edits_made, m.expected_edits).c_str(),
              ratio(m.review_hit, m.expected_review).c_str(),
              ratio(m.dropped_review_hit, m.expected_dropped_review).c_str(), m.false_all_clears,
              m.review_noise, m.agent_seconds, m.grep_seconds, times);
}

int list_occurrences(const Options& o) {
  LoadResult loaded = load_case(case_path(o, o.list_case));
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s: %s\n", o.list_case.c_str(), e.c_str());
  if (loaded.value.repository.empty() || loaded.value.commit.empty() || loaded.value.tracked.empty())
    return 2;
  Workspace ws(loaded.value, o.run);
  for (const auto& occ : scan_tree(ws.checkout(), loaded.value.path, loaded.value.tracked))
    std::printf("%s:%d:%s: %s\n", occ.file.c_str(), occ.line, occ.token.c_str(), occ.line_text.c_str());
  return loaded.errors.empty() ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.run.mirrors = "/work/.mirror";
  o.run.agent = self_dir() + "/shepherd-agent";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cases")
      o.cases_dir = value();
    else if (a == "--mirrors")
      o.run.mirrors = value();
    else if (a == "--agent")
      o.run.agent = value();
    else if (a == "--list-occurrences")
      o.list_case = value();
    else if (a == "--keep")
      o.run.keep = true;
    else if (a == "--check")
      o.check_only = true;
    else if (a == "--all-findings")
      o.all_findings = true;
    else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/corpus/main.cc)\n",
                   a.c_str());
      return 2;
    } else
      o.cases.push_back(a);
  }
  try {
    if (!o.list_case.empty()) return list_occurrences(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  if (o.cases.empty()) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(o.cases_dir, ec))
      if (f.path().extension() == ".yaml") o.cases.push_back(f.path().string());
    std::sort(o.cases.begin(), o.cases.end());
  }

  bool invalid = false;
  std::map<std::string, Metrics> families;
  Metrics total;
  for (const auto& arg : o.cases) {
    const std::string file = case_path(o, arg);
    LoadResult loaded = load_case(file);
    const Case& c = loaded.value;
    std::printf("== %s (%s @ %.12s%s%s)\n", c.id.empty() ? file.c_str() : c.id.c_str(), c.repository.c_str(),
                c.commit.c_str(), c.path.empty() ? "" : ", path ", c.path.c_str());
    if (!loaded.errors.empty()) {
      invalid = true;
      for (const auto& e : loaded.errors) std::printf("  CASE ERROR %s\n", e.c_str());
      continue;
    }
    try {
      Workspace ws(c, o.run);
      if (o.run.keep) std::printf("  kept in %s\n", ws.dir().c_str());
      const auto occurrences = scan_tree(ws.checkout(), c.path, c.tracked);
      if (o.check_only) {
        // Coverage only: scoring an empty run lists what the expectation does not cover.
        const CaseScore s = score_case(c, occurrences, Observed{});
        for (const auto& e : s.case_errors) std::printf("  CASE ERROR %s\n", e.c_str());
        std::printf("  %zu occurrences, %zu expect rows, %zu leave globs: %s\n", occurrences.size(),
                    c.expect.size(), c.leave.size(), s.case_errors.empty() ? "valid" : "INVALID");
        invalid = invalid || !s.case_errors.empty();
        continue;
      }
      time_grep(c, ws);  // warms the page cache for both
      const Timing grep = time_grep(c, ws);
      const AgentRun run = run_agent(c, ws, o.run);
      CaseScore s = score_case(c, occurrences, run.observed);
      s.metrics.agent_seconds = run.cpu_seconds;
      s.metrics.grep_seconds = grep.cpu_seconds;
      std::printf("  outcome %s, %zu files pushed, %d of %zu occurrences edited, %zu review items (%s)\n",
                  run.observed.outcome.c_str(), run.pushed.size(), s.metrics.edits, occurrences.size(),
                  run.observed.review.size(), run.result.value("message", "").c_str());
      std::printf("  time: agent wall %.3f s cpu %.3f s; grep -rlw -i wall %.3f s cpu %.3f s\n",
                  run.wall_seconds, run.cpu_seconds, grep.wall_seconds, grep.cpu_seconds);
      for (const auto& e : s.case_errors) std::printf("  CASE ERROR %s\n", e.c_str());
      const std::size_t shown =
          o.all_findings ? s.findings.size() : std::min<std::size_t>(15, s.findings.size());
      for (std::size_t i = 0; i < shown; ++i) std::printf("  - %s\n", s.findings[i].c_str());
      if (shown < s.findings.size())
        std::printf("  … %zu more (--all-findings)\n", s.findings.size() - shown);
      if (!s.case_errors.empty()) {
        invalid = true;
        std::printf("  (not counted: the case has errors)\n");
        continue;
      }
      print_metrics_row("  case", s.metrics);
      families[c.family] += s.metrics;
      total += s.metrics;
    } catch (const std::exception& e) {
      invalid = true;
      std::printf("  CANNOT RUN: %s\n", e.what());
    }
  }
  if (o.check_only) return invalid ? 1 : 0;
  std::printf("\n%-10s %5s  %-22s %-22s %-20s %-20s %3s  %5s  %7s %7s %8s\n", "family", "cases", "precision",
              "recall", "review recall", "dropped-field review", "FAC", "noise", "agent s", "grep s",
              "ratio");
  for (const auto& [family, m] : families) print_metrics_row(family, m);
  print_metrics_row("total", total);
  std::printf(
      "(FAC = false all-clears; times are CPU seconds of the child processes; ratio = agent / grep)\n");
  return invalid ? 1 : 0;
}
