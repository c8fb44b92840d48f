// The one seam between the runtime and the network: send a request and get the whole response, or
// stream a response body chunk by chunk (watches). Everything above it (REST client, watch,
// informer, leader election) is tested with a fake Transport; the real one (http_transport.h) is
// the only code that touches cpprestsdk.
#pragma once

#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>

namespace shepherd::runtime {

struct Request {
  std::string method = "GET";
  std::string path;  // path and query, e.g. "/api/v1/namespaces/a/pods?limit=500"
  std::string body;
  std::string content_type;  // of the body; "" when there is none
};

struct Response {
  int status = 0;     // HTTP status; 0 when no response arrived (see error)
  std::string body;   // for stream(): only filled when status is not 2xx
  std::string error;  // why no response arrived (connect/TLS/timeout/cancel)
  bool cancelled = false;
  std::map<std::string, std::string> headers;  // lower-cased names; Retry-After at least
};

// Called with successive pieces of a streamed body, in order; return false to stop reading.
using ChunkHandler = std::function<bool(std::string_view chunk)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends the request and waits for the whole response (bounded by the request timeout).
  virtual Response send(const Request& request, std::stop_token stop = {}) = 0;
  // Sends the request and feeds the 2xx body to on_chunk until the server ends it, on_chunk
  // returns false or stop is requested. Blocks the calling thread, which must be a thread of the
  // caller's own (never a cpprestsdk pool thread).
  virtual Response stream(const Request& request, const ChunkHandler& on_chunk, std::stop_token stop) = 0;
};

}  // namespace shepherd::runtime
