// Scoring one case (contract in score.h).
#include "score.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "diff.h"

namespace shepherd::corpus {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string where(const std::string& file, int line, const std::string& token) {
  return file + ":" + std::to_string(line) + ": " + token;
}

}  // namespace

Metrics& Metrics::operator+=(const Metrics& o) {
  cases += o.cases;
  edits += o.edits;
  edits_correct += o.edits_correct;
  expected_edits += o.expected_edits;
  expected_edits_made += o.expected_edits_made;
  expected_review += o.expected_review;
  review_hit += o.review_hit;
  expected_dropped_review += o.expected_dropped_review;
  dropped_review_hit += o.dropped_review_hit;
  false_all_clears += o.false_all_clears;
  review_noise += o.review_noise;
  review_items += o.review_items;
  failed_runs += o.failed_runs;
  agent_seconds += o.agent_seconds;
  grep_seconds += o.grep_seconds;
  return *this;
}

std::string ratio(int n, int d) {
  if (d == 0) return std::to_string(n) + "/0 = n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d/%d = %.1f%%", n, d, 100.0 * n / d);
  return buf;
}

CaseScore score_case(const Case& c, const std::vector<Occurrence>& occurrences, const Observed& observed) {
  CaseScore s;
  Metrics& m = s.metrics;
  m.cases = 1;
  m.failed_runs = observed.outcome == "Failed" ? 1 : 0;
  m.review_items = static_cast<int>(observed.review.size());

  // Each occurrence's class: its row, else a leave glob, else uncovered.
  std::map<std::tuple<std::string, int, std::string>, std::size_t> row_at;
  for (std::size_t r = 0; r < c.expect.size(); ++r)
    row_at[{c.expect[r].file, c.expect[r].line, lower(c.expect[r].token)}] = r;
  std::vector<std::vector<std::size_t>> row_occ(c.expect.size());
  std::vector<const Occurrence*> glob_leave;
  std::vector<int> occ_row(occurrences.size(), -1);  // -1 glob leave, -2 uncovered
  for (std::size_t i = 0; i < occurrences.size(); ++i) {
    const Occurrence& o = occurrences[i];
    auto it = row_at.find({o.file, o.line, lower(o.token)});
    if (it != row_at.end()) {
      row_occ[it->second].push_back(i);
      occ_row[i] = static_cast<int>(it->second);
    } else if (std::any_of(c.leave.begin(), c.leave.end(),
                           [&](const LeaveGlob& g) { return glob_match(g.glob, o.file); })) {
      glob_leave.push_back(&o);
      occ_row[i] = -1;
    } else {
      occ_row[i] = -2;
      s.case_errors.push_back("uncovered occurrence " + where(o.file, o.line, o.token) + "  | " +
                              o.line_text);
    }
  }
  for (std::size_t r = 0; r < c.expect.size(); ++r) {
    if (row_occ[r].empty())
      s.case_errors.push_back("expect row matches no occurrence: " +
                              where(c.expect[r].file, c.expect[r].line, c.expect[r].token));
  }

  auto review_near = [&](const std::string& file, int line) {
    return std::any_of(observed.review.begin(), observed.review.end(), [&](const ObservedReview& r) {
      return r.file == file && std::abs(r.line - line) <= 2;
    });
  };
  auto is_dropped = [&](const std::string& token) {
    return std::any_of(c.dropped.begin(), c.dropped.end(),
                       [&](const std::string& d) { return iequals(d, token); });
  };
  auto accepted = [](const ExpectRow& row, const std::string& after) {
    const std::string got = normalize(after);
    return std::any_of(row.to.begin(), row.to.end(),
                       [&](const std::string& t) { return normalize(t) == got; });
  };

  // Edits the agent made on tracked occurrences.
  std::map<std::tuple<std::string, int, int>, const ObservedEdit*> edit_at;
  for (const auto& e : observed.edits) edit_at[{e.file, e.line, e.column}] = &e;
  std::vector<bool> edited_ok(occurrences.size(), false);
  for (std::size_t i = 0; i < occurrences.size(); ++i) {
    const Occurrence& o = occurrences[i];
    auto it = edit_at.find({o.file, o.line, o.column});
    if (it == edit_at.end()) continue;
    ++m.edits;
    const std::string change = "'" + o.token + "' -> '" + it->second->after + "'";
    if (occ_row[i] >= 0 && c.expect[occ_row[i]].cls == Class::Edit) {
      if (accepted(c.expect[occ_row[i]], it->second->after)) {
        ++m.edits_correct;
        edited_ok[i] = true;
      } else {
        s.findings.push_back("wrong edit (replacement not accepted) " + where(o.file, o.line, change));
      }
    } else {
      const char* what = occ_row[i] == -2                                               ? "an uncovered"
                         : occ_row[i] == -1 || c.expect[occ_row[i]].cls == Class::Leave ? "a leave"
                                                                                        : "a review";
      s.findings.push_back(std::string("wrong edit on ") + what + " occurrence " +
                           where(o.file, o.line, change));
    }
  }

  // Expected places.
  bool expects_something = false;
  for (std::size_t r = 0; r < c.expect.size(); ++r) {
    const ExpectRow& row = c.expect[r];
    if (row.cls == Class::Leave || row_occ[r].empty()) continue;
    expects_something = true;
    if (row.cls == Class::Edit) {
      const int n = static_cast<int>(row_occ[r].size());
      int ok = 0;
      bool any_edit = false;
      for (std::size_t i : row_occ[r]) {
        ok += edited_ok[i] ? 1 : 0;
        any_edit =
            any_edit || edit_at.count({occurrences[i].file, occurrences[i].line, occurrences[i].column});
      }
      if (row.also_review && !any_edit && review_near(row.file, row.line)) continue;  // neither hit nor miss
      m.expected_edits += n;
      m.expected_edits_made += ok;
      if (ok < n && !any_edit) s.findings.push_back("missed edit " + where(row.file, row.line, row.token));
    } else {
      const bool hit = review_near(row.file, row.line);
      ++m.expected_review;
      m.review_hit += hit ? 1 : 0;
      if (is_dropped(row.token)) {
        ++m.expected_dropped_review;
        m.dropped_review_hit += hit ? 1 : 0;
      }
      if (!hit) s.findings.push_back("missed review " + where(row.file, row.line, row.token));
    }
  }

  // Noise: a review item near leave occurrences only.
  for (const auto& item : observed.review) {
    auto near = [&](const std::string& file, int line) {
      return file == item.file && std::abs(line - item.line) <= 2;
    };
    bool near_leave = std::any_of(glob_leave.begin(), glob_leave.end(),
                                  [&](const Occurrence* o) { return near(o->file, o->line); });
    bool near_expected = false;
    for (const auto& row : c.expect) {
      if (!near(row.file, row.line)) continue;
      if (row.cls == Class::Leave)
        near_leave = true;
      else
        near_expected = true;
    }
    if (near_leave && !near_expected) {
      ++m.review_noise;
      s.findings.push_back("review noise " + item.file + ":" + std::to_string(item.line) + ": " +
                           item.message);
    }
  }

  if (observed.outcome == "NoChanges" && expects_something) {
    m.false_all_clears = 1;
    s.findings.push_back("false all-clear: NoChanges although the case expects edits or review");
  }
  return s;
}

}  // namespace shepherd::corpus
