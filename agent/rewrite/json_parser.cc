// Recursive-descent JSON parser over the raw bytes, depth-limited so that hostile input cannot
// exhaust the stack.
#include "json_parser.h"

namespace shepherd::rewrite::json {

const Node* Node::get(std::string_view key) const {
  for (const auto& m : members)
    if (m.key.text == key) return &m.value;
  return nullptr;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<Node> document() {
    Node n;
    if (!value(n, 0)) return std::nullopt;
    space();
    if (i_ != s_.size()) return std::nullopt;
    return n;
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool value(Node& n, int depth) {
    if (depth > 256) return false;
    space();
    if (i_ >= s_.size()) return false;
    n.begin = i_;
    char c = s_[i_];
    if (c == '{') {
      n.type = Node::Type::Object;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == '}') {
        n.end = ++i_;
        return true;
      }
      while (true) {
        Node::Member m;
        space();
        if (!string(m.key)) return false;
        space();
        if (i_ >= s_.size() || s_[i_] != ':') return false;
        ++i_;
        if (!value(m.value, depth + 1)) return false;
        n.members.push_back(std::move(m));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') {
          n.end = ++i_;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      n.type = Node::Type::Array;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == ']') {
        n.end = ++i_;
        return true;
      }
      while (true) {
        Node item;
        if (!value(item, depth + 1)) return false;
        n.items.push_back(std::move(item));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          n.end = ++i_;
          return true;
        }
        return false;
      }
    }
    if (c == '"') return string(n);
    // number, true, false, null
    std::size_t b = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n' && s_[i_] != '\r' && s_[i_] != '\t')
      ++i_;
    if (i_ == b) return false;
    n.type = Node::Type::Scalar;
    n.end = i_;
    return true;
  }
  bool string(Node& n) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    n.type = Node::Type::String;
    n.begin = i_++;
    n.body_begin = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      if (s_[i_] == '\n') return false;
      ++i_;
    }
    if (i_ >= s_.size()) return false;
    n.body_end = i_;
    n.text = std::string(s_.substr(n.body_begin, n.body_end - n.body_begin));
    n.end = ++i_;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<Node> parse(std::string_view text) { return Parser(text).document(); }

}  // namespace shepherd::rewrite::json
