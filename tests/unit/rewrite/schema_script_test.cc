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

// A qualified old location spelled in full also becomes the full new one.
TEST(SchemaScript, FullySpelledTwoPartNameBecomesTheFullNewName) {
  ChangeSet cs = appointments_to_schema();
  cs.dataset.from.location = "public.appointments";
  cs.dataset.to.location = "clinic.scheduling.appointments";
  auto r = migrate_file("db/q.sql", "SELECT booked_at FROM public.appointments", cs);
  EXPECT_EQ(r.content, "SELECT booked_on FROM clinic.scheduling.appointments");
}

}  // namespace
}  // namespace shepherd::rewrite
