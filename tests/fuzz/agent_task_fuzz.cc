// Fuzz target: the agent task decoder (contract/agent_task.h), which the agent
// runs on SHEPHERD_TASK, on any text. It answers a task or one message naming
// the field; never a crash, hang or exception. Every task it accepts survives
// encode -> decode unchanged (the operator encodes what the agent decodes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "contract/agent_task.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shepherd::contract;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode_task(text);
  FUZZ_CHECK(decoded.value.has_value() == decoded.error.empty());
  if (!decoded.value) {
    FUZZ_CHECK(decoded.error.rfind("task", 0) == 0);
    return 0;
  }
  const auto again = decode_task(encode_task(*decoded.value).dump());
  FUZZ_CHECK(again.value.has_value());
  FUZZ_CHECK(*again.value == *decoded.value);
  return 0;
}
