// base/files.h: whole files, bounded reads, missing files.
#include "base/files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace shepherd::base {
namespace {

class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shepherd-files-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ / name, std::ios::binary) << data;
    return dir_ / name;
  }
  std::filesystem::path dir_;
};

TEST_F(Files, ReadsWholeFilesWithAnyBytes) {
  const std::string big(200 * 1024, 'x');
  EXPECT_EQ(read_file(write("big", big)), big);
  EXPECT_EQ(read_file(write("nul", std::string("a\0b\n", 4))), std::string("a\0b\n", 4));
  EXPECT_EQ(read_file(write("empty", "")), std::string());
}

TEST_F(Files, StopsAtTheLimit) {
  const auto p = write("f", std::string(100 * 1024, 'y'));
  EXPECT_EQ(read_file(p, 4096)->size(), 4096u);
  EXPECT_EQ(read_file(p, 0)->size(), 0u);
  EXPECT_EQ(read_file_or_empty(p, 10), std::string(10, 'y'));
}

TEST_F(Files, MissingFilesAreNoValue) {
  EXPECT_FALSE(read_file(dir_ / "absent").has_value());
  EXPECT_EQ(read_file_or_empty(dir_ / "absent"), "");
}

}  // namespace
}  // namespace shepherd::base
