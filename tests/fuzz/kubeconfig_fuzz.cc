// Fuzz target: runtime::parse_kubeconfig on any text. It must answer a Config or an error that
// names the file; never crash, hang or throw. The origin points into a folder that does not exist,
// so relative certificate and token paths in the input resolve to nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/config.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "/nonexistent/shepherd-fuzz/kubeconfig";
  for (const char* context : {"", "two"}) {
    auto config = shepherd::runtime::parse_kubeconfig(text, origin, context);
    if (!config.ok()) FUZZ_CHECK(config.error().find(origin) != std::string::npos);
  }
  return 0;
}
