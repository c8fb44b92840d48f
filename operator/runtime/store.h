// The informer's cache: a thread-safe map from "namespace/name" (or "name" for cluster-scoped
// objects) to an immutable object, with secondary indexes (by namespace, owner UID, label).
// Objects are shared_ptr<const json>: readers keep a snapshot without copying or locking.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
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
IndexFunc index_by_namespace();    // value: metadata.namespace
IndexFunc index_by_owner_uid();    // values: metadata.ownerReferences[].uid
IndexFunc index_by_labels();       // values: "key=value" for each label
inline constexpr const char* kNamespaceIndex = "namespace";
inline constexpr const char* kOwnerIndex = "owner";
inline constexpr const char* kLabelIndex = "label";

class Store {
 public:
  // Starts with the three built-in indexes.
  Store();
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
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  size_t size() const;

 private:
  void index_locked(const std::string& key, const nlohmann::json& obj, bool add);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, ObjectPtr> items_;
  std::map<std::string, IndexFunc> index_funcs_;
  // index name -> value -> keys
  std::map<std::string, std::unordered_map<std::string, std::set<std::string>>> indexes_;
};

// Strips what an operator never reads and that can dominate an object's size
// (metadata.managedFields, the last-applied-configuration annotation) and freezes it.
ObjectPtr make_cached(nlohmann::json obj);

}  // namespace shepherd::runtime
