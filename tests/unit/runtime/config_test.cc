// Kubeconfig parsing: contexts, data vs files (relative paths), tokens, and broken files whose
// errors must name the file and the field.
#include "runtime/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace shepherd::runtime {
namespace {
namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rt-kubeconfig-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "certs");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& rel, const std::string& content) {
    std::ofstream(dir_ / rel) << content;
    return (dir_ / rel).string();
  }
  fs::path dir_;
};

const char* kTwoContexts = R"(
apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: Q0EtUEVN
- name: c2
  cluster:
    server: https://10.0.0.1:443
    certificate-authority: certs/ca.crt
    insecure-skip-tls-verify: true
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: team-a}
- name: two
  context: {cluster: c2, user: u2}
users:
- name: u1
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
- name: u2
  user:
    tokenFile: token.txt
)";

TEST_F(KubeconfigTest, CurrentContextWithInlineData) {
  const std::string path = write("config", kTwoContexts);
  write("certs/ca.crt", "CA-FILE");
  write("token.txt", "tok-123\n");
  auto c = load_kubeconfig(path);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value().server, "https://127.0.0.1:6443");
  EXPECT_EQ(c.value().ca_pem, "CA-PEM");
  EXPECT_EQ(c.value().client_cert_pem, "CERT");
  EXPECT_EQ(c.value().client_key_pem, "KEY");
  EXPECT_EQ(c.value().namespace_name, "team-a");
  EXPECT_FALSE(c.value().insecure_skip_tls_verify);
  EXPECT_EQ(c.value().token, nullptr);
}

TEST_F(KubeconfigTest, NamedContextWithRelativeFilesAndTokenFile) {
  const std::string path = write("config", kTwoContexts);
  write("certs/ca.crt", "CA-FILE");
  write("token.txt", "tok-123\n");
  auto c = load_kubeconfig(path, "two");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value().server, "https://10.0.0.1:443");
  EXPECT_EQ(c.value().ca_pem, "CA-FILE");
  EXPECT_TRUE(c.value().insecure_skip_tls_verify);
  EXPECT_EQ(c.value().namespace_name, "default");
  ASSERT_NE(c.value().token, nullptr);
  EXPECT_EQ(c.value().token->token(), "tok-123");
}

struct Broken {
  const char* name;
  std::string yaml;
  std::string expect_field;
};

TEST_F(KubeconfigTest, BrokenFilesNameFileAndField) {
  const std::vector<Broken> cases = {
      {"not yaml", "a: [b", "(document)"},
      {"no current context", "clusters: []\n", "current-context"},
      {"unknown context", "current-context: x\ncontexts: []\n", "contexts[x]"},
      {"unknown cluster",
       "current-context: x\ncontexts: [{name: x, context: {cluster: nope}}]\nclusters: []\n",
       "clusters[nope]"},
      {"no server",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {}}]\n",
       "clusters[c].cluster.server"},
      {"bad scheme",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: ftp://x}}]\n",
       "clusters[c].cluster.server"},
      {"bad base64",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: '@@@'}}]\n",
       "clusters[c].cluster.certificate-authority-data"},
      {"missing ca file",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority: nope.crt}}]\n",
       "clusters[c].cluster.certificate-authority"},
      {"unknown user",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://x'}}]\nusers: []\n",
       "users[u]"},
      {"cert without key",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
       "users: [{name: u, user: {client-certificate-data: Q0VSVA==}}]\n",
       "users[u].user"},
      {"missing token file",
       "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
       "users: [{name: u, user: {tokenFile: /nonexistent/token}}]\n",
       "users[u].user.tokenFile"},
  };
  for (const auto& b : cases) {
    const std::string path = write("broken", b.yaml);
    auto c = load_kubeconfig(path);
    ASSERT_FALSE(c.ok()) << b.name;
    EXPECT_NE(c.error().find(path), std::string::npos) << b.name << ": " << c.error();
    EXPECT_NE(c.error().find(b.expect_field), std::string::npos) << b.name << ": " << c.error();
  }
}

TEST_F(KubeconfigTest, MissingFileIsNamed) {
  auto c = load_kubeconfig((dir_ / "absent").string());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("absent"), std::string::npos);
}

TEST_F(KubeconfigTest, TokenFileIsReRead) {
  const std::string path = write("tok", "first");
  auto t = TokenSource::from_file(path, std::chrono::seconds(0));
  EXPECT_EQ(t->token(), "first");
  write("tok", "second\n");
  EXPECT_EQ(t->token(), "second");
}

TEST_F(KubeconfigTest, InClusterConfig) {
  fs::create_directories(dir_ / "sa");
  write("sa/token", "sa-token");
  write("sa/ca.crt", "SA-CA");
  write("sa/namespace", "shepherd-system");
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto c = in_cluster_config((dir_ / "sa").string());
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value().server, "https://10.96.0.1:443");
  EXPECT_EQ(c.value().ca_pem, "SA-CA");
  EXPECT_EQ(c.value().namespace_name, "shepherd-system");
  EXPECT_EQ(c.value().token->token(), "sa-token");
  auto missing = in_cluster_config((dir_ / "sa").string());
  EXPECT_FALSE(missing.ok()) << "without the env variables";
}

}  // namespace
}  // namespace shepherd::runtime
