// A scripted Transport for unit tests: each request is answered by the first matching handler;
// every request is recorded. Streams are served from a scripted list of chunks.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "runtime/transport.h"

namespace shepherd::runtime::testing {

struct ScriptedStream {
  int status = 200;
  std::string error_body;
  std::vector<std::string> chunks;
};

class FakeTransport : public Transport {
 public:
  using Handler = std::function<Response(const Request&)>;

  // Answers for send(), consumed in order; when exhausted, `fallback` answers.
  void push(Response r) {
    std::lock_guard l(mu_);
    responses_.push_back(std::move(r));
  }
  void push_stream(ScriptedStream s) {
    std::lock_guard l(mu_);
    streams_.push_back(std::move(s));
  }
  Handler fallback = [](const Request&) {
    return Response{404, R"({"kind":"Status","code":404,"reason":"NotFound"})", "", false, {}};
  };
  // Answers stream() (watches and streamed lists) when nothing is scripted; unset: a quiet watch.
  std::function<ScriptedStream(const Request&)> stream_fallback;

  Response send(const Request& request, std::stop_token) override {
    Handler h;
    {
      std::lock_guard l(mu_);
      requests_.push_back(request);
      if (!responses_.empty()) {
        Response r = responses_.front();
        responses_.pop_front();
        return r;
      }
      h = fallback;
    }
    return h(request);
  }

  Response stream(const Request& request, const ChunkHandler& on_chunk, std::stop_token stop) override {
    ScriptedStream s;
    {
      std::lock_guard l(mu_);
      requests_.push_back(request);
      if (streams_.empty()) {
        // Nothing scripted: the fallback, else behave like a quiet watch until stopped.
        if (stream_fallback)
          s = stream_fallback(request);
        else
          streams_empty_waits_++;
      } else {
        s = streams_.front();
        streams_.pop_front();
      }
    }
    if (s.chunks.empty() && s.status == 200 && s.error_body.empty()) {
      while (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Response{0, "", "cancelled", true, {}};
    }
    if (s.status != 200) return Response{s.status, s.error_body, "", false, {}};
    for (const auto& c : s.chunks) {
      if (!on_chunk(c)) break;
    }
    return Response{200, "", "", false, {}};
  }

  std::vector<Request> requests() const {
    std::lock_guard l(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Response> responses_;
  std::deque<ScriptedStream> streams_;
  std::vector<Request> requests_;
  int streams_empty_waits_ = 0;
};

inline Response ok(const std::string& body) { return Response{200, body, "", false, {}}; }
inline Response status(int code, const std::string& reason, const std::string& message = "") {
  const nlohmann::json body = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                               {"code", code},     {"reason", reason},   {"message", message}};
  return Response{code, body.dump(), "", false, {}};
}

}  // namespace shepherd::runtime::testing
