// The agent's only HTTP client (cpprestsdk behind one function): one blocking request with a
// timeout, TLS verification on (optionally against a given CA file), errors as values.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace shepherd::agent {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL, query included
  std::map<std::string, std::string> headers;
  std::string body;
  std::string ca_file;  // "" = the system trust store
  std::chrono::seconds timeout{30};
};

struct HttpResponse {
  int status = 0;  // 0 = no response (error says why)
  std::string body;
  std::string error;  // transport error; never contains request headers
};

HttpResponse http_call(const HttpRequest& request);

// Percent-encodes everything but unreserved characters (for path segments and query values).
std::string url_encode(const std::string& s);

}  // namespace shepherd::agent
