// Implementation of metrics_text.h.
#include "bench/operator/metrics_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace shepherd::bench {
namespace {

std::map<std::string, std::string> parse_labels(const std::string& s) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    auto eq = s.find('=', i);
    if (eq == std::string::npos || eq + 1 >= s.size() || s[eq + 1] != '"') break;
    std::string key = s.substr(i, eq - i);
    std::string value;
    size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) ++j;
      value += s[j];
    }
    out[key] = value;
    i = j + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  return out;
}

}  // namespace

Sums sum_metric(const std::string& text, const std::string& metric, const std::vector<std::string>& by) {
  Sums sums;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(metric, 0) != 0) continue;
    size_t pos = metric.size();
    std::map<std::string, std::string> labels;
    if (pos < line.size() && line[pos] == '{') {
      auto close = line.rfind('}');
      if (close == std::string::npos) continue;
      labels = parse_labels(line.substr(pos + 1, close - pos - 1));
      pos = close + 1;
    } else if (pos < line.size() && line[pos] != ' ') {
      continue;  // another metric with this prefix
    }
    std::string key;
    for (size_t k = 0; k < by.size(); ++k) key += (k ? "/" : "") + labels[by[k]];
    sums[key] += std::strtod(line.c_str() + pos, nullptr);
  }
  return sums;
}

Sums delta(const Sums& after, const Sums& before) {
  Sums out;
  for (const auto& [k, v] : after) out[k] = v;
  for (const auto& [k, v] : before) out[k] -= v;
  return out;
}

std::string http_get(int port, const std::string& path, int* code) {
  if (code) *code = 0;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return "";
  }
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto sp = resp.find(' ');
  if (code && sp != std::string::npos) *code = std::atoi(resp.c_str() + sp + 1);
  auto body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

}  // namespace shepherd::bench
