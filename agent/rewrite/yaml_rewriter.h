// Rewrites YAML files: configs naming the dataset, dbt sources.yml and schema.yml.
#pragma once

#include <string>
#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::yaml {

void rewrite(const std::string& path, std::string_view text, const Plan& plan, const ModelIndex& models,
             Sink& out);

}  // namespace shepherd::rewrite::yaml
