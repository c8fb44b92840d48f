// Placeholder substitution in health-check queries, through the API's one expander.
#include "controllers/health/placeholders.h"

#include "controllers/api/placeholders.h"

namespace shepherd::controllers::health {

std::string fill_placeholders(std::string_view query, const QueryContext& context) {
  const api::StringMap values{{"consumer", context.consumer},
                              {"plan", context.plan},
                              {"namespace", context.namespace_},
                              {"dataset", context.dataset}};
  const std::string doubled = api::expand_placeholders(query, values, api::PlaceholderSyntax::Query);
  return api::expand_placeholders(doubled, values, api::PlaceholderSyntax::Template);
}

}  // namespace shepherd::controllers::health
