// Implementation of cache_trim.h.
#include "controllers/reconcile/cache_trim.h"

namespace shepherd::controllers::reconcile {
namespace {

using nlohmann::json;

json keep(const json& from, std::initializer_list<const char*> keys) {
  json out = json::object();
  if (!from.is_object()) return out;
  for (const char* k : keys) {
    auto it = from.find(k);
    if (it != from.end()) out[k] = *it;
  }
  return out;
}

// Identity, owners (the fields owner lookups read) and the labels the reconcilers select on:
// Shepherd's own and the Job controller's job-name. Generation, the Job controller's other labels
// (controller-uid, batch.kubernetes.io/*) and annotations are never read.
json trimmed_metadata(const json& obj) {
  const json meta = obj.value("metadata", json::object());
  json out =
      keep(meta, {"name", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp"});
  json labels = json::object();
  const json all_labels = meta.value("labels", json::object());  // not a temporary: items() views it
  for (const auto& [k, v] : all_labels.items()) {
    if (k == "job-name" || k.rfind("shepherd.dev/", 0) == 0) labels[k] = v;
  }
  if (!labels.empty()) out["labels"] = std::move(labels);
  json refs = json::array();
  for (const auto& ref : meta.value("ownerReferences", json::array())) {
    refs.push_back(keep(ref, {"apiVersion", "kind", "name", "uid", "controller"}));
  }
  if (!refs.empty()) out["ownerReferences"] = std::move(refs);
  return out;
}

}  // namespace

void trim_job(json& job) {
  json out = keep(job, {"apiVersion", "kind"});
  out["metadata"] = trimmed_metadata(job);
  const json status = job.value("status", json::object());
  json trimmed = keep(status, {"startTime", "completionTime", "active", "succeeded", "failed"});
  json conditions = json::array();
  for (const auto& c : status.value("conditions", json::array())) {
    conditions.push_back(keep(c, {"type", "status", "reason", "message"}));
  }
  if (!conditions.empty()) trimmed["conditions"] = std::move(conditions);
  out["status"] = std::move(trimmed);
  job = std::move(out);
}

void trim_pod(json& pod) {
  json out = keep(pod, {"apiVersion", "kind"});
  out["metadata"] = trimmed_metadata(pod);
  const json status = pod.value("status", json::object());
  json trimmed = keep(status, {"phase"});
  json containers = json::array();
  for (const auto& cs : status.value("containerStatuses", json::array())) {
    json c{{"name", cs.value("name", "")}};
    if (cs.contains("/state/terminated"_json_pointer)) {
      c["state"]["terminated"] = keep(cs["state"]["terminated"], {"exitCode", "reason", "message"});
    }
    containers.push_back(std::move(c));
  }
  if (!containers.empty()) trimmed["containerStatuses"] = std::move(containers);
  out["status"] = std::move(trimmed);
  pod = std::move(out);
}

runtime::InformerOptions plan_informer_options() {
  runtime::InformerOptions o;
  // Metadata and status only: the spec is skipped while decoding lists and watch events. At
  // 10,000 consumers it is 0.75 MB of JSON and 5.6 MiB parsed, and every status write of the plan
  // sends it back in a watch event; the plan reconciler reads it with a GET once per generation.
  o.skip_fields = {"spec"};
  o.store.indexes = std::map<std::string, runtime::IndexFunc>{};
  return o;
}

runtime::InformerOptions consumer_migration_informer_options() {
  runtime::InformerOptions o;
  o.store.compact = true;
  o.store.projection = runtime::projection_of<ConsumerSummaryProjection>();
  o.store.indexes =
      std::map<std::string, runtime::IndexFunc>{{runtime::kOwnerIndex, runtime::index_by_owner_uid()}};
  return o;
}

runtime::InformerOptions agent_job_informer_options() {
  runtime::InformerOptions o;
  o.label_selector = kManagedBySelector;
  o.transform = trim_job;
  o.store.compact = true;
  o.store.indexes =
      std::map<std::string, runtime::IndexFunc>{{runtime::kOwnerIndex, runtime::index_by_owner_uid()}};
  return o;
}

runtime::InformerOptions agent_pod_informer_options() {
  runtime::InformerOptions o;
  o.label_selector = kManagedBySelector;
  o.transform = trim_pod;
  o.store.compact = true;
  o.store.indexes =
      std::map<std::string, runtime::IndexFunc>{{kJobNameIndex, runtime::index_by_label("job-name")}};
  return o;
}

std::optional<plan::ConsumerSummary> ConsumerSummaryProjection::project(const json& cmig) {
  auto parsed = api::parse_consumer_migration(cmig);
  if (!parsed.value) return std::nullopt;
  return plan::summarize(*parsed.value);
}

}  // namespace shepherd::controllers::reconcile
