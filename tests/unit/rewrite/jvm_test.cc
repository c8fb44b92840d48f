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
     "String sql = \"SELECT account_id AS user_id, track_id \" +\n    \"FROM prod.events.listening_v4 WHERE "
     "account_id "
     "= ?\";\n"
     "String other = \"SELECT user_id FROM prod.users.users\";\n",
     {}},
    {"java_text_block",
     "src/Q.java",
     "String q = \"\"\"\n    SELECT user_id, legacy_flag\n    FROM `prod.events.listening_v3`\n    \"\"\";\n",
     "String q = \"\"\"\n    SELECT account_id AS user_id, legacy_flag\n    FROM "
     "`prod.events.listening_v4`\n    "
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
    // JPA: the entity's @Table names the dataset (schema and name given apart); its @Column and
    // @JoinColumn names are its columns. Decoys: referencedColumnName (the other entity's column),
    // a longer column name, a JPQL query (entities and attributes, not tables).
    {"jpa_entity_table_and_columns",
     "src/Listen.java",
     "@Entity\n"
     "@Table(name = \"listening_v3\", schema = \"events\")\n"
     "public class Listen {\n"
     "  @Id @Column(name = \"id\") private Long id;\n"
     "  @Column(name = \"user_id\", nullable = false) private Long account;\n"
     "  @Column(name = \"user_id_hash\") private String hash;\n"
     "  @ManyToOne @JoinColumn(name = \"user_id\", referencedColumnName = \"user_id\", insertable = false)\n"
     "  private User user;\n"
     "  @Column(name = \"legacy_flag\") private Boolean legacy;\n"
     "}\n"
     "interface Repo {\n"
     "  @Query(\"SELECT l FROM Listen l WHERE l.account = :user_id\")\n"
     "  List<Listen> byUser(Long user_id);\n"
     "  @Query(value = \"SELECT * FROM events.listening_v3 WHERE user_id = ?1\", nativeQuery = true)\n"
     "  List<Listen> nativeByUser(Long u);\n"
     "}\n",
     "@Entity\n"
     "@Table(name = \"listening_v4\", schema = \"events\")\n"
     "public class Listen {\n"
     "  @Id @Column(name = \"id\") private Long id;\n"
     "  @Column(name = \"account_id\", nullable = false) private Long account;\n"
     "  @Column(name = \"user_id_hash\") private String hash;\n"
     "  @ManyToOne @JoinColumn(name = \"account_id\", referencedColumnName = \"user_id\", insertable = "
     "false)\n"
     "  private User user;\n"
     "  @Column(name = \"legacy_flag\") private Boolean legacy;\n"
     "}\n"
     "interface Repo {\n"
     "  @Query(\"SELECT l FROM Listen l WHERE l.account = :user_id\")\n"
     "  List<Listen> byUser(Long user_id);\n"
     "  @Query(value = \"SELECT * FROM events.listening_v4 WHERE account_id = ?1\", nativeQuery = true)\n"
     "  List<Listen> nativeByUser(Long u);\n"
     "}\n",
     {"maps dropped field legacy_flag (@Column(name = \"legacy_flag\"))",
      "SELECT * passes retyped field ts (INT64 -> TIMESTAMP) through unchanged"}},
    {"jpa_entity_of_other_table_untouched",
     "src/User.java",
     "@Entity @Table(name = \"users\", schema = \"events\")\n"
     "class User { @Column(name = \"user_id\") Long id; }\n"
     "// joined with listening_v3 elsewhere\n",
     "@Entity @Table(name = \"users\", schema = \"events\")\n"
     "class User { @Column(name = \"user_id\") Long id; }\n"
     "// joined with listening_v3 elsewhere\n",
     {}},
    {"jpa_same_name_other_schema_untouched",
     "src/Archive.java",
     "@Table(name = \"listening_v3\", schema = \"archive\")\nclass A { @Column(name = \"user_id\") Long u; "
     "}\n",
     "@Table(name = \"listening_v3\", schema = \"archive\")\nclass A { @Column(name = \"user_id\") Long u; "
     "}\n",
     {}},
    // Without @Column, JPA derives the column from the attribute name: review, never an edit.
    {"jpa_implicit_attribute_is_review",
     "src/Listen.java",
     "@Entity\n@Table(name = \"listening_v3\")\nclass Listen {\n  private Long userId;\n  private Long ts;\n"
     "  private long trackId;\n  Long userId() { Long userId = 1L; return userId; }\n}\n",
     "@Entity\n@Table(name = \"listening_v4\")\nclass Listen {\n  private Long userId;\n  private Long ts;\n"
     "  private long trackId;\n  Long userId() { Long userId = 1L; return userId; }\n}\n",
     {"JPA attribute userId of an entity of prod.events.listening_v3 maps to column user_id",
      "JPA attribute ts of an entity"}},
    // A dropped column's implicit attribute: the declaration and every use of it in the entity
    // (one item per line).
    {"jpa_dropped_attribute_and_its_uses_are_review",
     "src/Listen.java",
     "@Entity\n@Table(name = \"listening_v3\")\nclass Listen {\n  private Boolean legacyFlag;\n"
     "  Boolean getLegacyFlag() { return this.legacyFlag; }\n"
     "  void setLegacyFlag(Boolean legacyFlag) {\n    this.legacyFlag = legacyFlag;\n  }\n}\n",
     "@Entity\n@Table(name = \"listening_v4\")\nclass Listen {\n  private Boolean legacyFlag;\n"
     "  Boolean getLegacyFlag() { return this.legacyFlag; }\n"
     "  void setLegacyFlag(Boolean legacyFlag) {\n    this.legacyFlag = legacyFlag;\n  }\n}\n",
     {"JPA attribute legacyFlag of an entity of prod.events.listening_v3 maps to column legacy_flag",
      "uses JPA attribute legacyFlag", "uses JPA attribute legacyFlag", "uses JPA attribute legacyFlag"}},
    // Spring Data JDBC: @Table("name") and @Column("name") as the annotation's value.
    {"spring_data_jdbc_value_annotations",
     "src/Listen.java",
     "@Table(\"listening_v3\")\nrecord Listen(@Id Long id, @Column(\"user_id\") Long account) {}\n",
     "@Table(\"listening_v4\")\nrecord Listen(@Id Long id, @Column(\"account_id\") Long account) {}\n",
     {}},
    // Spring SimpleJdbcInsert: the table and the column list move together; an insert into another
    // table in the same file makes the column list ambiguous.
    {"spring_simple_jdbc_insert",
     "src/PlaysWriter.java",
     "SimpleJdbcInsert insert = new SimpleJdbcInsert(jdbc)\n"
     "    .withSchemaName(\"events\").withTableName(\"listening_v3\")\n"
     "    .usingColumns(\"user_id\", \"track_id\");\n",
     "SimpleJdbcInsert insert = new SimpleJdbcInsert(jdbc)\n"
     "    .withSchemaName(\"events\").withTableName(\"listening_v4\")\n"
     "    .usingColumns(\"account_id\", \"track_id\");\n",
     {}},
    {"spring_simple_jdbc_insert_other_table_is_review",
     "src/PlaysWriter.java",
     "String q = \"SELECT user_id FROM prod.events.listening_v3\";\n"
     "new SimpleJdbcInsert(jdbc).withTableName(\"daily_plays\").usingColumns(\"user_id\");\n",
     "String q = \"SELECT account_id AS user_id FROM prod.events.listening_v4\";\n"
     "new SimpleJdbcInsert(jdbc).withTableName(\"daily_plays\").usingColumns(\"user_id\");\n",
     {"cannot prove usingColumns(\"user_id\") belongs to prod.events.listening_v3"}},
    // A write is not a read of another table: the columns of the frame read from the dataset are
    // still the dataset's.
    {"spark_write_is_not_a_read",
     "src/Daily.java",
     "Dataset<Row> df = spark.table(\"prod.events.listening_v3\");\n"
     "df.groupBy(\"user_id\").count().write().mode(\"overwrite\").saveAsTable(\"analytics.daily\");\n"
     "df.write().parquet(\"s3://out/daily\");\n"
     "df.writeTo(\"analytics.plays\").append();\n",
     "Dataset<Row> df = spark.table(\"prod.events.listening_v4\");\n"
     "df.groupBy(\"account_id\").count().write().mode(\"overwrite\").saveAsTable(\"analytics.daily\");\n"
     "df.write().parquet(\"s3://out/daily\");\n"
     "df.writeTo(\"analytics.plays\").append();\n",
     {}},
    {"scala_spark_write_is_not_a_read",
     "src/Daily.scala",
     "val df = spark.table(\"events.listening_v3\")\n"
     "df.select($\"user_id\").write.mode(\"append\").insertInto(\"analytics.daily\")\n",
     "val df = spark.table(\"events.listening_v4\")\n"
     "df.select($\"account_id\").write.mode(\"append\").insertInto(\"analytics.daily\")\n",
     {}},
    // Glue (Scala): database and table given apart.
    {"scala_glue_catalog_source",
     "src/GlueJob.scala",
     "val src = glueContext.getCatalogSource(database = \"events\", tableName = \"listening_v3\",\n"
     "  transformationContext = \"src\").getDynamicFrame()\n"
     "val other = glueContext.getCatalogSource(database = \"archive\", tableName = \"listening_v3\")\n",
     "val src = glueContext.getCatalogSource(database = \"events\", tableName = \"listening_v4\",\n"
     "  transformationContext = \"src\").getDynamicFrame()\n"
     "val other = glueContext.getCatalogSource(database = \"archive\", tableName = \"listening_v3\")\n",
     {}},
    {"scala_glue_catalog_database_from_args_is_review",
     "src/GlueJob.scala",
     "val src = glueContext.getCatalogSource(database = args(\"db\"), tableName = \"listening_v3\")\n"
     "src.toDF().select(col(\"user_id\"))\n",
     "val src = glueContext.getCatalogSource(database = args(\"db\"), tableName = \"listening_v3\")\n"
     "src.toDF().select(col(\"user_id\"))\n",
     {"names table listening_v3 in a database given at run time",
      "cannot prove col(\"user_id\") belongs to prod.events.listening_v3"}},
    // Scala interpolation: the SQL around $vars is rewritten; the values stay opaque.
    {"scala_interpolated_sql",
     "src/Q.scala",
     "val q = s\"SELECT user_id, track_id FROM prod.events.listening_v3 WHERE day = '$day'\"\n"
     "val r = f\"SELECT user_id FROM prod.events.listening_v3 LIMIT $n%d\"\n",
     "val q = s\"SELECT account_id, track_id FROM prod.events.listening_v4 WHERE day = '$day'\"\n"
     "val r = f\"SELECT account_id FROM prod.events.listening_v4 LIMIT $n%d\"\n",
     {}},
    // A table whose name is only known at run time: never a silent all-clear.
    {"spark_table_from_variable_is_review",
     "src/Job.java",
     "Dataset<Row> df = spark.table(args[0]);\ndf.select(col(\"user_id\"), col(\"other\"));\n",
     "Dataset<Row> df = spark.table(args[0]);\ndf.select(col(\"user_id\"), col(\"other\"));\n",
     {"cannot prove whether col(\"user_id\") reads prod.events.listening_v3: this file reads a table or path "
      "computed at run time (line 1)"}},
    {"spark_table_from_constant_resolves",
     "src/Job.java",
     "static final String T = \"prod.events.listening_v3\";\n"
     "Dataset<Row> df = spark.read().table(T);\ndf.select(col(\"user_id\"));\n",
     "static final String T = \"prod.events.listening_v4\";\n"
     "Dataset<Row> df = spark.read().table(T);\ndf.select(col(\"account_id\").as(\"user_id\"));\n",
     {}},
    {"spark_path_built_at_run_time_in_dataset_file_is_review",
     "src/Job.scala",
     "val a = spark.table(\"prod.events.listening_v3\")\nval b = spark.read.parquet(base + \"/x\")\n"
     "a.select(col(\"user_id\"))\n",
     "val a = spark.table(\"prod.events.listening_v4\")\nval b = spark.read.parquet(base + \"/x\")\n"
     "a.select(col(\"user_id\"))\n",
     {"reads a table or path computed at run time (parquet(…))",
      "cannot prove col(\"user_id\") belongs to prod.events.listening_v3: this file also reads a table or "
      "path computed at run time"}},
    // A mapped superclass names columns of every entity that extends it: review, never an edit,
    // even though the file never names the dataset.
    {"jpa_mapped_superclass_is_review",
     "src/Person.java",
     "@MappedSuperclass\npublic class Person extends BaseEntity {\n"
     "  @Column(name = \"user_id\") private Long account;\n  @Column(name = \"first_name\") private String "
     "first;\n}\n",
     "@MappedSuperclass\npublic class Person extends BaseEntity {\n"
     "  @Column(name = \"user_id\") private Long account;\n  @Column(name = \"first_name\") private String "
     "first;\n}\n",
     {"@Column(name = \"user_id\") in a @MappedSuperclass/@Embeddable maps a column of every entity that "
      "uses it"}},
    // A Delta table read by its warehouse path under an interpolated root (<root>/<db>.db/<table>):
    // the val resolves to the dataset, so its columns are the dataset's; the select that leaves
    // the file keeps its output name with an alias.
    {"scala_warehouse_path_under_interpolated_root",
     "src/Silver.scala",
     "case class Silver(spark: SparkSession, conf: Conf) {\n"
     "  val inputPath = s\"${conf.root()}/events.db/listening_v3/data\"\n"
     "  def extract(): DataFrame = spark.readStream.format(\"delta\").load(inputPath)\n"
     "  def transform(df: DataFrame): DataFrame =\n"
     "    df.filter(col(\"user_id\").isNotNull && col(\"legacy_flag\") === 1)\n"
     "      .select(col(\"track_id\"), col(\"user_id\"))\n"
     "}\n",
     "case class Silver(spark: SparkSession, conf: Conf) {\n"
     "  val inputPath = s\"${conf.root()}/events.db/listening_v4/data\"\n"
     "  def extract(): DataFrame = spark.readStream.format(\"delta\").load(inputPath)\n"
     "  def transform(df: DataFrame): DataFrame =\n"
     "    df.filter(col(\"account_id\").isNotNull && col(\"legacy_flag\") === 1)\n"
     "      .select(col(\"track_id\"), col(\"account_id\").as(\"user_id\"))\n"
     "}\n",
     {"reads dropped field legacy_flag"}},
    // A select item used again by name later in the file is renamed with its later uses, not aliased.
    {"scala_select_item_used_later_is_renamed",
     "src/Agg.scala",
     "val df = spark.table(\"prod.events.listening_v3\")\n"
     "df.select(col(\"user_id\"), col(\"track_id\")).groupBy(\"user_id\").count()\n",
     "val df = spark.table(\"prod.events.listening_v4\")\n"
     "df.select(col(\"account_id\"), col(\"track_id\")).groupBy(\"account_id\").count()\n",
     {}},
    // Another database's warehouse path with a table of the same name is provably not the dataset:
    // its columns are left alone, without review.
    {"scala_other_warehouse_table_is_not_the_dataset",
     "src/Gold.scala",
     "case class Gold(spark: SparkSession, conf: Conf) {\n"
     "  val inputPath = s\"${conf.root()}/silver.db/listening_v3/data\"\n"
     "  def extract(): DataFrame = spark.readStream.format(\"delta\").load(inputPath)\n"
     "  def transform(df: DataFrame): DataFrame = df.select(col(\"user_id\").as(\"UserId\"))\n"
     "}\n",
     "case class Gold(spark: SparkSession, conf: Conf) {\n"
     "  val inputPath = s\"${conf.root()}/silver.db/listening_v3/data\"\n"
     "  def extract(): DataFrame = spark.readStream.format(\"delta\").load(inputPath)\n"
     "  def transform(df: DataFrame): DataFrame = df.select(col(\"user_id\").as(\"UserId\"))\n"
     "}\n",
     {}},
};

INSTANTIATE_TEST_SUITE_P(Jvm, JvmTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace shepherd::rewrite
