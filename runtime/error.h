// Errors as values: ApiError carries what the API server said (its metav1.Status: code, reason,
// message, details) or why no answer came (transport failure, cancellation). Result<T> is either a
// value or an error; nothing in the runtime throws across its public API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace shepherd::runtime {

struct ApiError {
  int code = 0;        // HTTP status; 0 when no response arrived (see reason)
  std::string reason;  // Status.reason ("NotFound", "Conflict", ...) or "TransportError", "Cancelled"
  std::string message;
  nlohmann::json details;  // Status.details, when the server sent one

  // Builds the error from a non-2xx response; uses the body when it is a metav1.Status.
  static ApiError from_response(int http_code, const std::string& body);
  // Builds the error from a Status object (e.g. the object of a watch ERROR event).
  static ApiError from_status(const nlohmann::json& status);
  static ApiError transport(std::string message);
  static ApiError cancelled();
  static ApiError invalid(std::string message);  // the client refused the request itself

  bool is_not_found() const { return code == 404; }
  bool is_already_exists() const { return code == 409 && reason == "AlreadyExists"; }
  bool is_conflict() const { return code == 409 && reason != "AlreadyExists"; }
  // 410 Gone, or "Expired": the resourceVersion is too old; a watcher must relist.
  bool is_gone() const { return code == 410 || reason == "Expired" || reason == "Gone"; }
  bool is_too_many_requests() const { return code == 429; }
  bool is_server_error() const { return code >= 500; }
  bool is_transport() const { return code == 0 && reason == "TransportError"; }
  bool is_cancelled() const { return code == 0 && reason == "Cancelled"; }
  bool is_invalid() const { return code == 422; }

  // "409 Conflict: <message>", for logs and user-facing errors.
  std::string to_string() const;
};

// Either a T or an error E. Check ok() before value().
template <class T, class E = ApiError>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace shepherd::runtime
