// Scans a Jinja block for source()/ref() calls with literal string arguments; any call whose
// arguments are not all plain literals (variables, concatenation) is not reported, so it is
// never rewritten.
#include "jinja.h"

#include "plan.h"

namespace shepherd::rewrite::jinja {

std::vector<Call> calls(std::string_view block) {
  std::vector<Call> out;
  std::size_t i = 0;
  while (i < block.size()) {
    if (!is_ident_start(block[i]) || (i > 0 && (is_ident_char(block[i - 1]) || block[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::size_t e = i;
    while (e < block.size() && is_ident_char(block[e])) ++e;
    std::string_view name = block.substr(i, e - i);
    i = e;
    if (name != "source" && name != "ref") continue;
    std::size_t j = e;
    while (j < block.size() && block[j] == ' ') ++j;
    if (j >= block.size() || block[j] != '(') continue;
    ++j;
    Call call{std::string(name), {}};
    bool ok = true;
    while (true) {
      while (j < block.size() &&
             (block[j] == ' ' || block[j] == '\n' || block[j] == '\t' || block[j] == '\r'))
        ++j;
      if (j >= block.size()) {
        ok = false;
        break;
      }
      if (block[j] == ')') break;
      char q = block[j];
      if (q != '\'' && q != '"') {
        ok = false;
        break;
      }
      std::size_t close = block.find(q, j + 1);
      if (close == std::string_view::npos) {
        ok = false;
        break;
      }
      call.args.push_back(Arg{j + 1, close, std::string(block.substr(j + 1, close - j - 1))});
      j = close + 1;
      while (j < block.size() &&
             (block[j] == ' ' || block[j] == '\n' || block[j] == '\t' || block[j] == '\r'))
        ++j;
      if (j < block.size() && block[j] == ',') {
        ++j;
        continue;
      }
      if (j < block.size() && block[j] == ')') break;
      ok = false;
      break;
    }
    if (ok && !call.args.empty()) out.push_back(std::move(call));
    i = j;
  }
  return out;
}

}  // namespace shepherd::rewrite::jinja
