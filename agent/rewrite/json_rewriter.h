// Rewrites JSON files: configs naming the dataset, Avro schemas (.avsc) and JSON Schemas.
#pragma once

#include <string>
#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::json {

void rewrite(const std::string& path, std::string_view text, const Plan& plan, const ModelIndex& models,
             Sink& out);

}  // namespace shepherd::rewrite::json
