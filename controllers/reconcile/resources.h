// The Kubernetes resources of Shepherd's own kinds, for the runtime library's client and informers.
#pragma once

#include "runtime/resource.h"

namespace shepherd::controllers::reconcile {

inline const runtime::Resource kMigrationPlans{"shepherd.dev", "v1alpha1", "migrationplans", "MigrationPlan",
                                               true};
inline const runtime::Resource kConsumerMigrations{"shepherd.dev", "v1alpha1", "consumermigrations",
                                                   "ConsumerMigration", true};

// Registers both with the runtime's kind registry (resource_for_kind).
void register_shepherd_resources();

}  // namespace shepherd::controllers::reconcile
