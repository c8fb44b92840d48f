// Watch stream decoding: the API server sends one JSON object per line ({"type":..,"object":..}),
// with lines split across chunks arbitrarily. LineSplitter reassembles lines; parse_watch_event
// turns a line into a WatchEvent.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// nullopt when the line is not a watch event (bad JSON, unknown type, no object). The object's
// metadata.managedFields and its top-level fields named in skip_fields are skipped while parsing.
std::optional<WatchEvent> parse_watch_event(std::string_view line,
                                            const std::vector<std::string>& skip_fields = {});

// Splits a List answer ({"kind":..,"metadata":{..},"items":[{..},..]}) into the text of each
// element of "items" and of the top-level "metadata", as the bytes arrive and across chunk
// boundaries, so that a list of 10,000 objects is parsed one object at a time instead of as one
// document. It scans for structure only (strings, escapes, nesting); each piece it hands out is
// then parsed on its own. Top-level keys other than "items" and "metadata" are skipped.
class ListSplitter {
 public:
  // Returns false as soon as on_item returns false.
  bool feed(std::string_view chunk, const std::function<bool(std::string_view item)>& on_item,
            const std::function<void(std::string_view metadata)>& on_metadata);
  // The top-level object has been closed (the answer was complete).
  bool complete() const { return complete_; }

 private:
  enum class Capture { kNone, kItem, kMetadata };
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool collect_key_ = false;  // the string being read is at depth 1 (a key, or a scalar value)
  std::string last_string_;   // the last depth-1 string
  std::string key_;           // the depth-1 key whose value is being read
  bool in_items_ = false;
  bool complete_ = false;
  Capture capture_ = Capture::kNone;
  int capture_depth_ = 0;  // depth outside the captured value
  std::string buf_;        // the captured value so far (earlier chunks)
};

// Parses one object (a list item) with metadata.managedFields and the top-level fields named in
// skip_fields skipped; null when not a JSON object.
nlohmann::json parse_object_without_managed_fields(std::string_view text,
                                                   const std::vector<std::string>& skip_fields = {});
const char* to_string(WatchEvent::Type t);

}  // namespace shepherd::runtime
