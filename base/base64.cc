// Implementation of base64.h: the shape is checked here, the decoding is OpenSSL's.
#include "base/base64.h"

#include <openssl/evp.h>

namespace shepherd::base {

std::optional<std::string> base64_decode(std::string_view in) {
  std::string compact;
  compact.reserve(in.size());
  for (const char c : in) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
  }
  // OpenSSL's block decoder is lenient about padding in the middle and trailing garbage, so the
  // shape is checked here: whole groups of four, '=' only as the last one or two characters.
  if (compact.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < compact.size() && compact[compact.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < compact.size(); ++i) {
    const char c = compact[i];
    const bool alphabet =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alphabet) return std::nullopt;
  }
  if (compact.empty()) return std::string();
  std::string out(compact.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(compact.data()),
                                static_cast<int>(compact.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);  // the block decoder counts padding as zero bytes
  return out;
}

}  // namespace shepherd::base
