// Containment rules for the coding agent: symlinks must resolve inside the repository, and any
// change to .git state is reported.
#include "agent/containment.h"

#include <gtest/gtest.h>

namespace shepherd::agent {
namespace {

TEST(SymlinkStaysInside, LexicalRules) {
  const std::filesystem::path repo = "/nonexistent-repo-for-test";
  EXPECT_TRUE(symlink_stays_inside(repo, "a/link", "b.txt"));
  EXPECT_TRUE(symlink_stays_inside(repo, "a/link", "../c/d"));
  EXPECT_TRUE(symlink_stays_inside(repo, "link", "/nonexistent-repo-for-test/x"));
  EXPECT_FALSE(symlink_stays_inside(repo, "a/link", "../../etc/passwd"));
  EXPECT_FALSE(symlink_stays_inside(repo, "link", "/etc/passwd"));
  EXPECT_FALSE(symlink_stays_inside(repo, "link", "/nonexistent-repo-for-test-evil/x"));
}

TEST(Violations, ReportsGitChangesAndEscapingLinks) {
  TreeSnapshot before;
  before.git_state = {{"", "dir"}, {"HEAD", "file:ref: refs/heads/main"}, {"hooks", "dir"}};
  before.symlinks = {{"docs/readme", "../README.md"}};
  TreeSnapshot after = before;
  EXPECT_TRUE(violations("/r", before, after).empty());

  after.git_state["HEAD"] = "file:0123";
  after.git_state["hooks/pre-commit"] = "file:evil";
  after.symlinks["leak"] = "/var/run/shepherd/git/token";
  after.workspace_entries = {"stolen"};
  auto v = violations("/r", before, after);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], ".git/HEAD was modified");
  EXPECT_EQ(v[1], ".git/hooks/pre-commit was created");
  EXPECT_EQ(v[2], "symlink leak -> /var/run/shepherd/git/token points outside the repository");
}

}  // namespace
}  // namespace shepherd::agent
