// Occurrences of the tracked names in a checkout: what `grep -rnow -i -e name…` finds (whole words
// of [A-Za-z0-9_], ASCII case ignored), with line and column. The runner classifies each one
// through the case's expectation; --list-occurrences prints them for a case's author.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shepherd::corpus {

struct Occurrence {
  std::string file;       // relative to the repository root
  int line = 0;           // 1-based
  int column = 0;         // 1-based byte column
  std::string token;      // as written in the file
  std::string line_text;  // the whole line, without its newline
};

// Pure: the occurrences in one file's content, in order.
std::vector<Occurrence> find_occurrences(const std::string& file, std::string_view content,
                                         const std::vector<std::string>& tracked);

// Every regular text file under root/subpath (not .git, not files with a NUL byte, symlinks not
// followed), in byte-wise path order.
std::vector<Occurrence> scan_tree(const std::string& root, const std::string& subpath,
                                  const std::vector<std::string>& tracked);

bool is_word_char(char c);

}  // namespace shepherd::corpus
