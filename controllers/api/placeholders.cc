// Placeholder checking and expansion (see placeholders.h).
#include "controllers/api/placeholders.h"

namespace shepherd::controllers::api {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::string list(const std::set<std::string>& names, bool doubled) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += doubled ? "{{" + n + "}}" : "{" + n + "}";
  }
  return out;
}

}  // namespace

const std::set<std::string>& known_placeholders() {
  static const std::set<std::string> names{"plan", "consumer", "namespace", "dataset", "field"};
  return names;
}

std::optional<std::string> check_placeholders(std::string_view text, const std::set<std::string>& allowed,
                                              PlaceholderSyntax syntax) {
  const bool doubled = syntax == PlaceholderSyntax::Query;
  const std::string_view open = doubled ? "{{" : "{";
  const std::string_view close = doubled ? "}}" : "}";
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t o = text.find(open, pos);
    if (!doubled) {
      const std::size_t stray = text.find('}', pos);
      if (stray != std::string_view::npos && (o == std::string_view::npos || stray < o))
        return "unbalanced \"}\" at offset " + std::to_string(stray) +
               "; braces are only allowed around a placeholder (" + list(allowed, false) + ")";
    }
    if (o == std::string_view::npos) break;
    const std::size_t c = text.find(close, o + open.size());
    if (c == std::string_view::npos)
      return "unbalanced \"" + std::string(open) + "\" at offset " + std::to_string(o) +
             "; close it with \"" + std::string(close) + "\"";
    const std::string_view inner = text.substr(o + open.size(), c - o - open.size());
    if (!doubled && inner.find('{') != std::string_view::npos)
      return "unbalanced \"{\" at offset " + std::to_string(o) +
             "; braces are only allowed around a placeholder (" + list(allowed, false) + ")";
    const std::string name = trim(inner);
    if (allowed.count(name) == 0) {
      const std::string written = std::string(open) + std::string(inner) + std::string(close);
      if (allowed.empty()) return "placeholder " + written + " is not allowed here; remove it";
      return "unknown placeholder " + written + "; use one of " + list(allowed, doubled);
    }
    pos = c + close.size();
  }
  return std::nullopt;
}

std::string expand_placeholders(std::string_view text, const StringMap& values, PlaceholderSyntax syntax) {
  const bool doubled = syntax == PlaceholderSyntax::Query;
  const std::string_view open = doubled ? "{{" : "{";
  const std::string_view close = doubled ? "}}" : "}";
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t o = text.find(open, pos);
    if (o == std::string_view::npos) break;
    const std::size_t c = text.find(close, o + open.size());
    if (c == std::string_view::npos) break;
    const std::string name = trim(text.substr(o + open.size(), c - o - open.size()));
    out.append(text.substr(pos, o - pos));
    const auto it = values.find(name);
    if (it != values.end()) {
      out += it->second;
      pos = c + close.size();
    } else {
      // Leave unknown text as written and continue after the opening brace.
      out.append(open);
      pos = o + open.size();
    }
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace shepherd::controllers::api
