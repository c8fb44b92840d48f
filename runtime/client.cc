// The REST client: request building, retries with backoff, client-side rate limiting, metrics.
#include "runtime/client.h"

#include <condition_variable>
#include <mutex>

#include "runtime/backoff.h"
#include "runtime/log.h"

namespace shepherd::runtime {
namespace {

void default_sleep(Duration d, std::stop_token stop) {
  if (d <= Duration::zero()) return;
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
}

// Query string builder: appends "&k=v" (or "?k=v") with v escaped.
class Query {
 public:
  explicit Query(std::string path) : s_(std::move(path)) {}
  Query& add(const std::string& k, const std::string& v) {
    if (v.empty()) return *this;
    s_ += (first_ ? '?' : '&');
    first_ = false;
    s_ += k + "=" + url_encode(v);
    return *this;
  }
  std::string str() const { return s_; }

 private:
  std::string s_;
  bool first_ = true;
};

std::string name_of(const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return "";
  return obj["metadata"].value("name", "");
}

std::string ns_or_object(const std::string& ns, const json& obj) {
  if (!ns.empty()) return ns;
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()) {
    return obj["metadata"].value("namespace", "");
  }
  return "";
}

bool retryable(int status) { return status == 0 || status == 429 || (status >= 500 && status != 501); }

std::optional<Duration> retry_after(const Response& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return std::nullopt;
  try {
    const long secs = std::stol(it->second);
    if (secs < 0) return std::nullopt;
    return std::chrono::seconds(secs);
  } catch (...) {
    return std::nullopt;  // an HTTP date; ignore and use our own backoff
  }
}

}  // namespace

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

Client::Client(std::shared_ptr<Transport> transport, ClientOptions options)
    : transport_(std::move(transport)), options_(std::move(options)), bucket_(options_.qps, options_.burst) {
  if (!options_.sleep) options_.sleep = default_sleep;
}

void Client::wait(Duration d, std::stop_token stop) {
  if (d > Duration::zero()) options_.sleep(d, stop);
}

Result<json> Client::request(const std::string& verb, const Resource& r, const Request& req,
                             std::stop_token stop, ResponseShape shape) {
  for (int attempt = 0;; ++attempt) {
    wait(bucket_.reserve(), stop);
    if (stop.stop_requested()) return ApiError::cancelled();
    const auto t0 = std::chrono::steady_clock::now();
    Response resp = transport_->send(req, stop);
    if (options_.observer) {
      options_.observer({verb, r.display(), resp.status, std::chrono::steady_clock::now() - t0});
    }
    if (resp.cancelled) return ApiError::cancelled();
    if (resp.status >= 200 && resp.status < 300) {
      if (resp.body.empty()) return json::object();
      json::parser_callback_t keep = nullptr;
      if (shape == ResponseShape::kMetadata) {
        keep = [](int depth, json::parse_event_t event, json& parsed) {
          if (depth != 1 || event != json::parse_event_t::key) return true;
          const auto& k = parsed.get_ref<const std::string&>();
          return k == "apiVersion" || k == "kind" || k == "metadata";
        };
      }
      auto parsed = json::parse(resp.body, keep, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) {
        return ApiError::invalid(verb + " " + r.display() + ": response is not JSON");
      }
      return parsed;
    }
    ApiError err =
        resp.status == 0 ? ApiError::transport(resp.error) : ApiError::from_response(resp.status, resp.body);
    if (!retryable(resp.status) || attempt >= options_.max_retries) return err;
    Duration delay = exponential_delay(options_.retry_base, options_.retry_max, attempt);
    if (auto ra = retry_after(resp)) delay = *ra;
    log_debug("retrying request",
              {{"verb", verb},
               {"resource", r.display()},
               {"code", resp.status},
               {"attempt", attempt + 1},
               {"delay_ms", std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()}});
    wait(delay, stop);
  }
}

Result<json> Client::get(const Resource& r, const std::string& ns, const std::string& name,
                         std::stop_token stop) {
  if (name.empty()) return ApiError::invalid("get " + r.display() + ": empty name");
  return request("get", r, Request{"GET", r.path(ns, name), "", ""}, stop);
}

namespace {
// The path and query of one page of a list (list, list_each).
std::string list_path(const Resource& r, const std::string& ns, const ListOptions& o) {
  Query q(r.path(ns));
  q.add("labelSelector", o.label_selector).add("fieldSelector", o.field_selector);
  if (o.limit > 0) q.add("limit", std::to_string(o.limit));
  q.add("continue", o.continue_token).add("resourceVersion", o.resource_version);
  return q.str();
}
}  // namespace

Result<json> Client::list(const Resource& r, const std::string& ns, const ListOptions& o,
                          std::stop_token stop) {
  return request("list", r, Request{"GET", list_path(r, ns, o), "", ""}, stop);
}

Result<json> Client::list_all(const Resource& r, const std::string& ns, ListOptions o, std::stop_token stop) {
  if (o.limit <= 0) o.limit = 500;
  json merged;
  while (true) {
    auto page = list(r, ns, o, stop);
    if (!page) return page.error();
    json& p = page.value();
    if (merged.is_null()) {
      merged = json::object();
      merged["apiVersion"] = p.value("apiVersion", r.api_version());
      merged["kind"] = p.value("kind", r.kind + "List");
      merged["metadata"] = json::object();
      if (p.contains("metadata")) {
        merged["metadata"]["resourceVersion"] = p["metadata"].value("resourceVersion", "");
      }
      merged["items"] = json::array();
    }
    if (p.contains("items") && p["items"].is_array()) {
      for (auto& item : p["items"]) merged["items"].push_back(std::move(item));
    }
    std::string cont;
    if (p.contains("metadata")) cont = p["metadata"].value("continue", "");
    if (cont.empty()) break;
    o.continue_token = cont;
    // Pages after the first must not carry a resourceVersion (the token pins it).
    o.resource_version.clear();
  }
  return merged;
}

Result<std::string> Client::list_each(const Resource& r, const std::string& ns, ListOptions o,
                                      const std::function<bool(json& item)>& on_item, std::stop_token stop) {
  if (o.limit <= 0) o.limit = 500;
  std::string first_rv;
  bool first_page = true;
  while (true) {
    const std::string path = list_path(r, ns, o);
    wait(bucket_.reserve(), stop);
    if (stop.stop_requested()) return ApiError::cancelled();

    ListSplitter splitter;
    json metadata;
    std::optional<ApiError> decode_error;
    bool stopped_by_handler = false;
    const auto t0 = std::chrono::steady_clock::now();
    Response resp = transport_->stream(
        Request{"GET", path, "", ""},
        [&](std::string_view chunk) {
          return splitter.feed(
              chunk,
              [&](std::string_view text) {
                json item = parse_object_without_managed_fields(text, o.skip_fields);
                if (item.is_null()) {
                  decode_error = ApiError::invalid("list " + r.display() +
                                                   ": undecodable item: " + std::string(text.substr(0, 200)));
                  return false;
                }
                if (!on_item(item)) {
                  stopped_by_handler = true;
                  return false;
                }
                return true;
              },
              [&](std::string_view text) {
                metadata = json::parse(text, nullptr, /*allow_exceptions=*/false);
              });
        },
        stop);
    if (options_.observer) {
      options_.observer({"list", r.display(), resp.status, std::chrono::steady_clock::now() - t0});
    }
    if (decode_error) return *decode_error;
    if (stopped_by_handler || resp.cancelled || stop.stop_requested()) return ApiError::cancelled();
    if (resp.status == 0) return ApiError::transport(resp.error);
    if (resp.status < 200 || resp.status >= 300) return ApiError::from_response(resp.status, resp.body);
    if (!splitter.complete() || !metadata.is_object()) {
      return ApiError::transport("list " + r.display() + ": the answer ended before the list was complete");
    }
    if (first_page) first_rv = metadata.value("resourceVersion", "");
    first_page = false;
    const std::string cont = metadata.value("continue", "");
    if (cont.empty()) return first_rv;
    o.continue_token = cont;
    o.resource_version.clear();  // pages after the first: the token pins the version
  }
}

Result<json> Client::create(const Resource& r, const std::string& ns, const json& obj) {
  return request("create", r, Request{"POST", r.path(ns_or_object(ns, obj)), obj.dump(), "application/json"});
}

Result<json> Client::update(const Resource& r, const std::string& ns, const json& obj) {
  const std::string name = name_of(obj);
  if (name.empty()) return ApiError::invalid("update " + r.display() + ": metadata.name is empty");
  return request("update", r,
                 Request{"PUT", r.path(ns_or_object(ns, obj), name), obj.dump(), "application/json"});
}

Result<json> Client::update_status(const Resource& r, const std::string& ns, const json& obj) {
  const std::string name = name_of(obj);
  if (name.empty()) return ApiError::invalid("update status " + r.display() + ": metadata.name is empty");
  return request(
      "update", r,
      Request{"PUT", r.path(ns_or_object(ns, obj), name, "status"), obj.dump(), "application/json"});
}

Result<json> Client::patch(const Resource& r, const std::string& ns, const std::string& name, PatchType type,
                           const json& patch, const PatchOptions& o, const std::string& subresource) {
  if (name.empty()) return ApiError::invalid("patch " + r.display() + ": empty name");
  std::string ct;
  switch (type) {
    case PatchType::kMerge:
      ct = "application/merge-patch+json";
      break;
    case PatchType::kJson:
      ct = "application/json-patch+json";
      break;
    case PatchType::kStrategicMerge:
      ct = "application/strategic-merge-patch+json";
      break;
    case PatchType::kApply:
      ct = "application/apply-patch+yaml";
      break;
  }
  Query q(r.path(ns, name, subresource));
  std::string manager = o.field_manager;
  if (manager.empty() && type == PatchType::kApply) manager = options_.field_manager;
  q.add("fieldManager", manager);
  if (o.force && type == PatchType::kApply) q.add("force", "true");
  return request(type == PatchType::kApply ? "apply" : "patch", r,
                 Request{"PATCH", q.str(), patch.dump(), ct}, {}, o.response);
}

Result<json> Client::apply(const Resource& r, const std::string& ns, const json& obj,
                           const std::string& field_manager, bool force, const std::string& subresource) {
  const std::string name = name_of(obj);
  if (name.empty()) return ApiError::invalid("apply " + r.display() + ": metadata.name is empty");
  return patch(r, ns_or_object(ns, obj), name, PatchType::kApply, obj, PatchOptions{field_manager, force},
               subresource);
}

Result<json> Client::remove(const Resource& r, const std::string& ns, const std::string& name,
                            const DeleteOptions& o) {
  if (name.empty()) return ApiError::invalid("delete " + r.display() + ": empty name");
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!o.propagation_policy.empty()) body["propagationPolicy"] = o.propagation_policy;
  if (!o.precondition_uid.empty()) body["preconditions"]["uid"] = o.precondition_uid;
  if (!o.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = o.precondition_resource_version;
  }
  if (o.grace_period_seconds) body["gracePeriodSeconds"] = *o.grace_period_seconds;
  return request("delete", r, Request{"DELETE", r.path(ns, name), body.dump(), "application/json"});
}

Result<bool> Client::watch(const Resource& r, const std::string& ns, const WatchOptions& o,
                           const std::function<bool(WatchEvent&)>& on_event, std::stop_token stop) {
  Query q(r.path(ns));
  q.add("watch", "true").add("resourceVersion", o.resource_version);
  q.add("labelSelector", o.label_selector).add("fieldSelector", o.field_selector);
  if (o.allow_bookmarks) q.add("allowWatchBookmarks", "true");
  if (o.timeout_seconds > 0) q.add("timeoutSeconds", std::to_string(o.timeout_seconds));
  wait(bucket_.reserve(), stop);
  if (stop.stop_requested()) return ApiError::cancelled();

  LineSplitter splitter;
  std::optional<ApiError> decode_error;
  const auto t0 = std::chrono::steady_clock::now();
  Response resp = transport_->stream(
      Request{"GET", q.str(), "", ""},
      [&](std::string_view chunk) {
        return splitter.feed(chunk, [&](std::string_view line) {
          auto ev = parse_watch_event(line, o.skip_fields);
          if (!ev) {
            decode_error = ApiError::invalid("watch " + r.display() +
                                             ": undecodable event: " + std::string(line.substr(0, 200)));
            return false;
          }
          return on_event(*ev);
        });
      },
      stop);
  if (options_.observer) {
    options_.observer({"watch", r.display(), resp.status, std::chrono::steady_clock::now() - t0});
  }
  if (decode_error) return *decode_error;
  if (resp.cancelled || stop.stop_requested()) return true;
  if (resp.status == 0) return ApiError::transport(resp.error);
  if (resp.status < 200 || resp.status >= 300) return ApiError::from_response(resp.status, resp.body);
  return true;
}

}  // namespace shepherd::runtime
