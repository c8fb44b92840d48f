// Digests a ChangeSet into the lookups every language rewriter needs.
#include "plan.h"

#include <algorithm>

namespace shepherd::rewrite {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

namespace {
bool looks_like_path(std::string_view loc) { return loc.find('/') != std::string_view::npos; }
}  // namespace

Plan::Plan(const ChangeSet& changes)
    : old_location_(changes.dataset.from.location),
      new_location_(changes.dataset.to.location),
      dataset_name_(changes.dataset.name) {
  auto slot = [&](const std::string& name) -> FieldChange& {
    for (auto& f : fields_)
      if (f.name == name) return f;
    fields_.push_back(FieldChange{});
    fields_.back().name = name;
    return fields_.back();
  };
  for (const auto& c : changes.changes) {
    if (c.field.empty()) continue;
    switch (c.kind) {
      case Change::Kind::Rename:
        if (!c.to.empty() && c.to != c.field) slot(c.field).rename_to = c.to;
        break;
      case Change::Kind::Retype: {
        auto& f = slot(c.field);
        f.retype = true;
        f.from_type = c.from_type;
        f.to_type = c.to_type;
        f.expression = c.expression;
        break;
      }
      case Change::Kind::Drop:
        slot(c.field).drop = true;
        break;
      case Change::Kind::Add:
        break;  // informational: nothing reads a field that did not exist
    }
  }
  path_ = looks_like_path(old_location_);
  if (!old_location_.empty()) {
    // A path's identity for suffix matching is its segments; a table's, its dotted parts.
    old_parts_ = split(old_location_, path_ ? '/' : '.');
    std::erase_if(old_parts_, [](const std::string& p) { return p.empty(); });
  } else if (!dataset_name_.empty()) {
    old_parts_ = {dataset_name_};
  }
  if (!new_location_.empty()) {
    new_parts_ = split(new_location_, looks_like_path(new_location_) ? '/' : '.');
    std::erase_if(new_parts_, [](const std::string& p) { return p.empty(); });
  }
  moves_ = !old_location_.empty() && !new_location_.empty() && old_location_ != new_location_;
}

const FieldChange* Plan::field(std::string_view name, bool ignore_case) const {
  for (const auto& f : fields_)
    if (ignore_case ? iequals(f.name, name) : f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> Plan::new_suffix(std::size_t k) const {
  if (new_parts_.size() <= k) return new_parts_;
  return {new_parts_.end() - static_cast<std::ptrdiff_t>(k), new_parts_.end()};
}

bool Plan::matches_old_suffix(const std::vector<std::string>& parts) const {
  if (parts.empty() || parts.size() > old_parts_.size()) return false;
  std::size_t off = old_parts_.size() - parts.size();
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!iequals(parts[i], old_parts_[off + i])) return false;
  return true;
}

bool Plan::mentioned_in(std::string_view text) const {
  auto has_word = [&](std::string_view needle) {
    if (needle.empty()) return false;
    for (std::size_t pos = text.find(needle); pos != std::string_view::npos;
         pos = text.find(needle, pos + 1)) {
      bool left = pos == 0 || !is_ident_char(text[pos - 1]);
      std::size_t end = pos + needle.size();
      bool right = end >= text.size() || !is_ident_char(text[end]);
      if (left && right) return true;
    }
    return false;
  };
  if (!old_parts_.empty() && has_word(old_parts_.back())) return true;
  return has_word(dataset_name_);
}

}  // namespace shepherd::rewrite
