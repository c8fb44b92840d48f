// Where rewriters put what they decide: byte-range replacements and review findings, both by
// offset. Rewriters never build output text themselves, so that every byte they do not replace is
// preserved exactly (line endings, indentation, unicode).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace shepherd::rewrite {

struct Splice {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string text;
  std::string rule;
};

struct Finding {
  std::size_t offset = 0;
  std::string message;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void replace(std::size_t offset, std::size_t length, std::string text, std::string rule) = 0;
  virtual void review(std::size_t offset, std::string message) = 0;
};

// Collects in file coordinates.
class CollectingSink final : public Sink {
 public:
  void replace(std::size_t offset, std::size_t length, std::string text, std::string rule) override {
    splices.push_back(Splice{offset, length, std::move(text), std::move(rule)});
  }
  void review(std::size_t offset, std::string message) override {
    findings.push_back(Finding{offset, std::move(message)});
  }
  std::vector<Splice> splices;
  std::vector<Finding> findings;
};

// Translates offsets of a piece of text that sits at `base` in its parent (e.g. a string literal's
// body inside a Python file).
class OffsetSink final : public Sink {
 public:
  OffsetSink(Sink& parent, std::size_t base) : parent_(parent), base_(base) {}
  void replace(std::size_t offset, std::size_t length, std::string text, std::string rule) override {
    parent_.replace(base_ + offset, length, std::move(text), std::move(rule));
  }
  void review(std::size_t offset, std::string message) override {
    parent_.review(base_ + offset, std::move(message));
  }

 private:
  Sink& parent_;
  std::size_t base_;
};

}  // namespace shepherd::rewrite
