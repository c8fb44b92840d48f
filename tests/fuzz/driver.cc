// A small fuzzing driver for g++ builds (no libFuzzer): runs a target's LLVMFuzzerTestOneInput on
// its seed inputs, then on seeded random mutations of them, for a bounded number of runs or
// seconds. The same target sources link against libFuzzer instead when clang is available
// (SHEPHERD_LIBFUZZER, docs/fuzzing.md); the flags below use libFuzzer's names so that one command
// line serves both.
//
//   fuzz_<target> [-seed=N] [-runs=N] [-max_total_time=S] [-max_len=N] [-timeout=S]
//                 [-artifact_prefix=P] <dir or file>...
//
// Directories are read recursively as seeds and mutated; when only files are given they are run
// once each and nothing is mutated (replaying a crash). Without coverage feedback the driver cannot
// tell an interesting input from a dull one, so it takes short random walks from the seeds: each
// run stacks a few mutations on a seed or on the previous run's input, and splices in pieces of
// other seeds so that the keywords and punctuation of the format keep turning up.
//
// A crash (a sanitizer report, a signal, an uncaught exception) or an input that runs longer than
// -timeout writes the input to <artifact_prefix>crash-<hash> (or timeout-<hash>) and exits
// non-zero; the ctest then fails and the file is the reproducer.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// Present when the binary is built with a sanitizer: called before the process dies of a report.
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// The input being run, for the crash handlers (which may only use async-signal-safe calls).
const std::uint8_t* g_data = nullptr;
std::size_t g_size = 0;
char g_prefix[512] = "./";

std::uint64_t fnv1a(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ULL;
  return h;
}

void write_stderr(const char* s) {
  const ssize_t ignored = ::write(2, s, std::strlen(s));
  (void)ignored;
}

// Async-signal-safe: builds the path by hand and writes with open/write/close.
void save_input(const char* kind) {
  if (g_data == nullptr && g_size != 0) return;
  char path[700];
  char hex[17];
  std::uint64_t h = fnv1a(g_data, g_size);
  for (int i = 15; i >= 0; --i, h >>= 4) hex[i] = "0123456789abcdef"[h & 0xF];
  hex[16] = '\0';
  path[0] = '\0';
  std::strncat(path, g_prefix, sizeof(path) - 1);
  std::strncat(path, kind, sizeof(path) - std::strlen(path) - 1);
  std::strncat(path, "-", sizeof(path) - std::strlen(path) - 1);
  std::strncat(path, hex, sizeof(path) - std::strlen(path) - 1);
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    const ssize_t ignored = ::write(fd, g_data, g_size);
    (void)ignored;
    ::close(fd);
  }
  write_stderr("fuzz: input written to ");
  write_stderr(path);
  write_stderr("\n");
}

void on_death() { save_input("crash"); }

void on_signal(int sig) {
  if (sig == SIGALRM) {
    write_stderr("fuzz: an input ran longer than -timeout\n");
    save_input("timeout");
    ::_exit(70);
  }
  save_input("crash");
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void on_terminate() {
  write_stderr("fuzz: uncaught exception");
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      write_stderr(": ");
      write_stderr(ex.what());
    } catch (...) {
    }
  }
  write_stderr("\n");
  save_input("crash");
  ::signal(SIGABRT, SIG_DFL);
  std::abort();
}

void install_handlers() {
  std::set_terminate(on_terminate);
  // Sanitizers report SEGV and friends themselves and then call the death callback; replacing
  // their handlers would lose the report.
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(on_death);
  } else {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_signal);
  }
  ::signal(SIGABRT, on_signal);
  ::signal(SIGALRM, on_signal);
}

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t runs = 100000;
  double max_total_time = 0;  // seconds; 0 = only -runs bounds the run
  std::size_t max_len = 4096;
  unsigned timeout = 20;  // seconds per input
  std::vector<std::string> inputs;
};

bool flag(const std::string& arg, const char* name, std::string& value) {
  const std::string prefix = std::string("-") + name + "=";
  if (arg.rfind(prefix, 0) != 0) return false;
  value = arg.substr(prefix.size());
  return true;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string v;
    if (flag(a, "seed", v)) {
      o.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (flag(a, "runs", v)) {
      o.runs = std::strtoull(v.c_str(), nullptr, 10);
    } else if (flag(a, "max_total_time", v)) {
      o.max_total_time = std::strtod(v.c_str(), nullptr);
    } else if (flag(a, "max_len", v)) {
      o.max_len = std::max<std::size_t>(1, std::strtoull(v.c_str(), nullptr, 10));
    } else if (flag(a, "timeout", v)) {
      o.timeout = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
    } else if (flag(a, "artifact_prefix", v)) {
      std::snprintf(g_prefix, sizeof(g_prefix), "%s", v.c_str());
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "fuzz: ignoring unknown flag %s\n", a.c_str());
    } else {
      o.inputs.push_back(a);
    }
  }
  return o;
}

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// xorshift64*: tiny, fast and the same sequence on every platform for a given -seed.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed == 0 ? 0x9E3779B97F4A7C15ULL : seed) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ULL;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

// Bytes that delimit or escape something in the formats under test.
constexpr std::uint8_t kSpecial[] = {0,    0xFF, 0x7F, 0x80, 0xC3, 0xE2, '\n', '\r', '\t', ' ', '"',
                                     '\'', '`',  '\\', '{',  '}',  '[',  ']',  '(',  ')',  ':', ',',
                                     '.',  '-',  '#',  '$',  '%',  '@',  '*',  '/',  ';',  '=', '|'};

class Mutator {
 public:
  Mutator(const std::vector<Bytes>& corpus, Rng& rng, std::size_t max_len)
      : corpus_(corpus), rng_(rng), max_len_(max_len) {}

  void mutate(Bytes& b) {
    const std::size_t n = 1 + rng_.below(4);
    for (std::size_t i = 0; i < n; ++i) mutate_once(b);
    if (b.size() > max_len_) b.resize(max_len_);
  }

 private:
  std::size_t pos(const Bytes& b) { return rng_.below(b.size() + 1); }

  // A piece of another seed: brings keywords, quotes and nesting of the format back in.
  Bytes piece() {
    const Bytes& other = corpus_[rng_.below(corpus_.size())];
    if (other.empty()) return {};
    const std::size_t start = rng_.below(other.size());
    const std::size_t len = 1 + rng_.below(std::min<std::size_t>(32, other.size() - start));
    return Bytes(other.begin() + static_cast<std::ptrdiff_t>(start),
                 other.begin() + static_cast<std::ptrdiff_t>(start + len));
  }

  void mutate_once(Bytes& b) {
    switch (rng_.below(9)) {
      case 0:  // flip a bit
        if (!b.empty()) b[rng_.below(b.size())] ^= static_cast<std::uint8_t>(1u << rng_.below(8));
        break;
      case 1:  // overwrite a byte with a delimiter
        if (!b.empty()) b[rng_.below(b.size())] = kSpecial[rng_.below(sizeof(kSpecial))];
        break;
      case 2: {  // insert a delimiter or a random byte
        const std::uint8_t c = rng_.below(2) != 0u ? kSpecial[rng_.below(sizeof(kSpecial))]
                                                   : static_cast<std::uint8_t>(rng_.next());
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos(b)), c);
        break;
      }
      case 3: {  // erase a range
        if (b.empty()) break;
        const std::size_t start = rng_.below(b.size());
        const std::size_t len = 1 + rng_.below(std::min<std::size_t>(64, b.size() - start));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(start),
                b.begin() + static_cast<std::ptrdiff_t>(start + len));
        break;
      }
      case 4: {  // copy a range of the input elsewhere (grows nesting and repetition)
        if (b.empty()) break;
        const std::size_t start = rng_.below(b.size());
        const std::size_t len = 1 + rng_.below(std::min<std::size_t>(128, b.size() - start));
        const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(start),
                          b.begin() + static_cast<std::ptrdiff_t>(start + len));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos(b)), chunk.begin(), chunk.end());
        break;
      }
      case 5: {  // insert a piece of a seed
        const Bytes p = piece();
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos(b)), p.begin(), p.end());
        break;
      }
      case 6: {  // repeat one byte many times: deep nesting, long runs, unterminated constructs
        const std::uint8_t c = rng_.below(2) != 0u && !b.empty() ? b[rng_.below(b.size())]
                                                                 : kSpecial[rng_.below(sizeof(kSpecial))];
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos(b)), 1 + rng_.below(max_len_ / 4 + 1), c);
        break;
      }
      case 7:  // cut the end (unterminated strings, comments, blocks)
        b.resize(rng_.below(b.size() + 1));
        break;
      default: {  // splice: this input's head, another seed's tail
        const Bytes& other = corpus_[rng_.below(corpus_.size())];
        b.resize(pos(b));
        const std::size_t from = rng_.below(other.size() + 1);
        b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
    }
  }

  const std::vector<Bytes>& corpus_;
  Rng& rng_;
  std::size_t max_len_;
};

int run_one(const Bytes& b, unsigned timeout) {
  g_data = b.data();
  g_size = b.size();
  if (timeout > 0) ::alarm(timeout);
  // A copy of exactly `size` bytes on the heap, so that ASan sees any read past the end.
  auto copy = std::make_unique<std::uint8_t[]>(std::max<std::size_t>(1, b.size()));
  if (!b.empty()) std::memcpy(copy.get(), b.data(), b.size());
  const int rc = LLVMFuzzerTestOneInput(copy.get(), b.size());
  if (timeout > 0) ::alarm(0);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  const Options o = parse_options(argc, argv);
  install_handlers();

  std::vector<Bytes> corpus;
  bool any_dir = false;
  for (const auto& in : o.inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      any_dir = true;
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(in, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());  // the same order on every machine
      for (const auto& f : files) corpus.push_back(read_bytes(f));
    } else if (fs::is_regular_file(in, ec)) {
      corpus.push_back(read_bytes(in));
    } else {
      std::fprintf(stderr, "fuzz: no such file or directory: %s\n", in.c_str());
      return 2;
    }
  }
  for (auto& c : corpus)
    if (c.size() > o.max_len) c.resize(o.max_len);

  const auto start = std::chrono::steady_clock::now();
  std::uint64_t runs = 0;
  for (const auto& c : corpus) {
    run_one(c, o.timeout);
    ++runs;
  }
  if (!any_dir) {
    std::printf("Executed %" PRIu64 " input(s) without mutation\n", runs);
    return 0;
  }
  if (corpus.empty()) corpus.emplace_back();

  Rng rng(o.seed);
  Mutator mutator(corpus, rng, o.max_len);
  Bytes current;
  int walk = 0;  // mutations since the walk left its seed
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (runs < o.runs && (o.max_total_time <= 0 || elapsed() < o.max_total_time)) {
    if (walk == 0 || walk > 8) {
      current = corpus[rng.below(corpus.size())];
      walk = 0;
    }
    mutator.mutate(current);
    ++walk;
    run_one(current, o.timeout);
    ++runs;
  }
  std::printf("Done %" PRIu64 " runs in %.1f second(s) (seed %" PRIu64 ", %zu seed input(s))\n", runs,
              elapsed(), o.seed, corpus.size());
  return 0;
}
