// The overall time budget of one agent run: every child process gets at most what is left.
#pragma once

#include <algorithm>
#include <chrono>

namespace shepherd::agent {

class Deadline {
 public:
  explicit Deadline(std::chrono::seconds budget) : end_(std::chrono::steady_clock::now() + budget) {}
  std::chrono::milliseconds remaining() const {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(end_ - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  bool expired() const { return remaining().count() == 0; }
  // The smaller of `wanted` and what is left (at least 1 ms, so that a timeout is never "none").
  std::chrono::milliseconds cap(std::chrono::milliseconds wanted) const {
    return std::max(std::min(wanted, remaining()), std::chrono::milliseconds(1));
  }

 private:
  std::chrono::steady_clock::time_point end_;
};

}  // namespace shepherd::agent
