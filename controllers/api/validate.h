// Semantic validation of a MigrationPlan that the CRD schema and CEL cannot do (docs/api.md,
// "Conditions and reasons", InvalidSpec): dependency cycles, unknown dependencies, bad placeholders,
// overrides that do not parse, and (given what the shell observed) missing git secrets. Each error names the
// field and the fix. A non-empty result means: Stalled=True, reason InvalidSpec, a Warning Event, nothing
// created.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/api/types.h"

namespace shepherd::controllers::api {

struct ValidationError {
  std::string field;    // e.g. "spec.consumers[2].dependsOn"
  std::string message;  // what is wrong and what to do, e.g. "... ; remove one of these dependsOn entries"
  bool operator==(const ValidationError&) const = default;
};

// Everything that can be checked from the spec alone.
std::vector<ValidationError> validate_plan_spec(const MigrationPlanSpec& spec);

// The git secrets the spec refers to (plan agent and consumer overrides) that `secret_exists` says
// are missing. `secret_exists` is the shell's observation (informer cache lookup), not I/O here.
std::vector<ValidationError> validate_secrets(const MigrationPlanSpec& spec,
                                              const std::function<bool(std::string_view)>& secret_exists);

// Checks of a hand-made ConsumerMigration's frozen spec (placeholders, required fields).
std::vector<ValidationError> validate_consumer_migration_spec(const ConsumerMigrationSpec& spec);

// "field: message" joined with "; ", at most `max` errors then "(and N more)". For condition
// messages and Events.
std::string summarize(const std::vector<ValidationError>& errors, std::size_t max = 3);

}  // namespace shepherd::controllers::api
