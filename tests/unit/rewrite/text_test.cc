// Docs and sample data (review only), URL routes (no review noise), and the tree's list of files
// that name the dataset. Table-driven: path, input, expected review; the content never changes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "changes.h"
#include "temp_dir.h"

namespace shepherd::rewrite {
namespace {

using testing::expect_rewrite;
using testing::spec_changes;

struct Case {
  const char* name;
  const char* path;
  const char* in;
  std::vector<std::string> review;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class TextTable : public ::testing::TestWithParam<Case> {};

TEST_P(TextTable, ReviewsWithoutEditing) {
  const Case& c = GetParam();
  auto r = migrate_file(c.path, c.in, spec_changes());
  expect_rewrite(r, c.in, c.review);
}

const Case kCases[] = {
    // A schema diagram that draws the dataset under a short name: a table defining two changed
    // fields, and the Ref naming one; a table with one changed field only is another table.
    {"schema_diagram_table_with_changed_fields",
     "etc/erd.txt",
     "Table plays {\n  id int PK\n  user_id int\n  legacy_flag bool\n}\n\nTable users {\n  user_id int\n"
     "  name varchar\n}\n\nRef: plays.user_id > users.user_id\nRef: users.name > x.y\n",
     {"schema diagram table plays has column user_id, a field of prod.events.listening_v3 (user_id is "
      "renamed "
      "to account_id)",
      "schema diagram table plays has column legacy_flag",
      "schema diagram relates plays.user_id, a field of prod.events.listening_v3"}},
    // A dbt doc block's header is the block's name, referred to as doc('user_id'): not prose. The
    // text inside the block that names the field is reviewed.
    {"dbt_doc_block_header_is_a_key",
     "models/docs/listening_v3.md",
     "{% docs listening_v3 %}\nPlays.\n{% enddocs %}\n\n{% docs user_id %}\nThe listener; user_id is "
     "the CRM key.\n{% enddocs %}\n{% docs legacy_flag %}\nOld.\n{% enddocs %}\n",
     {"documentation of prod.events.listening_v3 may describe what changed (user_id is renamed to "
      "account_id)",
      "documentation of prod.events.listening_v3 may describe what changed (legacy_flag is dropped)"}},
    {"markdown_describing_the_dataset",
     "docs/plays.md",
     "# Plays\n\nReads `prod.events.listening_v3`.\n\n| column | meaning |\n|---|---|\n"
     "| user_id | the listener |\n| user_id_hash | hashed |\n| track_id | the track |\n",
     {"documentation of prod.events.listening_v3 may describe what changed (the location moves to "
      "prod.events.listening_v4)",
      "documentation of prod.events.listening_v3 may describe what changed (user_id is renamed to "
      "account_id)"}},
    {"markdown_not_about_the_dataset", "README.md", "The users table has user_id and ts.\n", {}},
    // A view of an app that names the dataset: the dropped field shown or posted goes to review;
    // headings and routes naming the table, and renamed fields (still the same view attribute), do not.
    {"view_showing_a_dropped_field",
     "src/main/resources/templates/plays.html",
     "<h2>Recent listening_v3 plays</h2>\n<td th:text=\"${play.legacy_flag}\"></td>\n"
     "<td th:text=\"${play.user_id}\"></td>\n<a href=\"/listening_v3/new\">add</a>\n",
     {"view or request plan names legacy_flag, which prod.events.listening_v3 drops"}},
    {"request_plan_posting_a_dropped_field",
     "src/test/jmeter/plan.jmx",
     "<stringProp name=\"HTTPSampler.path\">/listening_v3/new</stringProp>\n"
     "<stringProp name=\"Argument.name\">legacy_flag</stringProp>\n",
     {"view or request plan names legacy_flag"}},
    {"view_not_about_the_dataset", "web/index.html", "<meta name=\"legacy_flag\">\n", {}},
    // An allow-list that already lists the new location: the move is prepared, nothing to review.
    {"list_already_naming_the_new_location",
     "tools/allowed_tables.txt",
     "# Tables we may read\nprod.events.listening_v3\nprod.events.listening_v4\nprod.crm.users\n",
     {}},
    // Naming both locations silences only the location; a changed field is still reviewed.
    {"doc_naming_both_locations_still_reviews_fields",
     "docs/move.md",
     "Moved from prod.events.listening_v3 to prod.events.listening_v4.\nuser_id is the listener.\n",
     {"(user_id is renamed to account_id)"}},
    {"csv_named_after_the_dataset",
     "data/listening_v3_sample.csv",
     "user_id,track_id,\"legacy_flag\"\n1,2,true\n",
     {"sample data has column user_id", "sample data has column legacy_flag"}},
    {"csv_with_two_changed_fields",
     "tests/data/plays.csv",
     "ts,user_id,track_id\n1,2,3\n",
     {"sample data has column ts", "sample data has column user_id"}},
    {"csv_with_one_common_field_unrelated", "tests/data/users.csv", "user_id,name\n1,a\n", {}},
    {"tsv_header", "seeds/listening_events.tsv", "track_id\tlegacy_flag\n1\tfalse\n", {"column legacy_flag"}},
};

INSTANTIATE_TEST_SUITE_P(Text, TextTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// A path-located dataset: storage paths in strings are reviewed or moved; URL routes are not
// storage and are left without review.
TEST(TextLocation, RoutesAreNotStorage) {
  ChangeSet cs = spec_changes();
  auto r = migrate_file("src/Api.java",
                        "String plays = spark.table(\"prod.events.listening_v3\").toString();\n"
                        "@GetMapping(\"/api/listening_v3/{id}\") String a;\n"
                        "@GetMapping(\"/listening_v3/:id\") String b;\n"
                        "String url = \"https://host/listening_v3\";\n"
                        "String path = \"/data/lake/listening_v3/\";\n",
                        cs);
  ASSERT_EQ(r.review.size(), 1u) << testing::review_lines(r);
  EXPECT_EQ(r.review[0].line, 5);
  EXPECT_NE(r.review[0].message.find("path segment listening_v3 may be the storage"), std::string::npos);
}

// migrate_tree lists the files that name the dataset, with the line of the first mention, also
// when nothing in them changes: the agent never claims "no changes" for them.
TEST(TreeMentions, ListsFilesNamingTheDataset) {
  testing::TempDir dir;
  auto write = [&](const std::string& rel, const std::string& text) {
    std::filesystem::create_directories((dir.path() / rel).parent_path());
    std::ofstream(dir.path() / rel) << text;
  };
  write("jobs/a.py", "import x\n# reads listening_v3 rows by position\nrows = read('listening_v3')\n");
  write("jobs/b.py", "df = spark.table('prod.users.users')\n");
  Report report = migrate_tree(dir.path(), "", spec_changes());
  ASSERT_EQ(report.mentions.size(), 1u);
  EXPECT_EQ(report.mentions[0].file, "jobs/a.py");
  EXPECT_EQ(report.mentions[0].line, 2);
  EXPECT_TRUE(report.edits.empty());
}

}  // namespace
}  // namespace shepherd::rewrite
