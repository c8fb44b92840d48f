// Implementation of files.h.
#include "base/files.h"

#include <algorithm>
#include <fstream>

namespace shepherd::base {

std::optional<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string out;
  char buf[64 * 1024];
  while (out.size() < max_bytes && in.read(buf, sizeof buf).gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    out.append(buf, std::min(n, max_bytes - out.size()));
  }
  return out;
}

std::string read_file_or_empty(const std::filesystem::path& path, std::size_t max_bytes) {
  return read_file(path, max_bytes).value_or(std::string());
}

}  // namespace shepherd::base
