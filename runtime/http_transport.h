// The real Transport: cpprestsdk http_client over OpenSSL TLS, configured from a Config.
#pragma once

#include <memory>

#include "runtime/config.h"
#include "runtime/transport.h"

namespace shepherd::runtime {

// Two http_clients inside: one for requests (Config::request_timeout) and one for watches
// (Config::watch_timeout). TLS verification is on unless Config::insecure_skip_tls_verify.
Result<std::shared_ptr<Transport>, std::string> make_http_transport(const Config& config);

}  // namespace shepherd::runtime
