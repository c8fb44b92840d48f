// Fuzz target: the watch and list stream decoders of runtime/watch.h on any bytes, split into
// chunks at places chosen by the input. Properties: no crash, hang or exception; the lines and the
// list items do not depend on where the chunks were cut (the API server cuts anywhere).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/watch.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace shepherd::runtime;

// Cuts `text` into chunks whose lengths cycle through `sizes` (each 1..16).
std::vector<std::string_view> chunks(std::string_view text, std::string_view sizes) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  for (std::size_t pos = 0; pos < text.size(); ++i) {
    const std::size_t n =
        sizes.empty() ? text.size() : 1 + static_cast<unsigned char>(sizes[i % sizes.size()]) % 16;
    out.push_back(text.substr(pos, n));
    pos += n;
  }
  return out;
}

std::vector<std::string> lines(const std::vector<std::string_view>& parts) {
  LineSplitter splitter;
  std::vector<std::string> out;
  for (auto part : parts) {
    splitter.feed(part, [&](std::string_view line) {
      out.emplace_back(line);
      return true;
    });
  }
  return out;
}

struct Listed {
  std::vector<std::string> items, metadata;
  bool complete = false;
};

Listed list(const std::vector<std::string_view>& parts) {
  ListSplitter splitter;
  Listed out;
  for (auto part : parts) {
    splitter.feed(
        part,
        [&](std::string_view item) {
          out.items.emplace_back(item);
          return true;
        },
        [&](std::string_view meta) { out.metadata.emplace_back(meta); });
  }
  out.complete = splitter.complete();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // The first 4 bytes choose the chunk sizes; the rest is the stream.
  const std::string_view sizes = all.substr(0, std::min<std::size_t>(4, all.size()));
  const std::string_view stream = all.substr(sizes.size());

  const auto whole = lines({stream});
  FUZZ_CHECK(lines(chunks(stream, sizes)) == whole);
  for (const auto& line : whole) {
    auto event = parse_watch_event(line, {"spec"});
    if (event && event->type != WatchEvent::Type::kError) FUZZ_CHECK(event->object.is_object());
  }

  const Listed listed = list({stream});
  const Listed cut = list(chunks(stream, sizes));
  FUZZ_CHECK(cut.items == listed.items && cut.metadata == listed.metadata && cut.complete == listed.complete);
  for (const auto& item : listed.items) {
    const auto object = parse_object_without_managed_fields(item, {"spec"});
    FUZZ_CHECK(object.is_null() || object.is_object());
  }
  return 0;
}
