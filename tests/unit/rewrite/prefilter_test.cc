// The pre-check that spares files which cannot change: the case-insensitive search it relies on
// (block-wise, so lengths and offsets around block edges matter), and that a table name spelled in
// mixed case is not missed.
#include "rewrite/prefilter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "changes.h"

namespace shepherd::rewrite {
namespace {

bool naive(std::string_view hay, std::string_view needle) {
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (needle.empty() || needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && fold(hay[i + k]) == fold(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

TEST(Prefilter, ContainsIgnoringCase) {
  EXPECT_TRUE(contains_ignoring_case("FROM Prod.Events.Listening_V3 x", "listening_v3"));
  EXPECT_TRUE(contains_ignoring_case("listening_v3", "LISTENING_V3"));
  EXPECT_FALSE(contains_ignoring_case("listening_v", "listening_v3"));
  EXPECT_FALSE(contains_ignoring_case("anything", ""));
  EXPECT_FALSE(contains_ignoring_case("", "x"));
  // Bytes that setting 0x20 maps onto the needle's letters ('@' -> '`', 'L' ^ 0x20 = 'l' only).
  EXPECT_FALSE(contains_ignoring_case(std::string(40, '@') + "isteninG_v3", "listening_v3"));
  EXPECT_FALSE(contains_ignoring_case(std::string(40, ',') + "listening_v3", "lis,ening_v3"));
  EXPECT_FALSE(
      contains_ignoring_case("\x0c"
                             "istening_v\x13",
                             "listening_v3"));
  // At every offset around the 16- and 32-byte blocks, and at the very end.
  const std::string needle = "Listening_V3";
  for (std::size_t len = 0; len < 80; ++len) {
    for (std::size_t at = 0; at + needle.size() <= len; ++at) {
      std::string hay(len, 'x');
      hay.replace(at, needle.size(), "lIsTeNiNg_v3");
      ASSERT_TRUE(contains_ignoring_case(hay, needle)) << len << " " << at;
      hay[at + needle.size() - 1] = '4';
      ASSERT_FALSE(contains_ignoring_case(hay, needle)) << len << " " << at;
    }
  }
  // Random text over a small alphabet (many partial matches) agrees with a plain search.
  std::mt19937 rng(7);
  const std::string alphabet = "lLiI_3vV";
  for (int round = 0; round < 2000; ++round) {
    std::string hay(rng() % 100, ' '), n(1 + rng() % 5, ' ');
    for (char& c : hay) c = alphabet[rng() % alphabet.size()];
    for (char& c : n) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(contains_ignoring_case(hay, n), naive(hay, n)) << hay << " / " << n;
  }
}

TEST(Prefilter, MixedCaseTableNameIsRewritten) {
  auto r = migrate_file("q.sql", "SELECT user_id FROM Prod.Events.Listening_V3\n", testing::spec_changes());
  EXPECT_EQ(r.content, "SELECT account_id FROM Prod.Events.listening_v4\n");
}

}  // namespace
}  // namespace shepherd::rewrite
