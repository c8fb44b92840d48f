// The cpprestsdk + OpenSSL Transport. This is the only file that includes cpprestsdk: its pitfalls
// stay here. We block on .get() only on the caller's own threads (never inside a continuation, which
// can deadlock the pplx pool); cancellation goes through a pplx cancellation_token tied to the
// caller's stop_token; watches use a second http_client whose idle timeout is long enough that only
// the server's timeoutSeconds ends a quiet watch (the default 30 s would kill it); the
// Authorization header is set by hand (http_client_config::set_credentials leaks, cpprestsdk #1808).
#include "runtime/http_transport.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <cctype>
#include <stdexcept>
#include <vector>

#include "runtime/log.h"

namespace shepherd::runtime {
namespace {
namespace http = web::http;
using http::client::http_client;
using http::client::http_client_config;

// cpprestsdk builds a context for every new connection and loads the system's CA bundle into it
// (set_default_verify_paths) before this callback runs; the connection keeps it for its life. When
// the configuration names a CA, the store is replaced by one that holds only that CA: the API
// server is trusted exactly as the kubeconfig says (as client-go does), and each connection no
// longer carries the parsed system bundle (about 0.5 MB with Debian's ca-certificates).
void load_tls(boost::asio::ssl::context& ctx, const Config& c) {
  if (!c.ca_pem.empty()) {
    X509_STORE* only_ours = X509_STORE_new();
    if (only_ours == nullptr) throw std::runtime_error("cannot allocate a certificate store");
    SSL_CTX_set_cert_store(ctx.native_handle(), only_ours);  // frees the default store
    ctx.add_certificate_authority(boost::asio::buffer(c.ca_pem));
  }
  if (!c.client_cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(c.client_cert_pem));
    ctx.use_private_key(boost::asio::buffer(c.client_key_pem), boost::asio::ssl::context::pem);
  }
}

std::unique_ptr<http_client> make_client(const Config& c, std::chrono::milliseconds timeout) {
  http_client_config cfg;
  cfg.set_timeout(timeout);
  cfg.set_validate_certificates(!c.insecure_skip_tls_verify);
  // Captured by value: the callback runs whenever a new connection is made.
  cfg.set_ssl_context_callback([c](boost::asio::ssl::context& ctx) {
    try {
      load_tls(ctx, c);
    } catch (const std::exception& e) {
      log_error("TLS setup failed", {{"error", e.what()}});
    }
  });
  return std::make_unique<http_client>(utility::conversions::to_string_t(c.server), cfg);
}

class HttpTransport : public Transport {
 public:
  explicit HttpTransport(const Config& c)
      : config_(c),
        client_(make_client(c, c.request_timeout)),
        watch_client_(make_client(c, c.watch_timeout)) {}

  Response send(const Request& request, std::stop_token stop) override {
    Response r;
    pplx::cancellation_token_source cts;
    std::stop_callback on_stop(stop, [&cts] { cts.cancel(); });
    try {
      http::http_response resp = client_->request(build(request), cts.get_token()).get();
      fill_head(resp, &r);
      r.body = resp.extract_utf8string(/*ignore_content_type=*/true).get();
    } catch (const pplx::task_canceled&) {
      r.status = 0;
      r.cancelled = true;
      r.error = "cancelled";
    } catch (const std::exception& e) {
      r.status = 0;
      r.cancelled = stop.stop_requested();
      r.error = e.what();
    }
    return r;
  }

  Response stream(const Request& request, const ChunkHandler& on_chunk, std::stop_token stop) override {
    Response r;
    pplx::cancellation_token_source cts;
    std::stop_callback on_stop(stop, [&cts] { cts.cancel(); });
    try {
      http::http_response resp = watch_client_->request(build(request), cts.get_token()).get();
      fill_head(resp, &r);
      if (r.status < 200 || r.status >= 300) {
        r.body = resp.extract_utf8string(true).get();
        return r;
      }
      auto buf = resp.body().streambuf();
      std::vector<uint8_t> chunk(std::size_t{64} * 1024);
      while (!stop.stop_requested()) {
        // getn(n) waits until n bytes are there; ask for what is buffered (or one byte, which
        // waits for the next piece) so that an event is delivered as soon as it arrives.
        const size_t avail = buf.in_avail();
        const size_t want = avail == 0 ? 1 : std::min(avail, chunk.size());
        const size_t n = buf.getn(chunk.data(), want).get();
        if (n == 0) break;  // end of body
        if (!on_chunk(std::string_view(reinterpret_cast<const char*>(chunk.data()), n))) break;
      }
      r.cancelled = stop.stop_requested();
    } catch (const pplx::task_canceled&) {
      r.cancelled = true;
      r.error = "cancelled";
    } catch (const std::exception& e) {
      r.cancelled = stop.stop_requested();
      r.error = e.what();
      if (r.status >= 200 && r.status < 300) r.status = 0;  // the stream broke mid-way
    }
    return r;
  }

 private:
  http::http_request build(const Request& request) const {
    http::http_request msg(utility::conversions::to_string_t(request.method));
    msg.set_request_uri(utility::conversions::to_string_t(request.path));
    msg.headers().add(U("Accept"), U("application/json"));
    msg.headers().add(U("User-Agent"), utility::conversions::to_string_t(config_.user_agent));
    if (config_.token) {
      const std::string token = config_.token->token();
      if (!token.empty()) {
        msg.headers().add(U("Authorization"), utility::conversions::to_string_t("Bearer " + token));
      }
    }
    if (!request.content_type.empty()) {
      msg.set_body(request.body, request.content_type);
      msg.headers().set_content_type(utility::conversions::to_string_t(request.content_type));
    }
    return msg;
  }

  static void fill_head(const http::http_response& resp, Response* r) {
    r->status = resp.status_code();
    for (const auto& [name, value] : resp.headers()) {
      std::string n = utility::conversions::to_utf8string(name);
      std::transform(n.begin(), n.end(), n.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (n == "retry-after" || n == "content-type") {
        r->headers[n] = utility::conversions::to_utf8string(value);
      }
    }
  }

  Config config_;
  std::unique_ptr<http_client> client_;
  std::unique_ptr<http_client> watch_client_;
};

}  // namespace

Result<std::shared_ptr<Transport>, std::string> make_http_transport(const Config& config) {
  if (config.server.empty()) return std::string("config: server is empty");
  // Load the TLS material once up front so that a bad PEM is reported here, with its field, rather
  // than failing every connection later.
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::sslv23_client);
    if (!config.ca_pem.empty()) ctx.add_certificate_authority(boost::asio::buffer(config.ca_pem));
  } catch (const std::exception& e) {
    return std::string("config: certificate-authority: not a valid PEM certificate: ") + e.what();
  }
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::sslv23_client);
    if (!config.client_cert_pem.empty()) {
      ctx.use_certificate_chain(boost::asio::buffer(config.client_cert_pem));
    }
  } catch (const std::exception& e) {
    return std::string("config: client-certificate: not a valid PEM certificate: ") + e.what();
  }
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::sslv23_client);
    if (!config.client_key_pem.empty()) {
      ctx.use_private_key(boost::asio::buffer(config.client_key_pem), boost::asio::ssl::context::pem);
    }
  } catch (const std::exception& e) {
    return std::string("config: client-key: not a valid PEM private key: ") + e.what();
  }
  try {
    return std::shared_ptr<Transport>(std::make_shared<HttpTransport>(config));
  } catch (const std::exception& e) {
    return std::string("config: server ") + config.server + ": " + e.what();
  }
}

}  // namespace shepherd::runtime
