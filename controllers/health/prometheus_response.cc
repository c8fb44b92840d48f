// Parses Prometheus' instant-query JSON into a QueryResult. Every shape that is not exactly one
// finite number becomes a status with a detail; nothing here ever yields a number by guessing.
#include "controllers/health/prometheus_response.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

namespace shepherd::controllers::health {
namespace {

using nlohmann::json;

QueryResult bad_response(int http_status, std::string detail) {
  QueryResult r;
  r.status = QueryStatus::BadResponse;
  r.http_status = http_status;
  r.detail = std::move(detail);
  return r;
}

// A sample is [<unix time number>, "<value string>"]; fills r from it.
bool read_sample(const json& sample, QueryResult& r) {
  if (!sample.is_array() || sample.size() != 2 || !sample[0].is_number() || !sample[1].is_string()) {
    return false;
  }
  r.raw = sample[1].get<std::string>();
  double v = 0;
  if (parse_sample_value(r.raw, v)) {
    r.status = QueryStatus::Value;
    r.value = v;
  } else {
    r.status = QueryStatus::NotANumber;
    r.detail = "the query returned " + r.raw;
  }
  return true;
}

}  // namespace

bool parse_sample_value(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

QueryResult parse_instant_query_response(int http_status, std::string_view body) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool ok_http = http_status >= 200 && http_status < 300;
  if (doc.is_discarded() || !doc.is_object()) {
    if (!ok_http) {
      QueryResult r;
      r.status = QueryStatus::HttpError;
      r.http_status = http_status;
      r.detail = "HTTP " + std::to_string(http_status) + ": " + std::string(body.substr(0, 200));
      return r;
    }
    return bad_response(http_status, "the answer is not a JSON object");
  }
  const auto status = doc.find("status");
  if (status != doc.end() && *status == "error") {
    QueryResult r;
    r.status = QueryStatus::QueryError;
    r.http_status = http_status;
    const std::string type = doc.value("errorType", std::string());
    const std::string error = doc.value("error", std::string());
    r.detail = type.empty() ? error : type + ": " + error;
    return r;
  }
  if (!ok_http) {
    QueryResult r;
    r.status = QueryStatus::HttpError;
    r.http_status = http_status;
    r.detail = "HTTP " + std::to_string(http_status);
    return r;
  }
  if (status == doc.end() || *status != "success") {
    return bad_response(http_status, "\"status\" is neither \"success\" nor \"error\"");
  }
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return bad_response(http_status, "no \"data\" object");
  const auto type = data->find("resultType");
  const auto result = data->find("result");
  if (type == data->end() || !type->is_string() || result == data->end()) {
    return bad_response(http_status, "\"data\" lacks resultType or result");
  }

  QueryResult r;
  r.http_status = http_status;
  const std::string kind = type->get<std::string>();
  if (kind == "vector") {
    if (!result->is_array()) return bad_response(http_status, "vector result is not an array");
    r.series = result->size();
    if (result->empty()) {
      r.status = QueryStatus::NoData;
      r.detail = "the query returned no series";
      return r;
    }
    for (const auto& s : *result) {
      if (!s.is_object() || !s.contains("value")) {
        return bad_response(http_status, "vector element without \"value\"");
      }
    }
    if (result->size() > 1) {
      r.status = QueryStatus::Ambiguous;
      r.detail = "the query returned " + std::to_string(result->size()) +
                 " series; aggregate it to one (e.g. sum(...) or max(...))";
      return r;
    }
    if (!read_sample((*result)[0]["value"], r)) return bad_response(http_status, "malformed sample");
    return r;
  }
  if (kind == "scalar") {
    r.series = 1;
    if (!read_sample(*result, r)) return bad_response(http_status, "malformed scalar");
    return r;
  }
  if (kind == "matrix" || kind == "string") {
    r.status = QueryStatus::WrongType;
    r.series = result->is_array() && kind == "matrix" ? result->size() : 1;
    r.detail = kind == "matrix"
                   ? "the query returned a range vector; use an instant expression (e.g. rate(x[5m]))"
                   : "the query returned a string, not a number";
    return r;
  }
  return bad_response(http_status, "unknown resultType \"" + kind + "\"");
}

}  // namespace shepherd::controllers::health
