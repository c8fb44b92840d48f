// migrate_file: picks the rewriter for a file from its name, runs it, and applies its splices.
#include "dispatch.h"

#include <string>

#include "apply.h"
#include "engine.h"
#include "json_rewriter.h"
#include "jvm_rewriter.h"
#include "language.h"
#include "plan.h"
#include "prefilter.h"
#include "python_rewriter.h"
#include "sql_rewriter.h"
#include "text_rewriter.h"
#include "yaml_rewriter.h"

namespace shepherd::rewrite {

bool migrate_content(const std::string& path, std::string_view content, Language lang, const Plan& plan,
                     const ModelIndex& models, FileResult& result) {
  if (lang == Language::Text) {
    // Review only; the scan does its own cheap checks (a CSV names the dataset in its path).
    CollectingSink sink;
    text::review(path, content, plan, sink);
    if (sink.findings.empty()) return false;
    result = apply(path, content, std::move(sink));
    return true;
  }
  if (!could_change(lang, content, plan, models)) return false;
  CollectingSink sink;
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
    case Language::Text:
    case Language::None:
      break;
  }
  result = apply(path, content, std::move(sink));
  return true;
}

FileResult migrate_file(const std::string& path, std::string_view content, const ChangeSet& changes,
                        const ModelIndex& models) {
  Plan plan(changes);
  FileResult result;
  if (!migrate_content(path, content, language_of(path), plan, models, result))
    return FileResult{std::string(content), {}, {}};
  return result;
}

}  // namespace shepherd::rewrite
