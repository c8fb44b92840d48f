// Realistic consumer repository (dbt, PySpark, Airflow, Scala, Java, YAML/JSON, Avro) migrated
// with migrate_tree and compared file by file with fixtures/expected, review with
// fixtures/expected-review.txt. Decoys (other tables, comments, longer identifiers) must survive.
// SHEPHERD_REWRITE_UPDATE_FIXTURES=1 rewrites the expectations (review the diff before committing).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "changes.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace shepherd::rewrite {
namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string review_text(const Report& r) {
  std::string out;
  for (const auto& item : r.review)
    out += item.file + ":" + std::to_string(item.line) + ": " + item.message + "\n";
  return out;
}

TEST(Fixtures, ConsumerRepositoryMigratesExactly) {
  const fs::path fixtures = SHEPHERD_REWRITE_FIXTURES;
  testing::TempDir tmp;
  fs::copy(fixtures / "consumer", tmp.path() / "repo", fs::copy_options::recursive);
  auto report = migrate_tree(tmp.path() / "repo", "", testing::spec_changes());

  bool update = std::getenv("SHEPHERD_REWRITE_UPDATE_FIXTURES") != nullptr;
  if (update) {
    fs::remove_all(fixtures / "expected");
    fs::copy(tmp.path() / "repo", fixtures / "expected", fs::copy_options::recursive);
    std::ofstream(fixtures / "expected-review.txt", std::ios::binary) << review_text(report);
  }
  int compared = 0;
  for (const auto& e : fs::recursive_directory_iterator(fixtures / "expected")) {
    if (!e.is_regular_file()) continue;
    auto rel = fs::relative(e.path(), fixtures / "expected");
    EXPECT_EQ(slurp(tmp.path() / "repo" / rel), slurp(e.path())) << rel;
    ++compared;
  }
  EXPECT_EQ(compared, 13);
  EXPECT_EQ(review_text(report), slurp(fixtures / "expected-review.txt"));
  EXPECT_EQ(report.files_scanned, 13);
  EXPECT_TRUE(report.skipped.empty());
  // Every edit is recorded against the file it changed, in file order.
  for (std::size_t i = 1; i < report.edits.size(); ++i)
    EXPECT_LE(report.edits[i - 1].file, report.edits[i].file);
}

TEST(Fixtures, EveryDroppedFieldUseIsReviewed) {
  const fs::path fixtures = SHEPHERD_REWRITE_FIXTURES;
  std::string review = slurp(fixtures / "expected-review.txt");
  // Each file that reads legacy_flag from the dataset has it listed.
  for (const char* file :
       {"dbt/models/staging/stg_listening.sql", "dbt/models/sources.yml", "dbt/models/schema.yml",
        "jobs/daily_job.py", "scala/src/main/scala/Sessions.scala", "java/src/main/java/PlaysDao.java",
        "config/pipeline.yaml", "schemas/listening_event.avsc"})
    EXPECT_NE(review.find(std::string(file) + ":"), std::string::npos) << file;
}

}  // namespace
}  // namespace shepherd::rewrite
