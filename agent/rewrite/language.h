// Which rewriter a file belongs to, from its name alone (never from its content, so that the
// choice is predictable and the same in migrate_file and migrate_tree).
#pragma once

#include <string_view>

namespace shepherd::rewrite {

enum class Language { None, Sql, Python, Java, Scala, Json, Yaml, Text, Shell };

inline Language language_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return Language::None;
  std::string_view ext = name.substr(dot + 1);
  if (ext == "sql" || ext == "bq" || ext == "hql") return Language::Sql;
  if (ext == "py") return Language::Python;
  if (ext == "java") return Language::Java;
  if (ext == "scala" || ext == "sc" || ext == "sbt") return Language::Scala;
  if (ext == "json" || ext == "avsc") return Language::Json;
  if (ext == "yml" || ext == "yaml") return Language::Yaml;
  if (ext == "sh" || ext == "bash") return Language::Shell;  // SQL in here-documents (shell_rewriter.h)
  // Docs and sample data: reviewed, never edited (text_rewriter.h).
  if (ext == "md" || ext == "markdown" || ext == "rst" || ext == "adoc" || ext == "txt" || ext == "csv" ||
      ext == "tsv")
    return Language::Text;
  // Views and request plans: reviewed for dropped fields (text_rewriter.h).
  if (ext == "html" || ext == "htm" || ext == "jsp" || ext == "ftl" || ext == "mustache" || ext == "hbs" ||
      ext == "jmx")
    return Language::Text;
  return Language::None;
}

}  // namespace shepherd::rewrite
