// Mapping of API server responses to ApiError values.
#include "runtime/error.h"

namespace shepherd::runtime {
namespace {
std::string default_reason(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return code >= 500 ? "InternalError" : "Unknown";
  }
}
}  // namespace

ApiError ApiError::from_status(const nlohmann::json& status) {
  ApiError e;
  if (!status.is_object()) return invalid("malformed Status object");
  e.code = status.value("code", 0);
  e.reason = status.value("reason", std::string());
  e.message = status.value("message", std::string());
  if (status.contains("details")) e.details = status["details"];
  if (e.reason.empty()) e.reason = default_reason(e.code);
  return e;
}

ApiError ApiError::from_response(int http_code, const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  ApiError e;
  if (parsed.is_object() && parsed.value("kind", "") == "Status") {
    e = from_status(parsed);
  } else {
    // Not a Status (e.g. a proxy's HTML page): keep a bounded excerpt of the body.
    e.message = body.substr(0, 512);
  }
  e.code = http_code;
  if (e.reason.empty() || e.reason == "Unknown") e.reason = default_reason(http_code);
  return e;
}

ApiError ApiError::transport(std::string message) {
  return ApiError{0, "TransportError", std::move(message), {}};
}

ApiError ApiError::cancelled() { return ApiError{0, "Cancelled", "request cancelled", {}}; }

ApiError ApiError::invalid(std::string message) {
  return ApiError{0, "InvalidRequest", std::move(message), {}};
}

std::string ApiError::to_string() const {
  return (code ? std::to_string(code) + " " : std::string()) + reason + ": " + message;
}

}  // namespace shepherd::runtime
