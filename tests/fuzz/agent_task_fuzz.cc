// Fuzz target: the agent's task decoder (SHEPHERD_TASK) on any text. It answers a task or one
// message naming the field; never a crash, hang or exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/task.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = shepherd::agent::parse_task(text);
  FUZZ_CHECK(parsed.task.has_value() == parsed.error.empty());
  if (!parsed.task) FUZZ_CHECK(parsed.error.rfind("task", 0) == 0);
  return 0;
}
