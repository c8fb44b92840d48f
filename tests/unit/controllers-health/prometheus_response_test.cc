// Table tests of the Prometheus instant-query answer parser: every resultType, NaN/Inf, errors, garbage.
#include "controllers/health/prometheus_response.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace shepherd::controllers::health {
namespace {

struct Case {
  std::string name;
  int http = 200;
  std::string body;
  QueryStatus status;
  std::optional<double> value;
  std::string raw;
  std::size_t series = 0;
};

std::string vector_of(const std::string& samples) {
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + samples + "]}}";
}
std::string sample(const std::string& v, const std::string& labels = R"({"job":"x"})") {
  return R"({"metric":)" + labels + R"(,"value":[1700000000.123,")" + v + R"("]})";
}

class ParseResponse : public ::testing::TestWithParam<Case> {};

TEST_P(ParseResponse, Interprets) {
  const Case& c = GetParam();
  const QueryResult r = parse_instant_query_response(c.http, c.body);
  EXPECT_EQ(r.status, c.status) << r.detail;
  EXPECT_EQ(r.value, c.value);
  EXPECT_EQ(r.raw, c.raw);
  EXPECT_EQ(r.series, c.series);
  EXPECT_EQ(r.http_status, c.http);
  if (c.status != QueryStatus::Value) {
    EXPECT_FALSE(r.value.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseResponse,
    ::testing::Values(
        Case{"vector_one", 200, vector_of(sample("0.002")), QueryStatus::Value, 0.002, "0.002", 1},
        Case{"vector_integer", 200, vector_of(sample("42")), QueryStatus::Value, 42.0, "42", 1},
        Case{"vector_negative", 200, vector_of(sample("-1.5")), QueryStatus::Value, -1.5, "-1.5", 1},
        Case{"vector_exponent", 200, vector_of(sample("1e-05")), QueryStatus::Value, 1e-05, "1e-05", 1},
        Case{"vector_empty", 200, vector_of(""), QueryStatus::NoData, std::nullopt, "", 0},
        Case{"vector_two_series", 200, vector_of(sample("1") + "," + sample("2", R"({"job":"y"})")),
             QueryStatus::Ambiguous, std::nullopt, "", 2},
        Case{"vector_nan", 200, vector_of(sample("NaN")), QueryStatus::NotANumber, std::nullopt, "NaN", 1},
        Case{"vector_plus_inf", 200, vector_of(sample("+Inf")), QueryStatus::NotANumber, std::nullopt, "+Inf",
             1},
        Case{"vector_minus_inf", 200, vector_of(sample("-Inf")), QueryStatus::NotANumber, std::nullopt,
             "-Inf", 1},
        Case{"vector_garbage_value", 200, vector_of(sample("12abc")), QueryStatus::NotANumber, std::nullopt,
             "12abc", 1},
        Case{"vector_empty_value", 200, vector_of(sample("")), QueryStatus::NotANumber, std::nullopt, "", 1},
        Case{"scalar", 200,
             R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"3.5"]}})",
             QueryStatus::Value, 3.5, "3.5", 1},
        Case{"scalar_nan", 200,
             R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"NaN"]}})",
             QueryStatus::NotANumber, std::nullopt, "NaN", 1},
        Case{
            "matrix", 200,
            R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}})",
            QueryStatus::WrongType, std::nullopt, "", 1},
        Case{"string", 200,
             R"({"status":"success","data":{"resultType":"string","result":[1700000000,"hello"]}})",
             QueryStatus::WrongType, std::nullopt, "", 1},
        Case{"error_bad_data_400", 400,
             R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})",
             QueryStatus::QueryError, std::nullopt, "", 0},
        Case{"error_timeout_503", 503,
             R"({"status":"error","errorType":"timeout","error":"query timed out"})", QueryStatus::QueryError,
             std::nullopt, "", 0},
        Case{"error_execution_422", 422,
             R"({"status":"error","errorType":"execution","error":"many-to-many"})", QueryStatus::QueryError,
             std::nullopt, "", 0},
        Case{"http_502_html", 502, "<html>Bad Gateway</html>", QueryStatus::HttpError, std::nullopt, "", 0},
        Case{"http_404_json_without_status", 404, R"({"message":"not found"})", QueryStatus::HttpError,
             std::nullopt, "", 0},
        Case{"garbage_200", 200, "not json at all", QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"empty_body_200", 200, "", QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"json_array_200", 200, "[1,2]", QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"no_data_field", 200, R"({"status":"success"})", QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"unknown_status", 200, R"({"status":"maybe","data":{}})", QueryStatus::BadResponse, std::nullopt,
             "", 0},
        Case{"unknown_result_type", 200,
             R"({"status":"success","data":{"resultType":"histogram","result":[]}})",
             QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"sample_value_not_string", 200,
             R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})",
             QueryStatus::BadResponse, std::nullopt, "", 0},
        Case{"vector_element_without_value", 200,
             R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})",
             QueryStatus::BadResponse, std::nullopt, "", 0}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ParseResponse, QueryErrorKeepsTypeAndMessage) {
  const auto r =
      parse_instant_query_response(400, R"({"status":"error","errorType":"bad_data","error":"boom"})");
  EXPECT_EQ(r.detail, "bad_data: boom");
}

TEST(ParseSampleValue, AcceptsOnlyFiniteNumbers) {
  double v = -7;
  EXPECT_TRUE(parse_sample_value("+1.25", v));
  EXPECT_DOUBLE_EQ(v, 1.25);
  for (const char* bad : {"NaN", "nan", "Inf", "+Inf", "-Inf", "inf", "", "+", "1.0.0", " 1", "1 ", "0x10"}) {
    double out = -7;
    EXPECT_FALSE(parse_sample_value(bad, out)) << bad;
    EXPECT_EQ(out, -7) << bad;
  }
}

}  // namespace
}  // namespace shepherd::controllers::health
