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
    // A write is not a read of another table: the frame written still has the dataset's columns,
    // and an unknown receiver in the file is still rewritten.
    {"write_is_not_a_read",
     "df = spark.table('prod.events.listening_v3')\n"
     "daily = df.groupBy('user_id').count()\n"
     "daily.write.mode('overwrite').saveAsTable('analytics.daily_plays')\n"
     "daily.write.parquet('s3://out/daily')\n"
     "c = F.col('user_id')\n",
     "df = spark.table('prod.events.listening_v4')\n"
     "daily = df.groupBy('account_id').count()\n"
     "daily.write.mode('overwrite').saveAsTable('analytics.daily_plays')\n"
     "daily.write.parquet('s3://out/daily')\n"
     "c = F.col('account_id')\n",
     {}},
    // Glue: database and table given apart; the frame read is the dataset's. Decoys: the same
    // table name in another database; a write to the catalog.
    {"glue_from_catalog",
     "dyf = glueContext.create_dynamic_frame.from_catalog(\n"
     "    database=\"events\", table_name=\"listening_v3\", transformation_ctx=\"src\")\n"
     "old = glueContext.create_dynamic_frame.from_catalog(database=\"archive\", "
     "table_name=\"listening_v3\")\n"
     "users = old.select_fields([\"user_id\"])\n"
     "plays = dyf.rename_field(\"user_id\", \"listener\").drop_fields([\"legacy_flag\"])\n"
     "glueContext.write_dynamic_frame.from_catalog(frame=plays, database=\"analytics\", "
     "table_name=\"plays\")\n",
     "dyf = glueContext.create_dynamic_frame.from_catalog(\n"
     "    database=\"events\", table_name=\"listening_v4\", transformation_ctx=\"src\")\n"
     "old = glueContext.create_dynamic_frame.from_catalog(database=\"archive\", "
     "table_name=\"listening_v3\")\n"
     "users = old.select_fields([\"user_id\"])\n"
     "plays = dyf.rename_field(\"account_id\", \"listener\").drop_fields([\"legacy_flag\"])\n"
     "glueContext.write_dynamic_frame.from_catalog(frame=plays, database=\"analytics\", "
     "table_name=\"plays\")\n",
     {"reads dropped field legacy_flag"}},
    // ApplyMapping: the source name (first) is renamed, the output name (third) is kept, so the
    // frame keeps its old column for the code downstream; the source type of a retyped field and a
    // dropped source go to review.
    {"glue_apply_mapping_aliases_back",
     "dyf = glueContext.create_dynamic_frame_from_catalog(database=\"events\", table_name=\"listening_v3\")\n"
     "mapped = ApplyMapping.apply(frame=dyf, mappings=[\n"
     "    (\"user_id\", \"long\", \"user_id\", \"long\"),\n"
     "    (\"ts\", \"long\", \"ts\", \"long\"),\n"
     "    (\"track_id\", \"string\", \"track\", \"string\"),\n"
     "])\n"
     "m2 = dyf.apply_mapping([(\"legacy_flag\", \"boolean\", \"flag\", \"boolean\")])\n"
     "out = DropFields.apply(frame=mapped, paths=[\"legacy_flag\"])\n",
     "dyf = glueContext.create_dynamic_frame_from_catalog(database=\"events\", table_name=\"listening_v4\")\n"
     "mapped = ApplyMapping.apply(frame=dyf, mappings=[\n"
     "    (\"account_id\", \"long\", \"user_id\", \"long\"),\n"
     "    (\"ts\", \"long\", \"ts\", \"long\"),\n"
     "    (\"track_id\", \"string\", \"track\", \"string\"),\n"
     "])\n"
     "m2 = dyf.apply_mapping([(\"legacy_flag\", \"boolean\", \"flag\", \"boolean\")])\n"
     "out = DropFields.apply(frame=mapped, paths=[\"legacy_flag\"])\n",
     // `mapped` has the mapping's output names: its DropFields is not the dataset's column.
     {"reads retyped field ts", "reads dropped field legacy_flag"}},
    {"glue_database_from_args_is_review",
     "dyf = glueContext.create_dynamic_frame.from_catalog(database=args['db'], table_name='listening_v3')\n"
     "dyf.toDF().select('user_id')\n",
     "dyf = glueContext.create_dynamic_frame.from_catalog(database=args['db'], table_name='listening_v3')\n"
     "dyf.toDF().select('user_id')\n",
     {"reads a table or path computed at run time (from_catalog(…))",
      "cannot prove user_id belongs to prod.events.listening_v3: this file also reads a table or path "
      "computed"}},
    // No false all-clear: a table named at run time, in a file that never names the dataset, with
    // a changed field used on its frame.
    {"table_from_variable_is_review",
     "def run(spark, table):\n    df = spark.table(table)\n    return df.select('user_id', 'other')\n",
     "def run(spark, table):\n    df = spark.table(table)\n    return df.select('user_id', 'other')\n",
     {"cannot prove whether user_id is read from prod.events.listening_v3: this file reads a table or path "
      "computed at run time (line 2)"}},
    {"format_string_table_is_review",
     "df = spark.read.parquet(f\"{base}/plays/\")\ndf.select('legacy_flag')\n",
     "df = spark.read.parquet(f\"{base}/plays/\")\ndf.select('legacy_flag')\n",
     {"cannot prove whether legacy_flag is read from prod.events.listening_v3"}},
    {"table_from_constant_resolves",
     "TABLE = 'prod.events.listening_v3'\ndf = spark.table(TABLE)\ndf.select('user_id')\n",
     "TABLE = 'prod.events.listening_v4'\ndf = spark.table(TABLE)\ndf.select('account_id')\n",
     {}},
    {"dynamic_read_without_changed_fields_is_silent",
     "df = spark.table(name)\ndf.select('other')\n",
     "df = spark.table(name)\ndf.select('other')\n",
     {}},
    // Rows built by hand in a file about the dataset (test fixtures, generators): review.
    {"fixture_rows_are_review",
     "SOURCE = 'prod.events.listening_v3'\n"
     "rows = [{\"user_id\": 1, \"track_id\": 2}]\n"
     "df = spark.createDataFrame([(1, 2)], [\"user_id\", \"track_id\"])\n"
     "r = Row(legacy_flag=True, other=1)\n"
     "agg = df.agg({\"user_id\": \"max\"})\n",
     "SOURCE = 'prod.events.listening_v4'\n"
     "rows = [{\"user_id\": 1, \"track_id\": 2}]\n"
     "df = spark.createDataFrame([(1, 2)], [\"user_id\", \"track_id\"])\n"
     "r = Row(legacy_flag=True, other=1)\n"
     "agg = df.agg({\"user_id\": \"max\"})\n",
     {"builds rows with field user_id", "builds rows with field user_id",
      "builds rows with field legacy_flag"}},
    // Column lists: a list argument is a column position like a string argument. A join key
    // names a column of both frames: with a frame of another table, review.
    {"column_lists_and_join_keys",
     "df = spark.table('prod.events.listening_v3')\n"
     "users = spark.table('prod.users.users')\n"
     "a = df.select(['user_id', 'track_id']).groupBy(['user_id']).count()\n"
     "b = df.join(users, ['user_id'])\n"
     "c = df.join(df.select('track_id'), 'track_id')\n",
     "df = spark.table('prod.events.listening_v4')\n"
     "users = spark.table('prod.users.users')\n"
     "a = df.select(['account_id', 'track_id']).groupBy(['account_id']).count()\n"
     "b = df.join(users, ['user_id'])\n"
     "c = df.join(df.select('track_id'), 'track_id')\n",
     {"cannot tell whether user_id is read from prod.events.listening_v3: the frame joins it with another "
      "table"}},
    // Glue transforms with the frame given positionally, and Join keys by side.
    {"glue_positional_frame_and_join_keys",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v3')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "m = ApplyMapping.apply(plays, mappings=[('user_id', 'long', 'user_id', 'long')])\n"
     "j = Join.apply(frame1=users, frame2=plays, keys1=['user_id'], keys2=['user_id'])\n",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v4')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "m = ApplyMapping.apply(plays, mappings=[('account_id', 'long', 'user_id', 'long')])\n"
     "j = Join.apply(frame1=users, frame2=plays, keys1=['user_id'], keys2=['account_id'])\n",
     {}},
    // The output of a mapping keeps the old names: columns of the mapped frame stay.
    {"glue_mapped_frame_keeps_old_names",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v3')\n"
     "m = ApplyMapping.apply(frame=plays, mappings=[('user_id', 'long', 'user_id', 'long')])\n"
     "n = plays.apply_mapping([('user_id', 'long', 'user_id', 'long')])\n"
     "a = m.select_fields(['user_id'])\nb = n.toDF().select('user_id')\n",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v4')\n"
     "m = ApplyMapping.apply(frame=plays, mappings=[('account_id', 'long', 'user_id', 'long')])\n"
     "n = plays.apply_mapping([('account_id', 'long', 'user_id', 'long')])\n"
     "a = m.select_fields(['user_id'])\nb = n.toDF().select('user_id')\n",
     {}},
    // Glue Studio's SQL node: the mapping's keys are temp views of frames, not catalog tables. A
    // view of the dataset's frame keeps its name (the location moves in from_catalog only); its
    // columns are the dataset's, and the node's output is read by name downstream, so a renamed
    // select item is aliased back.
    {"glue_sql_node_views_are_frames",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v3')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "q = '''\nselect p.user_id, p.ts, u.country\nfrom listening_v3 p join users u on p.user_id = "
     "u.user_id\n'''\n"
     "out = sparkSqlQuery(glueContext, query = q, mapping = {'listening_v3': plays, 'users': users}, "
     "transformation_ctx = 'out')\n"
     "kept = DropFields.apply(frame=out, paths=['user_id'])\n",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v4')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "q = '''\nselect p.account_id AS user_id, UNIX_MILLIS(p.ts) AS ts, u.country\nfrom listening_v3 p join "
     "users u "
     "on p.account_id = u.user_id\n'''\n"
     "out = sparkSqlQuery(glueContext, query = q, mapping = {'listening_v3': plays, 'users': users}, "
     "transformation_ctx = 'out')\n"
     "kept = DropFields.apply(frame=out, paths=['user_id'])\n",
     {}},
    // A view of a frame that joins the dataset with another table: an unqualified field may come
    // from either side, so it goes to review; the view named like another table is not moved.
    {"glue_sql_node_over_a_join_is_review",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v3')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "both = Join.apply(frame1=plays, frame2=users, keys1=['user_id'], keys2=['id'])\n"
     "q = \"select * from src where legacy_flag = 1\"\n"
     "out = sparkSqlQuery(glueContext, query=q, mapping={'src': both}, transformation_ctx='x')\n",
     "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v4')\n"
     "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
     "both = Join.apply(frame1=plays, frame2=users, keys1=['account_id'], keys2=['id'])\n"
     "q = \"select * from src where legacy_flag = 1\"\n"
     "out = sparkSqlQuery(glueContext, query=q, mapping={'src': both}, transformation_ctx='x')\n",
     {"cannot tell whether src is prod.events.listening_v3; legacy_flag is dropped"}},
    {"empty", "", "", {}},
    // A consumer that reads CSV exports of the dataset from object storage: it never names the
    // dataset, but its reader's columns (usecols, parse_dates), the named aggregations of the frame
    // the reads are appended to, and its merge keys may be the dataset's: review, not silence.
    {"pandas_reader_of_exported_csv_is_review",
     "df = pd.DataFrame()\n"
     "for obj in objects:\n"
     "    part = pd.read_csv(io.BytesIO(obj.read()), usecols=[\"id\", \"user_id\"], "
     "parse_dates=[\"user_id\"])\n"
     "    df = pd.concat([df, part])\n"
     "firsts = df.groupby([\"id\"]).agg(first_user=(\"user_id\", \"min\"), n=(\"id\", \"count\"))\n",
     "df = pd.DataFrame()\n"
     "for obj in objects:\n"
     "    part = pd.read_csv(io.BytesIO(obj.read()), usecols=[\"id\", \"user_id\"], "
     "parse_dates=[\"user_id\"])\n"
     "    df = pd.concat([df, part])\n"
     "firsts = df.groupby([\"id\"]).agg(first_user=(\"user_id\", \"min\"), n=(\"id\", \"count\"))\n",
     {"cannot prove whether user_id is read from", "cannot prove whether user_id is read from"}},
    // The same named aggregation on a frame read from the dataset is renamed; the output name stays.
    {"pandas_named_aggregation_of_the_dataset",
     "df = spark.table(\"prod.events.listening_v3\").toPandas()\n"
     "firsts = df.groupby([\"track_id\"]).agg(first_user=(\"user_id\", \"min\"))\n",
     "df = spark.table(\"prod.events.listening_v4\").toPandas()\n"
     "firsts = df.groupby([\"track_id\"]).agg(first_user=(\"account_id\", \"min\"))\n",
     {}},
};

INSTANTIATE_TEST_SUITE_P(Python, PythonTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// A test that reads committed sample data of a path dataset through a path built at run time
// (`base + 'plays'`): it may be the dataset even though the file never spells its location.
TEST(Python, RunTimePathEndingInTheDatasetIsReview) {
  ChangeSet cs = spec_changes();
  cs.dataset.from.location = "tests/test_data/plays";
  cs.dataset.to.location = "tests/test_data/plays";
  auto r = migrate_file("tests/test_job.py",
                        "df = self.spark.read.parquet(self.data_path + 'plays')\n"
                        "other = self.spark.read.parquet(self.data_path + 'plays_report')\n",
                        cs);
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(r.review[0].line, 1);
  EXPECT_NE(r.review[0].message.find("ends in the dataset's name"), std::string::npos);
  EXPECT_TRUE(r.edits.empty());
}

}  // namespace
}  // namespace shepherd::rewrite
