// YAML: values naming the dataset's location move (block scalars holding SQL go through the SQL
// rewriter); column lists of a mapping that names the dataset are rewritten; dbt sources.yml
// tables of the dataset move and their columns are renamed; dbt schema.yml columns of models that
// pass dataset fields through (ModelIndex) are renamed.
#include "yaml_rewriter.h"

#include "config_scope.h"
#include "embedded.h"
#include "text_location.h"
#include "yaml_parser.h"

namespace shepherd::rewrite::yaml {

namespace {

class Rewriter {
 public:
  Rewriter(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out)
      : text_(text), plan_(plan), models_(models), out_(out) {}

  void document(const Node& root) {
    values(root, {});
    if (const Node* sources = root.get("sources")) dbt_sources(*sources);
    if (const Node* models = root.get("models")) dbt_models(*models);
  }

 private:
  void values(const Node& n, std::string_view key) {
    if (n.type == Node::Type::Scalar) {
      if (prose_key(key)) return;
      if (n.scalar.block) {
        sql::LexOptions lo;
        rewrite_embedded(text_, {Piece{n.scalar.begin, n.scalar.end}}, plan_, models_, out_, lo, false);
      } else {
        OffsetSink sink(out_, n.scalar.begin);
        rewrite_location_text(n.scalar.text, plan_, sink, table_key(key));
      }
      return;
    }
    for (const auto& item : n.seq) values(item, key);
    if (n.type != Node::Type::Map) return;
    bool names_dataset = false;
    for (const auto& e : n.map) {
      values(e.value, e.key.text);
      if (e.value.type == Node::Type::Scalar && !e.value.scalar.block &&
          names(e.value.scalar.text, table_key(e.key.text)))
        names_dataset = true;
    }
    if (!names_dataset) return;
    for (const auto& e : n.map) {
      if (!column_key(e.key.text)) continue;
      if (e.value.type == Node::Type::Scalar) column(e.value.scalar, nullptr, "yaml.column");
      for (const auto& item : e.value.seq)
        if (item.type == Node::Type::Scalar) column(item.scalar, nullptr, "yaml.column");
    }
  }

  bool names(const std::string& value, bool table) const {
    CollectingSink discard;
    return rewrite_location_text(value, plan_, discard, table);
  }

  // Rewrites one column name; `only` limits it to fields a model passes through.
  void column(const Scalar& s, const std::set<std::string>* only, const char* rule) {
    const FieldChange* f = plan_.field(s.text, false);
    if (!f || (only && !only->count(f->name))) return;
    if (!f->rename_to.empty()) out_.replace(s.begin, s.end - s.begin, f->rename_to, rule);
    if (f->drop) out_.review(s.begin, "documents dropped field " + f->name + ": remove it");
    if (f->retype)
      out_.review(s.begin,
                  "documents retyped field " + f->name + " (" + f->from_type + " -> " + f->to_type + ")");
  }

  // columns: [- name: x, tests: ...] and model/table-level tests that list columns.
  void columns_of(const Node& owner, const std::set<std::string>* only, const char* rule) {
    if (const Node* cols = owner.get("columns"))
      for (const auto& c : cols->seq) {
        if (c.type == Node::Type::Scalar) column(c.scalar, only, rule);
        if (const Node* name = c.get("name"); name && name->type == Node::Type::Scalar)
          column(name->scalar, only, rule);
      }
    for (const char* tests_key : {"tests", "data_tests"})
      if (const Node* tests = owner.get(tests_key)) test_columns(*tests, only, rule);
  }

  void test_columns(const Node& n, const std::set<std::string>* only, const char* rule) {
    for (const auto& e : n.map) {
      if (e.key.text == "column_name" && e.value.type == Node::Type::Scalar)
        column(e.value.scalar, only, rule);
      if (e.key.text == "combination_of_columns")
        for (const auto& item : e.value.seq)
          if (item.type == Node::Type::Scalar) column(item.scalar, only, rule);
      test_columns(e.value, only, rule);
    }
    for (const auto& item : n.seq) test_columns(item, only, rule);
  }

  void dbt_sources(const Node& sources) {
    const auto& old = plan_.old_parts();
    if (old.size() < 2) return;
    for (const auto& src : sources.seq) {
      std::string schema = src.str("schema");
      bool schema_ok = iequals(src.str("name"), old[old.size() - 2]) ||
                       (!schema.empty() && iequals(schema, old[old.size() - 2]));
      std::string database = src.str("database");
      if (!database.empty() && old.size() >= 3 && !iequals(database, old[old.size() - 3])) schema_ok = false;
      const Node* tables = src.get("tables");
      if (!schema_ok || !tables) continue;
      for (const auto& table : tables->seq) {
        const Node* name = table.get("name");
        const Node* identifier = table.get("identifier");
        const Node* physical = identifier ? identifier : name;
        if (!physical || physical->type != Node::Type::Scalar || !iequals(physical->scalar.text, old.back()))
          continue;
        if (plan_.moves()) {
          auto repl = plan_.new_suffix(2);
          // Keep source('x', 'table') in SQL and the table's name here in step: both move.
          for (const Node* n : {name, identifier})
            if (n && n->type == Node::Type::Scalar && iequals(n->scalar.text, old.back()) && repl.size() == 2)
              out_.replace(n->scalar.begin, n->scalar.end - n->scalar.begin, repl[1], "dbt.sources");
          if (const Node* s = src.get("schema"); s && s->type == Node::Type::Scalar && repl.size() == 2 &&
                                                 iequals(s->scalar.text, old[old.size() - 2]) &&
                                                 s->scalar.text != repl[0])
            out_.replace(s->scalar.begin, s->scalar.end - s->scalar.begin, repl[0], "dbt.sources");
        }
        columns_of(table, nullptr, "dbt.sources.column");
      }
    }
  }

  void dbt_models(const Node& models) {
    for (const auto& m : models.seq) {
      auto it = models_.exports.find(m.str("name"));
      if (it == models_.exports.end()) continue;
      columns_of(m, &it->second, "dbt.schema.column");
    }
  }

  std::string_view text_;
  const Plan& plan_;
  const ModelIndex& models_;
  Sink& out_;
};

}  // namespace

void rewrite(const std::string&, std::string_view text, const Plan& plan, const ModelIndex& models,
             Sink& out) {
  Rewriter r(text, plan, models, out);
  for (const auto& doc : parse(text)) r.document(doc);
}

}  // namespace shepherd::rewrite::yaml
