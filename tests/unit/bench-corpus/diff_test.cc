// The token diff that tells which original words the agent changed and into what.
#include "diff.h"

#include <gtest/gtest.h>

namespace shepherd::corpus {
namespace {

TEST(Diff, ReplacedWord) {
  auto e = edited_words("select order_date,\n  id from t\n", "select ordered_at,\n  id from t\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].line, 1);
  EXPECT_EQ(e[0].column, 8);
  EXPECT_EQ(e[0].before, "order_date");
  EXPECT_EQ(e[0].after, "ordered_at");
}

// An insertion between two kept words touches both; only tracked words are scored, so the
// neighbour (`select`) is reported too but never counted.
TEST(Diff, AliasBackAndWrapAreEditsOfTheWord) {
  auto e = edited_words("select order_date, id\n", "select ordered_at as order_date, id\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].before, "select");
  EXPECT_EQ(e[1].before, "order_date");
  EXPECT_EQ(e[1].column, 8);
  EXPECT_EQ(e[1].after, "ordered_at as order_date");
  e = edited_words("select ts\nfrom t\n", "select UNIX_MILLIS(ts) AS ts\nfrom t\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].before, "ts");
  EXPECT_EQ(normalize(e[1].after), "unix_millis(ts) as ts");
}

TEST(Diff, WhitespaceIsNotAnEditAndUnchangedFilesHaveNone) {
  EXPECT_TRUE(edited_words("a  b\nc", "a b\n  c").empty());
  EXPECT_TRUE(edited_words("x", "x").empty());
}

TEST(Diff, ManyChangesFarApartAndADeletion) {
  std::string before, after;
  for (int i = 0; i < 500; ++i) {
    before += "select status, id from orders;\n";
    after += i % 100 == 0 ? "select id from orders_v2;\n" : "select status, id from orders;\n";
  }
  auto e = edited_words(before, after);
  ASSERT_EQ(e.size(), 10u);  // per changed line: status deleted, orders replaced
  EXPECT_EQ(e[0].before, "status");
  EXPECT_EQ(e[0].after, "");
  EXPECT_EQ(e[1].before, "orders");
  EXPECT_EQ(e[1].after, "orders_v2");
  EXPECT_EQ(e[9].line, 401);
}

TEST(Diff, ACostAboveTheBoundMakesTheMiddleOneChange) {
  auto e = edited_words("a b c d\n", "w x y z\n", 2);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].after, "w x y z");
}

TEST(Diff, NormalizeCollapsesSpaceAndCase) {
  EXPECT_EQ(normalize("  Ordered_At\n  AS  x "), "ordered_at as x");
}

}  // namespace
}  // namespace shepherd::corpus
