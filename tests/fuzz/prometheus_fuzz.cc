// Fuzz target: the Prometheus instant-query answer parser (controllers/health/prometheus_response.h)
// on any body, with an HTTP status chosen by the first byte. Properties: no crash or exception; a
// Value is always finite and only a Value carries one; the status code is passed through.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controllers/health/prometheus_response.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shepherd::controllers::health;
  if (size == 0) return 0;
  constexpr int kStatus[] = {200, 200, 200, 204, 400, 422, 503, 500, 302, 404};
  const int status = kStatus[data[0] % (sizeof(kStatus) / sizeof(kStatus[0]))];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const QueryResult r = parse_instant_query_response(status, body);
  FUZZ_CHECK(r.value.has_value() == (r.status == QueryStatus::Value));
  if (r.value) FUZZ_CHECK(std::isfinite(*r.value));
  FUZZ_CHECK(r.http_status == status);
  double v = 0;
  if (parse_sample_value(body, v)) FUZZ_CHECK(std::isfinite(v));
  return 0;
}
