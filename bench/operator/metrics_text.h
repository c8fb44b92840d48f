// Reading Prometheus text exposition: the samples of one metric, summed by the labels asked for.
// Used for the operator's shepherd_api_requests_total{verb,code} and the API server's
// apiserver_request_total{verb,resource,subresource,...}.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace shepherd::bench {

// Key: the values of `by` joined with "/" (e.g. {"verb"} -> "create"). Missing labels are "".
using Sums = std::map<std::string, double>;
Sums sum_metric(const std::string& text, const std::string& metric, const std::vector<std::string>& by);

// after - before, per key (keys of either).
Sums delta(const Sums& after, const Sums& before);

// Plain HTTP GET of http://127.0.0.1:<port><path>; "" on failure, status in *code.
std::string http_get(int port, const std::string& path, int* code = nullptr);

}  // namespace shepherd::bench
