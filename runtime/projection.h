// Typed projections for the Store (store.h, "projection"). A controller keeps a small value of its
// own beside each cached object by defining a codec: how the value is computed from the object,
// its encoding and its decoding. The store carries the bytes and knows no such type; the controller
// reads its values back typed, with one definition used on both sides.
//
//   struct Codec {
//     using Value = ...;
//     static std::optional<Value> project(const nlohmann::json& object);  // nullopt: unreadable
//     static std::string encode(const Value& v);                        // never empty
//     static std::optional<Value> decode(std::string_view bytes);       // nullopt: not encode's
//   };
//   StoreOptions o;  o.projection = projection_of<Codec>();
//   for (const auto& v : by_index_as<Codec>(store, kOwnerIndex, uid)) ...
#pragma once

#include <concepts>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store.h"

namespace shepherd::runtime {

template <class C>
concept ProjectionCodec = requires(const nlohmann::json& object, const typename C::Value& v,
                                   std::string_view bytes) {
  { C::project(object) } -> std::same_as<std::optional<typename C::Value>>;
  { C::encode(v) } -> std::same_as<std::string>;
  { C::decode(bytes) } -> std::same_as<std::optional<typename C::Value>>;
};

// The store's projection function for codec C: the encoding of C::project, empty when that fails.
template <ProjectionCodec C>
ProjectionFunc projection_of() {
  return [](const nlohmann::json& object) {
    const auto v = C::project(object);
    return v ? C::encode(*v) : std::string();
  };
}

// A projection read back; nullopt when the object could not be projected (empty bytes) or the
// bytes are not C's.
template <ProjectionCodec C>
std::optional<typename C::Value> decode_projection(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  return C::decode(bytes);
}

// Store::by_index_projected and Store::list_projected, decoded with C (one entry per object).
template <ProjectionCodec C>
std::vector<std::optional<typename C::Value>> by_index_as(const Store& store, const std::string& index,
                                                          const std::string& value) {
  std::vector<std::optional<typename C::Value>> out;
  for (const auto& bytes : store.by_index_projected(index, value)) out.push_back(decode_projection<C>(bytes));
  return out;
}
template <ProjectionCodec C>
std::vector<std::optional<typename C::Value>> list_as(const Store& store) {
  std::vector<std::optional<typename C::Value>> out;
  for (const auto& bytes : store.list_projected()) out.push_back(decode_projection<C>(bytes));
  return out;
}

}  // namespace shepherd::runtime
