// migrate_tree: walks a checkout in sorted order without following symlinks, indexes dbt models,
// rewrites each text file through migrate_file and writes changed files back in place.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>

#include "apply.h"
#include "base/fd.h"
#include "dispatch.h"
#include "engine.h"
#include "language.h"
#include "plan.h"
#include "prefilter.h"
#include "sink.h"
#include "sql_rewriter.h"
#include "utf8.h"
#include "yaml_rewriter.h"

namespace fs = std::filesystem;

namespace shepherd::rewrite {

namespace {

struct Candidate {
  fs::path path;
  std::string rel;  // generic form, relative to root
};

bool inside(const fs::path& root, const fs::path& p) {
  auto rel = p.lexically_normal().lexically_relative(root.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

// Collects rewritable files depth-first, entries sorted by name, so runs are reproducible. Reads
// the directory with readdir(): the entry's type comes with its name (an lstat only where the
// file system does not say), and paths are built only for what is kept.
void walk(const fs::path& root, const fs::path& dir, const Limits& limits, std::vector<Candidate>& out,
          Report& report) {
  enum class Type { Other, Symlink, Directory, Regular };
  struct Entry {
    std::string name;
    Type type;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (true) {
      errno = 0;
      const dirent* de = ::readdir(d);
      if (!de) {
        if (errno != 0) ec = std::error_code(errno, std::generic_category());
        break;
      }
      std::string_view name = de->d_name;
      if (name == "." || name == "..") continue;
      unsigned char t = de->d_type;
      if (t == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(::dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone: as before
        t = S_ISLNK(st.st_mode)   ? DT_LNK
            : S_ISDIR(st.st_mode) ? DT_DIR
            : S_ISREG(st.st_mode) ? DT_REG
                                  : DT_UNKNOWN;
      }
      Type type = t == DT_LNK   ? Type::Symlink
                  : t == DT_DIR ? Type::Directory
                  : t == DT_REG ? Type::Regular
                                : Type::Other;
      entries.push_back(Entry{std::string(name), type});
    }
    ::closedir(d);
  } else {
    ec = std::error_code(errno, std::generic_category());
  }
  if (ec) {
    report.skipped.push_back(
        Skipped{fs::relative(dir, root).generic_string(), "unreadable directory: " + ec.message()});
    return;
  }
  // Byte-wise by name, as path::compare orders single names.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  // Every entry's relative path is this directory's followed by its name (computed once, the way
  // lexically_relative spells it).
  std::string prefix = (dir / "x").lexically_relative(root).generic_string();
  prefix.pop_back();
  for (const auto& [name, type] : entries) {
    if (out.size() >= limits.max_files) {
      report.truncated = true;
      return;
    }
    if (type == Type::Other) continue;
    std::string rel = prefix + name;
    if (type == Type::Symlink) {
      // Never followed: a link inside the repository reaches a file that is visited at its own path.
      auto target = fs::weakly_canonical(dir / name, ec);
      if (ec || !inside(fs::weakly_canonical(root), target))
        report.skipped.push_back(Skipped{rel, "symlink leaves the repository (not followed)"});
      continue;
    }
    if (type == Type::Directory) {
      if (name == ".git" || name == ".hg" || name == ".svn" || name == "node_modules" || name == "target" ||
          name == "__pycache__" || name == ".venv")
        continue;
      walk(root, dir / name, limits, out, report);
      continue;
    }
    if (language_of(rel) == Language::None) continue;
    out.push_back(Candidate{dir / name, std::move(rel)});
  }
}

// Reads up to `size` bytes from an open file; returns how many it got.
std::size_t read_fd(int fd, char* buf, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

using base::Fd;

// Reads a candidate if it is text within limits into `buffer`, which is reused from file to file
// (grown, never shrunk, so it is not cleared for every file), and points `content` at what it
// read; otherwise records why not.
bool read_text(const Candidate& c, const Limits& limits, std::size_t& total, std::string& buffer,
               std::string_view& content, Report& report) {
  // Open first and take the size from the open file (one path lookup, not two). O_NONBLOCK: a
  // path that has become a FIFO since the walk must not block; it fails the regular-file test.
  Fd fd(::open(c.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  std::uintmax_t size = 0;
  if (fd.get() >= 0 && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) {
    size = static_cast<std::uintmax_t>(st.st_size);
  } else {
    // Not an open regular file: let std::filesystem say why, as it always did. (A file that can
    // be stat'ed but not opened reads as empty, as it always did.)
    fd.reset();
    std::error_code ec;
    size = fs::file_size(c.path, ec);
    if (ec) {
      report.skipped.push_back(Skipped{c.rel, "unreadable: " + ec.message()});
      return false;
    }
  }
  if (size > limits.max_file_bytes) {
    report.skipped.push_back(Skipped{c.rel, "too large (" + std::to_string(size) + " bytes)"});
    return false;
  }
  if (total + size > limits.max_total_bytes) {
    report.truncated = true;
    return false;
  }
  if (buffer.size() < size) buffer.resize(size);
  content = std::string_view(buffer.data(), fd.get() >= 0 ? read_fd(fd.get(), buffer.data(), size) : 0);
  fd.reset();
  total += content.size();
  if (looks_binary(content)) {
    report.skipped.push_back(Skipped{c.rel, "binary"});
    return false;
  }
  if (!valid_utf8(content)) {
    report.skipped.push_back(Skipped{c.rel, "invalid UTF-8"});
    return false;
  }
  return true;
}

// Writes all of `data` at `offset`; false on any error.
bool write_all(int fd, std::string_view data, off_t offset) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Replaces the file by writing next to it and renaming over it: used only for a file with more than
// one hard link, where writing in place would change the other names too.
bool write_replacing(const fs::path& path, const std::string& content, mode_t mode) {
  fs::path tmp = path;
  tmp += ".shepherd-tmp";
  {
    // O_EXCL|O_NOFOLLOW: a repository may contain an entry with this very name, e.g. a symlink
    // pointing outside it; never write through it. Whatever is there is unlinked (a symlink itself,
    // not its target) and the file created anew.
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::open(tmp.c_str(), flags, 0600);
    if (fd < 0 && errno == EEXIST && ::unlink(tmp.c_str()) == 0) fd = ::open(tmp.c_str(), flags, 0600);
    Fd out(fd);
    if (out.get() < 0) return false;
    if (!write_all(out.get(), content, 0)) {
      out.reset();
      ::unlink(tmp.c_str());
      return false;
    }
    ::fchmod(out.get(), mode);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

// Writes the rewritten content over the file it was read from, in place: the same inode, so mode
// and owner stay as they were. The workspace is a fresh clone that a failed attempt throws away,
// so a crash half-way needs no atomic replacement; a new inode and a rename per file cost more
// kernel time than reading the whole tree (docs/agent-rewrite.md, "Benchmarks"). O_NOFOLLOW and
// the regular-file test on the open file: a path that has become a symlink (or anything else)
// since it was read is never written through. If a write fails, the original bytes are written
// back (as far as the file system lets us) and the caller sends the file to review.
bool write_rewritten(const fs::path& path, std::string_view original, const std::string& content) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return false;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (st.st_nlink > 1) {
    fd.reset();
    return write_replacing(path, content, st.st_mode & 07777);
  }
  // Not truncated to zero first: ext4 flushes a file truncated to zero and rewritten when it is
  // closed (auto_da_alloc), which costs a good part of what the rename did.
  auto size = static_cast<off_t>(content.size());
  if (write_all(fd.get(), content, 0) && (size >= st.st_size || ::ftruncate(fd.get(), size) == 0))
    return true;
  write_all(fd.get(), original, 0);
  ::ftruncate(fd.get(), static_cast<off_t>(original.size()));
  return false;
}

// What the model index pass already did with one SQL candidate, so that the main pass neither
// reads nor analyses it a second time.
struct Prepared {
  bool read = false;  // read_text succeeded: `size` bytes, text, within the per-file limit
  std::size_t size = 0;
  bool kept = false;  // passed the pre-check: `content` holds it
  std::string content;
  bool analysed = false;  // `sink` holds its SQL rewrite, which did not depend on the index
  CollectingSink sink;
};

// The 1-based line of the first line that names the dataset.
int first_mention(std::string_view text, const Plan& plan) {
  int line = 1;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    if (plan.mentioned_in(text.substr(b, e - b))) return line;
    ++line;
    b = e + 1;
  }
  return 0;
}

// Whether SQL text may call dbt's ref(): the same as find("ref(") != npos, but it looks for the
// rarer '(' (find() stops at every 'r').
bool mentions_ref(std::string_view text) {
  for (std::size_t at = 3; at < text.size();) {
    const void* hit = std::memchr(text.data() + at, '(', text.size() - at);
    if (!hit) return false;
    at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    if (text.compare(at - 3, 3, "ref") == 0) return true;
    ++at;
  }
  return false;
}

// What each dbt model passes through from the dataset, iterated so that a model reading another
// model that reads the dataset is found too (bounded: chains longer than this are rare).
ModelIndex index_models(const std::vector<Candidate>& files, const Plan& plan, const Limits& limits,
                        std::vector<Prepared>& prepared) {
  ModelIndex index;
  std::vector<std::pair<std::string, Prepared*>> models;  // name, file
  std::set<std::string> ambiguous;                        // last parts of two different tables
  prepared.resize(files.size());
  std::size_t total = 0;
  std::string buffer;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& c = files[i];
    Language lang = language_of(c.rel);
    if (lang != Language::Sql && lang != Language::Yaml) continue;
    Report ignored;
    Prepared& p = prepared[i];
    std::string_view content;
    if (!read_text(c, limits, total, buffer, content, ignored)) continue;
    p.read = true;
    p.size = content.size();
    if (lang == Language::Yaml) {
      // dbt sources.yml: which source() spellings are the dataset (its name may not be its schema,
      // its table may have an identifier). Kept whole: the main pass decides with the full index.
      p.kept = true;
      p.content = content;
      if (content.find("sources:") != std::string_view::npos)
        for (auto& s : yaml::dataset_sources(p.content, plan)) index.sources.insert(std::move(s));
      continue;
    }
    index.models.insert(c.path.stem().string());
    if (contains_ignoring_case(content, "create"))
      for (auto& [table, columns] : sql::created_tables(content)) {
        std::size_t dot = table.rfind('.');
        if (dot != std::string::npos) {
          // Also by the last part, unless two tables of that name disagree.
          std::string last = table.substr(dot + 1);
          auto [it, fresh] = index.table_columns.emplace(last, columns);
          if (!fresh && it->second != columns) ambiguous.insert(last);
        }
        index.table_columns[table] = std::move(columns);
      }
    // source() may name the dataset through a sources.yml not read yet: keep those files too.
    if (!could_change(Language::Sql, content, plan, index) && !mentions_ref(content) &&
        content.find("source(") == std::string_view::npos)
      continue;
    p.kept = true;
    p.content = content;
    models.emplace_back(c.path.stem().string(), &p);
  }
  for (const auto& name : ambiguous) index.table_columns.erase(name);
  for (int round = 0; round < 4; ++round) {
    bool changed = false;
    for (const auto& [name, p] : models) {
      if (round > 0 && !mentions_ref(p->content)) continue;
      CollectingSink sink;
      auto r = sql::rewrite(p->content, plan, index, sink);
      if (round == 0 && !r.used_models) {
        p->analysed = true;
        p->sink = std::move(sink);
      }
      if (r.exports.empty()) continue;
      auto& slot = index.exports[name];
      if (slot != r.exports) {
        slot = r.exports;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return index;
}

}  // namespace

Report migrate_tree(const fs::path& root_in, const std::string& subpath, const ChangeSet& changes,
                    const Limits& limits) {
  Report report;
  std::error_code ec;
  fs::path root = fs::canonical(root_in, ec);
  if (ec) {
    report.skipped.push_back(Skipped{root_in.string(), "root does not exist: " + ec.message()});
    return report;
  }
  fs::path sub = fs::path(subpath).lexically_normal();
  if (sub.is_absolute() || (!sub.empty() && *sub.begin() == "..")) {
    report.skipped.push_back(Skipped{subpath, "path leaves the repository"});
    return report;
  }
  fs::path start = subpath.empty() ? root : root / sub;
  // Each component of the subpath must be a real directory inside root, not a link out of it.
  fs::path probe = root;
  for (const auto& part : sub) {
    if (part.empty() || part == ".") continue;
    probe /= part;
    if (fs::is_symlink(fs::symlink_status(probe, ec))) {
      report.skipped.push_back(Skipped{subpath, "path is a symlink (not followed)"});
      return report;
    }
  }
  std::vector<Candidate> files;
  auto st = fs::symlink_status(start, ec);
  if (fs::is_directory(st)) {
    walk(root, start, limits, files, report);
  } else if (fs::is_regular_file(st)) {
    files.push_back(Candidate{start, start.lexically_relative(root).generic_string()});
  } else {
    report.skipped.push_back(Skipped{subpath, "path does not exist"});
    return report;
  }

  Plan plan(changes);
  std::vector<Prepared> prepared;
  ModelIndex models = index_models(files, plan, limits, prepared);
  std::size_t total = 0;
  std::string buffer;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& c = files[i];
    Prepared& p = prepared[i];
    std::string_view content;
    if (p.read) {
      // Read (and found to be text) by the index pass: account for it exactly as read_text would.
      if (total + p.size > limits.max_total_bytes) {
        report.truncated = true;
        break;
      }
      total += p.size;
      content = p.content;
    } else if (!read_text(c, limits, total, buffer, content, report)) {
      if (report.truncated) break;
      continue;
    }
    ++report.files_scanned;
    if (p.read && !p.kept) continue;  // the pre-check already ruled it out
    FileResult r;
    if (p.analysed) {
      if (!could_change(Language::Sql, content, plan, models)) continue;
      r = apply(c.rel, content, std::move(p.sink));
    } else if (!migrate_content(c.rel, content, language_of(c.rel), plan, models, r)) {
      continue;
    }
    if (plan.mentioned_in(content))
      report.mentions.push_back(ReviewItem{c.rel, first_mention(content, plan), ""});
    for (auto& item : r.review) report.review.push_back(std::move(item));
    if (r.content == content) continue;
    if (!write_rewritten(c.path, content, r.content)) {
      report.review.push_back(ReviewItem{c.rel, 0, "could not write the rewritten file"});
      continue;
    }
    ++report.files_changed;
    for (auto& e : r.edits) report.edits.push_back(std::move(e));
  }
  return report;
}

}  // namespace shepherd::rewrite
