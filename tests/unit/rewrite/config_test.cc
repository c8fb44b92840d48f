// YAML, JSON, Avro and JSON Schema rewrites, table-driven.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "changes.h"

namespace shepherd::rewrite {
namespace {

using testing::expect_rewrite;
using testing::spec_changes;

struct Case {
  const char* name;
  const char* path;
  const char* in;
  const char* out;
  std::vector<std::string> review;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ConfigTable : public ::testing::TestWithParam<Case> {};

TEST_P(ConfigTable, Rewrites) {
  const Case& c = GetParam();
  ModelIndex models;
  models.exports["stg_listening"] = {"user_id", "legacy_flag"};
  auto r = migrate_file(c.path, c.in, spec_changes(), models);
  expect_rewrite(r, c.out, c.review);
}

const Case kCases[] = {
    {"yaml_values_and_columns",
     "conf/job.yaml",
     "# user_id of prod.events.listening_v3\ninput:\n  table: prod.events.listening_v3  # source\n  columns: "
     "[user_id, track_id]\n"
     "  partition_by:\n    - user_id\noutput:\n  table: prod.recs.daily\n  columns: [user_id]\nbackup: "
     "gs://lake/events/listening_v3/\n",
     "# user_id of prod.events.listening_v3\ninput:\n  table: prod.events.listening_v4  # source\n  columns: "
     "[account_id, track_id]\n"
     "  partition_by:\n    - account_id\noutput:\n  table: prod.recs.daily\n  columns: [user_id]\nbackup: "
     "gs://lake/events/listening_v4/\n",
     {}},
    {"yaml_quoted_and_crlf",
     "conf/a.yml",
     "table: \"prod.events.listening_v3\"\r\nkey: 'user_id'\r\nname: listening_v3\r\n",
     "table: \"prod.events.listening_v4\"\r\nkey: 'account_id'\r\nname: listening_v3\r\n",
     {}},
    {"yaml_block_scalar_sql",
     "dags/conf.yaml",
     "query: |\n  SELECT user_id\n  FROM prod.events.listening_v3\nother: user_id\n",
     "query: |\n  SELECT account_id\n  FROM prod.events.listening_v4\nother: user_id\n",
     {}},
    {"dbt_sources",
     "models/sources.yml",
     "version: 2\nsources:\n  - name: events\n    tables:\n      - name: listening_v3\n        columns:\n    "
     "      - name: user_id\n"
     "            tests: [not_null]\n          - name: legacy_flag\n      - name: sessions\n        "
     "columns:\n          - name: user_id\n",
     "version: 2\nsources:\n  - name: events\n    tables:\n      - name: listening_v4\n        columns:\n    "
     "      - name: account_id\n"
     "            tests: [not_null]\n          - name: legacy_flag\n      - name: sessions\n        "
     "columns:\n          - name: user_id\n",
     {"documents dropped field legacy_flag"}},
    // The same written with flow maps on one line: the column entries are read and rewritten alike;
    // the other table's flow entries stay.
    {"dbt_sources_flow_maps",
     "models/sources.yml",
     "sources:\n  - name: events\n    tables:\n      - name: listening_v3\n        columns:\n"
     "          - {name: user_id, tests: [not_null, unique]}\n          - {name: 'legacy_flag'}\n"
     "      - {name: sessions, columns: [{name: user_id}]}\n",
     "sources:\n  - name: events\n    tables:\n      - name: listening_v4\n        columns:\n"
     "          - {name: account_id, tests: [not_null, unique]}\n          - {name: 'legacy_flag'}\n"
     "      - {name: sessions, columns: [{name: user_id}]}\n",
     {"documents dropped field legacy_flag"}},
    {"dbt_sources_identifier_and_schema_key",
     "models/sources.yml",
     "sources:\n  - name: raw_events\n    schema: events\n    database: \"{{ target.database }}\"\n    "
     "tables:\n"
     "      - name: plays\n        identifier: listening_v3\n        loaded_at_field: ts\n"
     "        columns:\n          - name: user_id\n  - name: events\n    schema: staging_events\n    "
     "tables:\n"
     "      - name: listening_v3\n        columns:\n          - name: user_id\n",
     "sources:\n  - name: raw_events\n    schema: events\n    database: \"{{ target.database }}\"\n    "
     "tables:\n"
     "      - name: plays\n        identifier: listening_v4\n        loaded_at_field: ts\n"
     "        columns:\n          - name: account_id\n  - name: events\n    schema: staging_events\n    "
     "tables:\n"
     "      - name: listening_v3\n        columns:\n          - name: user_id\n",
     {"documents retyped field ts"}},
    {"dbt_sources_loaded_at_field_and_freshness_filter",
     "models/sources.yml",
     "sources:\n  - name: events\n    loaded_at_field: user_id\n    tables:\n      - name: listening_v3\n"
     "        freshness:\n          filter: legacy_flag = false\n      - name: sessions\n"
     "  - name: more\n    schema: events\n    tables:\n      - name: listening_v3\n"
     "        loaded_at_field: user_id\n",
     "sources:\n  - name: events\n    loaded_at_field: user_id\n    tables:\n      - name: listening_v4\n"
     "        freshness:\n          filter: legacy_flag = false\n      - name: sessions\n"
     "  - name: more\n    schema: events\n    tables:\n      - name: listening_v4\n"
     "        loaded_at_field: account_id\n",
     {"loaded_at_field user_id of source events applies to all its tables",
      "freshness filter uses legacy_flag; legacy_flag is dropped"}},
    {"dbt_sources_loaded_at_field_under_freshness_and_config",
     "models/sources.yml",
     "sources:\n  - name: events\n    tables:\n      - name: listening_v3\n        freshness:\n"
     "          warn_after: {count: 12, period: hour}\n          loaded_at_field: user_id\n"
     "  - name: more\n    schema: events\n    tables:\n      - name: listening_v3\n        config:\n"
     "          loaded_at_field: user_id\n",
     "sources:\n  - name: events\n    tables:\n      - name: listening_v4\n        freshness:\n"
     "          warn_after: {count: 12, period: hour}\n          loaded_at_field: account_id\n"
     "  - name: more\n    schema: events\n    tables:\n      - name: listening_v4\n        config:\n"
     "          loaded_at_field: account_id\n",
     {}},
    {"dbt_test_expression_and_where_are_review",
     "models/schema.yml",
     "models:\n  - name: stg_listening\n    data_tests:\n      - dbt_utils.expression_is_true:\n"
     "          arguments:\n            expression: \"user_id > 0\"\n          config:\n"
     "            where: \"track_id is not null\"\n  - name: dim_users\n    data_tests:\n"
     "      - dbt_utils.expression_is_true:\n          expression: \"user_id > 0\"\n",
     "models:\n  - name: stg_listening\n    data_tests:\n      - dbt_utils.expression_is_true:\n"
     "          arguments:\n            expression: \"user_id > 0\"\n          config:\n"
     "            where: \"track_id is not null\"\n  - name: dim_users\n    data_tests:\n"
     "      - dbt_utils.expression_is_true:\n          expression: \"user_id > 0\"\n",
     {"test expression uses user_id; user_id is renamed to account_id"}},
    {"dbt_relationships_to_dataset_and_exposure",
     "models/schema.yml",
     "models:\n  - name: dim_users\n    columns:\n      - name: listener\n        tests:\n          - "
     "relationships:\n"
     "              to: source('events', 'listening_v3')\n              field: user_id\n"
     "          - relationships:\n              to: ref('dim_other')\n              field: user_id\n"
     "exposures:\n  - name: dash\n    depends_on:\n      - source('events', 'listening_v3')\n"
     "      - ref('dim_users')\n",
     "models:\n  - name: dim_users\n    columns:\n      - name: listener\n        tests:\n          - "
     "relationships:\n"
     "              to: source('events', 'listening_v4')\n              field: account_id\n"
     "          - relationships:\n              to: ref('dim_other')\n              field: user_id\n"
     "exposures:\n  - name: dash\n    depends_on:\n      - source('events', 'listening_v4')\n"
     "      - ref('dim_users')\n",
     {}},
    {"dbt_semantic_model_over_passthrough_model",
     "models/semantic.yml",
     "semantic_models:\n  - name: plays\n    model: ref('stg_listening')\n    entities:\n      - name: "
     "listener\n"
     "        type: foreign\n        expr: user_id\n    dimensions:\n      - name: legacy_flag\n"
     "        type: categorical\n    measures:\n      - name: flagged\n        agg: sum\n"
     "        expr: case when legacy_flag then 1 else 0 end\n"
     "  - name: other\n    model: ref('dim_users')\n    entities:\n      - name: user\n        expr: "
     "user_id\n",
     "semantic_models:\n  - name: plays\n    model: ref('stg_listening')\n    entities:\n      - name: "
     "listener\n"
     "        type: foreign\n        expr: account_id\n    dimensions:\n      - name: legacy_flag\n"
     "        type: categorical\n    measures:\n      - name: flagged\n        agg: sum\n"
     "        expr: case when legacy_flag then 1 else 0 end\n"
     "  - name: other\n    model: ref('dim_users')\n    entities:\n      - name: user\n        expr: "
     "user_id\n",
     {"dimensions legacy_flag reads column legacy_flag by its name; legacy_flag is dropped",
      "semantic model expression uses legacy_flag; legacy_flag is dropped"}},
    {"dbt_schema_models",
     "models/schema.yml",
     "version: 2\nmodels:\n  - name: stg_listening\n    tests:\n      - "
     "dbt_utils.unique_combination_of_columns:\n"
     "          combination_of_columns: [user_id, track_id]\n    columns:\n      - name: user_id\n        "
     "tests:\n          - not_null\n"
     "      - name: ts\n  - name: dim_users\n    columns:\n      - name: user_id\n",
     "version: 2\nmodels:\n  - name: stg_listening\n    tests:\n      - "
     "dbt_utils.unique_combination_of_columns:\n"
     "          combination_of_columns: [account_id, track_id]\n    columns:\n      - name: account_id\n     "
     "   tests:\n          - not_null\n"
     "      - name: ts\n  - name: dim_users\n    columns:\n      - name: user_id\n",
     {}},
    {"json_config",
     "conf/job.json",
     "{\n  \"source\": {\"table\": \"prod.events.listening_v3\", \"columns\": [\"user_id\", "
     "\"legacy_flag\"]},\n"
     "  \"sink\": {\"table\": \"prod.recs.out\", \"columns\": [\"user_id\"]},\n  \"note\": \"user_id\"\n}\n",
     "{\n  \"source\": {\"table\": \"prod.events.listening_v4\", \"columns\": [\"account_id\", "
     "\"legacy_flag\"]},\n"
     "  \"sink\": {\"table\": \"prod.recs.out\", \"columns\": [\"user_id\"]},\n  \"note\": \"user_id\"\n}\n",
     {"names dropped field legacy_flag"}},
    {"avro_schema",
     "schemas/listening_event.avsc",
     "{\"type\": \"record\", \"name\": \"ListeningEvent\", \"namespace\": \"com.example.events\",\n "
     "\"fields\": [\n"
     "  {\"name\": \"user_id\", \"type\": \"long\"},\n  {\"name\": \"user_id_hash\", \"type\": \"string\"},\n"
     "  {\"name\": \"legacy_flag\", \"type\": \"boolean\"},\n  {\"name\": \"ts\", \"type\": \"long\", "
     "\"aliases\": [\"time\"]}\n]}\n",
     "{\"type\": \"record\", \"name\": \"ListeningEvent\", \"namespace\": \"com.example.events\",\n "
     "\"fields\": [\n"
     "  {\"name\": \"account_id\", \"aliases\": [\"user_id\"], \"type\": \"long\"},\n  {\"name\": "
     "\"user_id_hash\", \"type\": \"string\"},\n"
     "  {\"name\": \"legacy_flag\", \"type\": \"boolean\"},\n  {\"name\": \"ts\", \"type\": \"long\", "
     "\"aliases\": [\"time\"]}\n]}\n",
     {"schema declares dropped field legacy_flag", "schema field ts changes type"}},
    {"avro_alias_list_extended_and_other_record_untouched",
     "schemas/x.avsc",
     "[{\"type\": \"record\", \"name\": \"ListeningEvents\", \"fields\": [{\"name\": \"user_id\", "
     "\"aliases\": [\"uid\"], \"type\": \"long\"}]},\n"
     " {\"type\": \"record\", \"name\": \"User\", \"fields\": [{\"name\": \"user_id\", \"type\": "
     "\"long\"}]}]\n",
     "[{\"type\": \"record\", \"name\": \"ListeningEvents\", \"fields\": [{\"name\": \"account_id\", "
     "\"aliases\": [\"uid\", \"user_id\"], \"type\": \"long\"}]},\n"
     " {\"type\": \"record\", \"name\": \"User\", \"fields\": [{\"name\": \"user_id\", \"type\": "
     "\"long\"}]}]\n",
     {}},
    {"json_schema",
     "schemas/listening_events.schema.json",
     "{\"title\": \"listening_events\", \"type\": \"object\",\n \"properties\": {\"user_id\": {\"type\": "
     "\"integer\"}, \"legacy_flag\": {\"type\": \"boolean\"}},\n"
     " \"required\": [\"user_id\"]}\n",
     "{\"title\": \"listening_events\", \"type\": \"object\",\n \"properties\": {\"account_id\": {\"type\": "
     "\"integer\"}, \"legacy_flag\": {\"type\": \"boolean\"}},\n"
     " \"required\": [\"account_id\"]}\n",
     {"schema declares dropped field legacy_flag"}},
    {"json_schema_of_other_thing_untouched",
     "schemas/user.schema.json",
     "{\"title\": \"user\", \"properties\": {\"user_id\": {\"type\": \"integer\"}}, \"required\": "
     "[\"user_id\"]}",
     "{\"title\": \"user\", \"properties\": {\"user_id\": {\"type\": \"integer\"}}, \"required\": "
     "[\"user_id\"]}",
     {}},
    {"invalid_json_untouched",
     "conf/bad.json",
     "{\"table\": \"prod.events.listening_v3\", // c\n}",
     "{\"table\": \"prod.events.listening_v3\", // c\n}",
     {}},
    {"empty_yaml", "a.yaml", "", "", {}},
};

INSTANTIATE_TEST_SUITE_P(Config, ConfigTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace shepherd::rewrite
