// Python/PySpark/pandas rewrites, table-driven: input, exact expected output, expected review.
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
  std::vector<std::string> review;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class PythonTable : public ::testing::TestWithParam<Case> {};

TEST_P(PythonTable, Rewrites) {
  const Case& c = GetParam();
  auto r = migrate_file("jobs/job.py", c.in, spec_changes());
  expect_rewrite(r, c.out, c.review);
}

const Case kCases[] = {
    {"pyspark_frame_from_table",
     "df = spark.table(\"prod.events.listening_v3\")\n"
     "out = df.select(\"user_id\", F.col(\"track_id\")).groupBy(\"user_id\").count()\n"
     "x = df[\"user_id\"]\ny = df.user_id\n",
     "df = spark.table(\"prod.events.listening_v4\")\n"
     "out = df.select(\"account_id\", F.col(\"track_id\")).groupBy(\"account_id\").count()\n"
     "x = df[\"account_id\"]\ny = df.account_id\n",
     {}},
    {"chained_read_and_rename",
     "plays = (spark.read.table('prod.events.listening_v3')\n"
     "         .withColumnRenamed('user_id', 'uid')\n"
     "         .filter(F.col('user_id').isNotNull()))\n",
     "plays = (spark.read.table('prod.events.listening_v4')\n"
     "         .withColumnRenamed('account_id', 'uid')\n"
     "         .filter(F.col('account_id').isNotNull()))\n",
     {}},
    {"other_frame_untouched_and_mixed_file_reviews_free_col",
     "events = spark.table(\"prod.events.listening_v3\")\n"
     "users = spark.table(\"prod.users.users\")\n"
     "a = users.select(\"user_id\")\n"
     "b = events.select(\"user_id\")\n"
     "c = F.col(\"user_id\")\n",
     "events = spark.table(\"prod.events.listening_v4\")\n"
     "users = spark.table(\"prod.users.users\")\n"
     "a = users.select(\"user_id\")\n"
     "b = events.select(\"account_id\")\n"
     "c = F.col(\"user_id\")\n",
     {"cannot prove column \"user_id\" belongs to prod.events.listening_v3: this file also reads other "
      "tables"}},
    {"join_is_mixed",
     "events = spark.table(\"prod.events.listening_v3\")\n"
     "users = spark.table(\"prod.users.users\")\n"
     "j = events.join(users, \"track_id\")\n"
     "j.select(\"user_id\")\n",
     "events = spark.table(\"prod.events.listening_v4\")\n"
     "users = spark.table(\"prod.users.users\")\n"
     "j = events.join(users, \"track_id\")\n"
     "j.select(\"user_id\")\n",
     {"the frame joins it with another table"}},
    {"sql_string_with_triple_quotes",
     "q = \"\"\"\n    SELECT user_id, ts\n    FROM `prod.events.listening_v3`\n    WHERE "
     "legacy_flag\n\"\"\"\ndf = spark.sql(q)\n",
     "q = \"\"\"\n    SELECT account_id, UNIX_MILLIS(ts) AS ts\n    FROM `prod.events.listening_v4`\n    "
     "WHERE legacy_flag\n\"\"\"\ndf = spark.sql(q)\n",
     {"reads dropped field legacy_flag"}},
    {"fstring_with_interpolation_elsewhere",
     "day = '2024-01-01'\nq = f\"SELECT user_id FROM prod.events.listening_v3 WHERE dt = '{day}'\"\n",
     "day = '2024-01-01'\nq = f\"SELECT account_id FROM prod.events.listening_v4 WHERE dt = '{day}'\"\n",
     {}},
    {"fstring_interpolated_table_is_review",
     "T = 'prod.events.listening_v3'\nq = f\"SELECT user_id FROM {T}\"\n",
     "T = 'prod.events.listening_v4'\nq = f\"SELECT user_id FROM {T}\"\n",
     {"cannot tell whether {T} is prod.events.listening_v3"}},
    {"concatenated_sql",
     "q = (\"SELECT user_id \"\n     \"FROM prod.events.listening_v3\")\n",
     "q = (\"SELECT account_id \"\n     \"FROM prod.events.listening_v4\")\n",
     {}},
    {"comments_and_unrelated_strings_untouched",
     "# user_id is read from prod.events.listening_v3\n"
     "df = spark.table('prod.events.listening_v3')\n"
     "log.info('user_id missing')\nuser_id_hash = 1\nold_user_id = df.user_id_hash\n",
     "# user_id is read from prod.events.listening_v3\n"
     "df = spark.table('prod.events.listening_v4')\n"
     "log.info('user_id missing')\nuser_id_hash = 1\nold_user_id = df.user_id_hash\n",
     {}},
    {"file_not_about_dataset_untouched",
     "df = spark.table('prod.users.users')\ndf.select('user_id', col('user_id'))\nrow.user_id\n",
     "df = spark.table('prod.users.users')\ndf.select('user_id', col('user_id'))\nrow.user_id\n",
     {}},
    {"pandas_and_paths",
     "df = pd.read_parquet('gs://lake/events/listening_v3/')\n"
     "df[['user_id', 'ts']].sort_values(by='user_id')\n"
     "df.rename(columns={'user_id': 'uid'})\n",
     "df = pd.read_parquet('gs://lake/events/listening_v4/')\n"
     "df[['account_id', 'ts']].sort_values(by='account_id')\n"
     "df.rename(columns={'account_id': 'uid'})\n",
     {"reads retyped field ts"}},
    {"attribute_on_unknown_receiver_is_review",
     "df = spark.table('prod.events.listening_v3')\nfor row in rows:\n    print(row.user_id)\n",
     "df = spark.table('prod.events.listening_v4')\nfor row in rows:\n    print(row.user_id)\n",
     {"attribute row.user_id may read prod.events.listening_v3"}},
    {"dropped_column_in_review",
     "df = spark.table('prod.events.listening_v3')\ndf.drop('legacy_flag')\n",
     "df = spark.table('prod.events.listening_v4')\ndf.drop('legacy_flag')\n",
     {"reads dropped field legacy_flag"}},
    {"crlf",
     "df = spark.table('prod.events.listening_v3')\r\ndf.select('user_id')\r\n",
     "df = spark.table('prod.events.listening_v4')\r\ndf.select('account_id')\r\n",
     {}},
    {"empty", "", "", {}},
};

INSTANTIATE_TEST_SUITE_P(Python, PythonTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace shepherd::rewrite
