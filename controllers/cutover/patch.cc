// Content types and query strings of cut-over patches.
#include "controllers/cutover/patch.h"

#include "controllers/cutover/target.h"

namespace shepherd::controllers::cutover {

std::string content_type(PatchType type) {
  return type == PatchType::Apply ? "application/apply-patch+yaml" : "application/json-patch+json";
}

std::string patch_query(PatchType type) {
  std::string query = std::string("fieldManager=") + kFieldManager;
  if (type == PatchType::Apply) query += "&force=true";
  return query;
}

}  // namespace shepherd::controllers::cutover
