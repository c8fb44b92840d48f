// Shell scripts that create and load the dataset: SQL in here-documents is rewritten; the rest of
// the script is reviewed where it names a changed field.
#include <gtest/gtest.h>

#include <string>

#include "changes.h"

namespace shepherd::rewrite {
namespace {

using testing::review_lines;
using testing::spec_changes;

TEST(Shell, HereDocumentSqlIsRewrittenAndTheRestReviewed) {
  const std::string in =
      "#!/bin/bash\n"
      "# psql <<-EOSQL   (commented out, no live here-document)\n"
      "psql -v ON_ERROR_STOP=1 --username \"$PGUSER\" <<-EOSQL\n"
      "CREATE TABLE IF NOT EXISTS prod.events.listening_v3 (\n"
      "  user_id BIGINT,\n"
      "  track_id TEXT\n"
      ");\n"
      "\tEOSQL\n"
      "# add a user_id column to the sample file\n"
      "sed -i \"1 s/$/,user_id/\" /tmp/plays.csv\n"
      "read -ra parts <<< \"$line\"\n"
      "psql <<EOSQL\n"
      "COPY prod.events.listening_v3 FROM '/tmp/plays-${day}.csv' CSV HEADER;\n"
      "EOSQL\n";
  auto r = migrate_file("scripts/init.sh", in, spec_changes());
  EXPECT_EQ(r.content,
            "#!/bin/bash\n"
            "# psql <<-EOSQL   (commented out, no live here-document)\n"
            "psql -v ON_ERROR_STOP=1 --username \"$PGUSER\" <<-EOSQL\n"
            "CREATE TABLE IF NOT EXISTS prod.events.listening_v4 (\n"
            "  account_id BIGINT,\n"
            "  track_id TEXT\n"
            ");\n"
            "\tEOSQL\n"
            "# add a user_id column to the sample file\n"
            "sed -i \"1 s/$/,user_id/\" /tmp/plays.csv\n"
            "read -ra parts <<< \"$line\"\n"
            "psql <<EOSQL\n"
            "COPY prod.events.listening_v4 FROM '/tmp/plays-${day}.csv' CSV HEADER;\n"
            "EOSQL\n");
  ASSERT_EQ(r.review.size(), 2u) << review_lines(r);
  EXPECT_EQ(r.review[0].line, 9);
  EXPECT_EQ(r.review[1].line, 10);
  EXPECT_NE(r.review[1].message.find("user_id is renamed to account_id"), std::string::npos);
}

// A script whose here-documents never touch the dataset is left alone, field names and all.
TEST(Shell, ScriptNotAboutTheDatasetIsLeftAlone) {
  const std::string in = "psql <<EOSQL\nSELECT user_id FROM prod.crm.users;\nEOSQL\necho user_id\n";
  auto r = migrate_file("scripts/crm.sh", in, spec_changes());
  EXPECT_EQ(r.content, in);
  EXPECT_TRUE(r.review.empty()) << review_lines(r);
}

}  // namespace
}  // namespace shepherd::rewrite
