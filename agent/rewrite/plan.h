// The change set digested for lookups: which fields change how, and how the dataset's location is
// spelled before and after (split into parts so that suffixes like `events.listening_v3` match).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine.h"

namespace shepherd::rewrite {

// Everything that happens to one field (a field may be renamed and retyped in the same plan).
struct FieldChange {
  std::string name;
  std::string rename_to;  // empty: not renamed
  bool drop = false;
  bool retype = false;
  std::string from_type, to_type, expression;
};

class Plan {
 public:
  explicit Plan(const ChangeSet& changes);

  // Exact match, or ASCII case-insensitive (SQL identifiers are case-insensitive).
  const FieldChange* field(std::string_view name, bool ignore_case) const;
  const std::vector<FieldChange>& fields() const { return fields_; }

  // The old table name split into parts: "prod.events.listening_v3" -> {prod, events, listening_v3}.
  // Without a location, the dataset name is the one part. Empty only if both are empty.
  const std::vector<std::string>& old_parts() const { return old_parts_; }
  // The new parts that replace the last `k` old parts (fewer parts of the new name are kept as is).
  std::vector<std::string> new_suffix(std::size_t k) const;
  // True when the location changes (both known and different).
  bool moves() const { return moves_; }
  // True when the location is a path (gs://, s3://, /data/...) rather than a dotted table name.
  bool location_is_path() const { return path_; }
  const std::string& old_location() const { return old_location_; }
  const std::string& new_location() const { return new_location_; }
  const std::string& dataset_name() const { return dataset_name_; }
  // How messages name the dataset: its old location, else its name.
  const std::string& dataset_label() const { return old_location_.empty() ? dataset_name_ : old_location_; }

  // Does the text mention the dataset at all (its location, its last part or its name)? Used to
  // decide whether a file is "about" the dataset.
  bool mentioned_in(std::string_view text) const;

  // Do these name parts (case-insensitive) equal the last parts.size() old parts?
  bool matches_old_suffix(const std::vector<std::string>& parts) const;

 private:
  std::vector<FieldChange> fields_;
  std::vector<std::string> old_parts_, new_parts_;
  std::string old_location_, new_location_, dataset_name_;
  bool moves_ = false;
  bool path_ = false;
};

// Inline: these run for nearly every token of every file that is analysed.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
std::string lower(std::string_view s);
inline bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
std::vector<std::string> split(std::string_view s, char sep);

}  // namespace shepherd::rewrite
