// PrometheusClient: one cpprestsdk request per query, answer handed to the pure parser. Exceptions
// from cpprestsdk (connection refused, DNS, timeout, bad URI) become QueryStatus::Unreachable.
#include "controllers/health/prometheus_client.h"

#include <cpprest/http_client.h>

#include <exception>
#include <utility>

#include "controllers/health/prometheus_response.h"
#include "controllers/health/query_url.h"

namespace shepherd::controllers::health {

QueryResult PrometheusClient::instant_query(const std::string& address, const std::string& promql,
                                            std::chrono::milliseconds timeout) {
  QueryResult failed;
  failed.status = QueryStatus::Unreachable;
  try {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    web::http::client::http_client client(utility::conversions::to_string_t(address), config);
    web::http::http_request request(web::http::methods::GET);
    request.set_request_uri(utility::conversions::to_string_t(instant_query_target(promql, timeout)));
    request.headers().add(U("Accept"), U("application/json"));
    // The continuation only starts the body read and returns its task: nothing blocks inside it.
    auto answer = client.request(request).then([](web::http::http_response response) {
      const int code = response.status_code();
      return response.extract_string(/*ignore_content_type=*/true).then([code](utility::string_t body) {
        return std::make_pair(code, utility::conversions::to_utf8string(body));
      });
    });
    const auto [code, body] = answer.get();
    return parse_instant_query_response(code, body);
  } catch (const std::exception& e) {
    failed.detail = address + ": " + e.what();
  } catch (...) {
    failed.detail = address + ": unknown error";
  }
  return failed;
}

}  // namespace shepherd::controllers::health
