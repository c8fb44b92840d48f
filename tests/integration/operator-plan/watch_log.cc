// Implementation of watch_log.h.
#include "tests/integration/operator-plan/watch_log.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/cluster.h"

namespace shepherd::testing {

WatchLog::WatchLog(const std::string& resource, const std::string& ns, const std::string& path)
    : path_(path) {
  const auto& c = Cluster::get();
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::remove(path.c_str());
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{c.kubectl_path(), "--kubeconfig", c.kubeconfig, "get", resource, "-n", ns,
                               "--watch", "--output-watch-events", "-o", "json"},
      path);
}

WatchLog::~WatchLog() { process_->stop(std::chrono::seconds(2)); }

std::vector<nlohmann::json> WatchLog::events() const {
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<nlohmann::json> out;
  std::istringstream stream(text.str());
  while (true) {
    stream >> std::ws;
    if (stream.peek() != '{') break;
    nlohmann::json j;
    try {
      stream >> j;
    } catch (const nlohmann::json::exception&) {
      break;  // the last document may still be being written
    }
    if (j.contains("type") && j.contains("object")) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace shepherd::testing
