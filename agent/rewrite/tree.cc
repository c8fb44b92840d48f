// migrate_tree: walks a checkout in sorted order without following symlinks, indexes dbt models,
// rewrites each text file through migrate_file and replaces changed files atomically.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "apply.h"
#include "dispatch.h"
#include "engine.h"
#include "language.h"
#include "plan.h"
#include "prefilter.h"
#include "sink.h"
#include "sql_rewriter.h"
#include "utf8.h"

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
void walk(const fs::path& root, const fs::path& dir, const Limits& limits, std::vector<Candidate>& out, Report& report) {
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
        t = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
      Type type = t == DT_LNK ? Type::Symlink : t == DT_DIR ? Type::Directory : t == DT_REG ? Type::Regular : Type::Other;
      entries.push_back(Entry{std::string(name), type});
    }
    ::closedir(d);
  } else {
    ec = std::error_code(errno, std::generic_category());
  }
  if (ec) {
    report.skipped.push_back(Skipped{fs::relative(dir, root).generic_string(), "unreadable directory: " + ec.message()});
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

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Reads a candidate if it is text within limits; otherwise records why not.
bool read_text(const Candidate& c, const Limits& limits, std::size_t& total, std::string& content, Report& report) {
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
  content.resize(size);
  content.resize(fd.get() >= 0 ? read_fd(fd.get(), content.data(), size) : 0);
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

// Writes next to the file and renames over it, so a crash never leaves half a file.
bool write_atomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  auto st = fs::symlink_status(path, ec);
  if (ec || !fs::is_regular_file(st)) return false;  // replaced by something else meanwhile
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
    std::size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(out.get(), content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    ::fchmod(out.get(), static_cast<mode_t>(st.permissions() & fs::perms::mask));
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

// What the model index pass already did with one SQL candidate, so that the main pass neither
// reads nor analyses it a second time.
struct Prepared {
  bool read = false;     // read_text succeeded: `size` bytes, text, within the per-file limit
  std::size_t size = 0;
  bool kept = false;     // passed the pre-check: `content` holds it
  std::string content;
  bool analysed = false; // `sink` holds its SQL rewrite, which did not depend on the index
  CollectingSink sink;
};

// What each dbt model passes through from the dataset, iterated so that a model reading another
// model that reads the dataset is found too (bounded: chains longer than this are rare).
ModelIndex index_models(const std::vector<Candidate>& files, const Plan& plan, const Limits& limits,
                        std::vector<Prepared>& prepared) {
  ModelIndex index;
  std::vector<std::pair<std::string, Prepared*>> models;  // name, file
  prepared.resize(files.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& c = files[i];
    if (language_of(c.rel) != Language::Sql) continue;
    Report ignored;
    Prepared& p = prepared[i];
    if (!read_text(c, limits, total, p.content, ignored)) {
      p.content = std::string();
      continue;
    }
    p.read = true;
    p.size = p.content.size();
    if (!could_change(Language::Sql, p.content, plan, index) && p.content.find("ref(") == std::string::npos) {
      p.content = std::string();
      continue;
    }
    p.kept = true;
    models.emplace_back(c.path.stem().string(), &p);
  }
  for (int round = 0; round < 4; ++round) {
    bool changed = false;
    for (const auto& [name, p] : models) {
      if (round > 0 && p->content.find("ref(") == std::string::npos) continue;
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

Report migrate_tree(const fs::path& root_in, const std::string& subpath, const ChangeSet& changes, const Limits& limits) {
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
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& c = files[i];
    Prepared& p = prepared[i];
    std::string content;
    if (p.read) {
      // Read (and found to be text) by the index pass: account for it exactly as read_text would.
      if (total + p.size > limits.max_total_bytes) {
        report.truncated = true;
        break;
      }
      total += p.size;
      content = std::move(p.content);
    } else if (!read_text(c, limits, total, content, report)) {
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
    for (auto& item : r.review) report.review.push_back(std::move(item));
    if (r.content == content) continue;
    if (!write_atomically(c.path, r.content)) {
      report.review.push_back(ReviewItem{c.rel, 0, "could not write the rewritten file"});
      continue;
    }
    ++report.files_changed;
    for (auto& e : r.edits) report.edits.push_back(std::move(e));
  }
  return report;
}

}  // namespace shepherd::rewrite
