// Content checks that decide whether a file is text the engine may rewrite.
#pragma once

#include <string_view>

namespace shepherd::rewrite {

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);

// Binary by the same test git uses: a NUL byte (looked for in the whole file, not just a prefix).
inline bool looks_binary(std::string_view s) { return s.find('\0') != std::string_view::npos; }

}  // namespace shepherd::rewrite
