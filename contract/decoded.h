// What a decoder of the contract answers: a value, or one message that names the field and what is
// wrong with it ("task.agent.mode: must be one of DryRun, Push, PullRequest (got 'Yolo')").
// Decoders never throw.
#pragma once

#include <optional>
#include <string>

namespace shepherd::contract {

template <class T>
struct Decoded {
  std::optional<T> value;
  std::string error;  // set exactly when value is empty
};

}  // namespace shepherd::contract
