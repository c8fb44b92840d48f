// What a decide function asks the shell to record as a Kubernetes Event on the object it decided
// about (docs/operations.md: events on both kinds for every phase change, with the reason).
#pragma once

#include <string>

namespace shepherd::controllers::api {

enum class EventType { Normal, Warning };

struct Event {
  EventType type = EventType::Normal;
  std::string reason;   // CamelCase
  std::string message;  // human, names the object's field or the consumer concerned
  bool operator==(const Event&) const = default;
};

inline const char* to_string(EventType t) { return t == EventType::Normal ? "Normal" : "Warning"; }

}  // namespace shepherd::controllers::api
