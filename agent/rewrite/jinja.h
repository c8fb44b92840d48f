// Finds dbt's `source('schema', 'table')` and `ref('model')` calls inside one Jinja block and
// where their string arguments sit, so that only those arguments are ever rewritten; the rest of
// the block (config(), macros, filters) is left byte for byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shepherd::rewrite::jinja {

struct Arg {
  std::size_t begin, end;  // the argument's characters inside the quotes, relative to the block
  std::string value;
};

struct Call {
  std::string function;   // "source" or "ref"
  std::vector<Arg> args;  // positional string arguments only
};

std::vector<Call> calls(std::string_view block);

}  // namespace shepherd::rewrite::jinja
