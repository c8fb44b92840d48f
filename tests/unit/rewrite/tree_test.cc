// migrate_tree safety: symlinks are not followed, binary/huge/invalid UTF-8 files are skipped and
// recorded, nothing outside the root is written (not even through a hard link), subpaths are
// confined, order is deterministic.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "changes.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace shepherd::rewrite {
namespace {

void put(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::string get(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string reason(const Report& r, const std::string& file) {
  for (const auto& s : r.skipped)
    if (s.file == file) return s.reason;
  return "";
}

const std::string kSql = "SELECT user_id FROM prod.events.listening_v3\n";
const std::string kNew = "SELECT account_id FROM prod.events.listening_v4\n";

TEST(Tree, RewritesInPlaceAndSkipsWhatItMustNot) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo", outside = tmp.path() / "outside";
  put(repo / "a.sql", kSql);
  put(repo / "bin.sql", std::string("SELECT user_id\0FROM prod.events.listening_v3", 45));
  put(repo / "latin1.sql", "-- caf\xe9\n" + kSql);
  put(repo / "big.sql", kSql + std::string(2000, ' '));
  put(repo / "README.md", kSql);  // not a language the engine rewrites
  put(repo / ".git" / "x.sql", kSql);
  put(outside / "secret.sql", kSql);
  fs::create_symlink(outside / "secret.sql", repo / "link.sql");
  fs::create_directory_symlink(outside, repo / "linkdir");
  fs::create_symlink(repo / "a.sql", repo / "inner_link.sql");

  Limits limits;
  limits.max_file_bytes = 1000;
  auto r = migrate_tree(repo, "", testing::spec_changes(), limits);

  EXPECT_EQ(get(repo / "a.sql"), kNew);
  EXPECT_EQ(get(outside / "secret.sql"), kSql);
  EXPECT_EQ(get(repo / ".git" / "x.sql"), kSql);
  EXPECT_EQ(get(repo / "README.md"), kSql);
  EXPECT_TRUE(fs::is_symlink(repo / "inner_link.sql"));
  EXPECT_EQ(reason(r, "bin.sql"), "binary");
  EXPECT_EQ(reason(r, "latin1.sql"), "invalid UTF-8");
  EXPECT_EQ(reason(r, "big.sql").rfind("too large", 0), 0u);
  EXPECT_EQ(reason(r, "link.sql"), "symlink leaves the repository (not followed)");
  EXPECT_EQ(reason(r, "linkdir"), "symlink leaves the repository (not followed)");
  EXPECT_EQ(reason(r, "inner_link.sql"), "");
  EXPECT_EQ(r.files_scanned, 2);  // a.sql, and README.md (docs are read for review, never edited)
  EXPECT_EQ(r.files_changed, 1);
  ASSERT_EQ(r.edits.size(), 2u);
  EXPECT_EQ(r.edits[0].file, "a.sql");
  for (const auto& e : fs::recursive_directory_iterator(repo))
    EXPECT_EQ(e.path().string().find(".shepherd-tmp"), std::string::npos);
}

TEST(Tree, SubpathIsConfined) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  put(repo / "jobs" / "a.sql", kSql);
  put(repo / "other" / "b.sql", kSql);
  put(tmp.path() / "c.sql", kSql);
  fs::create_directory_symlink(tmp.path(), repo / "up");

  auto r = migrate_tree(repo, "jobs/", testing::spec_changes());
  EXPECT_EQ(get(repo / "jobs" / "a.sql"), kNew);
  EXPECT_EQ(get(repo / "other" / "b.sql"), kSql);
  EXPECT_EQ(r.edits.at(0).file, "jobs/a.sql");

  auto escape = migrate_tree(repo, "../", testing::spec_changes());
  EXPECT_EQ(escape.files_scanned, 0);
  EXPECT_EQ(reason(escape, "../"), "path leaves the repository");
  auto via_link = migrate_tree(repo, "up", testing::spec_changes());
  EXPECT_EQ(via_link.files_scanned, 0);
  EXPECT_EQ(reason(via_link, "up"), "path is a symlink (not followed)");
  EXPECT_EQ(get(tmp.path() / "c.sql"), kSql);
  auto missing = migrate_tree(repo, "nope", testing::spec_changes());
  EXPECT_EQ(reason(missing, "nope"), "path does not exist");
}

TEST(Tree, DeterministicOrderAndPreservedBytesAndMode) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  for (const char* name : {"z.sql", "b/y.sql", "a.sql", "B.sql", "b/a.py"})
    put(repo / name,
        name == std::string("b/a.py") ? "df = spark.table('prod.events.listening_v3')\r\n" : kSql);
  put(repo / "crlf.sql", "SELECT\r\n\tuser_id -- \xe2\x9c\x93\r\nFROM prod.events.listening_v3\r\n");
  fs::permissions(repo / "z.sql", fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec);

  auto r = migrate_tree(repo, "", testing::spec_changes());
  std::vector<std::string> files;
  for (const auto& e : r.edits)
    if (files.empty() || files.back() != e.file) files.push_back(e.file);
  EXPECT_EQ(files, (std::vector<std::string>{"B.sql", "a.sql", "b/a.py", "b/y.sql", "crlf.sql", "z.sql"}));
  EXPECT_EQ(get(repo / "crlf.sql"),
            "SELECT\r\n\taccount_id -- \xe2\x9c\x93\r\nFROM prod.events.listening_v4\r\n");
  EXPECT_EQ(get(repo / "b" / "a.py"), "df = spark.table('prod.events.listening_v4')\r\n");
  EXPECT_TRUE((fs::status(repo / "z.sql").permissions() & fs::perms::owner_exec) != fs::perms::none);

  // A second run finds nothing left to do.
  auto again = migrate_tree(repo, "", testing::spec_changes());
  EXPECT_EQ(again.files_changed, 0);
  EXPECT_TRUE(again.edits.empty());
}

TEST(Tree, WritesInPlaceTruncatesAndNeverThroughAHardLink) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo", outside = tmp.path() / "outside";
  // A rename to a shorter name: the file shrinks and must not keep a stale tail.
  ChangeSet shorter = testing::spec_changes();
  shorter.changes = {shorter.changes[0]};
  shorter.changes[0].to = "uid";
  const std::string long_sql = "SELECT user_id, user_id FROM prod.events.listening_v3\n-- tail\n";
  put(repo / "a.sql", long_sql);
  put(repo / "b.sql", long_sql);
  // A second name of b.sql outside the repository: writing b.sql in place would change it too.
  fs::create_directories(outside);
  fs::create_hard_link(repo / "b.sql", outside / "b.sql");
  struct stat before {};
  ASSERT_EQ(::stat((repo / "a.sql").c_str(), &before), 0);

  auto r = migrate_tree(repo, "", shorter);
  EXPECT_EQ(r.files_changed, 2);
  const std::string expected = "SELECT uid, uid FROM prod.events.listening_v4\n-- tail\n";
  EXPECT_EQ(get(repo / "a.sql"), expected);
  EXPECT_EQ(get(repo / "b.sql"), expected);
  EXPECT_EQ(get(outside / "b.sql"), long_sql);
  struct stat after {};
  ASSERT_EQ(::stat((repo / "a.sql").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(fs::hard_link_count(repo / "b.sql"), 1u);
  for (const auto& e : fs::recursive_directory_iterator(repo))
    EXPECT_EQ(e.path().string().find(".shepherd-tmp"), std::string::npos);
}

TEST(Tree, LimitsStopTheScan) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  for (int i = 0; i < 5; ++i) put(repo / ("f" + std::to_string(i) + ".sql"), kSql);
  Limits limits;
  limits.max_files = 2;
  auto r = migrate_tree(repo, "", testing::spec_changes(), limits);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.files_scanned, 2);
  EXPECT_EQ(get(repo / "f4.sql"), kSql);
}

TEST(Tree, EmptyFileAndMissingRoot) {
  testing::TempDir tmp;
  put(tmp.path() / "empty.sql", "");
  auto r = migrate_tree(tmp.path(), "", testing::spec_changes());
  EXPECT_EQ(r.files_scanned, 1);
  EXPECT_EQ(r.files_changed, 0);
  auto missing = migrate_tree(tmp.path() / "absent", "", testing::spec_changes());
  EXPECT_EQ(missing.files_scanned, 0);
  ASSERT_EQ(missing.skipped.size(), 1u);
}

// A dbt source whose name is not its schema and whose table has an identifier: the tree's
// sources.yml says which source() is the dataset, wherever the model sits in the walk order.
TEST(Tree, DbtSourcesYmlDeclaresTheDatasetUnderAnotherName) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  put(repo / "models" / "a_staging" / "stg_plays.sql", "select user_id from {{ source('raw', 'plays') }}\n");
  put(repo / "models" / "b_marts" / "daily.sql", "select user_id from {{ ref('stg_plays') }}\n");
  put(repo / "models" / "z_sources.yml",
      "sources:\n  - name: raw\n    schema: events\n    tables:\n      - name: plays\n"
      "        identifier: listening_v3\n");
  auto r = migrate_tree(repo, "", testing::spec_changes());
  EXPECT_EQ(get(repo / "models" / "a_staging" / "stg_plays.sql"),
            "select account_id AS user_id from {{ source('raw', 'plays') }}\n");
  EXPECT_EQ(get(repo / "models" / "b_marts" / "daily.sql"), "select user_id from {{ ref('stg_plays') }}\n");
  EXPECT_EQ(get(repo / "models" / "z_sources.yml"),
            "sources:\n  - name: raw\n    schema: events\n    tables:\n      - name: plays\n"
            "        identifier: listening_v4\n");
}

// A seed read through ref() (dbt's jaffle_shop reads its raw tables this way): the seed is named
// like the dataset's table and no model of the tree is, so the ref is the dataset.
TEST(Tree, DbtRefOfSeedNamedLikeTheTable) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  put(repo / "seeds" / "listening_v3.csv", "user_id,track_id\n1,2\n");
  put(repo / "models" / "stg_plays.sql", "select user_id as listener from {{ ref('listening_v3') }}\n");
  put(repo / "models" / "marts" / "listeners.sql", "select listener, user_id from {{ ref('stg_plays') }}\n");
  auto cs = testing::spec_changes();
  cs.dataset.to.location = cs.dataset.from.location;
  auto r = migrate_tree(repo, "", cs);
  EXPECT_EQ(get(repo / "models" / "stg_plays.sql"),
            "select account_id as listener from {{ ref('listening_v3') }}\n");
  EXPECT_EQ(get(repo / "models" / "marts" / "listeners.sql"),
            "select listener, user_id from {{ ref('stg_plays') }}\n");
}

// A staging model reads the dataset through a `select *` CTE and names its columns in a second CTE
// (the shape of dbt's jaffle_shop and of many staging models). The rename is aliased back where the
// column is read from the dataset, so the model's output keeps its name and the model downstream,
// its schema.yml column and tests are left alone. The dropped field is reviewed where it is named
// and where the downstream model reads it through ref(); the final `select *` adds nothing.
TEST(Tree, DbtStagingModelAliasesRenamesBackAndLeavesDownstreamAlone) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  put(repo / "models" / "staging" / "stg_plays.sql",
      "with source as (\n    select * from {{ source('events', 'listening_v3') }}\n),\n\n"
      "renamed as (\n    select\n        user_id,\n        track_id,\n        legacy_flag\n"
      "    from source\n    where user_id is not null\n)\n\nselect * from renamed\n");
  put(repo / "models" / "marts" / "per_user.sql",
      "select user_id, legacy_flag, count(*) as plays\nfrom {{ ref('stg_plays') }}\ngroup by user_id, "
      "legacy_flag\n");
  const std::string schema =
      "version: 2\nmodels:\n  - name: stg_plays\n    columns:\n      - name: user_id\n        tests: "
      "[not_null]\n  - name: per_user\n    columns:\n      - name: user_id\n";
  put(repo / "models" / "schema.yml", schema);
  auto cs = testing::spec_changes();
  cs.dataset.to.location = cs.dataset.from.location;
  auto r = migrate_tree(repo, "", cs);
  EXPECT_EQ(get(repo / "models" / "staging" / "stg_plays.sql"),
            "with source as (\n    select * from {{ source('events', 'listening_v3') }}\n),\n\n"
            "renamed as (\n    select\n        account_id AS user_id,\n        track_id,\n        "
            "legacy_flag\n    from source\n    where account_id is not null\n)\n\nselect * from renamed\n");
  EXPECT_EQ(get(repo / "models" / "marts" / "per_user.sql"),
            "select user_id, legacy_flag, count(*) as plays\nfrom {{ ref('stg_plays') }}\ngroup by user_id, "
            "legacy_flag\n");
  EXPECT_EQ(get(repo / "models" / "schema.yml"), schema);
  std::string review;
  for (const auto& item : r.review)
    review += item.file + ":" + std::to_string(item.line) + ": " + item.message + "\n";
  EXPECT_EQ(review,
            "models/marts/per_user.sql:1: reads dropped field legacy_flag\n"
            "models/marts/per_user.sql:3: reads dropped field legacy_flag\n"
            "models/staging/stg_plays.sql:9: reads dropped field legacy_flag\n");
}

// A Glue job joins the dataset with a table whose CREATE TABLE is in the tree: a changed field that
// table does not have can only be the dataset's, so the SQL node over the joined frame and the
// DropFields after it are rewritten; a field both tables have (user_id, with users' DDL) stays in
// review.
TEST(Tree, GlueJoinWithATableOfKnownColumns) {
  testing::TempDir tmp;
  auto repo = tmp.path() / "repo";
  put(repo / "ddl" / "users.sql",
      "CREATE EXTERNAL TABLE IF NOT EXISTS `crm`.`users` (\n  `id` bigint,\n  `country` string\n)\nLOCATION "
      "'s3://crm/users/';\n");
  put(repo / "ddl" / "accounts.sql", "CREATE TABLE crm.accounts (user_id bigint, PRIMARY KEY (user_id));\n");
  const std::string head =
      "plays = glueContext.create_dynamic_frame.from_catalog(database='events', table_name='listening_v3')\n";
  put(repo / "jobs" / "known.py",
      head +
          "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
          "j = Join.apply(frame1=plays, frame2=users, keys1=['user_id'], keys2=['id'])\n"
          "q = 'select * from src where legacy_flag = 0 and user_id > 0'\n"
          "f = sparkSqlQuery(glueContext, query=q, mapping={'src': j}, transformation_ctx='f')\n"
          "d = DropFields.apply(frame=f, paths=['user_id', 'country'])\n");
  put(repo / "jobs" / "shared.py",
      head +
          "acc = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='accounts')\n"
          "j = Join.apply(frame1=plays, frame2=acc, keys1=['track_id'], keys2=['id'])\n"
          "d = DropFields.apply(frame=j, paths=['user_id'])\n");
  auto cs = testing::spec_changes();
  cs.dataset.to.location = cs.dataset.from.location;
  auto r = migrate_tree(repo, "", cs);
  EXPECT_EQ(get(repo / "jobs" / "known.py"),
            head +
                "users = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='users')\n"
                "j = Join.apply(frame1=plays, frame2=users, keys1=['account_id'], keys2=['id'])\n"
                "q = 'select * from src where legacy_flag = 0 and account_id > 0'\n"
                "f = sparkSqlQuery(glueContext, query=q, mapping={'src': j}, transformation_ctx='f')\n"
                "d = DropFields.apply(frame=f, paths=['account_id', 'country'])\n");
  EXPECT_EQ(get(repo / "jobs" / "shared.py"),
            head +
                "acc = glueContext.create_dynamic_frame.from_catalog(database='crm', table_name='accounts')\n"
                "j = Join.apply(frame1=plays, frame2=acc, keys1=['track_id'], keys2=['id'])\n"
                "d = DropFields.apply(frame=j, paths=['user_id'])\n");
  std::string review;
  for (const auto& item : r.review)
    review += item.file + ":" + std::to_string(item.line) + ": " + item.message + "\n";
  EXPECT_NE(review.find("jobs/known.py:4: reads dropped field legacy_flag"), std::string::npos) << review;
  EXPECT_NE(review.find("jobs/shared.py:4: cannot tell whether user_id is read from"), std::string::npos)
      << review;
}

}  // namespace
}  // namespace shepherd::rewrite
