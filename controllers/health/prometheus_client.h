// MetricsSource implemented over HTTP with cpprestsdk: GET <address>/api/v1/query. This file is the
// only one in controllers/health that knows cpprestsdk.
#pragma once

#include <chrono>
#include <string>

#include "controllers/health/metrics_source.h"

namespace shepherd::controllers::health {

class PrometheusClient final : public MetricsSource {
 public:
  // Sends a blocking request (the calling thread waits; continuations never block). The cpprestsdk
  // timeout applies to each send and receive, and the same value is sent to Prometheus as the
  // server-side evaluation timeout. TLS certificates are verified (https addresses).
  QueryResult instant_query(const std::string& address, const std::string& promql,
                            std::chrono::milliseconds timeout) override;
};

}  // namespace shepherd::controllers::health
