// Token diff and attribution of changes to original words (contract in diff.h).
#include "diff.h"

#include <algorithm>
#include <cctype>

#include "occurrences.h"

namespace shepherd::corpus {

namespace {

struct Token {
  std::size_t begin = 0, end = 0;
  int line = 0, column = 0;
  bool word = false;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      line_start = ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (is_word_char(c)) {
      std::size_t j = i;
      while (j < s.size() && is_word_char(s[j])) ++j;
      out.push_back({i, j, line, static_cast<int>(i - line_start) + 1, true});
      i = j;
    } else {
      out.push_back({i, i + 1, line, static_cast<int>(i - line_start) + 1, false});
      ++i;
    }
  }
  return out;
}

enum class Op { Keep, Del, Ins };
struct Step {
  Op op;
  std::size_t a, b;  // token indexes in before / after (the one that applies)
};

// Myers' O(ND) shortest edit script between a[alo,ahi) and b[blo,bhi); false when it costs more
// than max_cost.
template <class Eq>
bool myers(std::size_t alo, std::size_t ahi, std::size_t blo, std::size_t bhi, int max_cost, Eq eq,
           std::vector<Step>& out) {
  const int n = static_cast<int>(ahi - alo), m = static_cast<int>(bhi - blo);
  const int max = std::min(n + m, max_cost);
  const int off = max + 1;
  std::vector<int> v(2 * max + 3, 0);
  // trace[d]: the V of step d-1 for k in [-d-1, d+1] (only those are read back), so the memory is
  // O(D^2) in the cost D, not O(D * (N+M)).
  std::vector<std::vector<int>> trace;
  int found = -1;
  for (int d = 0; d <= max && found < 0; ++d) {
    trace.emplace_back(v.begin() + (off - d - 1), v.begin() + (off + d + 2));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && eq(alo + x, blo + y)) ++x, ++y;
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return false;
  std::vector<Step> rev;
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const std::vector<int>& pv = trace[d];  // V after step d-1, pv[d + 1 + k] = V[k]
    const int k = x - y, o = d + 1;
    const bool down = (k == -d || (k != d && pv[o + k - 1] < pv[o + k + 1]));
    const int pk = down ? k + 1 : k - 1;
    const int px = pv[o + pk], py = px - pk;
    while (x > px + (down ? 0 : 1) && y > py + (down ? 1 : 0)) {
      --x, --y;
      rev.push_back({Op::Keep, alo + x, blo + y});
    }
    if (down) {
      --y;
      rev.push_back({Op::Ins, alo + x, blo + y});
    } else {
      --x;
      rev.push_back({Op::Del, alo + x, blo + y});
    }
  }
  while (x > 0 && y > 0) {
    --x, --y;
    rev.push_back({Op::Keep, alo + x, blo + y});
  }
  out.insert(out.end(), rev.rbegin(), rev.rend());
  return true;
}

}  // namespace

std::string normalize(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<TokenEdit> edited_words(std::string_view before, std::string_view after, int max_cost) {
  const std::vector<Token> a = tokenize(before), b = tokenize(after);
  auto eq = [&](std::size_t i, std::size_t j) {
    return before.substr(a[i].begin, a[i].end - a[i].begin) ==
           after.substr(b[j].begin, b[j].end - b[j].begin);
  };
  // Common prefix and suffix first: most files change in a few places.
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && eq(pre, pre)) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && eq(a.size() - 1 - suf, b.size() - 1 - suf)) ++suf;
  std::vector<Step> steps;
  for (std::size_t i = 0; i < pre; ++i) steps.push_back({Op::Keep, i, i});
  if (!myers(pre, a.size() - suf, pre, b.size() - suf, max_cost, eq, steps)) {
    for (std::size_t i = pre; i < a.size() - suf; ++i) steps.push_back({Op::Del, i, pre});
    for (std::size_t j = pre; j < b.size() - suf; ++j) steps.push_back({Op::Ins, a.size() - suf, j});
  }
  for (std::size_t i = 0; i < suf; ++i) steps.push_back({Op::Keep, a.size() - suf + i, b.size() - suf + i});

  // Change groups: maximal runs of non-Keep steps.
  struct Group {
    bool has_del = false;
    std::size_t ins_first = 0, ins_last = 0;
    bool has_ins = false;
    bool ins_one_line = true;
  };
  std::vector<int> group_of(steps.size(), -1);
  std::vector<Group> groups;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    if (steps[s].op == Op::Keep) continue;
    if (s == 0 || group_of[s - 1] < 0) groups.push_back({});
    group_of[s] = static_cast<int>(groups.size()) - 1;
    Group& g = groups.back();
    if (steps[s].op == Op::Del) {
      g.has_del = true;
    } else {
      if (!g.has_ins)
        g.ins_first = steps[s].b;
      else if (b[steps[s].b].line != b[g.ins_first].line)
        g.ins_one_line = false;
      g.ins_last = steps[s].b;
      g.has_ins = true;
    }
  }
  auto text = [&](std::size_t first, std::size_t last) {
    return std::string(after.substr(b[first].begin, b[last].end - b[first].begin));
  };
  std::vector<TokenEdit> out;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const Step& st = steps[s];
    if (st.op == Op::Ins || !a[st.a].word) continue;
    const Token& t = a[st.a];
    TokenEdit e{t.line, t.column, std::string(before.substr(t.begin, t.end - t.begin)), ""};
    if (st.op == Op::Del) {
      const Group& g = groups[group_of[s]];
      if (g.has_ins) e.after = text(g.ins_first, g.ins_last);
      out.push_back(std::move(e));
      continue;
    }
    // Kept: an insertion touching it on its own line makes it part of a rewrite.
    auto pure_insert = [&](std::size_t at) -> const Group* {
      if (at >= steps.size() || group_of[at] < 0) return nullptr;
      const Group& g = groups[group_of[at]];
      if (g.has_del || !g.ins_one_line || b[g.ins_first].line != b[st.b].line) return nullptr;
      return &g;
    };
    const Group* left = s > 0 ? pure_insert(s - 1) : nullptr;
    const Group* right = pure_insert(s + 1);
    if (left == nullptr && right == nullptr) continue;
    e.after = text(left ? left->ins_first : st.b, right ? right->ins_last : st.b);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace shepherd::corpus
