// Every rule of every rewriter needs the dataset named in the file: its location's last part or
// its name (any case SQL allows is covered for all-lower and all-upper spellings), a dbt ref() to
// a model that passes dataset fields through, or, for JSON (Avro/JSON Schema records named in
// prose-like ways such as "ListeningEvent"), nothing: JSON files are always read.
#include "prefilter.h"

#include <string>

namespace shepherd::rewrite {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool has(std::string_view content, std::string_view needle) {
  if (needle.empty()) return false;
  return content.find(needle) != std::string_view::npos || content.find(upper(needle)) != std::string_view::npos;
}

}  // namespace

bool could_change(Language lang, std::string_view content, const Plan& plan, const ModelIndex& models) {
  if (lang == Language::Json) return true;
  if (!plan.old_parts().empty()) {
    const std::string& last = plan.old_parts().back();
    if (has(content, last) || has(content, lower(last))) return true;
  }
  if (has(content, plan.dataset_name())) return true;
  if (models.exports.empty()) return false;
  if (lang == Language::Sql) return content.find("ref(") != std::string_view::npos;
  if (lang == Language::Yaml) return content.find("models:") != std::string_view::npos;
  return false;
}

}  // namespace shepherd::rewrite
