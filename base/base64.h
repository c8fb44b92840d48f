// Standard base64 (RFC 4648 §4), as Kubernetes writes it in kubeconfig `*-data` fields and in
// Secret `data`. Decoding is OpenSSL's; this header only gives it a value-returning shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shepherd::base {

// Decodes `in`; line breaks and spaces between groups are ignored (PEM-style wrapped input).
// nullopt when `in` is not valid base64.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace shepherd::base
