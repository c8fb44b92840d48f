// Tests of query placeholder filling in both brace forms.
#include "controllers/health/placeholders.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::health {
namespace {

const QueryContext kContext{"recs-pipeline", "listening-events-v4", "data-platform", "listening_events"};

struct Case {
  std::string query;
  std::string expected;
};

class Fill : public ::testing::TestWithParam<Case> {};

TEST_P(Fill, Replaces) { EXPECT_EQ(fill_placeholders(GetParam().query, kContext), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    All, Fill,
    ::testing::Values(Case{R"(sum(rate(job_errors_total{consumer="{{consumer}}"}[5m])))",
                           R"(sum(rate(job_errors_total{consumer="recs-pipeline"}[5m])))"},
                      Case{R"(x{consumer="{consumer}",plan="{plan}"})",
                           R"(x{consumer="recs-pipeline",plan="listening-events-v4"})"},
                      Case{R"(x{ns="{{namespace}}",d="{{dataset}}"})",
                           R"(x{ns="data-platform",d="listening_events"})"},
                      Case{"{{consumer}}{{consumer}}", "recs-pipelinerecs-pipeline"},
                      // Label matchers and unknown names are left alone.
                      Case{R"(up{job="a"} + x{consumer="y"})", R"(up{job="a"} + x{consumer="y"})"},
                      Case{R"(x{c="{{consumr}}"})", R"(x{c="{{consumr}}"})"}, Case{"{field}", "{field}"},
                      Case{"", ""}));

}  // namespace
}  // namespace shepherd::controllers::health
