// YAML: values naming the dataset's location move (block scalars holding SQL go through the SQL
// rewriter); column lists of a mapping that names the dataset are rewritten; dbt sources.yml
// tables of the dataset move and their columns are renamed; dbt schema.yml columns of models that
// pass dataset fields through (ModelIndex) are renamed.
#include "yaml_rewriter.h"

#include "config_scope.h"
#include "embedded.h"
#include "jinja.h"
#include "text_location.h"
#include "yaml_parser.h"

namespace shepherd::rewrite::yaml {

bool source_table_matches(const Node& src, const Node& table, const Plan& plan);

namespace {

// Is `word` in `text` as a whole identifier?
bool has_word(std::string_view text, std::string_view word) {
  for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool left = at == 0 || !is_ident_char(text[at - 1]);
    bool right = at + word.size() >= text.size() || !is_ident_char(text[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

class Rewriter {
 public:
  Rewriter(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out)
      : text_(text), plan_(plan), models_(models), out_(out) {}

  void document(const Node& root) {
    values(root, {});
    if (const Node* sources = root.get("sources")) dbt_sources(*sources);
    if (const Node* models = root.get("models")) dbt_models(*models);
    if (const Node* semantic = root.get("semantic_models")) dbt_semantic_models(*semantic);
    relationships(root);
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

  // A dbt relation written as Jinja in a YAML value (`source('events', 'listening_v3')`,
  // `ref('stg_listening')`): is it the dataset, and which dataset fields does it carry? A source of
  // the dataset also moves with it (its table argument, as in SQL).
  bool relation(const Scalar& s, std::set<std::string>& fields, bool move) {
    for (const auto& call : jinja::calls(s.text)) {
      if (call.function == "source" && call.args.size() == 2 &&
          source_is_dataset(call.args[0].value, call.args[1].value, plan_, models_)) {
        for (const auto& f : plan_.fields()) fields.insert(f.name);
        auto repl = plan_.new_suffix(1);
        const auto& old = plan_.old_parts();
        if (move && plan_.moves() && repl.size() == 1 && iequals(call.args[1].value, old.back()) &&
            call.args[1].value != repl[0]) {
          std::size_t at = s.begin + call.args[1].begin;
          if (!s.block && text_.substr(at, call.args[1].value.size()) == call.args[1].value)
            out_.replace(at, call.args[1].value.size(), repl[0], "dbt.source");
        }
        return true;
      }
      if (call.function == "ref" && !call.args.empty()) {
        auto it = models_.exports.find(call.args.back().value);
        if (it != models_.exports.end()) {
          fields = it->second;
          return true;
        }
      }
    }
    return false;
  }

  // relationships tests anywhere (`to: source(...)`/`ref(...)`, `field: col`): `field` names a
  // column of the `to` relation, so it follows that relation's fields.
  void relationships(const Node& n) {
    for (const auto& item : n.seq) relationships(item);
    if (n.type != Node::Type::Map) return;
    const Node* to = n.get("to");
    const Node* field = n.get("field");
    if (to && field && to->type == Node::Type::Scalar && field->type == Node::Type::Scalar) {
      std::set<std::string> fields;
      if (relation(to->scalar, fields, true)) column(field->scalar, &fields, "dbt.relationships.field");
    }
    for (const auto& e : n.map) relationships(e.value);
    // exposures' depends_on and other lists of relations move with the dataset
    if (const Node* deps = n.get("depends_on"))
      for (const auto& d : deps->seq)
        if (d.type == Node::Type::Scalar) {
          std::set<std::string> ignored;
          relation(d.scalar, ignored, true);
        }
  }

  // MetricFlow semantic models over the dataset (or a model passing its fields through): a bare
  // column `expr` is renamed; an entity/dimension/measure without `expr` takes its column from its
  // `name`, which other metrics refer to, so it goes to review rather than being renamed.
  void dbt_semantic_models(const Node& models) {
    for (const auto& m : models.seq) {
      const Node* model = m.get("model");
      std::set<std::string> fields;
      if (!model || model->type != Node::Type::Scalar || !relation(model->scalar, fields, false)) continue;
      for (const char* group : {"entities", "dimensions", "measures"}) {
        const Node* items = m.get(group);
        if (!items) continue;
        for (const auto& item : items->seq) {
          const Node* expr = item.get("expr");
          const Node* name = item.get("name");
          if (expr && expr->type == Node::Type::Scalar) {
            const FieldChange* f = plan_.field(expr->scalar.text, true);
            if (f && fields.count(f->name)) {
              column(expr->scalar, &fields, "dbt.semantic.expr");
            } else {
              for (const auto& fc : plan_.fields())
                if (fields.count(fc.name) && has_word(expr->scalar.text, fc.name))
                  out_.review(expr->scalar.begin, "semantic model expression uses " + fc.name + "; " +
                                                      change_text(fc) + ": adapt it by hand");
            }
          } else if (name && name->type == Node::Type::Scalar) {
            const FieldChange* f = plan_.field(name->scalar.text, true);
            if (f && fields.count(f->name))
              out_.review(name->scalar.begin,
                          std::string(group) + " " + f->name + " reads column " + f->name + " by its name; " +
                              change_text(*f) +
                              (f->rename_to.empty() ? ": adapt it by hand" : ": add expr: " + f->rename_to));
          }
        }
      }
    }
  }

  static std::string change_text(const FieldChange& f) {
    if (!f.rename_to.empty()) return f.name + " is renamed to " + f.rename_to;
    if (f.drop) return f.name + " is dropped";
    return f.name + " changes type";
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
      // SQL in a test (dbt_utils.expression_is_true's expression, a `where:` config): reviewed.
      if ((e.key.text == "expression" || e.key.text == "where" || e.key.text == "condition") &&
          e.value.type == Node::Type::Scalar)
        for (const auto& f : plan_.fields())
          if ((!only || only->count(f.name)) && has_word(e.value.scalar.text, f.name))
            out_.review(e.value.scalar.begin, "test " + e.key.text + " uses " + f.name + "; " +
                                                  change_text(f) + ": adapt it by hand");
      if (e.key.text == "combination_of_columns")
        for (const auto& item : e.value.seq)
          if (item.type == Node::Type::Scalar) column(item.scalar, only, rule);
      test_columns(e.value, only, rule);
    }
    for (const auto& item : n.seq) test_columns(item, only, rule);
  }

  static const Node* at(const Node& n, std::string_view a, std::string_view b) {
    const Node* x = n.get(a);
    return x ? x->get(b) : nullptr;
  }

  // loaded_at_field as dbt accepts it: directly, under `freshness:`, under `config:` (dbt 1.10) or
  // `config: freshness:`.
  static const Node* loaded_at_field(const Node& owner) {
    const Node* config_freshness = at(owner, "config", "freshness");
    for (const Node* n : {owner.get("loaded_at_field"), at(owner, "freshness", "loaded_at_field"),
                          at(owner, "config", "loaded_at_field"),
                          config_freshness ? config_freshness->get("loaded_at_field") : nullptr})
      if (n && n->type == Node::Type::Scalar) return n;
    return nullptr;
  }

  void dbt_sources(const Node& sources) {
    const auto& old = plan_.old_parts();
    if (old.size() < 2) return;
    for (const auto& src : sources.seq) {
      const Node* tables = src.get("tables");
      if (!tables) continue;
      bool source_level_checked = false;
      for (const auto& table : tables->seq) {
        if (!source_table_matches(src, table, plan_)) continue;
        const Node* name = table.get("name");
        const Node* identifier = table.get("identifier");
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
          const Node* source_name = src.get("name");
          if (!src.get("schema") && repl.size() == 2 && !iequals(repl[0], old[old.size() - 2]) &&
              source_name && source_name->type == Node::Type::Scalar)
            out_.review(source_name->scalar.begin,
                        "source " + source_name->scalar.text + " is named after its schema, and " +
                            plan_.dataset_label() + " moves to schema " + repl[0] +
                            ": source() calls of it are renamed; give this source the new name (or a schema: "
                            "key) by hand, keeping its other tables");
        }
        columns_of(table, nullptr, "dbt.sources.column");
        // Freshness: the table's loaded_at_field is one of its columns; a source-level one is
        // shared by the source's other tables, so it is not renamed for this one.
        if (const Node* loaded = loaded_at_field(table))
          column(loaded->scalar, nullptr, "dbt.sources.loaded_at_field");
        else if (const Node* shared = loaded_at_field(src); !source_level_checked && shared) {
          source_level_checked = true;
          if (const FieldChange* f = plan_.field(shared->scalar.text, false))
            out_.review(shared->scalar.begin, "loaded_at_field " + f->name + " of source " + src.str("name") +
                                                  " applies to all its tables; " + change_text(*f) + " in " +
                                                  plan_.dataset_label() +
                                                  ": set loaded_at_field on that table by hand");
        }
        for (const Node* fresh : {table.get("freshness"), src.get("freshness"),
                                  at(table, "config", "freshness"), at(src, "config", "freshness")})
          if (fresh)
            if (const Node* filter = fresh->get("filter"); filter && filter->type == Node::Type::Scalar)
              for (const auto& f : plan_.fields())
                if (has_word(filter->scalar.text, f.name))
                  out_.review(filter->scalar.begin, "freshness filter uses " + f.name + "; " +
                                                        change_text(f) + ": adapt it by hand");
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

bool source_table_matches(const Node& src, const Node& table, const Plan& plan) {
  const auto& old = plan.old_parts();
  if (old.size() < 2) return false;
  // The schema is `schema:`, else the source's name; a templated schema is unknown, and the name
  // is then the best evidence there is.
  std::string schema = src.str("schema");
  if (schema.find("{{") != std::string::npos) schema.clear();
  bool schema_ok =
      schema.empty() ? iequals(src.str("name"), old[old.size() - 2]) : iequals(schema, old[old.size() - 2]);
  std::string database = src.str("database");
  // `database: "{{ target.database }}"` is the default database: not a different one.
  bool jinja_database = database.find("{{") != std::string::npos;
  if (!database.empty() && !jinja_database && old.size() >= 3 && !iequals(database, old[old.size() - 3]))
    schema_ok = false;
  if (!schema_ok) return false;
  const Node* name = table.get("name");
  const Node* identifier = table.get("identifier");
  const Node* physical = identifier ? identifier : name;
  return physical && physical->type == Node::Type::Scalar && iequals(physical->scalar.text, old.back());
}

bool source_is_dataset(std::string_view source, std::string_view table, const Plan& plan,
                       const ModelIndex& models) {
  if (plan.old_parts().size() >= 2 && plan.matches_old_suffix({std::string(source), std::string(table)}))
    return true;
  return models.sources.count({std::string(source), std::string(table)}) > 0;
}

std::vector<std::pair<std::string, std::string>> dataset_sources(std::string_view text, const Plan& plan) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& doc : parse(text))
    if (const Node* sources = doc.get("sources"))
      for (const auto& src : sources->seq)
        if (const Node* tables = src.get("tables"))
          for (const auto& table : tables->seq)
            if (source_table_matches(src, table, plan)) out.emplace_back(src.str("name"), table.str("name"));
  return out;
}

void rewrite(const std::string&, std::string_view text, const Plan& plan, const ModelIndex& models,
             Sink& out) {
  Rewriter r(text, plan, models, out);
  for (const auto& doc : parse(text)) r.document(doc);
}

}  // namespace shepherd::rewrite::yaml
