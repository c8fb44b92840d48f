// The one error type of the project, after LevelDB's and Abseil's Status: a code from a small enum,
// a message, and the object and field the error concerns, so that what a user reads names all
// three: "MigrationPlan default/orders-v2: spec.consumers[3].repository.url: must be an https or
// ssh URL". An error that came from a remote service (the Kubernetes API server, Prometheus) also
// keeps that service's answer — the HTTP status, its reason word and its details — so callers can
// count and log it. Result<T> is a value or a non-OK Status. Nothing here throws; functions that
// produce no value return Status alone.
#pragma once

#include <cassert>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace shepherd::base {

// What went wrong, as a caller decides on it (retry, relist, treat as done, report to the user).
enum class StatusCode {
  Ok,
  InvalidArgument,   // the input is wrong; retrying the same input fails again
  NotFound,          // the object does not exist
  AlreadyExists,     // a create found the object there already
  Conflict,          // an optimistic-concurrency write lost (stale resourceVersion)
  Gone,              // the version asked for is too old (HTTP 410 / "Expired"): start over
  PermissionDenied,  // not authorized or forbidden (HTTP 401, 403)
  TooManyRequests,   // throttled (HTTP 429)
  Unavailable,       // no answer came, or the service is temporarily down: retry later
  Cancelled,         // the caller stopped the operation
  Internal,          // a broken invariant or an unexpected answer
};

// "InvalidArgument", "NotFound", ...
const char* to_string(StatusCode code);

class Status {
 public:
  // OK.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status invalid_argument(std::string message) {
    return {StatusCode::InvalidArgument, std::move(message)};
  }
  static Status not_found(std::string message) { return {StatusCode::NotFound, std::move(message)}; }
  static Status internal(std::string message) { return {StatusCode::Internal, std::move(message)}; }
  static Status unavailable(std::string message) { return {StatusCode::Unavailable, std::move(message)}; }

  bool ok() const { return code_ == StatusCode::Ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The object concerned, as a person names it: "MigrationPlan default/orders-v2"; "" when none.
  const std::string& object() const { return object_; }
  // The field concerned, as a path from the object's root: "spec.consumers[3].repository.url".
  const std::string& field() const { return field_; }

  // The remote answer this error came from, when it came from one: the HTTP status (0 when no
  // answer arrived or the error is local), the service's own reason word ("AlreadyExists",
  // "Expired", "TransportError") and its structured details as JSON text ("" when none).
  int http_code() const { return http_code_; }
  const std::string& reason() const { return reason_; }
  const std::string& details() const { return details_; }

  bool is_not_found() const { return code_ == StatusCode::NotFound; }
  bool is_already_exists() const { return code_ == StatusCode::AlreadyExists; }
  bool is_conflict() const { return code_ == StatusCode::Conflict; }
  bool is_gone() const { return code_ == StatusCode::Gone; }
  bool is_too_many_requests() const { return code_ == StatusCode::TooManyRequests; }
  bool is_cancelled() const { return code_ == StatusCode::Cancelled; }
  // The remote service answered with a 5xx.
  bool is_server_error() const { return http_code_ >= 500; }
  // No answer came at all (connection refused, reset, timed out).
  bool is_transport() const { return code_ == StatusCode::Unavailable && http_code_ == 0; }

  // Context added as the error travels up. Each returns the status itself, so a caller writes
  // `return std::move(s).with_field_prefix("spec.consumers[3]").with_object("MigrationPlan a/b");`.
  // The object is set only when none is named yet: the innermost code knows the most precise one.
  Status& with_object(const std::string& object) &;
  Status&& with_object(const std::string& object) && { return std::move(with_object(object)); }
  // Puts `prefix` in front of the field path: "url" under "spec.consumers[3].repository" becomes
  // "spec.consumers[3].repository.url"; "[2]" under "spec.consumers" becomes "spec.consumers[2]".
  Status& with_field_prefix(const std::string& prefix) &;
  Status&& with_field_prefix(const std::string& prefix) && { return std::move(with_field_prefix(prefix)); }
  // Records the remote answer (see http_code()).
  Status& with_http(int http_code, std::string reason, std::string details = {}) &;
  Status&& with_http(int http_code, std::string reason, std::string details = {}) && {
    return std::move(with_http(http_code, std::move(reason), std::move(details)));
  }

  // "<object>: <field>: <http code> <reason>: <message>", each part only when present; "OK" when ok:
  // "MigrationPlan default/orders-v2: spec.consumers[3].repository.url: must be an https or ssh URL",
  // "409 Conflict: the object has been modified".
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
  std::string object_;
  std::string field_;
  int http_code_ = 0;
  std::string reason_;
  std::string details_;
};

// Writes to_string(), so that a test can print a status as it is.
std::ostream& operator<<(std::ostream& out, const Status& status);

// Either a T or a non-OK Status. Check ok() before value().
template <class T>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit on purpose
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {  // NOLINT: implicit on purpose
    assert(!std::get<1>(v_).ok() && "a Result holds a value or an error, never an OK status");
  }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  // The error; an OK status when the result holds a value.
  const Status& status() const& { return ok() ? kOk : std::get<1>(v_); }
  Status status() && { return ok() ? Status() : std::get<1>(std::move(v_)); }

 private:
  inline static const Status kOk{};
  std::variant<T, Status> v_;
};

}  // namespace shepherd::base
