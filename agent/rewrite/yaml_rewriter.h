// Rewrites YAML files: configs naming the dataset, dbt sources.yml and schema.yml.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::yaml {

void rewrite(const std::string& path, std::string_view text, const Plan& plan, const ModelIndex& models,
             Sink& out);

// The dbt sources in a sources.yml that are the dataset, as source() names them: (source name,
// table name). A source's `schema:` (else its name), its `database:` and a table's `identifier:`
// (else its name) must match the location.
std::vector<std::pair<std::string, std::string>> dataset_sources(std::string_view text, const Plan& plan);

// Does source('source', 'table') name the dataset: by the location's last two parts, or by a
// sources.yml entry in the tree (ModelIndex::sources)?
bool source_is_dataset(std::string_view source, std::string_view table, const Plan& plan,
                       const ModelIndex& models);

}  // namespace shepherd::rewrite::yaml
