// SQL and dbt rewrites, table-driven: input, exact expected output, expected review items.
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
  const char* in;
  const char* out;
  std::vector<std::string> review;  // each a substring of one review message, in line order
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SqlTable : public ::testing::TestWithParam<Case> {};

TEST_P(SqlTable, Rewrites) {
  const Case& c = GetParam();
  auto r = migrate_file("models/m.sql", c.in, spec_changes());
  expect_rewrite(r, c.out, c.review);
}

const Case kCases[] = {
    {"single_table_unqualified",
     "SELECT user_id, country FROM prod.events.listening_v3 WHERE user_id IS NOT NULL",
     "SELECT account_id, country FROM prod.events.listening_v4 WHERE account_id IS NOT NULL",
     {}},
    {"alias_qualified_and_other_table_untouched",
     "SELECT l.user_id, u.user_id AS owner\nFROM prod.events.listening_v3 AS l\nJOIN prod.users.users u ON "
     "u.user_id = l.user_id",
     "SELECT l.account_id, u.user_id AS owner\nFROM prod.events.listening_v4 AS l\nJOIN prod.users.users u "
     "ON u.user_id = l.account_id",
     {}},
    {"unqualified_in_join_goes_to_review",
     "SELECT user_id\nFROM prod.events.listening_v3 l JOIN users u ON u.id = l.uid",
     "SELECT user_id\nFROM prod.events.listening_v4 l JOIN users u ON u.id = l.uid",
     {"cannot prove user_id belongs to prod.events.listening_v3: the query also reads users"}},
    {"longer_identifiers_comments_strings_untouched",
     "-- user_id comes from listening_v3\nSELECT user_id_hash, old_user_id, 'user_id' AS label /* user_id "
     "*/\nFROM prod.events.listening_v3",
     "-- user_id comes from listening_v3\nSELECT user_id_hash, old_user_id, 'user_id' AS label /* user_id "
     "*/\nFROM prod.events.listening_v4",
     {}},
    {"other_table_only_untouched",
     "SELECT user_id, ts, legacy_flag FROM prod.users.profiles",
     "SELECT user_id, ts, legacy_flag FROM prod.users.profiles",
     {}},
    {"backquoted_whole_and_parts",
     "SELECT user_id FROM `prod.events.listening_v3`;\nSELECT user_id FROM "
     "`prod`.`events`.`listening_v3`;\nSELECT user_id FROM \"prod\".\"events\".\"listening_v3\"",
     "SELECT account_id FROM `prod.events.listening_v4`;\nSELECT account_id FROM "
     "`prod`.`events`.`listening_v4`;\nSELECT account_id FROM \"prod\".\"events\".\"listening_v4\"",
     {}},
    {"schema_qualified_suffix_and_bare_table",
     "SELECT user_id FROM events.listening_v3;\nSELECT listening_v3.user_id FROM listening_v3",
     "SELECT account_id FROM events.listening_v4;\nSELECT listening_v4.account_id FROM listening_v4",
     {}},
    {"other_project_same_table_name_untouched",
     "SELECT user_id FROM staging.events.listening_v30 JOIN x.listening_v3_backup b ON TRUE",
     "SELECT user_id FROM staging.events.listening_v30 JOIN x.listening_v3_backup b ON TRUE",
     {}},
    {"cte_propagates_passthrough",
     "WITH plays AS (\n  SELECT user_id, track_id FROM prod.events.listening_v3\n),\nrenamed AS (\n  SELECT "
     "user_id AS uid FROM plays\n)\nSELECT p.user_id, r.uid FROM plays p JOIN renamed r ON r.uid = p.user_id",
     "WITH plays AS (\n  SELECT account_id, track_id FROM prod.events.listening_v4\n),\nrenamed AS (\n  "
     "SELECT account_id AS uid FROM plays\n)\nSELECT p.account_id, r.uid FROM plays p JOIN renamed r ON "
     "r.uid = p.account_id",
     {}},
    {"cte_from_other_table_untouched",
     "WITH users AS (SELECT user_id FROM prod.users.users)\nSELECT user_id FROM users",
     "WITH users AS (SELECT user_id FROM prod.users.users)\nSELECT user_id FROM users",
     {}},
    {"cte_alias_shadows_name",
     "WITH x AS (SELECT track_id AS user_id FROM prod.events.listening_v3)\nSELECT user_id FROM x",
     "WITH x AS (SELECT track_id AS user_id FROM prod.events.listening_v4)\nSELECT user_id FROM x",
     {}},
    {"star_cte_propagates",
     "WITH a AS (SELECT * FROM prod.events.listening_v3 WHERE country = 'SE')\nSELECT user_id, COUNT(*) AS n "
     "FROM a GROUP BY user_id",
     "WITH a AS (SELECT * FROM prod.events.listening_v4 WHERE country = 'SE')\nSELECT account_id, COUNT(*) "
     "AS n FROM a GROUP BY account_id",
     {}},
    {"top_level_star_of_retyped_field_is_review",
     "WITH a AS (SELECT * FROM prod.events.listening_v3)\nSELECT * FROM a",
     "WITH a AS (SELECT * FROM prod.events.listening_v4)\nSELECT * FROM a",
     {"SELECT * passes retyped field ts (INT64 -> TIMESTAMP) through unchanged; select it explicitly as "
      "UNIX_MILLIS(ts) AS ts"}},
    {"subquery_in_from",
     "SELECT s.user_id FROM (SELECT user_id FROM prod.events.listening_v3) s",
     "SELECT s.account_id FROM (SELECT account_id FROM prod.events.listening_v4) s",
     {}},
    {"scalar_subquery_other_table",
     "SELECT user_id FROM prod.events.listening_v3 WHERE user_id IN (SELECT user_id FROM banned)",
     "SELECT account_id FROM prod.events.listening_v4 WHERE account_id IN (SELECT user_id FROM banned)",
     {}},
    {"retype_wraps_select_items",
     "SELECT ts, l.ts AS played_at, ts + 1 AS next FROM prod.events.listening_v3 l",
     "SELECT UNIX_MILLIS(ts) AS ts, UNIX_MILLIS(l.ts) AS played_at, ts + 1 AS next FROM "
     "prod.events.listening_v4 l",
     {"reads retyped field ts (INT64 -> TIMESTAMP): not a plain SELECT item; apply UNIX_MILLIS(ts)"}},
    {"retype_in_where_is_review",
     "SELECT track_id FROM prod.events.listening_v3\nWHERE ts > 1000",
     "SELECT track_id FROM prod.events.listening_v4\nWHERE ts > 1000",
     {"reads retyped field ts"}},
    {"drop_every_use_in_review",
     "SELECT legacy_flag FROM prod.events.listening_v3\nWHERE legacy_flag",
     "SELECT legacy_flag FROM prod.events.listening_v4\nWHERE legacy_flag",
     {"reads dropped field legacy_flag", "reads dropped field legacy_flag"}},
    {"using_join_goes_to_review",
     "SELECT track_id FROM prod.events.listening_v3 JOIN users USING (user_id)",
     "SELECT track_id FROM prod.events.listening_v4 JOIN users USING (user_id)",
     {"JOIN ... USING (user_id)"}},
    {"union_and_window",
     "SELECT user_id FROM prod.events.listening_v3\nUNION ALL\nSELECT user_id FROM archive.plays\nQUALIFY "
     "ROW_NUMBER() OVER (PARTITION BY user_id) = 1",
     "SELECT account_id FROM prod.events.listening_v4\nUNION ALL\nSELECT user_id FROM archive.plays\nQUALIFY "
     "ROW_NUMBER() OVER (PARTITION BY user_id) = 1",
     {}},
    {"create_table_as_keeps_output_names",
     "CREATE OR REPLACE TABLE out.daily AS\nSELECT user_id, DATE(TIMESTAMP_MILLIS(0)) AS d FROM "
     "prod.events.listening_v3;",
     "CREATE OR REPLACE TABLE out.daily AS\nSELECT account_id AS user_id, DATE(TIMESTAMP_MILLIS(0)) AS d "
     "FROM "
     "prod.events.listening_v4;",
     {}},
    {"create_view_as_keeps_output_names_qualified_too",
     "CREATE VIEW v AS SELECT l.user_id, track_id FROM prod.events.listening_v3 l",
     "CREATE VIEW v AS SELECT l.account_id AS user_id, track_id FROM prod.events.listening_v4 l",
     {}},
    {"create_view_with_column_list_renames_plainly",
     "CREATE VIEW v (uid) AS SELECT user_id FROM prod.events.listening_v3",
     "CREATE VIEW v (uid) AS SELECT account_id FROM prod.events.listening_v4",
     {}},
    {"create_view_star_of_renamed_field_is_review",
     "CREATE VIEW v AS SELECT * FROM prod.events.listening_v3",
     "CREATE VIEW v AS SELECT * FROM prod.events.listening_v4",
     {"SELECT * makes the new relation's columns by name, and legacy_flag is dropped",
      "SELECT * passes retyped field ts", "user_id is renamed to account_id"}},
    {"insert_column_list_into_dataset",
     "INSERT INTO prod.events.listening_v3 (user_id, track_id, legacy_flag) VALUES (1, 2, TRUE)",
     "INSERT INTO prod.events.listening_v4 (account_id, track_id, legacy_flag) VALUES (1, 2, TRUE)",
     {"writes dropped field legacy_flag"}},
    {"insert_positional_values_into_dataset_is_review",
     "INSERT INTO prod.events.listening_v3 VALUES (1, 2, 1000, TRUE);",
     "INSERT INTO prod.events.listening_v4 VALUES (1, 2, 1000, TRUE);",
     {"without a column list fills columns by position; ts changes type, legacy_flag is dropped"}},
    {"insert_into_other_table_column_list_untouched",
     "INSERT INTO out.copy (user_id, legacy_flag)\nSELECT user_id, track_id FROM prod.events.listening_v3",
     "INSERT INTO out.copy (user_id, legacy_flag)\nSELECT account_id, track_id FROM prod.events.listening_v4",
     {}},
    {"insert_bare_table_name_and_upsert",
     "INSERT INTO listening_v3 (user_id, track_id) VALUES ($1, $2)\nON CONFLICT (user_id) DO UPDATE SET "
     "track_id = EXCLUDED.track_id, user_id = EXCLUDED.user_id",
     "INSERT INTO listening_v4 (account_id, track_id) VALUES ($1, $2)\nON CONFLICT (account_id) DO UPDATE "
     "SET "
     "track_id = EXCLUDED.track_id, account_id = EXCLUDED.account_id",
     {}},
    {"update_set_and_where",
     "UPDATE prod.events.listening_v3 SET user_id = user_id + 1, legacy_flag = FALSE WHERE user_id = 7",
     "UPDATE prod.events.listening_v4 SET account_id = account_id + 1, legacy_flag = FALSE WHERE account_id "
     "= 7",
     {"writes dropped field legacy_flag"}},
    {"update_from_other_table",
     "UPDATE listening_v3 l SET user_id = u.user_id FROM users u WHERE u.old_id = l.user_id",
     "UPDATE listening_v4 l SET account_id = u.user_id FROM users u WHERE u.old_id = l.account_id",
     {}},
    {"update_other_table_from_dataset",
     "UPDATE users SET user_id = 0 WHERE user_id IN (SELECT user_id FROM prod.events.listening_v3)",
     "UPDATE users SET user_id = 0 WHERE user_id IN (SELECT account_id FROM prod.events.listening_v4)",
     {}},
    {"delete_where",
     "DELETE FROM listening_v3 WHERE user_id = 1 AND legacy_flag;\nDELETE FROM users WHERE user_id = 1",
     "DELETE FROM listening_v4 WHERE account_id = 1 AND legacy_flag;\nDELETE FROM users WHERE user_id = 1",
     {"reads dropped field legacy_flag"}},
    {"merge_into_dataset",
     "MERGE INTO prod.events.listening_v3 t\nUSING staging.plays s ON t.user_id = s.user_id\n"
     "WHEN MATCHED THEN UPDATE SET user_id = s.user_id, track_id = CASE WHEN s.x THEN 1 END\n"
     "WHEN NOT MATCHED THEN INSERT (user_id, track_id) VALUES (s.user_id, s.track_id)",
     "MERGE INTO prod.events.listening_v4 t\nUSING staging.plays s ON t.account_id = s.user_id\n"
     "WHEN MATCHED THEN UPDATE SET account_id = s.user_id, track_id = CASE WHEN s.x THEN 1 END\n"
     "WHEN NOT MATCHED THEN INSERT (account_id, track_id) VALUES (s.user_id, s.track_id)",
     {}},
    {"merge_from_dataset_into_other",
     "MERGE INTO out.plays t USING prod.events.listening_v3 s ON t.user_id = s.user_id\n"
     "WHEN NOT MATCHED THEN INSERT (user_id) VALUES (s.user_id)\n"
     "WHEN NOT MATCHED BY SOURCE THEN DELETE",
     "MERGE INTO out.plays t USING prod.events.listening_v4 s ON t.user_id = s.account_id\n"
     "WHEN NOT MATCHED THEN INSERT (user_id) VALUES (s.account_id)\n"
     "WHEN NOT MATCHED BY SOURCE THEN DELETE",
     {}},
    {"merge_positional_insert_row_is_review",
     "MERGE listening_v3 t USING src s ON t.track_id = s.track_id WHEN NOT MATCHED THEN INSERT ROW",
     "MERGE listening_v4 t USING src s ON t.track_id = s.track_id WHEN NOT MATCHED THEN INSERT ROW",
     {"without a column list fills columns by position"}},
    {"insert_select_star_of_dropped_field_into_other_table_is_review",
     "INSERT INTO archive.plays SELECT * FROM prod.events.listening_v3;\n"
     "INSERT INTO archive.plays (a, b) SELECT * FROM prod.events.listening_v3",
     "INSERT INTO archive.plays SELECT * FROM prod.events.listening_v4;\n"
     "INSERT INTO archive.plays (a, b) SELECT * FROM prod.events.listening_v4",
     {"INSERT into archive.plays without a column list takes the query's columns by position, and it passes "
      "dropped field legacy_flag",
      "SELECT * passes retyped field ts", "SELECT * passes retyped field ts"}},
    {"with_cte_then_insert_and_delete",
     "WITH src AS (SELECT user_id FROM prod.events.listening_v3)\nINSERT INTO out.t (uid) SELECT user_id "
     "FROM src;\n"
     "WITH old AS (SELECT 1 AS k)\nDELETE FROM listening_v3 WHERE user_id IN (SELECT k FROM old)",
     "WITH src AS (SELECT account_id FROM prod.events.listening_v4)\nINSERT INTO out.t (uid) SELECT "
     "account_id FROM "
     "src;\nWITH old AS (SELECT 1 AS k)\nDELETE FROM listening_v4 WHERE account_id IN (SELECT k FROM old)",
     {}},
    {"copy_into_dataset_columns",
     "COPY listening_v3 (user_id, track_id) FROM STDIN;\nCOPY users (user_id) FROM STDIN",
     "COPY listening_v4 (account_id, track_id) FROM STDIN;\nCOPY users (user_id) FROM STDIN",
     {}},
    // A dbt model's renamed output is aliased back, so config() keys naming it stay; a dropped
    // output named there goes to review.
    {"dbt_config_keys_of_aliased_back_outputs_stay",
     "{{ config(materialized='incremental', unique_key='user_id', cluster_by=['legacy_flag', 'track_id'],\n"
     "   partition_by={'field': 'ts'}) }}\nselect user_id, legacy_flag, track_id, UNIX_MILLIS(ts) AS ts\n"
     "from {{ source('events', 'listening_v3') }}",
     "{{ config(materialized='incremental', unique_key='user_id', cluster_by=['legacy_flag', "
     "'track_id'],\n"
     "   partition_by={'field': 'ts'}) }}\nselect account_id AS user_id, legacy_flag, track_id, "
     "UNIX_MILLIS(ts) AS ts\n"
     "from {{ source('events', 'listening_v4') }}",
     {"config() names legacy_flag, an output column of this model; legacy_flag is dropped",
      "reads dropped field legacy_flag", "reads retyped field ts"}},
    {"dbt_config_tags_and_other_keys_untouched",
     "{{ config(tags=['user_id'], alias='user_id', unique_key = \"user_id\") }}\n"
     "select user_id from {{ source('events', 'listening_v3') }}",
     "{{ config(tags=['user_id'], alias='user_id', unique_key = \"user_id\") }}\n"
     "select account_id AS user_id from {{ source('events', 'listening_v4') }}",
     {}},
    {"dbt_config_key_of_aliased_output_untouched",
     "{{ config(unique_key='user_id') }}\nselect track_id AS user_id from {{ source('events', "
     "'listening_v3') }}",
     "{{ config(unique_key='user_id') }}\nselect track_id AS user_id from {{ source('events', "
     "'listening_v4') }}",
     {}},
    {"tsql_temporary_table_named_like_the_dataset_is_not_it",
     "SELECT user_id INTO #listening_v3 FROM users;\nSELECT user_id FROM #listening_v3",
     "SELECT user_id INTO #listening_v3 FROM users;\nSELECT user_id FROM #listening_v3",
     {}},
    {"create_table_column_definitions",
     "CREATE TABLE IF NOT EXISTS prod.events.listening_v3 (\n  user_id BIGINT NOT NULL,\n  ts BIGINT,\n"
     "  legacy_flag BOOLEAN,\n  owner_id BIGINT REFERENCES users (user_id),\n"
     "  PRIMARY KEY (user_id, ts)\n) PARTITION BY DATE(ts) CLUSTER BY user_id;",
     "CREATE TABLE IF NOT EXISTS prod.events.listening_v4 (\n  account_id BIGINT NOT NULL,\n  ts BIGINT,\n"
     "  legacy_flag BOOLEAN,\n  owner_id BIGINT REFERENCES users (user_id),\n"
     "  PRIMARY KEY (account_id, ts)\n) PARTITION BY DATE(ts) CLUSTER BY account_id;",
     {"defines retyped field ts (INT64 -> TIMESTAMP)", "defines dropped field legacy_flag",
      "names retyped field ts", "names retyped field ts"}},
    {"create_other_table_untouched_except_references",
     "CREATE TABLE plays (user_id BIGINT, ts BIGINT,\n  FOREIGN KEY (user_id) REFERENCES listening_v3 "
     "(user_id))",
     "CREATE TABLE plays (user_id BIGINT, ts BIGINT,\n  FOREIGN KEY (user_id) REFERENCES listening_v4 "
     "(account_id))",
     {}},
    // The dataset's own external table names its storage after the table: the moved table's data
    // location is not in the task, so it goes to review; another table's LOCATION is left alone.
    {"create_external_table_location_of_the_dataset_is_review",
     "CREATE EXTERNAL TABLE IF NOT EXISTS `events`.`listening_v3` (\n  `user_id` string\n)\n"
     "LOCATION 's3://lake/listening_v3/';\n"
     "CREATE EXTERNAL TABLE plays (user_id string) LOCATION 's3://lake/listening_v3_copy/'",
     "CREATE EXTERNAL TABLE IF NOT EXISTS `events`.`listening_v4` (\n  `account_id` string\n)\n"
     "LOCATION 's3://lake/listening_v3/';\n"
     "CREATE EXTERNAL TABLE plays (user_id string) LOCATION 's3://lake/listening_v3_copy/'",
     {"LOCATION 's3://lake/listening_v3/' is where prod.events.listening_v3 keeps its data"}},
    {"create_index_on_dataset",
     "CREATE UNIQUE INDEX idx ON listening_v3 USING btree (user_id, lower(track_id));\n"
     "CREATE INDEX other_idx ON users (user_id)",
     "CREATE UNIQUE INDEX idx ON listening_v4 USING btree (account_id, lower(track_id));\n"
     "CREATE INDEX other_idx ON users (user_id)",
     {}},
    {"alter_table_of_dataset_is_review",
     "ALTER TABLE prod.events.listening_v3 ADD COLUMN legacy_flag BOOLEAN;\n"
     "ALTER TABLE listening_v3 RENAME COLUMN user_id TO uid;\nALTER TABLE users DROP COLUMN user_id",
     "ALTER TABLE prod.events.listening_v3 ADD COLUMN legacy_flag BOOLEAN;\n"
     "ALTER TABLE listening_v3 RENAME COLUMN user_id TO uid;\nALTER TABLE users DROP COLUMN user_id",
     {"ALTER TABLE names prod.events.listening_v3, which moves to prod.events.listening_v4",
      "ALTER TABLE prod.events.listening_v3 names legacy_flag; legacy_flag is dropped",
      "ALTER TABLE names prod.events.listening_v3, which moves to prod.events.listening_v4",
      "ALTER TABLE prod.events.listening_v3 names user_id; user_id is renamed to account_id"}},
    {"jinja_macro_naming_dataset_is_review",
     "select user_id from {{ my_relation('events', 'listening_v3') }}",
     "select user_id from {{ my_relation('events', 'listening_v3') }}",
     {"cannot tell whether {{ my_relation('events', 'listening_v3') }} is prod.events.listening_v3",
      "Jinja expression {{ my_relation('events', 'listening_v3') }} names prod.events.listening_v3"}},
    // A variable set to a source() of the dataset is followed: {{ rel }} is the dataset (and the
    // model's output keeps its name). Any other statement holding the source() is review.
    {"jinja_set_source_variable_is_followed",
     "{%- set rel = source('events', 'listening_v3') -%}\nselect user_id from {{ rel }}",
     "{%- set rel = source('events', 'listening_v4') -%}\nselect account_id AS user_id from {{ rel }}",
     {}},
    {"jinja_statement_source_is_review_and_moves",
     "{% set rels = [source('events', 'listening_v3')] %}\nselect user_id from {{ rels[0] }}",
     "{% set rels = [source('events', 'listening_v4')] %}\nselect user_id from {{ rels[0] }}",
     {"Jinja statement holds a source() of prod.events.listening_v3"}},
    {"string_naming_table_is_review",
     "SELECT column_name FROM information_schema.columns WHERE table_name = 'listening_v3';\n"
     "EXECUTE IMMEDIATE 'SELECT user_id FROM prod.events.listening_v3'",
     "SELECT column_name FROM information_schema.columns WHERE table_name = 'listening_v3';\n"
     "EXECUTE IMMEDIATE 'SELECT user_id FROM prod.events.listening_v3'",
     {"string 'listening_v3' names", "string 'SELECT user_id FROM prod.events.listening_v3' names"}},
    {"string_merely_containing_name_untouched",
     "SELECT 'listening_v3_backup' AS t, 'a listening_v3 b' AS u FROM other",
     "SELECT 'listening_v3_backup' AS t, 'a listening_v3 b' AS u FROM other",
     {}},
    {"dbt_source_and_config",
     "{{ config(materialized='table', tags=['user_id']) }}\n-- {{ source('events', 'listening_v3') "
     "}}\nselect user_id from {{ source('events', 'listening_v3') }}\n{% if is_incremental() %} where ts > 0 "
     "{% endif %}",
     "{{ config(materialized='table', tags=['user_id']) }}\n-- {{ source('events', 'listening_v3') "
     "}}\nselect account_id AS user_id from {{ source('events', 'listening_v4') }}\n{% if is_incremental() "
     "%} where ts > 0 {% endif %}",
     {"reads retyped field ts"}},
    {"dbt_ref_of_unknown_model_untouched",
     "select user_id from {{ ref('stg_users') }}",
     "select user_id from {{ ref('stg_users') }}",
     {}},
    {"dbt_other_source_untouched",
     "select user_id from {{ source('users', 'profiles') }}",
     "select user_id from {{ source('users', 'profiles') }}",
     {}},
    {"case_insensitive_column",
     "SELECT USER_ID FROM PROD.EVENTS.LISTENING_V3",
     "SELECT account_id FROM PROD.EVENTS.listening_v4",
     {}},
    {"unnest_alias_untouched",
     "SELECT rec.user_id FROM prod.events.listening_v3, UNNEST(recs) rec",
     "SELECT rec.user_id FROM prod.events.listening_v4, UNNEST(recs) rec",
     {}},
    {"empty", "", "", {}},
    {"crlf_and_unicode_preserved",
     "-- d\xc3\xa9j\xc3\xa0 vu \xe2\x9c\x93\r\nSELECT user_id,\r\n       '\xf0\x9f\x8e\xb5' AS note\r\nFROM "
     "prod.events.listening_v3\r\n",
     "-- d\xc3\xa9j\xc3\xa0 vu \xe2\x9c\x93\r\nSELECT account_id,\r\n       '\xf0\x9f\x8e\xb5' AS "
     "note\r\nFROM prod.events.listening_v4\r\n",
     {}},
};

INSTANTIATE_TEST_SUITE_P(Sql, SqlTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(Sql, EditsCarryLineColumnAndRule) {
  auto r = migrate_file("q.sql", "SELECT\n  user_id\nFROM prod.events.listening_v3", testing::spec_changes());
  ASSERT_EQ(r.edits.size(), 2u);
  EXPECT_EQ(r.edits[0].line, 2);
  EXPECT_EQ(r.edits[0].column, 3);
  EXPECT_EQ(r.edits[0].before, "user_id");
  EXPECT_EQ(r.edits[0].after, "account_id");
  EXPECT_EQ(r.edits[0].rule, "sql.rename");
  EXPECT_EQ(r.edits[1].line, 3);
  EXPECT_EQ(r.edits[1].before, "listening_v3");
  EXPECT_EQ(r.edits[1].rule, "sql.location");
}

// In a dbt model every block that reads the dataset aliases a renamed column back (a CTE's select
// list too), so later blocks read the old name; a qualified read aliases back as well, and a
// plain SQL file without dbt Jinja renames as before.
TEST(Sql, DbtModelAliasesBackInEveryBlock) {
  auto r = migrate_file("models/stg.sql",
                        "with raw_table as (select * from {{ source('events', 'listening_v3') }}),\n"
                        "t as (select r.user_id, track_id from raw_table r)\n"
                        "select user_id, track_id from t",
                        testing::spec_changes());
  EXPECT_EQ(r.content,
            "with raw_table as (select * from {{ source('events', 'listening_v4') }}),\n"
            "t as (select r.account_id AS user_id, track_id from raw_table r)\n"
            "select user_id, track_id from t");
  EXPECT_TRUE(r.review.empty()) << testing::review_lines(r);
  auto plain =
      migrate_file("q.sql", "with t as (select user_id from prod.events.listening_v3)\nselect user_id from t",
                   testing::spec_changes());
  EXPECT_EQ(plain.content,
            "with t as (select account_id from prod.events.listening_v4)\nselect account_id from t");
}

// The top `select *` of a model passes a dropped field that a CTE already reviewed by name: one
// review item, where it is named.
TEST(Sql, DbtModelDroppedFieldReviewedOnceWhereNamed) {
  auto r = migrate_file("models/stg.sql",
                        "with s as (select * from {{ source('events', 'listening_v3') }}),\n"
                        "t as (select legacy_flag from s)\nselect * from t",
                        testing::spec_changes());
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(r.review[0].line, 2);
  EXPECT_EQ(r.review[0].message, "reads dropped field legacy_flag");
  auto direct = migrate_file("models/stg.sql", "select * from {{ source('events', 'listening_v3') }}",
                             testing::spec_changes());
  EXPECT_NE(testing::review_lines(direct).find("SELECT * makes the new relation's columns by name, and "
                                               "legacy_flag is dropped"),
            std::string::npos)
      << testing::review_lines(direct);
}

TEST(Sql, ModelIndexPropagatesThroughRef) {
  ModelIndex models;
  models.exports["stg_listening"] = {"user_id", "legacy_flag"};
  auto r = migrate_file("models/marts/daily.sql",
                        "select user_id, legacy_flag, track_id from {{ ref('stg_listening') }}\n",
                        testing::spec_changes(), models);
  EXPECT_EQ(r.content,
            "select account_id AS user_id, legacy_flag, track_id from {{ ref('stg_listening') }}\n");
  ASSERT_EQ(r.review.size(), 1u);
  EXPECT_EQ(r.review[0].message, "reads dropped field legacy_flag");
}

// sources.yml declares source('raw_events', 'plays') to be the dataset (schema: events,
// identifier: listening_v3): the call is the dataset although it does not spell the location.
TEST(Sql, SourceDeclaredUnderAnotherNameIsTheDataset) {
  ModelIndex models;
  models.sources.insert({"raw_events", "plays"});
  models.sources.insert({"raw_events", "listening_v3"});
  auto r = migrate_file("models/stg.sql",
                        "select user_id from {{ source('raw_events', 'plays') }};\n"
                        "select user_id from {{ source('raw_events', 'listening_v3') }};\n"
                        "select user_id from {{ source('raw_other', 'plays') }}",
                        testing::spec_changes(), models);
  EXPECT_EQ(r.content,
            "select account_id AS user_id from {{ source('raw_events', 'plays') }};\n"
            "select account_id AS user_id from {{ source('raw_events', 'listening_v4') }};\n"
            "select user_id from {{ source('raw_other', 'plays') }}");
  EXPECT_TRUE(r.review.empty()) << testing::review_lines(r);
}

// Without the sources.yml entry, a source() naming the table under an unknown source name is not
// silently passed over.
TEST(Sql, UnknownSourceNamingTheTableIsReview) {
  auto r = migrate_file("models/stg.sql", "select user_id from {{ source('raw_events', 'listening_v3') }}",
                        testing::spec_changes());
  EXPECT_EQ(r.content, "select user_id from {{ source('raw_events', 'listening_v3') }}");
  ASSERT_EQ(r.review.size(), 2u) << testing::review_lines(r);
  EXPECT_NE(r.review[1].message.find("is not a source() the engine can resolve"), std::string::npos);
}

// Flyway and Liquibase migrations are checksummed and have run: what would change goes to review.
TEST(Sql, VersionedMigrationIsNotEdited) {
  const std::string ddl = "CREATE TABLE listening_v3 (user_id BIGINT, track_id BIGINT);\n";
  for (const char* path :
       {"db/migration/V1__init.sql", "db/migration/V2_1__more.sql", "db/migration/R__views.sql"}) {
    auto r = migrate_file(path, ddl, testing::spec_changes());
    EXPECT_EQ(r.content, ddl) << path;
    ASSERT_EQ(r.review.size(), 2u) << path << testing::review_lines(r);
    EXPECT_EQ(r.review[0].message,
              "versioned migration: listening_v3 would become listening_v4; migrations that ran are not "
              "edited, add a "
              "new one");
    EXPECT_EQ(r.review[1].message.find("versioned migration: user_id would become account_id"), 0u);
  }
  auto liquibase =
      migrate_file("db/changelog.sql", "--liquibase formatted sql\n" + ddl, testing::spec_changes());
  EXPECT_EQ(liquibase.review.size(), 2u);
  auto schema = migrate_file("src/test/resources/schema.sql", ddl, testing::spec_changes());
  EXPECT_EQ(schema.content, "CREATE TABLE listening_v4 (account_id BIGINT, track_id BIGINT);\n");
  auto not_flyway = migrate_file("sql/Value__x.sql", ddl, testing::spec_changes());
  EXPECT_EQ(not_flyway.content, schema.content);
}

// ref('listening_v3') of a seed named like the dataset's table is the dataset; the ref itself cannot
// follow a move (it names a file), so the move goes to review. A model of the tree with that name is
// not the dataset.
TEST(Sql, RefOfSeedNamedLikeTheTableIsTheDataset) {
  ModelIndex models;
  models.models = {"stg_orders", "daily"};
  auto r = migrate_file("models/stg.sql", "select user_id as uid from {{ ref('listening_v3') }}",
                        testing::spec_changes(), models);
  EXPECT_EQ(r.content, "select account_id as uid from {{ ref('listening_v3') }}");
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(
      r.review[0].message,
      "ref('listening_v3') reads prod.events.listening_v3, which moves to prod.events.listening_v4: rename "
      "the seed or model and this ref by hand");

  models.models.insert("listening_v3");
  auto own = migrate_file("models/stg.sql", "select user_id as uid from {{ ref('listening_v3') }}",
                          testing::spec_changes(), models);
  EXPECT_EQ(own.content, "select user_id as uid from {{ ref('listening_v3') }}");
  ASSERT_EQ(own.review.size(), 2u) << testing::review_lines(own);
  EXPECT_NE(own.review[0].message.find("cannot tell whether ref('listening_v3') is prod.events.listening_v3"),
            std::string::npos);
}

TEST(Sql, LocationWithoutMoveStillScopesColumns) {
  auto cs = testing::spec_changes();
  cs.dataset.to.location = cs.dataset.from.location;
  auto r = migrate_file("q.sql", "SELECT user_id FROM prod.events.listening_v3", cs);
  EXPECT_EQ(r.content, "SELECT account_id FROM prod.events.listening_v3");
}

// The location moves to another schema: a name that leaves the schema out cannot just be renamed.
TEST(Sql, MoveToAnotherSchemaOfPartialNameIsReview) {
  auto cs = testing::spec_changes();
  cs.dataset.to.location = "prod.archive.listening_v4";
  auto r = migrate_file("q.sql",
                        "SELECT user_id FROM listening_v3;\nSELECT user_id FROM prod.events.listening_v3;\n"
                        "SELECT user_id FROM events.listening_v3",
                        cs);
  EXPECT_EQ(r.content,
            "SELECT account_id FROM listening_v3;\nSELECT account_id FROM prod.archive.listening_v4;\n"
            "SELECT account_id FROM archive.listening_v4");
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(r.review[0].line, 1);
  EXPECT_NE(
      r.review[0].message.find("table name listening_v3 leaves out part of prod.events.listening_v3, and "
                               "that part changes: it moves to prod.archive.listening_v4"),
      std::string::npos);
}

// Only the project changes: a name that spells the schema but not the project relies on the default.
TEST(Sql, MoveToAnotherProjectOfSchemaQualifiedNameIsReview) {
  auto cs = testing::spec_changes();
  cs.dataset.to.location = "archive.events.listening_v3";
  auto r = migrate_file(
      "q.sql", "SELECT track_id FROM events.listening_v3 JOIN prod.events.listening_v3 USING (x)", cs);
  EXPECT_EQ(r.content, "SELECT track_id FROM events.listening_v3 JOIN archive.events.listening_v3 USING (x)");
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_NE(r.review[0].message.find("events.listening_v3 leaves out"), std::string::npos);
}

TEST(Sql, NoLocationUsesDatasetName) {
  auto cs = testing::spec_changes();
  cs.dataset.from.location.clear();
  cs.dataset.to.location.clear();
  auto r = migrate_file("q.sql", "SELECT user_id FROM listening_events; SELECT user_id FROM other", cs);
  EXPECT_EQ(r.content, "SELECT account_id FROM listening_events; SELECT user_id FROM other");
}

}  // namespace
}  // namespace shepherd::rewrite
