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

// The positions of `items` in stable offset order (rewriters mostly emit in order already).
template <class T>
std::vector<std::size_t> offset_order(const std::vector<T>& items) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto by_offset = [&](std::size_t a, std::size_t b) { return items[a].offset < items[b].offset; };
  if (!std::is_sorted(order.begin(), order.end(), by_offset))
    std::stable_sort(order.begin(), order.end(), by_offset);
  return order;
}

}  // namespace

FileResult apply(const std::string& path, std::string_view content, CollectingSink sink) {
  FileResult out;
  LineIndex lines(content);
  auto& splices = sink.splices;
  out.content.reserve(content.size() + content.size() / 8);
  std::size_t pos = 0;
  const Splice* kept = nullptr;  // the last splice not dropped as a duplicate
  for (std::size_t i : offset_order(splices)) {
    auto& s = splices[i];
    // The same replacement found twice (e.g. by two rules) is one edit.
    if (kept && kept->offset == s.offset && kept->length == s.length && kept->text == s.text) continue;
    kept = &s;
    if (s.offset < pos || s.offset + s.length > content.size()) {
      sink.findings.push_back(Finding{s.offset, "conflicting rewrites (" + s.rule + "); not applied"});
      continue;
    }
    out.content.append(content.substr(pos, s.offset - pos));
    std::string_view before = content.substr(s.offset, s.length);
    if (before != s.text) {
      auto [line, col] = lines.at(s.offset);
      out.content.append(s.text);
      out.edits.push_back(Edit{path, line, col, std::string(before), s.text, std::move(s.rule)});
    } else {
      out.content.append(before);
    }
    pos = s.offset + s.length;
  }
  out.content.append(content.substr(pos));

  for (std::size_t i : offset_order(sink.findings)) {
    auto& f = sink.findings[i];
    int line = lines.at(std::min(f.offset, content.size())).first;
    bool dup = std::any_of(out.review.begin(), out.review.end(),
                           [&](const ReviewItem& r) { return r.line == line && r.message == f.message; });
    if (!dup) out.review.push_back(ReviewItem{path, line, std::move(f.message)});
  }
  return out;
}

}  // namespace shepherd::rewrite
