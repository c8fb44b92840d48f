// A patch request the reconciler sends to the API server: a server-side apply body (PATCH with
// Content-Type application/apply-patch+yaml, ?fieldManager=shepherd-operator&force=true) or an
// RFC 6902 JSON patch (application/json-patch+json, ?fieldManager=shepherd-operator).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace shepherd::controllers::cutover {

enum class PatchType { Apply, JsonPatch };

struct Patch {
  PatchType type = PatchType::Apply;
  nlohmann::json body;
  friend bool operator==(const Patch&, const Patch&) = default;
};

// "application/apply-patch+yaml" (JSON is valid YAML) or "application/json-patch+json".
std::string content_type(PatchType type);
// The query string for the PATCH: "fieldManager=shepherd-operator&force=true" for Apply (the
// operator owns this one field; forcing takes it over from whoever set it before),
// "fieldManager=shepherd-operator" for JsonPatch.
std::string patch_query(PatchType type);

}  // namespace shepherd::controllers::cutover
