// Indentation-driven recursive descent over lines. A `- ` item is handled by moving the line's
// start past the dash, so that `- name: x` reads as a mapping at the item's column.
#include "yaml_parser.h"

namespace shepherd::rewrite::yaml {

const Node* Node::get(std::string_view key) const {
  for (const auto& e : map)
    if (e.key.text == key) return &e.value;
  return nullptr;
}

std::string Node::str(std::string_view key) const {
  const Node* n = get(key);
  return n && n->type == Type::Scalar ? n->scalar.text : std::string();
}

namespace {

struct Line {
  std::size_t begin, end;  // content, without indentation, comment or trailing blanks
  std::size_t start;       // start of the line
  int indent;
  bool blank;
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {
    std::size_t i = 0;
    while (i <= s.size()) {
      std::size_t e = s.find('\n', i);
      if (e == std::string_view::npos) e = s.size();
      lines_.push_back(make_line(i, e));
      if (e == s.size()) break;
      i = e + 1;
    }
  }

  std::vector<Node> documents() {
    std::vector<Node> docs;
    while (cur_ < lines_.size()) {
      skip_blank();
      if (cur_ >= lines_.size()) break;
      if (text(lines_[cur_]) == "---") {
        ++cur_;
        continue;
      }
      std::size_t before = cur_;
      docs.push_back(node(lines_[cur_].indent));
      if (cur_ == before) ++cur_;  // unreadable line: skip it rather than loop
    }
    return docs;
  }

 private:
  Line make_line(std::size_t b, std::size_t e) {
    std::size_t i = b;
    while (i < e && s_[i] == ' ') ++i;
    Line l{i, e, b, static_cast<int>(i - b), false};
    // Strip a comment: `#` at the start or after a blank, outside quotes.
    char q = 0;
    for (std::size_t j = i; j < e; ++j) {
      char c = s_[j];
      if (q) {
        if (c == q) q = 0;
      } else if (c == '\'' || c == '"') {
        if (j == i || s_[j - 1] == ' ' || s_[j - 1] == '[' || s_[j - 1] == ',' || s_[j - 1] == ':') q = c;
      } else if (c == '#' && (j == i || s_[j - 1] == ' ' || s_[j - 1] == '\t')) {
        l.end = j;
        break;
      }
    }
    while (l.end > l.begin && (s_[l.end - 1] == ' ' || s_[l.end - 1] == '\r' || s_[l.end - 1] == '\t'))
      --l.end;
    l.blank = l.end == l.begin;
    return l;
  }
  std::string_view text(const Line& l) const { return s_.substr(l.begin, l.end - l.begin); }
  void skip_blank() {
    while (cur_ < lines_.size() && lines_[cur_].blank) ++cur_;
  }
  static bool is_item(std::string_view t) {
    return t == "-" || (t.size() >= 2 && t[0] == '-' && t[1] == ' ');
  }

  // Position of the `:` that ends a key on this line, or npos.
  std::size_t key_colon(const Line& l) const {
    char q = 0;
    for (std::size_t j = l.begin; j < l.end; ++j) {
      char c = s_[j];
      if (q) {
        if (c == q) q = 0;
        continue;
      }
      if ((c == '\'' || c == '"') && j == l.begin) {
        q = c;
        continue;
      }
      if (c == '[' || c == '{') return std::string_view::npos;
      if (c == ':' && (j + 1 == l.end || s_[j + 1] == ' ')) return j;
    }
    return std::string_view::npos;
  }

  Scalar scalar(std::size_t b, std::size_t e) const {
    while (b < e && s_[b] == ' ') ++b;
    while (e > b && s_[e - 1] == ' ') --e;
    if (e - b >= 2 && (s_[b] == '"' || s_[b] == '\'') && s_[e - 1] == s_[b]) {
      ++b;
      --e;
    }
    return Scalar{b, e, std::string(s_.substr(b, e - b)), false};
  }

  Node node(int indent) {
    skip_blank();
    Node n;
    if (cur_ >= lines_.size() || lines_[cur_].indent < indent) return n;
    const Line& l = lines_[cur_];
    if (is_item(text(l))) return seq(l.indent);
    if (key_colon(l) != std::string_view::npos) return map(l.indent);
    // A bare scalar (possibly continued on deeper lines): opaque.
    n.type = Node::Type::Opaque;
    int own = l.indent;
    ++cur_;
    while (cur_ < lines_.size() && (lines_[cur_].blank || lines_[cur_].indent > own)) ++cur_;
    return n;
  }

  Node seq(int indent) {
    Node n;
    n.type = Node::Type::Seq;
    while (true) {
      skip_blank();
      if (cur_ >= lines_.size()) break;
      Line& l = lines_[cur_];
      if (l.indent != indent || !is_item(text(l))) break;
      std::size_t b = l.begin + 1;
      while (b < l.end && s_[b] == ' ') ++b;
      if (b >= l.end) {
        ++cur_;
        n.seq.push_back(node(indent + 1));
        continue;
      }
      // `- value` or `- key: value`: re-read this line from the item's column.
      l.indent = static_cast<int>(b - l.start);
      l.begin = b;
      if (is_item(text(l))) {
        n.seq.push_back(seq(l.indent));
      } else if (key_colon(l) != std::string_view::npos) {
        n.seq.push_back(map(l.indent));
      } else {
        n.seq.push_back(value_inline(l.begin, l.end, indent));
      }
    }
    return n;
  }

  Node map(int indent) {
    Node n;
    n.type = Node::Type::Map;
    while (true) {
      skip_blank();
      if (cur_ >= lines_.size()) break;
      const Line& l = lines_[cur_];
      if (l.indent != indent || is_item(text(l))) break;
      std::size_t colon = key_colon(l);
      if (colon == std::string_view::npos) break;
      Node::Entry e;
      e.key = scalar(l.begin, colon);
      std::size_t vb = colon + 1, ve = l.end;
      while (vb < ve && s_[vb] == ' ') ++vb;
      if (vb >= ve) {
        ++cur_;
        skip_blank();
        // `key:` followed by a sequence at the same indentation is legal YAML.
        if (cur_ < lines_.size() && lines_[cur_].indent == indent && is_item(text(lines_[cur_])))
          e.value = seq(indent);
        else
          e.value = node(indent + 1);
      } else {
        e.value = value_inline(vb, ve, indent);
      }
      n.map.push_back(std::move(e));
    }
    return n;
  }

  // One flow node starting at i (after spaces) and ending before e; i moves past it. Plain and
  // quoted scalars, nested `[…]` and `{key: value, …}`; anything else is opaque.
  Node flow(std::size_t& i, std::size_t e, int depth = 0) const {
    Node n;
    n.type = Node::Type::Opaque;
    while (i < e && s_[i] == ' ') ++i;
    if (i >= e || depth > 16) return n;
    char open = s_[i];
    if (open != '[' && open != '{') {
      std::size_t j = i;
      char q = 0;
      if (s_[j] == '\'' || s_[j] == '"') {
        q = s_[j];
        for (++j; j < e && s_[j] != q; ++j) {
        }
        if (j >= e) return n;
        ++j;
      }
      while (j < e && s_[j] != ',' && s_[j] != ']' && s_[j] != '}' &&
             !(open != '[' && s_[j] == ':' && (j + 1 >= e || s_[j + 1] == ' ')))
        ++j;
      n.type = Node::Type::Scalar;
      n.scalar = scalar(i, j);
      i = j;
      return n;
    }
    char close = open == '[' ? ']' : '}';
    Node out;
    out.type = open == '[' ? Node::Type::Seq : Node::Type::Map;
    ++i;
    while (true) {
      while (i < e && s_[i] == ' ') ++i;
      if (i >= e) return n;
      if (s_[i] == close) {
        ++i;
        return out;
      }
      if (open == '[') {
        Node item = flow(i, e, depth + 1);
        if (item.type == Node::Type::Opaque) return n;
        out.seq.push_back(std::move(item));
      } else {
        Node key = flow(i, e, depth + 1);
        if (key.type != Node::Type::Scalar || i >= e || s_[i] != ':') return n;
        ++i;
        Node::Entry entry;
        entry.key = key.scalar;
        while (i < e && s_[i] == ' ') ++i;
        if (i < e && (s_[i] == ',' || s_[i] == '}')) {
          entry.value.type = Node::Type::None;
        } else {
          entry.value = flow(i, e, depth + 1);
          if (entry.value.type == Node::Type::Opaque) return n;
        }
        out.map.push_back(std::move(entry));
      }
      while (i < e && s_[i] == ' ') ++i;
      if (i < e && s_[i] == ',')
        ++i;
      else if (!(i < e && s_[i] == close))
        return n;
    }
  }

  // A value that starts on the current line (consumes it, and a block scalar's lines).
  Node value_inline(std::size_t b, std::size_t e, int indent) {
    Node n;
    char c = s_[b];
    ++cur_;
    if (c == '|' || c == '>') {
      n.type = Node::Type::Scalar;
      n.scalar.block = true;
      std::size_t first = cur_;
      while (cur_ < lines_.size() && (lines_[cur_].blank || lines_[cur_].indent > indent)) ++cur_;
      std::size_t last = cur_;
      while (last > first && lines_[last - 1].blank) --last;
      if (last > first) {
        n.scalar.begin = lines_[first].start;
        n.scalar.end = lines_[last - 1].end;
        // The comment stripping must not cut a block scalar's text: take the raw line end.
        std::size_t raw = s_.find('\n', lines_[last - 1].start);
        n.scalar.end = raw == std::string_view::npos ? s_.size() : raw;
        n.scalar.text = std::string(s_.substr(n.scalar.begin, n.scalar.end - n.scalar.begin));
      }
      return n;
    }
    if (c == '[' || c == '{') {
      // A flow collection on this line (`[a, b]`, `{name: user_id, tests: [not_null]}`); one that
      // continues on later lines, or that this reader does not understand, is opaque.
      std::size_t i = b;
      Node f = flow(i, e);
      while (i < e && s_[i] == ' ') ++i;
      if (f.type == Node::Type::Opaque || i != e) f = Node{Node::Type::Opaque, {}, {}, {}};
      return f;
    }
    if (c == '&' || c == '*' || c == '!') {
      n.type = Node::Type::Opaque;
      return n;
    }
    n.type = Node::Type::Scalar;
    n.scalar = scalar(b, e);
    // A plain scalar may continue on deeper lines; then it is not one we can rewrite safely.
    if (cur_ < lines_.size() && !lines_[cur_].blank && lines_[cur_].indent > indent &&
        key_colon(lines_[cur_]) == std::string_view::npos && !is_item(text(lines_[cur_]))) {
      n.type = Node::Type::Opaque;
      while (cur_ < lines_.size() && (lines_[cur_].blank || lines_[cur_].indent > indent)) ++cur_;
    }
    return n;
  }

  std::string_view s_;
  std::vector<Line> lines_;
  std::size_t cur_ = 0;
};

}  // namespace

std::vector<Node> parse(std::string_view text) { return Parser(text).documents(); }

}  // namespace shepherd::rewrite::yaml
