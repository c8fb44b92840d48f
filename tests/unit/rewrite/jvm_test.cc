// Java and Scala rewrites, table-driven: input, exact expected output, expected review.
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

class JvmTable : public ::testing::TestWithParam<Case> {};

TEST_P(JvmTable, Rewrites) {
  const Case& c = GetParam();
  auto r = migrate_file(c.path, c.in, spec_changes());
  expect_rewrite(r, c.out, c.review);
}

const Case kCases[] = {
    {"java_jdbc_concatenation",
     "src/Dao.java",
     "// reads user_id from listening_v3\n"
     "String sql = \"SELECT user_id, track_id \" +\n    \"FROM prod.events.listening_v3 WHERE user_id = "
     "?\";\n"
     "String other = \"SELECT user_id FROM prod.users.users\";\n",
     "// reads user_id from listening_v3\n"
     "String sql = \"SELECT account_id, track_id \" +\n    \"FROM prod.events.listening_v4 WHERE account_id "
     "= ?\";\n"
     "String other = \"SELECT user_id FROM prod.users.users\";\n",
     {}},
    {"java_text_block",
     "src/Q.java",
     "String q = \"\"\"\n    SELECT user_id, legacy_flag\n    FROM `prod.events.listening_v3`\n    \"\"\";\n",
     "String q = \"\"\"\n    SELECT account_id, legacy_flag\n    FROM `prod.events.listening_v4`\n    "
     "\"\"\";\n",
     {"reads dropped field legacy_flag"}},
    {"java_spark_columns_sole_dataset",
     "src/Job.java",
     "Dataset<Row> df = spark.table(\"prod.events.listening_v3\");\n"
     "df.select(col(\"user_id\"), col(\"user_id_hash\")).groupBy(\"user_id\").count();\n",
     "Dataset<Row> df = spark.table(\"prod.events.listening_v4\");\n"
     "df.select(col(\"account_id\"), col(\"user_id_hash\")).groupBy(\"account_id\").count();\n",
     {}},
    {"java_getter_is_review",
     "src/Avro.java",
     "String t = \"prod.events.listening_v3\";\nlong id = record.getUserId();\nrecord.getUserIdHash();\n",
     "String t = \"prod.events.listening_v4\";\nlong id = record.getUserId();\nrecord.getUserIdHash();\n",
     {"accessor getUserId of prod.events.listening_v3 record"}},
    {"java_unrelated_file_untouched",
     "src/Users.java",
     "String q = \"SELECT user_id FROM users\";\ndf.select(col(\"user_id\"));\nu.getUserId();\n",
     "String q = \"SELECT user_id FROM users\";\ndf.select(col(\"user_id\"));\nu.getUserId();\n",
     {}},
    {"scala_dollar_and_triple_quotes",
     "src/Job.scala",
     "val plays = spark.sql(\"\"\"\n  |SELECT user_id, ts\n  |FROM "
     "prod.events.listening_v3\"\"\".stripMargin)\n"
     "plays.select($\"user_id\", col(\"track_id\")).where($\"legacy_flag\")\n",
     "val plays = spark.sql(\"\"\"\n  |SELECT account_id, UNIX_MILLIS(ts) AS ts\n  |FROM "
     "prod.events.listening_v4\"\"\".stripMargin)\n"
     "plays.select($\"account_id\", col(\"track_id\")).where($\"legacy_flag\")\n",
     {"reads dropped field legacy_flag"}},
    {"scala_interpolated_table_is_review",
     "src/Job.scala",
     "val t = \"prod.events.listening_v3\"\nval q = s\"SELECT user_id FROM $t\"\n",
     "val t = \"prod.events.listening_v4\"\nval q = s\"SELECT user_id FROM $t\"\n",
     {"cannot tell whether $t is prod.events.listening_v3"}},
    {"scala_mixed_tables_review_columns",
     "src/Join.scala",
     "val a = spark.table(\"prod.events.listening_v3\")\nval b = "
     "spark.table(\"prod.users.users\")\na.join(b, col(\"user_id\"))\n",
     "val a = spark.table(\"prod.events.listening_v4\")\nval b = "
     "spark.table(\"prod.users.users\")\na.join(b, col(\"user_id\"))\n",
     {"cannot prove col(\"user_id\") belongs to prod.events.listening_v3"}},
    {"scio_field_access_is_review",
     "src/Scio.scala",
     "sc.typedBigQuery[Listen](\"prod.events.listening_v3\").map(_.user_id)\n",
     "sc.typedBigQuery[Listen](\"prod.events.listening_v4\").map(_.user_id)\n",
     {"accessor user_id of prod.events.listening_v3 record"}},
    // JDBC result-set labels follow the query that made the result set. Decoys: the same label on a
    // result set of another table, a longer label, a comment; an unconverted retype and a drop go
    // to review; a retype the query converts back keeps its name and type.
    {"java_jdbc_result_set_labels",
     "src/PlaysDao.java",
     "class PlaysDao {\n"
     "  private static final String PLAYS = \"SELECT user_id, ts, legacy_flag \" +\n"
     "      \"FROM prod.events.listening_v3 WHERE track_id = ?\";\n"
     "  long plays(Connection c) throws SQLException {\n"
     "    try (PreparedStatement ps = c.prepareStatement(PLAYS); ResultSet rs = ps.executeQuery()) {\n"
     "      rs.next();\n"
     "      // rs.getLong(\"user_id\") is the listener\n"
     "      return rs.getLong(\"user_id\") + rs.getLong(\"ts\") + (rs.getBoolean(\"legacy_flag\") ? 1 : 0);\n"
     "    }\n"
     "  }\n"
     "  long owner(Connection c) throws SQLException {\n"
     "    Statement st = c.createStatement();\n"
     "    ResultSet users = st.executeQuery(\"SELECT user_id, user_id_hash FROM prod.users.profiles\");\n"
     "    return users.getLong(\"user_id\") + users.getLong(\"user_id_hash\");\n"
     "  }\n"
     "  long any(Connection c) throws SQLException {\n"
     "    String sql = \"SELECT * FROM prod.events.listening_v3\";\n"
     "    ResultSet all = c.createStatement().executeQuery(sql);\n"
     "    return all.getLong(\"USER_ID\") + all.getLong(\"ts\");\n"
     "  }\n"
     "}\n",
     "class PlaysDao {\n"
     "  private static final String PLAYS = \"SELECT account_id, UNIX_MILLIS(ts) AS ts, legacy_flag \" +\n"
     "      \"FROM prod.events.listening_v4 WHERE track_id = ?\";\n"
     "  long plays(Connection c) throws SQLException {\n"
     "    try (PreparedStatement ps = c.prepareStatement(PLAYS); ResultSet rs = ps.executeQuery()) {\n"
     "      rs.next();\n"
     "      // rs.getLong(\"user_id\") is the listener\n"
     "      return rs.getLong(\"account_id\") + rs.getLong(\"ts\") + (rs.getBoolean(\"legacy_flag\") ? 1 : "
     "0);\n"
     "    }\n"
     "  }\n"
     "  long owner(Connection c) throws SQLException {\n"
     "    Statement st = c.createStatement();\n"
     "    ResultSet users = st.executeQuery(\"SELECT user_id, user_id_hash FROM prod.users.profiles\");\n"
     "    return users.getLong(\"user_id\") + users.getLong(\"user_id_hash\");\n"
     "  }\n"
     "  long any(Connection c) throws SQLException {\n"
     "    String sql = \"SELECT * FROM prod.events.listening_v4\";\n"
     "    ResultSet all = c.createStatement().executeQuery(sql);\n"
     "    return all.getLong(\"account_id\") + all.getLong(\"ts\");\n"
     "  }\n"
     "}\n",
     {"reads dropped field legacy_flag",
      "reads dropped field legacy_flag through rs.getBoolean(\"legacy_flag\")",
      "SELECT * passes retyped field ts",
      "reads retyped field ts (INT64 -> TIMESTAMP) through all.getLong(\"ts\")"}},
    {"java_jdbc_unproven_labels_are_review",
     "src/Reader.java",
     "class Reader {\n"
     "  static final String T = \"prod.events.listening_v3\";\n"
     "  long read(ResultSet rs) throws SQLException {\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long dynamic(Connection c, String where) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\"SELECT user_id FROM prod.events.listening_v3 \" "
     "+ where);\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long renamed(Connection c) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\"SELECT l.user_id AS user_id FROM "
     "prod.events.listening_v3 l\");\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long joined(Connection c) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\n"
     "        \"SELECT user_id FROM prod.events.listening_v3 l JOIN prod.users.profiles u USING "
     "(track_id)\");\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "}\n",
     "class Reader {\n"
     "  static final String T = \"prod.events.listening_v4\";\n"
     "  long read(ResultSet rs) throws SQLException {\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long dynamic(Connection c, String where) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\"SELECT account_id FROM prod.events.listening_v4 "
     "\" + where);\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long renamed(Connection c) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\"SELECT l.account_id AS user_id FROM "
     "prod.events.listening_v4 l\");\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "  long joined(Connection c) throws SQLException {\n"
     "    ResultSet rs = c.createStatement().executeQuery(\n"
     "        \"SELECT user_id FROM prod.events.listening_v4 l JOIN prod.users.profiles u USING "
     "(track_id)\");\n"
     "    return rs.getLong(\"user_id\");\n"
     "  }\n"
     "}\n",
     {"cannot prove rs.getLong(\"user_id\") reads prod.events.listening_v3: rs is not a local declared once "
      "in this method",
      "cannot prove rs.getLong(\"user_id\") reads prod.events.listening_v3: the query is not a string "
      "literal",
      "cannot prove rs.getLong(\"user_id\") reads prod.events.listening_v3: the query does not select "
      "user_id",
      "cannot prove user_id belongs to prod.events.listening_v3: the query also reads prod.users.profiles",
      "cannot prove rs.getLong(\"user_id\") reads prod.events.listening_v3: the query does not select "
      "user_id"}},
    {"scala_jdbc_label_is_review",
     "src/Plays.scala",
     "val rs = st.executeQuery(\"SELECT user_id FROM prod.events.listening_v3\")\nrs.getLong(\"user_id\")\n",
     "val rs = st.executeQuery(\"SELECT account_id FROM "
     "prod.events.listening_v4\")\nrs.getLong(\"user_id\")\n",
     {"cannot prove rs.getLong(\"user_id\") reads prod.events.listening_v3: result sets are followed to "
      "their query in "
      "Java only"}},
};

INSTANTIATE_TEST_SUITE_P(Jvm, JvmTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace shepherd::rewrite
