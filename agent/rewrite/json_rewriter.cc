// JSON: values naming the dataset's location move; in an object that names the dataset, its
// column lists are rewritten; Avro record schemas (.avsc) and JSON Schemas of the dataset have
// their fields renamed (Avro keeps the old name in `aliases`, so old data still reads).
#include "json_rewriter.h"

#include <algorithm>

#include "config_scope.h"
#include "json_parser.h"
#include "text_location.h"

namespace shepherd::rewrite::json {

namespace {

std::string squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '.' || c == '-' || c == '/') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(const std::string& path, std::string_view text, const Plan& plan, Sink& out)
      : path_(path), text_(text), plan_(plan), out_(out) {}

  void run(const Node& root) {
    about_ = plan_.mentioned_in(path_);
    values(root, {});
    if (is_record(root)) record(root);
    for (const auto& item : root.items)  // an .avsc may be a union of records
      if (is_record(item)) record(item);
    if (root.get("properties") && root.get("properties")->type == Node::Type::Object) json_schema(root);
  }

 private:
  // Moves location values; rewrites column names of objects that name the dataset.
  void values(const Node& n, std::string_view key) {
    if (n.type == Node::Type::String) {
      if (prose_key(key)) return;
      OffsetSink sink(out_, n.body_begin);
      if (rewrite_location_text(n.text, plan_, sink, table_key(key))) about_ = true;
      return;
    }
    for (const auto& item : n.items) values(item, key);
    if (n.type != Node::Type::Object) return;
    bool names_dataset = false;
    for (const auto& m : n.members) {
      values(m.value, m.key.text);
      if (m.value.type == Node::Type::String && names(m.value.text, table_key(m.key.text)))
        names_dataset = true;
    }
    if (!names_dataset || is_record(n)) return;
    for (const auto& m : n.members) {
      if (!column_key(m.key.text)) continue;
      if (m.value.type == Node::Type::String) column(m.value);
      for (const auto& item : m.value.items)
        if (item.type == Node::Type::String) column(item);
    }
  }

  bool names(const std::string& value, bool table) const {
    CollectingSink discard;
    return rewrite_location_text(value, plan_, discard, table);
  }

  void column(const Node& s) {
    const FieldChange* f = plan_.field(s.text, false);
    if (!f) return;
    if (!f->rename_to.empty())
      out_.replace(s.body_begin, s.body_end - s.body_begin, f->rename_to, "json.column");
    if (f->drop) out_.review(s.begin, "names dropped field " + f->name);
    if (f->retype)
      out_.review(s.begin,
                  "names retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type + ")");
  }

  static bool is_record(const Node& n) {
    const Node* type = n.get("type");
    const Node* fields = n.get("fields");
    return type && type->type == Node::Type::String && type->text == "record" && fields &&
           fields->type == Node::Type::Array;
  }

  // Is this schema the dataset's? By its name/namespace/title, or the file's path or content.
  bool ours(const Node& n, std::initializer_list<const char*> keys) const {
    if (about_) return true;
    std::string dataset = squash(plan_.dataset_name());
    std::string table = plan_.old_parts().empty() ? "" : squash(plan_.old_parts().back());
    for (const char* k : keys) {
      const Node* v = n.get(k);
      if (!v || v->type != Node::Type::String) continue;
      std::string s = squash(v->text);
      if (s.empty()) continue;
      if ((!dataset.empty() && (s.find(dataset) != std::string::npos || dataset.rfind(s, 0) == 0)) ||
          (!table.empty() && s.find(table) != std::string::npos))
        return true;
    }
    return false;
  }

  void record(const Node& rec) {
    if (!ours(rec, {"name", "namespace", "doc"})) return;
    for (const auto& field : rec.get("fields")->items) {
      const Node* name = field.get("name");
      if (!name || name->type != Node::Type::String) continue;
      const FieldChange* f = plan_.field(name->text, false);
      if (!f) continue;
      if (!f->rename_to.empty()) {
        out_.replace(name->body_begin, name->body_end - name->body_begin, f->rename_to, "avro.rename");
        // Readers of old data resolve the field by its alias.
        const Node* aliases = field.get("aliases");
        if (aliases && aliases->type == Node::Type::Array) {
          bool has = std::any_of(aliases->items.begin(), aliases->items.end(),
                                 [&](const Node& a) { return a.text == f->name; });
          if (!has) {
            std::string add = aliases->items.empty() ? "\"" + f->name + "\"" : ", \"" + f->name + "\"";
            out_.replace(aliases->end - 1, 0, add, "avro.alias");
          }
        } else {
          out_.replace(name->end, 0, ", \"aliases\": [\"" + f->name + "\"]", "avro.alias");
        }
      }
      if (f->drop)
        out_.review(field.begin,
                    "schema declares dropped field " + f->name + ": remove it or make it optional");
      if (f->retype)
        out_.review(field.begin, "schema field " + f->name + " changes type (" + f->from_type + " -> " +
                                     f->to_type + "): update its type");
    }
  }

  void json_schema(const Node& root) {
    if (!ours(root, {"title", "$id", "description"})) return;
    const Node* props = root.get("properties");
    for (const auto& m : props->members) {
      const FieldChange* f = plan_.field(m.key.text, false);
      if (!f) continue;
      if (!f->rename_to.empty())
        out_.replace(m.key.body_begin, m.key.body_end - m.key.body_begin, f->rename_to, "jsonschema.rename");
      if (f->drop) out_.review(m.key.begin, "schema declares dropped field " + f->name + ": remove it");
      if (f->retype)
        out_.review(m.key.begin, "schema field " + f->name + " changes type (" + f->from_type + " -> " +
                                     f->to_type + "): update its type");
    }
    if (const Node* req = root.get("required"))
      for (const auto& item : req->items) {
        const FieldChange* f = plan_.field(item.text, false);
        if (f && !f->rename_to.empty() && item.type == Node::Type::String)
          out_.replace(item.body_begin, item.body_end - item.body_begin, f->rename_to, "jsonschema.required");
      }
  }

  const std::string& path_;
  std::string_view text_;
  const Plan& plan_;
  Sink& out_;
  bool about_ = false;
};

}  // namespace

void rewrite(const std::string& path, std::string_view text, const Plan& plan, const ModelIndex&, Sink& out) {
  auto root = parse(text);
  if (!root) return;
  Rewriter(path, text, plan, out).run(*root);
}

}  // namespace shepherd::rewrite::json
