// Applies splices in offset order and records where each one was, so that every byte outside a
// splice is copied unchanged.
#include "apply.h"

#include <algorithm>

namespace shepherd::rewrite {

namespace {

// Maps offsets to 1-based line/column with one pass over line starts.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }
  std::pair<int, int> at(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    auto line = static_cast<std::size_t>(it - starts_.begin());  // >= 1
    return {static_cast<int>(line), static_cast<int>(offset - starts_[line - 1] + 1)};
  }

 private:
  std::vector<std::size_t> starts_;
};

}  // namespace

FileResult apply(const std::string& path, std::string_view content, CollectingSink sink) {
  FileResult out;
  LineIndex lines(content);
  auto& splices = sink.splices;
  std::stable_sort(splices.begin(), splices.end(),
                   [](const Splice& a, const Splice& b) { return a.offset < b.offset; });
  // The same replacement found twice (e.g. by two rules) is one edit.
  splices.erase(std::unique(splices.begin(), splices.end(),
                            [](const Splice& a, const Splice& b) {
                              return a.offset == b.offset && a.length == b.length && a.text == b.text;
                            }),
                splices.end());
  std::size_t pos = 0;
  for (auto& s : splices) {
    if (s.offset < pos || s.offset + s.length > content.size()) {
      sink.findings.push_back(Finding{s.offset, "conflicting rewrites (" + s.rule + "); not applied"});
      continue;
    }
    out.content.append(content.substr(pos, s.offset - pos));
    std::string before(content.substr(s.offset, s.length));
    if (before != s.text) {
      auto [line, col] = lines.at(s.offset);
      out.edits.push_back(Edit{path, line, col, before, s.text, s.rule});
      out.content.append(s.text);
    } else {
      out.content.append(before);
    }
    pos = s.offset + s.length;
  }
  out.content.append(content.substr(pos));

  std::stable_sort(sink.findings.begin(), sink.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
  for (auto& f : sink.findings) {
    int line = lines.at(std::min(f.offset, content.size())).first;
    bool dup = std::any_of(out.review.begin(), out.review.end(), [&](const ReviewItem& r) {
      return r.line == line && r.message == f.message;
    });
    if (!dup) out.review.push_back(ReviewItem{path, line, std::move(f.message)});
  }
  return out;
}

}  // namespace shepherd::rewrite
