// Watch stream decoding: the API server sends one JSON object per line ({"type":..,"object":..}),
// with lines split across chunks arbitrarily. LineSplitter reassembles lines; parse_watch_event
// turns a line into a WatchEvent.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace shepherd::runtime {

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  nlohmann::json object;  // the object; for kError a metav1.Status
};

// Accumulates chunks and calls on_line for every complete line (without "\n" or "\r"). Empty lines
// are skipped. A partial line at the end stays buffered for the next feed().
class LineSplitter {
 public:
  // Returns false as soon as on_line returns false (the remaining data is dropped).
  bool feed(std::string_view chunk, const std::function<bool(std::string_view line)>& on_line);
  size_t buffered() const { return buf_.size(); }

 private:
  std::string buf_;
};

// nullopt when the line is not a watch event (bad JSON, unknown type, no object).
std::optional<WatchEvent> parse_watch_event(std::string_view line);
const char* to_string(WatchEvent::Type t);

}  // namespace shepherd::runtime
