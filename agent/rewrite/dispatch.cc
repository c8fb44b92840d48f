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
#include "shell_rewriter.h"
#include "sql_rewriter.h"
#include "text_rewriter.h"
#include "yaml_rewriter.h"

namespace shepherd::rewrite {

namespace {

// A Flyway (`V3__add_plays.sql`, `R__views.sql`) or Liquibase formatted-SQL migration has already
// run wherever it was deployed, and both tools checksum it: it is never edited. What the SQL rules
// would change in it goes to review, to be done in a new migration.
bool versioned_migration(std::string_view path, std::string_view content) {
  std::size_t slash = path.rfind('/');
  std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  std::size_t sep = name.find("__");
  if (sep != std::string_view::npos && sep >= 1 && (name[0] == 'V' || name[0] == 'R' || name[0] == 'U')) {
    bool versioned = name[0] == 'R' ? sep == 1 : sep > 1;
    for (std::size_t i = 1; i < sep && versioned; ++i)
      versioned = (name[i] >= '0' && name[i] <= '9') || name[i] == '.' || name[i] == '_';
    if (versioned) return true;
  }
  return content.substr(0, 64).find("--liquibase formatted sql") != std::string_view::npos;
}

class MigrationSink final : public Sink {
 public:
  MigrationSink(Sink& parent, std::string_view content) : parent_(parent), content_(content) {}
  void replace(std::size_t offset, std::size_t length, std::string text, std::string) override {
    std::string before(content_.substr(offset, length));
    parent_.review(offset, "versioned migration: " + before + " would become " + text +
                               "; migrations that ran are not edited, add a new one");
  }
  void review(std::size_t offset, std::string message) override {
    parent_.review(offset, std::move(message));
  }

 private:
  Sink& parent_;
  std::string_view content_;
};

}  // namespace

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
      if (versioned_migration(path, content)) {
        MigrationSink migration(sink, content);
        sql::rewrite(content, plan, models, migration);
      } else {
        sql::rewrite(content, plan, models, sink);
      }
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
    case Language::Shell:
      shell::rewrite(content, plan, models, sink);
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
