// Implementation of http.h with cpprestsdk. Blocks only on the calling (our own) thread, never
// inside a pplx continuation; credentials go in headers set here, never via set_credentials.
#include "agent/http.h"

#include <cpprest/http_client.h>

#include <boost/asio/ssl.hpp>
#include <cstdio>

namespace shepherd::agent {

HttpResponse http_call(const HttpRequest& request) {
  HttpResponse response;
  try {
    web::http::client::http_client_config config;
    config.set_timeout(request.timeout);
    config.set_validate_certificates(true);
    if (!request.ca_file.empty()) {
      std::string ca = request.ca_file;
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& ctx) { ctx.load_verify_file(ca); });
    }
    web::uri uri(utility::conversions::to_string_t(request.url));
    web::http::client::http_client client(uri.authority(), config);
    web::http::http_request req(utility::conversions::to_string_t(request.method));
    req.set_request_uri(uri.resource());
    for (const auto& [k, v] : request.headers) {
      if (k == "Content-Type") continue;  // set with the body so that cpprestsdk does not add its own
      req.headers().add(utility::conversions::to_string_t(k), utility::conversions::to_string_t(v));
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      auto ct = request.headers.find("Content-Type");
      req.set_body(request.body, ct == request.headers.end() ? "application/json" : ct->second);
    }
    web::http::http_response res = client.request(req).get();
    response.status = res.status_code();
    auto bytes = res.extract_vector().get();
    response.body.assign(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    response.status = 0;
    response.error = e.what();
  }
  return response;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace shepherd::agent
