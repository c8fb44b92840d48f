// Placeholders in user strings (docs/api.md): {plan}, {consumer}, {namespace}, {dataset}, {field}.
// Two syntaxes, because PromQL uses single braces for label matchers:
//   Template: "{name}" (branch names, retype expressions, cut-over values); every brace must
//             belong to a placeholder.
//   Query:    "{{name}}" (Prometheus queries); single braces are left alone.
// Checking and expansion are pure string functions.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "controllers/api/types.h"

namespace shepherd::controllers::api {

enum class PlaceholderSyntax { Template, Query };

// Every placeholder name the API knows.
const std::set<std::string>& known_placeholders();

// Checks `text`: every placeholder is one of `allowed`, and (Template) braces are balanced. Returns
// a message saying what is wrong and what to write instead, or std::nullopt when the text is fine.
std::optional<std::string> check_placeholders(std::string_view text, const std::set<std::string>& allowed,
                                              PlaceholderSyntax syntax = PlaceholderSyntax::Template);

// Replaces every placeholder whose name is in `values`; others are left as written.
std::string expand_placeholders(std::string_view text, const StringMap& values,
                                PlaceholderSyntax syntax = PlaceholderSyntax::Template);

}  // namespace shepherd::controllers::api
