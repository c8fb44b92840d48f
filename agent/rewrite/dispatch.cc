// migrate_file: picks the rewriter for a file from its name, runs it, and applies its splices.
#include <string>

#include "apply.h"
#include "engine.h"
#include "language.h"
#include "plan.h"
#include "prefilter.h"
#include "python_rewriter.h"
#include "sql_rewriter.h"
#include "jvm_rewriter.h"
#include "json_rewriter.h"
#include "yaml_rewriter.h"

namespace shepherd::rewrite {

FileResult migrate_file(const std::string& path, std::string_view content, const ChangeSet& changes,
                        const ModelIndex& models) {
  Plan plan(changes);
  CollectingSink sink;
  Language lang = language_of(path);
  if (!could_change(lang, content, plan, models)) return FileResult{std::string(content), {}, {}};
  switch (lang) {
    case Language::Sql:
      sql::rewrite(content, plan, models, sink);
      break;
    case Language::Python:
      python::rewrite(content, plan, models, sink);
      break;
    case Language::Java:
      jvm::rewrite(content, plan, models, sink, false);
      break;
    case Language::Scala:
      jvm::rewrite(content, plan, models, sink, true);
      break;
    case Language::Json:
      json::rewrite(path, content, plan, models, sink);
      break;
    case Language::Yaml:
      yaml::rewrite(path, content, plan, models, sink);
      break;
    case Language::None:
      break;
  }
  return apply(path, content, std::move(sink));
}

}  // namespace shepherd::rewrite
