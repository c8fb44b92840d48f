// Scoring one case: the hand-written expectation against what the agent did. Pure: no I/O.
//
// Units: an edit is one changed occurrence of a tracked name (precision and recall count
// occurrences); a review place is one expect row (file, line, token) and is hit by a review item
// of that file within +-2 lines. An occurrence is classified by its expect row (same file, line
// and token, ignoring case), else by the first matching leave glob; otherwise it is uncovered, an
// error of the case.
#pragma once

#include <string>
#include <vector>

#include "case.h"
#include "occurrences.h"

namespace shepherd::corpus {

struct ObservedEdit {  // a changed original word (see diff.h), with its file
  std::string file;
  int line = 0, column = 0;
  std::string before, after;
};

struct ObservedReview {
  std::string file;
  int line = 0;
  std::string message;
};

struct Observed {
  std::string outcome;  // Changed | NoChanges | NeedsReview | Failed
  std::vector<ObservedEdit> edits;
  std::vector<ObservedReview> review;
};

// Sums over cases; ratios are computed from the sums (micro averages).
struct Metrics {
  int cases = 0;
  int edits = 0;           // occurrences of tracked names the agent changed
  int edits_correct = 0;   // of those: on an edit row, replacement in `to`
  int expected_edits = 0;  // occurrences on edit rows (minus also:review ones answered by review)
  int expected_edits_made = 0;
  int expected_review = 0;  // review rows
  int review_hit = 0;
  int expected_dropped_review = 0;  // review rows whose token is a dropped field
  int dropped_review_hit = 0;
  int false_all_clears = 0;  // cases: NoChanges although an edit or review is expected
  int review_noise = 0;      // review items near leave occurrences only
  int review_items = 0;      // all review items the agent listed
  int failed_runs = 0;       // cases whose outcome is Failed
  double agent_seconds = 0, grep_seconds = 0;

  Metrics& operator+=(const Metrics& o);
};

struct CaseScore {
  Metrics metrics;
  std::vector<std::string> case_errors;  // uncovered occurrences, rows that match nothing
  std::vector<std::string> findings;     // wrong edits, misses, noise: one line each
};

CaseScore score_case(const Case& c, const std::vector<Occurrence>& occurrences, const Observed& observed);

// "n/d = p%" ("n/a" when d is 0).
std::string ratio(int n, int d);

}  // namespace shepherd::corpus
