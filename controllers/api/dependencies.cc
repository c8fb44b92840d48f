// Kahn's algorithm with a min-heap on declaration index (see dependencies.h).
#include "controllers/api/dependencies.h"

#include <functional>
#include <queue>
#include <unordered_map>

namespace shepherd::controllers::api {

DependencyGraph analyse_dependencies(const std::vector<ConsumerSpec>& consumers) {
  DependencyGraph g;
  const std::size_t n = consumers.size();
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(n);
  for (std::size_t i = 0; i < n; ++i) index.emplace(consumers[i].name, i);  // first wins on duplicates

  std::vector<std::vector<std::size_t>> deps(n);        // i dependsOn deps[i]
  std::vector<std::vector<std::size_t>> dependents(n);  // reverse edges
  std::vector<std::size_t> indegree(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& name : consumers[i].dependsOn) {
      const auto it = index.find(name);
      if (it == index.end()) {
        g.unknown.push_back({i, name});
        continue;
      }
      deps[i].push_back(it->second);
      dependents[it->second].push_back(i);
      ++indegree[i];
    }
  }

  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push(i);
  g.order.reserve(n);
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    g.order.push_back(i);
    for (std::size_t d : dependents[i])
      if (--indegree[d] == 0) ready.push(d);
  }
  if (g.order.size() == n) return g;

  // Every node left has a dependency that is also left: walk dependencies from the first-declared
  // leftover until a node repeats; the repeated stretch is a cycle.
  std::size_t start = n;
  for (std::size_t i = 0; i < n && start == n; ++i)
    if (indegree[i] > 0) start = i;
  std::vector<std::size_t> seen_at(n, n);
  std::vector<std::size_t> path;
  std::size_t cur = start;
  while (seen_at[cur] == n) {
    seen_at[cur] = path.size();
    path.push_back(cur);
    std::size_t next = n;
    for (std::size_t d : deps[cur])
      if (indegree[d] > 0) {
        next = d;
        break;
      }
    cur = next;  // never n: a leftover always has a leftover dependency
  }
  std::vector<std::size_t> cyc(path.begin() + static_cast<std::ptrdiff_t>(seen_at[cur]), path.end());
  // Rotate so the cycle starts at its first-declared member.
  std::size_t min_pos = 0;
  for (std::size_t k = 1; k < cyc.size(); ++k)
    if (cyc[k] < cyc[min_pos]) min_pos = k;
  for (std::size_t k = 0; k < cyc.size(); ++k)
    g.cycle.push_back(consumers[cyc[(min_pos + k) % cyc.size()]].name);
  g.cycle.push_back(g.cycle.front());
  return g;
}

std::string format_cycle(const std::vector<std::string>& cycle) {
  std::string out;
  for (const auto& name : cycle) {
    if (!out.empty()) out += " -> ";
    out += name;
  }
  return out;
}

}  // namespace shepherd::controllers::api
