// Reading whole files. The one helper the runtime, the agent and the tools share.
#pragma once

#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>

namespace shepherd::base {

// The bytes of `path`, at most `max_bytes` of them; nullopt when the file cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& path,
                                     std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

// The same, "" when the file cannot be opened (for files whose absence the caller treats as empty).
std::string read_file_or_empty(const std::filesystem::path& path,
                               std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

}  // namespace shepherd::base
