// Secrets never survive redaction: URL userinfo and registered secret values.
#include "agent/redact.h"

#include <gtest/gtest.h>

namespace shepherd::agent {
namespace {

TEST(RedactUrls, StripsUserinfo) {
  EXPECT_EQ(redact_urls("https://x-access-token:ghp_SECRET@github.com/o/r.git"),
            "https://***@github.com/o/r.git");
  EXPECT_EQ(redact_urls("fatal: could not read from 'https://tok@h/x' (x)"),
            "fatal: could not read from 'https://***@h/x' (x)");
  EXPECT_EQ(redact_urls("ssh://git@host:22/r.git"), "ssh://***@host:22/r.git");
  EXPECT_EQ(redact_urls("two http://a:b@h1/ and https://c@h2"), "two http://***@h1/ and https://***@h2");
}

TEST(RedactUrls, LeavesOrdinaryTextAlone) {
  for (const std::string s : {"https://github.com/o/r.git", "mail me at a@b.c", "git@github.com:o/r.git",
                              "no url here", "://@", "https://host/path@v2"}) {
    EXPECT_EQ(redact_urls(s), s);
  }
}

TEST(Redactor, ReplacesEverySecretOccurrence) {
  Redactor r;
  r.add_secret("s3cr3t-token\n");
  r.add_secret("ab");  // too short to be a secret worth redacting; ignored
  EXPECT_EQ(r("token=s3cr3t-token and again s3cr3t-token"), "token=*** and again ***");
  EXPECT_EQ(r("about ab"), "about ab");
  EXPECT_EQ(r("https://u:s3cr3t-token@h/"), "https://***@h/");
}

}  // namespace
}  // namespace shepherd::agent
