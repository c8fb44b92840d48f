// Turns collected splices and findings into a FileResult: new content, edits with line/column,
// review items; overlapping splices are refused (the first wins, the rest go to review).
#pragma once

#include <string>
#include <string_view>

#include "engine.h"
#include "sink.h"

namespace shepherd::rewrite {

FileResult apply(const std::string& path, std::string_view content, CollectingSink sink);

}  // namespace shepherd::rewrite
