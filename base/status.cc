// Status: the context helpers and the one way an error is printed.
#include "base/status.h"

#include <ostream>

namespace shepherd::base {

const char* to_string(StatusCode code) {
  switch (code) {
    case StatusCode::Ok:
      return "OK";
    case StatusCode::InvalidArgument:
      return "InvalidArgument";
    case StatusCode::NotFound:
      return "NotFound";
    case StatusCode::AlreadyExists:
      return "AlreadyExists";
    case StatusCode::Conflict:
      return "Conflict";
    case StatusCode::Gone:
      return "Gone";
    case StatusCode::PermissionDenied:
      return "PermissionDenied";
    case StatusCode::TooManyRequests:
      return "TooManyRequests";
    case StatusCode::Unavailable:
      return "Unavailable";
    case StatusCode::Cancelled:
      return "Cancelled";
    case StatusCode::Internal:
      return "Internal";
  }
  return "Unknown";
}

Status& Status::with_object(const std::string& object) & {
  if (object_.empty()) object_ = object;
  return *this;
}

Status& Status::with_field_prefix(const std::string& prefix) & {
  if (prefix.empty()) return *this;
  if (field_.empty())
    field_ = prefix;
  else if (field_.front() == '[')
    field_ = prefix + field_;
  else
    field_ = prefix + "." + field_;
  return *this;
}

Status& Status::with_http(int http_code, std::string reason, std::string details) & {
  http_code_ = http_code;
  reason_ = std::move(reason);
  details_ = std::move(details);
  return *this;
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out;
  auto part = [&out](const std::string& s) {
    if (s.empty()) return;
    out += s;
    out += ": ";
  };
  part(object_);
  part(field_);
  if (http_code_ != 0)
    part(std::to_string(http_code_) + (reason_.empty() ? "" : " " + reason_));
  else
    part(reason_);
  return out + message_;
}

std::ostream& operator<<(std::ostream& out, const Status& status) { return out << status.to_string(); }

}  // namespace shepherd::base
