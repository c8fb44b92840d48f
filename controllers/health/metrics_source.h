// The seam between health checks and a metrics backend: one instant query at one address. The
// reconciler uses PrometheusClient; tests substitute their own implementation.
#pragma once

#include <chrono>
#include <string>

#include "controllers/health/query_result.h"

namespace shepherd::controllers::health {

class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  // Evaluates `promql` at the current instant on the server at `address` (e.g.
  // "http://prometheus.monitoring:9090"). Never throws: every failure is a QueryResult status.
  // Blocks for at most about `timeout`; call it from a worker thread, never from a pplx continuation.
  virtual QueryResult instant_query(const std::string& address, const std::string& promql,
                                    std::chrono::milliseconds timeout) = 0;
};

}  // namespace shepherd::controllers::health
