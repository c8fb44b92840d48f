// A service's own schema and seed scripts (schema.sql / data.sql beside its JDBC code), where the
// dataset's table is spelled by its bare one-part name and moves to another schema.
#include <gtest/gtest.h>

#include <string>

#include "changes.h"

namespace shepherd::rewrite {
namespace {

// appointments -> scheduling.appointments, booked_at renamed to booked_on.
ChangeSet appointments_to_schema() {
  ChangeSet cs;
  cs.dataset.name = "appointments";
  cs.dataset.from = {"1", "appointments"};
  cs.dataset.to = {"2", "scheduling.appointments"};
  Change c;
  c.kind = Change::Kind::Rename;
  c.field = "booked_at";
  c.to = "booked_on";
  cs.changes.push_back(c);
  return cs;
}

TEST(SchemaScript, OnePartNameIsQualifiedWithTheNewSchema) {
  auto r = migrate_file("db/data.sql",
                        "INSERT INTO appointments VALUES (default, 3, '2024-01-02');\n"
                        "INSERT INTO rooms VALUES (default, 'appointments');\n"
                        "SELECT a.id FROM appointments a JOIN rooms r ON r.id = a.room_id;\n",
                        appointments_to_schema());
  EXPECT_EQ(r.content,
            "INSERT INTO scheduling.appointments VALUES (default, 3, '2024-01-02');\n"
            "INSERT INTO rooms VALUES (default, 'appointments');\n"
            "SELECT a.id FROM scheduling.appointments a JOIN rooms r ON r.id = a.room_id;\n");
}

// A schema script that creates the table: its DROP, its later ALTERs and its indexes are part of
// the same definition and move with the CREATE (the index's own name is not the table).
TEST(SchemaScript, DropCreateAlterAndIndexOfTheCreatedTableMoveTogether) {
  auto r = migrate_file(
      "db/schema.sql",
      "DROP TABLE appointments IF EXISTS;\n"
      "DROP TABLE IF EXISTS rooms, appointments;\n"
      "CREATE TABLE appointments (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  booked_at DATE\n"
      ");\n"
      "ALTER TABLE appointments ADD CONSTRAINT fk_room FOREIGN KEY (room_id) REFERENCES rooms (id);\n"
      "ALTER TABLE appointments ALTER COLUMN booked_at SET NOT NULL;\n"
      "CREATE INDEX appointments_booked ON appointments (booked_at);\n",
      appointments_to_schema());
  EXPECT_EQ(r.content,
            "DROP TABLE scheduling.appointments IF EXISTS;\n"
            "DROP TABLE IF EXISTS rooms, scheduling.appointments;\n"
            "CREATE TABLE scheduling.appointments (\n"
            "  id INTEGER PRIMARY KEY,\n"
            "  booked_on DATE\n"
            ");\n"
            "ALTER TABLE scheduling.appointments ADD CONSTRAINT fk_room FOREIGN KEY (room_id) REFERENCES "
            "rooms (id);\n"
            "ALTER TABLE scheduling.appointments ALTER COLUMN booked_on SET NOT NULL;\n"
            "CREATE INDEX appointments_booked ON scheduling.appointments (booked_on);\n");
  EXPECT_TRUE(r.review.empty()) << testing::review_lines(r);
}

// Without the CREATE in the same script, an ALTER is a migration of a table that exists elsewhere:
// it still goes to review.
TEST(SchemaScript, AlterWithoutCreateIsStillReview) {
  auto r = migrate_file("db/patch.sql", "ALTER TABLE appointments ALTER COLUMN booked_at SET NOT NULL;\n",
                        appointments_to_schema());
  EXPECT_EQ(r.content, "ALTER TABLE appointments ALTER COLUMN booked_at SET NOT NULL;\n");
  ASSERT_EQ(r.review.size(), 2u) << testing::review_lines(r);
  EXPECT_NE(r.review[0].message.find("a schema migration is not edited"), std::string::npos);
}

// The same in a host language's table argument: spark.table("appointments") is the whole location.
TEST(SchemaScript, TableArgumentOfOnePartLocationIsQualified) {
  auto r = migrate_file("jobs/job.py", "df = spark.table(\"appointments\")\n", appointments_to_schema());
  EXPECT_EQ(r.content, "df = spark.table(\"scheduling.appointments\")\n");
}

// A qualified old location spelled in full also becomes the full new one.
TEST(SchemaScript, FullySpelledTwoPartNameBecomesTheFullNewName) {
  ChangeSet cs = appointments_to_schema();
  cs.dataset.from.location = "public.appointments";
  cs.dataset.to.location = "clinic.scheduling.appointments";
  auto r = migrate_file("db/q.sql", "SELECT booked_at FROM public.appointments", cs);
  EXPECT_EQ(r.content, "SELECT booked_on FROM clinic.scheduling.appointments");
}

// Spring JDBC around the same table: a SimpleJdbcInsert keeps a bare table name (its schema goes
// in withSchemaName: review), its parameter names are the table's columns (renamed), and a
// result-set label qualified with the table name goes to review.
TEST(SchemaScript, SpringJdbcInsertParametersAndQualifiedLabels) {
  auto r = migrate_file("src/AppointmentDao.java",
                        "insert = new SimpleJdbcInsert(ds).withTableName(\"appointments\");\n"
                        "params = new MapSqlParameterSource()\n"
                        "    .addValue(\"id\", a.getId())\n"
                        "    .addValue(\"booked_at\", a.getDate());\n"
                        "List<A> l = jdbc.sql(\"SELECT id FROM rooms WHERE id = :id\").query(m).list();\n",
                        appointments_to_schema());
  EXPECT_EQ(r.content,
            "insert = new SimpleJdbcInsert(ds).withTableName(\"appointments\");\n"
            "params = new MapSqlParameterSource()\n"
            "    .addValue(\"id\", a.getId())\n"
            "    .addValue(\"booked_on\", a.getDate());\n"
            "List<A> l = jdbc.sql(\"SELECT id FROM rooms WHERE id = :id\").query(m).list();\n");
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(r.review[0].line, 1);
  EXPECT_NE(r.review[0].message.find(".withSchemaName"), std::string::npos);

  auto labels = migrate_file("src/Extractor.java",
                             "Integer fk(ResultSet rs) { return rs.getInt(\"appointments.room_id\"); }\n"
                             "Integer pk(ResultSet rs) { return rs.getInt(\"rooms.id\"); }\n",
                             appointments_to_schema());
  EXPECT_EQ(labels.edits.size(), 0u);
  ASSERT_EQ(labels.review.size(), 1u) << testing::review_lines(labels);
  EXPECT_EQ(labels.review[0].line, 1);
}

// A parameter that is also a named SQL parameter of the file keeps its name: review.
TEST(SchemaScript, InsertParameterAlsoBoundInSqlIsReview) {
  auto r = migrate_file("src/AppointmentDao.java",
                        "insert = new SimpleJdbcInsert(ds).withTableName(\"appointments\");\n"
                        "params.addValue(\"booked_at\", d);\n"
                        "jdbc.update(\"UPDATE rooms SET last = :booked_at\", params);\n",
                        appointments_to_schema());
  EXPECT_EQ(r.content.find("booked_on"), std::string::npos) << r.content;
  EXPECT_NE(testing::review_lines(r).find("2: parameter booked_at"), std::string::npos)
      << testing::review_lines(r);
}

}  // namespace
}  // namespace shepherd::rewrite
