// A tolerant JSON reader that keeps byte offsets of every key and value, so that a rewrite can
// replace one string and leave the rest of the file (formatting, key order) untouched.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::json {

struct Node {
  enum class Type { Object, Array, String, Scalar };
  Type type = Type::Scalar;
  std::size_t begin = 0, end = 0;            // the whole value (for String: including quotes)
  std::size_t body_begin = 0, body_end = 0;  // String: between the quotes
  std::string text;                          // String: the body as written (escapes not decoded)
  struct Member;
  std::vector<Member> members;  // Object
  std::vector<Node> items;      // Array
  const Node* get(std::string_view key) const;
};

struct Node::Member {
  Node key;  // a String node
  Node value;
};

// nullopt when the text is not JSON (e.g. JSON with comments); callers then leave the file alone.
std::optional<Node> parse(std::string_view text);

}  // namespace shepherd::rewrite::json
