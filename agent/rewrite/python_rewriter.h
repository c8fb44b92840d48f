// Rewrites Python sources (PySpark, pandas, Airflow DAGs) for a change set.
#pragma once

#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::python {

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out);

}  // namespace shepherd::rewrite::python
