// The dependency graph of a plan's consumers (spec.consumers[].dependsOn): a stable topological
// order (ties broken by declaration order), cycle detection that names one cycle, and unknown
// names. Used both by semantic validation (validate.h) and by wave planning (plan/order.h).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::api {

struct UnknownDependency {
  std::size_t consumer = 0;  // index in spec.consumers
  std::string name;          // the unknown name
};

struct DependencyGraph {
  // Indices into spec.consumers, dependencies first. Complete only when `cycle` is empty; with a
  // cycle it holds the consumers that could be ordered. Unknown names are ignored for ordering.
  std::vector<std::size_t> order;
  // One cycle as consumer names, first name repeated at the end: {"a", "b", "c", "a"} means a
  // dependsOn b, b dependsOn c, c dependsOn a. Starts at the cycle's first-declared consumer.
  std::vector<std::string> cycle;
  std::vector<UnknownDependency> unknown;
};

DependencyGraph analyse_dependencies(const std::vector<ConsumerSpec>& consumers);

// "a -> b -> c -> a".
std::string format_cycle(const std::vector<std::string>& cycle);

}  // namespace shepherd::controllers::api
