// The thread-safe object cache with indexes.
#include "operator/runtime/store.h"

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

Store::Store() {
  index_funcs_[kNamespaceIndex] = index_by_namespace();
  index_funcs_[kOwnerIndex] = index_by_owner_uid();
  index_funcs_[kLabelIndex] = index_by_labels();
}

void Store::add_index(const std::string& name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  index_funcs_[name] = std::move(fn);
  auto& idx = indexes_[name];
  idx.clear();
  for (const auto& [key, obj] : items_) {
    for (const auto& v : index_funcs_[name](*obj)) idx[v].insert(key);
  }
}

void Store::index_locked(const std::string& key, const nlohmann::json& obj, bool add) {
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
  std::unique_lock lock(mu_);
  ObjectPtr old;
  auto it = items_.find(key);
  if (it != items_.end()) {
    old = it->second;
    index_locked(key, *old, false);
    it->second = obj;
  } else {
    items_.emplace(key, obj);
  }
  index_locked(key, *obj, true);
  return old;
}

ObjectPtr Store::remove(const std::string& key) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr old = it->second;
  index_locked(key, *old, false);
  items_.erase(it);
  return old;
}

std::vector<ObjectPtr> Store::replace(std::vector<ObjectPtr> objects) {
  std::unique_lock lock(mu_);
  std::unordered_map<std::string, ObjectPtr> next;
  next.reserve(objects.size());
  for (auto& o : objects) next[object_key(*o)] = std::move(o);
  std::vector<ObjectPtr> dropped;
  for (const auto& [key, obj] : items_) {
    if (!next.count(key)) dropped.push_back(obj);
  }
  items_ = std::move(next);
  indexes_.clear();
  for (const auto& [key, obj] : items_) index_locked(key, *obj, true);
  return dropped;
}

ObjectPtr Store::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(v);
  return out;
}

std::vector<std::string> Store::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(k);
  return out;
}

std::vector<ObjectPtr> Store::by_index(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  for (const auto& k : keys->second) {
    if (auto it = items_.find(k); it != items_.end()) out.push_back(it->second);
  }
  return out;
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
