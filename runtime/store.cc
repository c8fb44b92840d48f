// The thread-safe object cache with indexes.
#include "runtime/store.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace shepherd::runtime {

std::string object_key(const nlohmann::json& obj) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  const std::string name = m->value("name", "");
  const std::string ns = m->value("namespace", "");
  return ns.empty() ? name : ns + "/" + name;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

IndexFunc index_by_namespace() {
  return [](const nlohmann::json& o) -> std::vector<std::string> {
    auto m = o.find("metadata");
    if (m == o.end() || !m->contains("namespace")) return {};
    return {m->value("namespace", "")};
  };
}

namespace {
// The object's metadata.<field> when present (a null json otherwise). Avoids iterator chains,
// which also trip g++'s -Wnull-dereference inside nlohmann::json.
const nlohmann::json& meta_field(const nlohmann::json& o, const char* field) {
  static const nlohmann::json kNull;
  if (!o.is_object() || !o.contains("metadata")) return kNull;
  const nlohmann::json& m = o.at("metadata");
  if (!m.is_object() || !m.contains(field)) return kNull;
  return m.at(field);
}
}  // namespace

IndexFunc index_by_owner_uid() {
  return [](const nlohmann::json& o) {
    std::vector<std::string> out;
    const nlohmann::json& refs = meta_field(o, "ownerReferences");
    if (!refs.is_array()) return out;
    for (const auto& ref : refs) {
      if (ref.is_object() && ref.contains("uid")) out.push_back(ref.value("uid", ""));
    }
    return out;
  };
}

IndexFunc index_by_labels() {
  return [](const nlohmann::json& o) {
    std::vector<std::string> out;
    const nlohmann::json& labels = meta_field(o, "labels");
    if (!labels.is_object()) return out;
    for (const auto& [k, v] : labels.items()) {
      if (v.is_string()) out.push_back(k + "=" + v.get<std::string>());
    }
    return out;
  };
}

std::map<std::string, IndexFunc> default_indexes() {
  return {{kNamespaceIndex, index_by_namespace()},
          {kOwnerIndex, index_by_owner_uid()},
          {kLabelIndex, index_by_labels()}};
}

IndexFunc index_by_label(const std::string& label_key) {
  return [label_key](const nlohmann::json& o) {
    std::vector<std::string> out;
    const nlohmann::json& labels = meta_field(o, "labels");
    if (!labels.is_object()) return out;
    auto it = labels.find(label_key);
    if (it != labels.end() && it->is_string()) out.push_back(it->get<std::string>());
    return out;
  };
}

Store::Store(StoreOptions options) : options_(std::move(options)) {
  index_funcs_ = options_.indexes ? *options_.indexes : default_indexes();
  options_.indexes.reset();
}

Store::Entry Store::make_entry(const ObjectPtr& obj) const {
  Entry e;
  if (options_.compact) {
    const std::vector<std::uint8_t> msgpack = nlohmann::json::to_msgpack(*obj);
    uLongf size = compressBound(msgpack.size());
    e.packed.resize(size);
    if (compress2(e.packed.data(), &size, msgpack.data(), msgpack.size(), Z_BEST_SPEED) != Z_OK) {
      throw std::runtime_error("store: cannot deflate an object");  // only on out of memory
    }
    e.packed.resize(size);
    e.packed.shrink_to_fit();
    e.packed_size = static_cast<std::uint32_t>(msgpack.size());
  } else {
    e.object = obj;
  }
  if (options_.projection) {
    const std::string bytes = options_.projection(*obj);
    if (bytes.size() > UINT32_MAX) throw std::runtime_error("store: projection larger than 4 GiB");
    if (!bytes.empty()) {
      e.projected = std::make_unique_for_overwrite<char[]>(bytes.size());
      std::copy(bytes.begin(), bytes.end(), e.projected.get());
      e.projected_size = static_cast<std::uint32_t>(bytes.size());
    }
  }
  return e;
}

ObjectPtr Store::object_of(const Entry& e) const {
  if (!options_.compact) return e.object;
  std::vector<std::uint8_t> msgpack(e.packed_size);
  uLongf size = msgpack.size();
  if (uncompress(msgpack.data(), &size, e.packed.data(), e.packed.size()) != Z_OK || size != msgpack.size()) {
    throw std::runtime_error("store: cannot inflate a cached object");  // our own bytes: a bug
  }
  return std::make_shared<const nlohmann::json>(nlohmann::json::from_msgpack(msgpack));
}

void Store::add_index(const std::string& name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  index_funcs_[name] = std::move(fn);
  auto& idx = indexes_[name];
  idx.clear();
  for (const auto& [key, entry] : items_) {
    ObjectPtr obj = object_of(entry);
    for (const auto& v : index_funcs_[name](*obj)) idx[v].insert(&key);
  }
}

void Store::index_locked(const std::string* key, const nlohmann::json& obj, bool add) {
  for (const auto& [name, fn] : index_funcs_) {
    auto& idx = indexes_[name];
    for (const auto& v : fn(obj)) {
      if (add) {
        idx[v].insert(key);
      } else if (auto it = idx.find(v); it != idx.end()) {
        it->second.erase(key);
        if (it->second.empty()) idx.erase(it);
      }
    }
  }
}

ObjectPtr Store::upsert(ObjectPtr obj) {
  const std::string key = object_key(*obj);
  Entry entry = make_entry(obj);  // outside the lock: encoding and projecting take time
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = items_.find(key);
  if (it != items_.end()) {
    old = object_of(it->second);
    index_locked(&it->first, *old, false);
    it->second = std::move(entry);
  } else {
    it = items_.emplace(key, std::move(entry)).first;
  }
  index_locked(&it->first, *obj, true);
  return old;
}

ObjectPtr Store::remove(const std::string& key) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr old = object_of(it->second);
  index_locked(&it->first, *old, false);
  items_.erase(it);
  return old;
}

std::vector<ObjectPtr> Store::replace(std::vector<ObjectPtr> objects) {
  std::unordered_map<std::string, Entry> next;
  next.reserve(objects.size());
  for (auto& o : objects) next[object_key(*o)] = make_entry(o);
  std::unique_lock lock(mu_);
  std::vector<ObjectPtr> dropped;
  for (const auto& [key, entry] : items_) {
    if (!next.count(key)) dropped.push_back(object_of(entry));
  }
  items_ = std::move(next);
  indexes_.clear();
  for (auto& o : objects) {
    auto it = items_.find(object_key(*o));
    if (it != items_.end()) index_locked(&it->first, *o, true);
  }
  return dropped;
}

ObjectPtr Store::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : object_of(it->second);
}

std::optional<std::string> Store::get_projected(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return it->second.projection();
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(object_of(v));
  return out;
}

std::vector<std::string> Store::list_projected() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(v.projection());
  return out;
}

std::vector<std::string> Store::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(k);
  return out;
}

template <class F>
auto Store::by_index_locked(const std::string& index, const std::string& value, F&& get) const
    -> std::vector<std::invoke_result_t<F, const Entry&>> {
  std::vector<std::invoke_result_t<F, const Entry&>> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  std::vector<const std::string*> sorted(keys->second.begin(), keys->second.end());
  std::sort(sorted.begin(), sorted.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  out.reserve(sorted.size());
  for (const std::string* k : sorted) {
    if (auto it = items_.find(*k); it != items_.end()) out.push_back(get(it->second));
  }
  return out;
}

std::vector<ObjectPtr> Store::by_index(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  return by_index_locked(index, value, [this](const Entry& e) { return object_of(e); });
}

std::vector<std::string> Store::by_index_projected(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  return by_index_locked(index, value, [](const Entry& e) { return e.projection(); });
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

ObjectPtr make_cached(nlohmann::json obj) {
  if (obj.is_object() && obj.contains("metadata")) {
    nlohmann::json& m = obj["metadata"];
    if (m.is_object()) {
      m.erase("managedFields");
      if (m.contains("annotations")) {
        nlohmann::json& a = m["annotations"];
        if (a.is_object()) {
          a.erase("kubectl.kubernetes.io/last-applied-configuration");
          if (a.empty()) m.erase("annotations");
        }
      }
    }
  }
  return std::make_shared<const nlohmann::json>(std::move(obj));
}

}  // namespace shepherd::runtime
