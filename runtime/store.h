// The informer's cache: a thread-safe map from "namespace/name" (or "name" for cluster-scoped
// objects) to an immutable object, with secondary indexes (by namespace, owner UID, label).
// Objects are shared_ptr<const json>: readers keep a snapshot without copying or locking.
//
// Memory (docs/runtime.md, "Cache memory"): a parsed nlohmann::json costs 5-7 times its JSON text,
// which dominates an operator that caches tens of thousands of objects. Two options trade a little
// CPU for that memory:
//  - `compact`: each object is kept as MessagePack bytes, deflated (zlib, fastest level: a
//    Kubernetes object repeats its keys and long strings such as condition messages, so this
//    halves it again), and decoded on every read (get, list, by_index). Readers still receive an
//    immutable shared snapshot; reads cost an inflate and a decode.
//  - `projection`: a function computing a small encoded value from each object (the few fields a
//    hot path reads, such as a parent reconciler summarising thousands of children). Its bytes are
//    kept beside the object, updated under the same lock as the object, and read with
//    get_projected / by_index_projected without decoding the object. The runtime only carries
//    the bytes: the type, its encoding and how it is computed are the caller's (see
//    runtime/projection.h for typed reads).
// Index entries point at the store's own keys instead of copying them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace shepherd::runtime {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// Index values of an object (e.g. its owner UIDs); may be empty.
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

// "ns/name", or "name" when the object has no namespace.
std::string object_key(const nlohmann::json& obj);
// Splits a key into namespace ("" if none) and name.
std::pair<std::string, std::string> split_key(const std::string& key);

// Built-in index functions.
IndexFunc index_by_namespace();  // value: metadata.namespace
IndexFunc index_by_owner_uid();  // values: metadata.ownerReferences[].uid
IndexFunc index_by_labels();     // values: "key=value" for each label
inline constexpr const char* kNamespaceIndex = "namespace";
inline constexpr const char* kOwnerIndex = "owner";
inline constexpr const char* kLabelIndex = "label";

// The three built-in indexes, by name.
std::map<std::string, IndexFunc> default_indexes();
// Index on one label's value (e.g. "job-name": by_index(name, "<job>")).
IndexFunc index_by_label(const std::string& label_key);

// The encoded projection of an object; empty when the object cannot be projected (an encoding is
// never empty).
using ProjectionFunc = std::function<std::string(const nlohmann::json&)>;

struct StoreOptions {
  bool compact = false;
  ProjectionFunc projection;
  // The indexes to keep; unset = default_indexes(). Each index costs an entry per object and value.
  std::optional<std::map<std::string, IndexFunc>> indexes;
};

class Store {
 public:
  // Starts with the three built-in indexes (or options.indexes).
  explicit Store(StoreOptions options = {});
  // Adds an index; call before the store is filled.
  void add_index(const std::string& name, IndexFunc fn);

  // Inserts or replaces; returns the previous object (null if none).
  ObjectPtr upsert(ObjectPtr obj);
  // Removes by key; returns the removed object (null if absent).
  ObjectPtr remove(const std::string& key);
  // Replaces the whole content (after a relist); returns the objects that were dropped.
  std::vector<ObjectPtr> replace(std::vector<ObjectPtr> objects);

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  // Sorted by key.
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  size_t size() const;

  // The encoded projections (options.projection); nullopt / nothing when the key is absent. Empty
  // when the store has no projection function or the object could not be projected.
  std::optional<std::string> get_projected(const std::string& key) const;
  std::vector<std::string> list_projected() const;
  // Sorted by key, like by_index.
  std::vector<std::string> by_index_projected(const std::string& index, const std::string& value) const;
  bool compact() const { return options_.compact; }

 private:
  struct Entry {
    ObjectPtr object;                  // when not compact
    std::vector<std::uint8_t> packed;  // when compact: deflated MessagePack
    std::uint32_t packed_size = 0;     // MessagePack bytes before deflating
    // The projection's bytes, exactly as many as it has (no capacity, no size beyond the count):
    // 8 bytes in the entry instead of a std::string's 32, for every object of every store.
    std::uint32_t projected_size = 0;
    std::unique_ptr<char[]> projected;
    std::string projection() const { return projected ? std::string(projected.get(), projected_size) : ""; }
  };
  Entry make_entry(const ObjectPtr& obj) const;
  ObjectPtr object_of(const Entry& e) const;  // decodes when compact
  void index_locked(const std::string* key, const nlohmann::json& obj, bool add);
  template <class F>
  auto by_index_locked(const std::string& index, const std::string& value, F&& get) const
      -> std::vector<std::invoke_result_t<F, const Entry&>>;

  StoreOptions options_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> items_;  // node-based: key addresses are stable
  std::map<std::string, IndexFunc> index_funcs_;
  // index name -> value -> keys (pointers to items_' keys)
  std::map<std::string, std::unordered_map<std::string, std::unordered_set<const std::string*>>> indexes_;
};

// Strips what an operator never reads and that can dominate an object's size
// (metadata.managedFields, the last-applied-configuration annotation) and freezes it.
ObjectPtr make_cached(nlohmann::json obj);

}  // namespace shepherd::runtime
