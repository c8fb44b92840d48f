// Health analysis against a real Prometheus: the test serves /metrics with values it controls,
// Prometheus scrapes it every second, and the analysis (decide_analysis + measure_round +
// record_round through PrometheusClient) must judge healthy values Successful, a value above max
// Failed, an absent metric Inconclusive, a killed Prometheus Inconclusive (never Successful), and
// resume after Prometheus restarts.
// cpprestsdk defines a macro U() unless told not to; it breaks gtest's templates (U is a template
// parameter there) whatever the include order clang-format picks. This test does not use U().
#define _TURN_OFF_PLATFORM_STRING
#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "controllers/health/analysis.h"
#include "controllers/health/prometheus_client.h"
#include "controllers/health/round.h"
#include "tests/support/cluster.h"
#include "tests/support/process.h"

namespace shepherd::controllers::health {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A free TCP port on 127.0.0.1 (bound to port 0 and released; good enough for a test).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  sockaddr* as_sockaddr = static_cast<sockaddr*>(static_cast<void*>(&addr));
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, as_sockaddr, sizeof(addr)) != 0 || ::getsockname(fd, as_sockaddr, &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// /metrics served by cpprestsdk with a value the test sets; nullopt serves no such series.
class MetricsEndpoint {
 public:
  explicit MetricsEndpoint(int port)
      : listener_(utility::conversions::to_string_t("http://127.0.0.1:" + std::to_string(port) + "/")) {
    listener_.support(web::http::methods::GET, [this](const web::http::http_request& request) {
      std::string body = "# TYPE shepherd_test_heartbeat gauge\nshepherd_test_heartbeat 1\n";
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (value_) {
          body += "# TYPE shepherd_test_error_rate gauge\n";
          body += "shepherd_test_error_rate{consumer=\"recs-pipeline\"} " + *value_ + "\n";
          body += "shepherd_test_error_rate{consumer=\"someone-else\"} 99\n";
        }
      }
      request.reply(web::http::status_codes::OK, body,
                    "text/plain; version=0.0.4");  // not awaited: no blocking here
    });
    listener_.open().wait();
  }
  ~MetricsEndpoint() {
    try {
      listener_.close().wait();
    } catch (...) {
    }
  }
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  void set(std::optional<std::string> value) {
    std::lock_guard<std::mutex> lock(mutex_);
    value_ = std::move(value);
  }

 private:
  web::http::experimental::listener::http_listener listener_;
  std::mutex mutex_;
  std::optional<std::string> value_;
};

api::Timestamp now_seconds() { return std::chrono::floor<seconds>(std::chrono::system_clock::now()); }

class PrometheusAnalysis : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/prometheus")) << "install Debian's prometheus package";
    char pattern[] = "/tmp/shepherd-health-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    metrics_port_ = free_port();
    prom_port_ = free_port();
    ASSERT_GT(metrics_port_, 0);
    ASSERT_GT(prom_port_, 0);
    endpoint_ = std::make_unique<MetricsEndpoint>(metrics_port_);
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: shepherd-test\n"
        << "    static_configs:\n      - targets: ['127.0.0.1:" << metrics_port_ << "']\n";
    address_ = "http://127.0.0.1:" + std::to_string(prom_port_);
    start_prometheus();

    spec_.interval = seconds{1};
    spec_.checks.push_back(api::CheckSpec{
        "error-rate", api::PrometheusCheck{address_, R"(shepherd_test_error_rate{consumer="{{consumer}}"})"},
        false, api::Threshold{std::nullopt, 0.01}});
    inputs_.context.consumer = "recs-pipeline";
    inputs_.query_timeout = seconds{2};
  }

  void TearDown() override {
    prometheus_.reset();
    endpoint_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  void start_prometheus() {
    prometheus_ = std::make_unique<testing::BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir_ / "data").string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_),
                                 "--web.enable-lifecycle"},
        (dir_ / "prometheus.log").string());
    ASSERT_TRUE(testing::wait_for(
        [&] { return client_.instant_query(address_, "vector(1)", seconds{2}).status == QueryStatus::Value; },
        seconds{60}))
        << "Prometheus did not become ready; see " << (dir_ / "prometheus.log").string();
  }

  // Waits until Prometheus answers the check's query with `status` (and `value` when given).
  void await_query(QueryStatus status, std::optional<double> value = std::nullopt) {
    const std::string q = R"(shepherd_test_error_rate{consumer="recs-pipeline"})";
    QueryResult last;
    const bool seen = testing::wait_for(
        [&] {
          last = client_.instant_query(address_, q, seconds{2});
          return last.status == status && (!value || last.value == value);
        },
        seconds{30});
    ASSERT_TRUE(seen) << "last answer: status " << static_cast<int>(last.status) << " raw " << last.raw << " "
                      << last.detail;
  }

  // Drives the analysis with the real clock until a verdict; after_round runs after each round.
  Finished run(api::AnalysisStatus& status,
               const std::function<void(const api::AnalysisStatus&)>& after_round = {}) {
    for (int guard = 0; guard < 200; ++guard) {
      const AnalysisDecision d = decide_analysis(spec_, status, now_seconds());
      if (const auto* f = std::get_if<Finished>(&d)) return *f;
      if (const auto* w = std::get_if<WaitUntil>(&d)) {
        std::this_thread::sleep_until(w->at);
        continue;
      }
      record_round(status, measure_round(spec_, inputs_, client_), now_seconds());
      if (after_round) after_round(status);
    }
    ADD_FAILURE() << "analysis did not finish";
    return {};
  }

  std::filesystem::path dir_;
  int metrics_port_ = -1;
  int prom_port_ = -1;
  std::string address_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
  std::unique_ptr<testing::BackgroundProcess> prometheus_;
  PrometheusClient client_;
  api::HealthSpec spec_;
  RoundInputs inputs_;
};

TEST_F(PrometheusAnalysis, HealthyFailingAbsentAndUnreachable) {
  // 1. A healthy value: every round Successful, the analysis Succeeded after `count` rounds.
  endpoint_->set("0.002");
  await_query(QueryStatus::Value, 0.002);
  spec_.count = 3;
  api::AnalysisStatus healthy = start_analysis(now_seconds());
  Finished f = run(healthy);
  EXPECT_EQ(f.verdict, Verdict::Succeeded) << f.message;
  EXPECT_EQ(healthy.successes, 3);
  for (const auto& m : healthy.measurements) {
    EXPECT_EQ(m.outcome, api::MeasurementOutcome::Successful) << m.message;
    EXPECT_EQ(m.value, "0.002");
  }

  // 2. The value crosses max: Failed at the first round, without waiting for count.
  endpoint_->set("0.5");
  await_query(QueryStatus::Value, 0.5);
  spec_.count = 10;
  api::AnalysisStatus failing = start_analysis(now_seconds());
  f = run(failing);
  EXPECT_EQ(f.verdict, Verdict::Failed) << f.message;
  EXPECT_EQ(f.reason, "FailureLimitExceeded");
  EXPECT_EQ(rounds_taken(failing), 1);
  ASSERT_EQ(failing.measurements.size(), 1u);
  EXPECT_EQ(failing.measurements[0].value, "0.5");
  EXPECT_NE(failing.measurements[0].message.find("AboveMaximum"), std::string::npos);

  // 3. The series disappears (Prometheus marks it stale): Inconclusive, and the analysis stalls.
  endpoint_->set(std::nullopt);
  await_query(QueryStatus::NoData);
  api::AnalysisStatus absent = start_analysis(now_seconds());
  f = run(absent);
  EXPECT_EQ(f.verdict, Verdict::Inconclusive) << f.message;
  EXPECT_EQ(f.reason, "AnalysisInconclusive");
  EXPECT_EQ(absent.successes, 0);
  ASSERT_FALSE(absent.measurements.empty());
  EXPECT_NE(absent.measurements.back().message.find("NoData"), std::string::npos)
      << absent.measurements.back().message;

  // 4. Prometheus is killed mid-analysis: rounds are Inconclusive (never Successful) until it is
  //    back; after the restart the measurements resume and the analysis completes.
  endpoint_->set("0.003");
  await_query(QueryStatus::Value, 0.003);
  spec_.count = 8;
  spec_.inconclusiveLimit = 100;
  api::AnalysisStatus interrupted = start_analysis(now_seconds());
  std::int64_t killed_after = -1;
  std::int64_t restarted_after = -1;
  f = run(interrupted, [&](const api::AnalysisStatus& st) {
    const std::int64_t taken = rounds_taken(st);
    if (taken == 2) {
      prometheus_->kill(SIGKILL);
      killed_after = taken;
    } else if (taken == 4) {
      EXPECT_EQ(st.successes, 2) << "a round while Prometheus was down counted as Successful";
      EXPECT_EQ(st.inconclusive, 2);
      for (std::size_t i = 2; i < st.measurements.size(); ++i) {
        EXPECT_EQ(st.measurements[i].outcome, api::MeasurementOutcome::Inconclusive);
        EXPECT_NE(st.measurements[i].message.find("Unreachable"), std::string::npos)
            << st.measurements[i].message;
      }
      start_prometheus();
      restarted_after = taken;
    }
  });
  EXPECT_EQ(killed_after, 2);
  EXPECT_EQ(restarted_after, 4);
  EXPECT_EQ(f.verdict, Verdict::Succeeded) << f.message;
  EXPECT_EQ(rounds_taken(interrupted), 8);
  // Some rounds right after the restart may still see no data; at least one must be Successful again.
  EXPECT_GE(interrupted.successes, 3) << "measurements did not resume after the restart";
  EXPECT_EQ(interrupted.failures, 0);
  EXPECT_EQ(interrupted.measurements.back().outcome, api::MeasurementOutcome::Successful)
      << interrupted.measurements.back().message;
}

}  // namespace
}  // namespace shepherd::controllers::health
