// Implementation of probes.h.
#include "operator/probes.h"

#include <cpprest/http_listener.h>

#include <stdexcept>

namespace shepherd::operator_main {

using web::http::experimental::listener::http_listener;

struct ProbeServer::Impl {
  std::unique_ptr<http_listener> listener;
};

ProbeServer::ProbeServer(const std::string& host, int port, std::function<bool()> ready)
    : impl_(std::make_unique<Impl>()) {
  std::string url = "http://" + host + ":" + std::to_string(port);
  impl_->listener = std::make_unique<http_listener>(utility::conversions::to_string_t(url));
  impl_->listener->support(web::http::methods::GET, [ready](const web::http::http_request& req) {
    auto path = req.relative_uri().path();
    if (path == "/healthz" || path == "/livez") {
      req.reply(web::http::status_codes::OK, "ok");
    } else if (path == "/readyz") {
      bool ok = false;
      try {
        ok = ready();
      } catch (...) {
        ok = false;
      }
      req.reply(ok ? web::http::status_codes::OK : web::http::status_codes::ServiceUnavailable,
                ok ? "ok" : "caches not synced");
    } else {
      req.reply(web::http::status_codes::NotFound, "not found");
    }
  });
  try {
    impl_->listener->open().wait();
  } catch (const std::exception& e) {
    throw std::runtime_error("health probe server on " + url + ": " + e.what());
  }
}

ProbeServer::~ProbeServer() {
  try {
    impl_->listener->close().wait();
  } catch (...) {
    // Closing a listener that failed to open throws; nothing to clean up then.
  }
}

}  // namespace shepherd::operator_main
