// Dependency graph: stable topological order, cycles named from their first-declared member.
#include "controllers/api/dependencies.h"

#include <gtest/gtest.h>

namespace shepherd::controllers::api {
namespace {

std::vector<ConsumerSpec> consumers(
    std::initializer_list<std::pair<const char*, std::vector<std::string>>> list) {
  std::vector<ConsumerSpec> out;
  for (const auto& [name, deps] : list) {
    ConsumerSpec c;
    c.name = name;
    c.dependsOn = deps;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> names(const std::vector<ConsumerSpec>& cs, const std::vector<std::size_t>& order) {
  std::vector<std::string> out;
  for (auto i : order) out.push_back(cs[i].name);
  return out;
}

TEST(Dependencies, StableTopologicalOrder) {
  struct Row {
    std::vector<ConsumerSpec> in;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {consumers({}), {}},
      {consumers({{"a", {}}, {"b", {}}, {"c", {}}}), {"a", "b", "c"}},
      {consumers({{"a", {"b"}}, {"b", {}}, {"c", {}}}), {"b", "a", "c"}},
      {consumers({{"a", {"c"}}, {"b", {"c"}}, {"c", {}}}), {"c", "a", "b"}},
      {consumers({{"d", {"b", "c"}}, {"c", {"a"}}, {"b", {"a"}}, {"a", {}}}), {"a", "c", "b", "d"}},
      {consumers({{"x", {}}, {"y", {"z"}}, {"z", {}}, {"w", {}}}), {"x", "z", "y", "w"}},
  };
  for (const auto& r : rows) {
    const auto g = analyse_dependencies(r.in);
    EXPECT_TRUE(g.cycle.empty());
    EXPECT_EQ(names(r.in, g.order), r.want);
  }
}

TEST(Dependencies, CyclesAreNamed) {
  struct Row {
    std::vector<ConsumerSpec> in;
    const char* want;
  };
  const Row rows[] = {
      {consumers({{"a", {"a"}}}), "a -> a"},
      {consumers({{"a", {"b"}}, {"b", {"a"}}}), "a -> b -> a"},
      {consumers({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}}), "a -> b -> c -> a"},
      {consumers({{"ok", {}}, {"c", {"a"}}, {"a", {"b"}}, {"b", {"c"}}}), "c -> a -> b -> c"},
      {consumers({{"top", {"a"}}, {"a", {"b"}}, {"b", {"a"}}}), "a -> b -> a"},  // top is not on the cycle
  };
  for (const auto& r : rows) EXPECT_EQ(format_cycle(analyse_dependencies(r.in).cycle), r.want);
}

TEST(Dependencies, UnknownNamesAreReportedAndIgnored) {
  const auto cs = consumers({{"a", {"ghost"}}, {"b", {"a", "phantom"}}});
  const auto g = analyse_dependencies(cs);
  ASSERT_EQ(g.unknown.size(), 2u);
  EXPECT_EQ(g.unknown[0].consumer, 0u);
  EXPECT_EQ(g.unknown[0].name, "ghost");
  EXPECT_EQ(g.unknown[1].name, "phantom");
  EXPECT_EQ(names(cs, g.order), (std::vector<std::string>{"a", "b"}));
}

TEST(Dependencies, LargeChainIsFast) {
  std::vector<ConsumerSpec> cs(10000);
  for (std::size_t i = 0; i < cs.size(); ++i) {
    cs[i].name = "c" + std::to_string(i);
    if (i + 1 < cs.size()) cs[i].dependsOn = {"c" + std::to_string(i + 1)};
  }
  const auto g = analyse_dependencies(cs);
  ASSERT_EQ(g.order.size(), cs.size());
  EXPECT_EQ(g.order.front(), cs.size() - 1);
  EXPECT_EQ(g.order.back(), 0u);
}

}  // namespace
}  // namespace shepherd::controllers::api
