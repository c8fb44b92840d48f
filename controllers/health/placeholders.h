// Fills the placeholders of a health-check query: {{consumer}}, {{plan}}, {{namespace}},
// {{dataset}}, and the single-brace forms {consumer}, {plan}, {namespace}, {dataset} that the rest
// of the spec uses. Pure string work.
#pragma once

#include <string>
#include <string_view>

namespace shepherd::controllers::health {

struct QueryContext {
  std::string consumer;    // the consumer's name in the plan
  std::string plan;        // the MigrationPlan's name ("" for a hand-made ConsumerMigration)
  std::string namespace_;  // the ConsumerMigration's namespace
  std::string dataset;     // spec.dataset.name
};

// Replaces every known placeholder, double-brace form first. Values are inserted verbatim (they are
// DNS labels or dataset names, validated by the CRD), so write quotes yourself:
// job_errors_total{consumer="{{consumer}}"}. A single-brace form is only replaced when it is exactly
// {name} with one of the four names, which is never valid PromQL on its own (a label matcher needs
// an operator), so selectors such as {consumer="x"} are left alone. Unknown placeholders stay as
// they are (validation rejects them: api::check_placeholders).
std::string fill_placeholders(std::string_view query, const QueryContext& context);

}  // namespace shepherd::controllers::health
