// The health probe server: GET /healthz (the process serves requests) and GET /readyz (the
// readiness function says the caches are synced). Served with cpprestsdk's http_listener.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace shepherd::operator_main {

class ProbeServer {
 public:
  // Listens on host:port at once; throws std::runtime_error naming the address when it cannot.
  ProbeServer(const std::string& host, int port, std::function<bool()> ready);
  ~ProbeServer();
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shepherd::operator_main
