// argv and command building: git's fixed options, shell quoting of GIT_SSH_COMMAND paths, forge
// project names from clone URLs, the diff ConfigMap body and its truncation.
#include <gtest/gtest.h>

#include "agent/credentials.h"
#include "agent/diff_store.h"
#include "agent/forge.h"
#include "agent/git.h"
#include "agent/http.h"

namespace shepherd::agent {
namespace {

bool has_pair(const std::vector<std::string>& argv, const std::string& a, const std::string& b) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == a && argv[i + 1] == b) return true;
  }
  return false;
}

TEST(GitArgv, DisablesHooksAndCredentialHelpers) {
  auto argv = git_base_argv("/workspace/run/repo");
  ASSERT_GE(argv.size(), 3u);
  EXPECT_EQ(argv[0], "git");
  EXPECT_TRUE(has_pair(argv, "-C", "/workspace/run/repo"));
  EXPECT_TRUE(has_pair(argv, "-c", "core.hooksPath=/dev/null"));
  EXPECT_TRUE(has_pair(argv, "-c", "credential.helper="));
}

TEST(ShellQuote, QuotesEverythingAShellWouldInterpret) {
  EXPECT_EQ(shell_quote("/var/run/key"), "'/var/run/key'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$(rm -rf /) `x` ; y"), "'$(rm -rf /) `x` ; y'");
}

TEST(SshCommand, UsesKeyAndPinnedHosts) {
  std::string cmd = ssh_command("/ws/a b/id", "/ws/a b/known_hosts", "/ws/a b");
  EXPECT_NE(cmd.find("-i '/ws/a b/id'"), std::string::npos) << cmd;
  EXPECT_NE(cmd.find("StrictHostKeyChecking=yes -o UserKnownHostsFile='/ws/a b/known_hosts'"),
            std::string::npos);
  EXPECT_NE(cmd.find("BatchMode=yes"), std::string::npos);
  std::string tofu = ssh_command("/k", "", "/p");
  EXPECT_NE(tofu.find("StrictHostKeyChecking=accept-new -o UserKnownHostsFile='/p/known_hosts'"),
            std::string::npos);
}

TEST(ProjectFromUrl, AllCloneUrlForms) {
  EXPECT_EQ(project_from_url("https://github.com/acme/pipeline.git"), "acme/pipeline");
  EXPECT_EQ(project_from_url("https://gitlab.example.com/group/sub/project"), "group/sub/project");
  EXPECT_EQ(project_from_url("ssh://git@github.com/acme/pipeline.git"), "acme/pipeline");
  EXPECT_EQ(project_from_url("git@github.com:acme/pipeline.git"), "acme/pipeline");
}

TEST(UrlEncode, EncodesGitLabProjectPaths) {
  EXPECT_EQ(url_encode("group/sub project"), "group%2Fsub%20project");
  EXPECT_EQ(url_encode("acme:shepherd/plan-1"), "acme%3Ashepherd%2Fplan-1");
}

TEST(DiffConfigMap, CarriesDiffOwnerAndSize) {
  Task t;
  t.namespace_ = "data";
  t.plan = "p";
  t.consumer.name = "recs";
  t.diff.config_map = "recs-diff";
  t.diff.owner = OwnerRef{"shepherd.dev/v1alpha1", "ConsumerMigration", "recs", "uid-1"};
  auto cm =
      diff_config_map(t, "diff --git a/x b/x\n", {{"a.sql", 3, "reads ts"}, {"README.md", 0, "two\nlines"}});
  EXPECT_EQ(cm["metadata"]["name"], "recs-diff");
  EXPECT_EQ(cm["metadata"]["namespace"], "data");
  EXPECT_EQ(cm["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ(cm["data"]["diff"], "diff --git a/x b/x\n");
  EXPECT_EQ(cm["data"]["bytes"], "19");
  EXPECT_EQ(cm["data"]["truncated"], "false");
  EXPECT_EQ(cm["data"]["review"], "a.sql:3: reads ts\nREADME.md: two lines\n");
  EXPECT_EQ(cm["data"]["reviewCount"], "2");
}

TEST(DiffConfigMap, LongReviewListIsKeptAndTheDiffMakesRoom) {
  Task t;
  t.diff.config_map = "recs-diff";
  std::vector<ReviewItem> review;
  for (int i = 0; i < 3000; ++i)
    review.push_back({"models/m" + std::to_string(i) + ".sql", i + 1, std::string(60, 'r')});
  const std::string text = review_text(review);
  ASSERT_GT(text.size(), 200u * 1024);
  ASSERT_LT(text.size(), kMaxStoredReviewBytes);
  const std::string diff(kMaxStoredDiffBytes + 1000, '\n');
  auto cm = diff_config_map(t, diff, review);
  EXPECT_EQ(cm["data"]["review"], text);  // every place, nothing cut
  EXPECT_EQ(cm["data"]["reviewCount"], "3000");
  EXPECT_EQ(cm["data"]["truncated"], "true");
  const std::size_t stored = cm["data"]["diff"].get<std::string>().size() + text.size();
  EXPECT_LE(stored, kMaxStoredBytes + 200);  // under a ConfigMap's 1 MiB
  EXPECT_EQ(cm["data"]["bytes"], std::to_string(diff.size()));
}

TEST(StoredDiff, CutsHugeDiffAtALineAndMarksIt) {
  std::string line(99, 'x');
  line += '\n';
  std::string diff;
  while (diff.size() < 2 * kMaxStoredDiffBytes) diff += line;
  bool truncated = false;
  std::string stored = stored_diff(diff, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_LE(stored.size(), kMaxStoredDiffBytes + 200);
  EXPECT_NE(stored.find("# shepherd: diff truncated after "), std::string::npos);
  EXPECT_EQ(stored.substr(stored.find("# shepherd") - 1, 1), "\n");
  EXPECT_EQ(stored_diff("small\n", &truncated), "small\n");
  EXPECT_FALSE(truncated);
}

}  // namespace
}  // namespace shepherd::agent
