// A small block-YAML reader that keeps byte offsets (yaml-cpp does not): mappings, sequences
// (including `- key: v` items), plain/quoted scalars, one-line flow collections (sequences and
// maps, nested) and block scalars.
// Anchors, tags and multi-line flow collections are read as opaque values and never rewritten.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::yaml {

struct Scalar {
  std::size_t begin = 0, end = 0;  // the value's characters, without quotes
  std::string text;
  bool block = false;  // `|` / `>` block scalar: [begin, end) spans its lines
};

struct Node {
  enum class Type { None, Map, Seq, Scalar, Opaque };
  Type type = Type::None;
  Scalar scalar;
  struct Entry;
  std::vector<Entry> map;
  std::vector<Node> seq;
  const Node* get(std::string_view key) const;
  std::string str(std::string_view key) const;  // a scalar member's text, or ""
};

struct Node::Entry {
  Scalar key;
  Node value;
};

// One node per YAML document (`---` separated).
std::vector<Node> parse(std::string_view text);

}  // namespace shepherd::rewrite::yaml
