// Finding tracked names (contract in occurrences.h).
#include "occurrences.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace shepherd::corpus {

namespace fs = std::filesystem;

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Occurrence> find_occurrences(const std::string& file, std::string_view content,
                                         const std::vector<std::string>& tracked) {
  std::vector<std::string> names;
  for (const auto& t : tracked) {
    std::string l = t;
    for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    names.push_back(l);
  }
  std::vector<Occurrence> out;
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  auto line_text = [&]() {
    std::size_t end = content.find('\n', line_start);
    std::string_view t =
        content.substr(line_start, end == std::string_view::npos ? std::string_view::npos : end - line_start);
    if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
    return std::string(t);
  };
  while (i < content.size()) {
    if (content[i] == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (!is_word_char(content[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < content.size() && is_word_char(content[j])) ++j;
    std::string word(content.substr(i, j - i));
    std::string low = word;
    for (auto& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::find(names.begin(), names.end(), low) != names.end())
      out.push_back({file, line, static_cast<int>(i - line_start) + 1, word, line_text()});
    i = j;
  }
  return out;
}

std::vector<Occurrence> scan_tree(const std::string& root, const std::string& subpath,
                                  const std::vector<std::string>& tracked) {
  std::vector<std::string> files;
  const fs::path base = subpath.empty() ? fs::path(root) : fs::path(root) / subpath;
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(base, ec))) {
    files.push_back(fs::relative(base, root).generic_string());
  } else {
    for (auto it = fs::recursive_directory_iterator(base, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename() == ".git") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_symlink() || !it->is_regular_file()) continue;
      files.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Occurrence> out;
  for (const auto& f : files) {
    std::ifstream in(fs::path(root) / f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string content = ss.str();
    if (content.find('\0') != std::string::npos) continue;  // binary, as the engine skips it
    auto found = find_occurrences(f, content, tracked);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace shepherd::corpus
