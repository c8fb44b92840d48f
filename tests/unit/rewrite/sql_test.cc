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
    {"insert_select_and_ddl",
     "CREATE OR REPLACE TABLE out.daily AS\nSELECT user_id, DATE(TIMESTAMP_MILLIS(0)) AS d FROM "
     "prod.events.listening_v3;",
     "CREATE OR REPLACE TABLE out.daily AS\nSELECT account_id, DATE(TIMESTAMP_MILLIS(0)) AS d FROM "
     "prod.events.listening_v4;",
     {}},
    {"dbt_source_and_config",
     "{{ config(materialized='table', tags=['user_id']) }}\n-- {{ source('events', 'listening_v3') "
     "}}\nselect user_id from {{ source('events', 'listening_v3') }}\n{% if is_incremental() %} where ts > 0 "
     "{% endif %}",
     "{{ config(materialized='table', tags=['user_id']) }}\n-- {{ source('events', 'listening_v3') "
     "}}\nselect account_id from {{ source('events', 'listening_v4') }}\n{% if is_incremental() %} where ts "
     "> 0 {% endif %}",
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

TEST(Sql, ModelIndexPropagatesThroughRef) {
  ModelIndex models;
  models.exports["stg_listening"] = {"user_id", "legacy_flag"};
  auto r = migrate_file("models/marts/daily.sql",
                        "select user_id, legacy_flag, track_id from {{ ref('stg_listening') }}\n",
                        testing::spec_changes(), models);
  EXPECT_EQ(r.content, "select account_id, legacy_flag, track_id from {{ ref('stg_listening') }}\n");
  ASSERT_EQ(r.review.size(), 1u);
  EXPECT_EQ(r.review[0].message, "reads dropped field legacy_flag");
}

TEST(Sql, LocationWithoutMoveStillScopesColumns) {
  auto cs = testing::spec_changes();
  cs.dataset.to.location = cs.dataset.from.location;
  auto r = migrate_file("q.sql", "SELECT user_id FROM prod.events.listening_v3", cs);
  EXPECT_EQ(r.content, "SELECT account_id FROM prod.events.listening_v3");
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
