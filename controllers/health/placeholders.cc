// Placeholder substitution in health-check queries.
#include "controllers/health/placeholders.h"

#include <array>
#include <utility>

namespace shepherd::controllers::health {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

constexpr std::array<std::string_view, 4> kNames = {"consumer", "plan", "namespace", "dataset"};

}  // namespace

std::string fill_placeholders(std::string_view query, const QueryContext& context) {
  const std::array<std::pair<std::string_view, std::string_view>, 4> values = {{
      {kNames[0], context.consumer},
      {kNames[1], context.plan},
      {kNames[2], context.namespace_},
      {kNames[3], context.dataset},
  }};
  std::string out(query);
  for (const auto& [name, value] : values) {
    replace_all(out, "{{" + std::string(name) + "}}", value);
  }
  for (const auto& [name, value] : values) {
    replace_all(out, "{" + std::string(name) + "}", value);
  }
  return out;
}

std::vector<std::string> unknown_placeholders(std::string_view query) {
  std::vector<std::string> unknown;
  std::size_t pos = 0;
  while ((pos = query.find("{{", pos)) != std::string_view::npos) {
    const std::size_t end = query.find("}}", pos + 2);
    if (end == std::string_view::npos) break;
    const std::string_view name = query.substr(pos + 2, end - pos - 2);
    bool known = false;
    for (const auto k : kNames) known = known || k == name;
    if (!known) unknown.emplace_back(name);
    pos = end + 2;
  }
  return unknown;
}

}  // namespace shepherd::controllers::health
