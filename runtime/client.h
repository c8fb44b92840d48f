// The REST client: unstructured CRUD, patch, server-side apply, status writes and watches on any
// Resource. Objects are nlohmann::json; every call returns Result<json> carrying the API server's
// Status on failure. Retries 429 and 5xx (and connection failures) with exponential backoff that
// honours Retry-After; a client-side token bucket limits the request rate; an observer sees every
// request (verb, resource, code, duration) for metrics.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "runtime/rate_limiter.h"
#include "runtime/resource.h"
#include "runtime/transport.h"
#include "runtime/watch.h"

namespace shepherd::runtime {

using json = nlohmann::json;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;  // page size; 0 = no paging
  std::string continue_token;
  std::string resource_version;  // "0" = any (served from the watch cache), "" = most recent
  // Not a query parameter: top-level fields of each item skipped while decoding (list_each only).
  std::vector<std::string> skip_fields;
};

struct WatchOptions {
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
  int timeout_seconds = 0;  // server-side end of the watch; 0 = server default
  bool allow_bookmarks = true;
  // Not a query parameter: top-level fields of each event's object skipped while decoding (e.g.
  // {"spec"} for a cache of metadata and status only).
  std::vector<std::string> skip_fields;
};

enum class PatchType { kMerge, kJson, kStrategicMerge, kApply };

// How much of a successful answer to parse. kMetadata keeps apiVersion, kind and metadata (the new
// resourceVersion, say) and skips the rest while parsing: writing a few fields of a large object
// then costs no copy of the whole object.
enum class ResponseShape { kFull, kMetadata };

struct PatchOptions {
  std::string field_manager;  // required for kApply; defaults to ClientOptions::field_manager
  bool force = false;         // kApply only: take ownership of conflicting fields
  ResponseShape response = ResponseShape::kFull;
};

struct DeleteOptions {
  std::string propagation_policy;  // "", "Foreground", "Background", "Orphan"
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
};

// One finished request, as seen by a metrics hook. verb is the Kubernetes verb (get, list, watch,
// create, update, patch, delete); code 0 = no response.
struct RequestMetric {
  std::string verb;
  std::string resource;
  int code = 0;
  std::chrono::steady_clock::duration duration{};
};
using RequestObserver = std::function<void(const RequestMetric&)>;

struct ClientOptions {
  double qps = 20;  // client-side limit; <= 0 disables it (then API Priority and Fairness rules)
  int burst = 30;
  int max_retries = 5;  // for 429, 5xx and connection failures
  Duration retry_base = std::chrono::milliseconds(200);
  Duration retry_max = std::chrono::seconds(10);
  std::string field_manager = "shepherd";
  RequestObserver observer;
  // How to wait between retries and for rate-limit tokens; tests replace it.
  std::function<void(Duration, std::stop_token)> sleep;
};

class Client {
 public:
  Client(std::shared_ptr<Transport> transport, ClientOptions options = {});

  Result<json> get(const Resource& r, const std::string& ns, const std::string& name,
                   std::stop_token stop = {});
  // One page; the list's metadata.continue is set when more pages exist.
  Result<json> list(const Resource& r, const std::string& ns, const ListOptions& o = {},
                    std::stop_token stop = {});
  // All pages (page size o.limit, 500 when 0) merged into one list; metadata.resourceVersion is
  // the first page's. A 410 while paging (continue token expired) is returned as the error.
  Result<json> list_all(const Resource& r, const std::string& ns, ListOptions o = {},
                        std::stop_token stop = {});
  // All pages, streamed: each item is parsed on its own as its bytes arrive (metadata.managedFields
  // skipped) and handed to on_item, which may move it out; the whole list is never one document.
  // Returns the first page's resourceVersion. on_item returning false stops (the result is then
  // an error, cancelled). No retries, as for watch(): the caller (Informer) owns backing off; a 410
  // while paging (continue token expired) is_gone(). Note: cpprestsdk reads the answer into its
  // buffer as fast as the socket delivers it, so the text of a page can still be buffered whole
  // while items are parsed; the parsed list (5-7 times the text) never is.
  Result<std::string> list_each(const Resource& r, const std::string& ns, ListOptions o,
                                const std::function<bool(json& item)>& on_item, std::stop_token stop = {});
  Result<json> create(const Resource& r, const std::string& ns, const json& obj);
  // PUT: name and resourceVersion come from obj; a stale resourceVersion -> is_conflict().
  Result<json> update(const Resource& r, const std::string& ns, const json& obj);
  Result<json> update_status(const Resource& r, const std::string& ns, const json& obj);
  Result<json> patch(const Resource& r, const std::string& ns, const std::string& name, PatchType type,
                     const json& patch, const PatchOptions& o = {}, const std::string& subresource = "");
  // Server-side apply of the whole intended object (apiVersion, kind, metadata.name required).
  Result<json> apply(const Resource& r, const std::string& ns, const json& obj,
                     const std::string& field_manager = "", bool force = false,
                     const std::string& subresource = "");
  // DELETE; returns the server's answer (the object being deleted, or a Status).
  Result<json> remove(const Resource& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& o = {});

  // Streams watch events to on_event until the server ends the watch (returns ok), on_event
  // returns false or stop is requested (ok), or an error: the request failed (e.g. 410 ->
  // is_gone()) or the stream broke. ERROR events are delivered to on_event like others. No retries:
  // the caller (Informer) owns reconnecting. on_event may move the event's object out.
  Result<bool> watch(const Resource& r, const std::string& ns, const WatchOptions& o,
                     const std::function<bool(WatchEvent&)>& on_event, std::stop_token stop);

  // Any request, with retries, rate limit and metrics (the building block of the calls above).
  Result<json> request(const std::string& verb, const Resource& r, const Request& req,
                       std::stop_token stop = {}, ResponseShape shape = ResponseShape::kFull);

 private:
  void wait(Duration d, std::stop_token stop);

  std::shared_ptr<Transport> transport_;
  ClientOptions options_;
  TokenBucket bucket_;
};

// "a=b" query value escaping for selectors and tokens.
std::string url_encode(const std::string& s);

}  // namespace shepherd::runtime
