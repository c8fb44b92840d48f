// Records a `kubectl get <resource> --watch --output-watch-events -o json` stream of one namespace
// for the whole test, so that invariants ("never more than 5 in progress", "no consumer before its
// dependencies") are checked over every state the API server went through, in resourceVersion
// order, not over a few polls.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace shepherd::testing {

class WatchLog {
 public:
  WatchLog(const std::string& resource, const std::string& ns, const std::string& path);
  ~WatchLog();
  // The events so far: {"type": ADDED|MODIFIED|DELETED, "object": {...}}.
  std::vector<nlohmann::json> events() const;

 private:
  std::string path_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace shepherd::testing
