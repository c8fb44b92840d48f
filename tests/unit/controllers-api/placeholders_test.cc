// Placeholder checking (unknown names, unbalanced braces, PromQL braces) and expansion.
#include "controllers/api/placeholders.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

const std::set<std::string> kBranch{"plan", "consumer", "namespace", "dataset"};

TEST(Placeholders, TemplateSyntax) {
  struct Row {
    const char* text;
    const char* error_contains;  // nullptr: valid
  };
  const Row rows[] = {
      {"shepherd/{plan}", nullptr},
      {"shepherd/{plan}/{consumer}", nullptr},
      {"no-placeholders", nullptr},
      {"", nullptr},
      {"shepherd/{ plan }", nullptr},
      {"shepherd/{user}", "unknown placeholder {user}"},
      {"shepherd/{field}", "unknown placeholder {field}"},
      {"shepherd/{plan", "unbalanced \"{\""},
      {"shepherd/plan}", "unbalanced \"}\""},
      {"{{plan}}", "unbalanced \"{\""},
      {"a{}b", "unknown placeholder {}"},
  };
  for (const auto& r : rows) {
    const auto err = check_placeholders(r.text, kBranch);
    if (r.error_contains == nullptr) {
      EXPECT_FALSE(err.has_value()) << r.text << ": " << err.value_or("");
    } else {
      ASSERT_TRUE(err.has_value()) << r.text;
      EXPECT_NE(err->find(r.error_contains), std::string::npos) << *err;
    }
  }
  // The fix is in the message.
  EXPECT_NE(
      check_placeholders("{user}", kBranch)->find("use one of {consumer}, {dataset}, {namespace}, {plan}"),
      std::string::npos);
}

TEST(Placeholders, QuerySyntaxLeavesPromqlBracesAlone) {
  EXPECT_FALSE(check_placeholders(R"(sum(rate(job_errors_total{consumer="{{consumer}}"}[5m])))", kBranch,
                                  PlaceholderSyntax::Query));
  EXPECT_FALSE(check_placeholders(R"(up{job="x"})", kBranch, PlaceholderSyntax::Query));
  EXPECT_TRUE(check_placeholders(R"(up{job="{{team}}"})", kBranch, PlaceholderSyntax::Query));
  EXPECT_TRUE(check_placeholders(R"(up{job="{{consumer"})", kBranch, PlaceholderSyntax::Query));
}

TEST(Placeholders, Expansion) {
  const StringMap v{{"plan", "p"}, {"consumer", "c"}, {"field", "ts"}};
  EXPECT_EQ(expand_placeholders("shepherd/{plan}/{consumer}", v), "shepherd/p/c");
  EXPECT_EQ(expand_placeholders("UNIX_MILLIS({field})", v), "UNIX_MILLIS(ts)");
  EXPECT_EQ(expand_placeholders("{unknown}-{plan}", v), "{unknown}-p");
  EXPECT_EQ(expand_placeholders("{plan", v), "{plan");
  EXPECT_EQ(expand_placeholders(R"(x{c="{{consumer}}"})", v, PlaceholderSyntax::Query), R"(x{c="c"})");
  EXPECT_EQ(expand_placeholders("", v), "");
}

}  // namespace
}  // namespace shepherd::controllers::api
