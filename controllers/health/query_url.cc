// Percent-encoding and the instant-query request target.
#include "controllers/health/query_url.h"

namespace shepherd::controllers::health {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    const bool unreserved = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                            b == '-' || b == '.' || b == '_' || b == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0F]);
    }
  }
  return out;
}

std::string instant_query_target(std::string_view promql, std::chrono::milliseconds timeout) {
  std::string target = "/api/v1/query?query=" + percent_encode(promql);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  if (seconds >= 1) target += "&timeout=" + std::to_string(seconds) + "s";
  return target;
}

}  // namespace shepherd::controllers::health
