// Every rule of every rewriter needs the dataset named in the file: its location's last part or
// its name (in any ASCII case, as SQL allows: `Listening_V3` counts), a dbt ref() to a model that
// passes dataset fields through, or, for JSON (Avro/JSON Schema records named in prose-like ways
// such as "ListeningEvent"), nothing: JSON files are always read. Code files with a table read
// whose name is not a literal are read too (see dynamic_read_marker).
#include "prefilter.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shepherd::rewrite {

namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Does the needle (any case) occur at `at`?
bool equal_folded(const char* at, std::string_view needle) {
  for (std::size_t k = 0; k < needle.size(); ++k)
    if (fold(at[k]) != fold(needle[k])) return false;
  return true;
}

}  // namespace

// Looks for the needle's first and last byte (folded) 16 positions at a time and compares the
// whole needle only where both match, so that ordinary text costs a fraction of an instruction
// per byte. Setting bit 0x20 folds A-Z onto a-z (done only where the needle's byte is a letter;
// other bytes that land on a letter that way are control or punctuation bytes, and the full
// comparison rejects them).
bool contains_ignoring_case(std::string_view hay, std::string_view needle) {
  const std::size_t m = needle.size();
  if (m == 0) return false;
  if (hay.size() < m) return false;
  const char first = fold(needle.front()), last = fold(needle.back());
  const std::size_t stop = hay.size() - m + 1;  // candidate starts are [0, stop)
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i case_f = _mm_set1_epi8(is_letter(first) ? 0x20 : 0);
  const __m128i case_l = _mm_set1_epi8(is_letter(last) ? 0x20 : 0);
  const __m128i f = _mm_set1_epi8(first), l = _mm_set1_epi8(last);
  const char* p = hay.data();
  auto candidates = [&](std::size_t at) {
    __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)), case_f);
    __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + m - 1)), case_l);
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l))));
  };
  auto verify = [&](std::size_t at, unsigned mask) {
    for (; mask; mask &= mask - 1)
      if (equal_folded(p + at + static_cast<unsigned>(__builtin_ctz(mask)), needle)) return true;
    return false;
  };
  for (; i + 32 <= stop; i += 32) {
    unsigned lo = candidates(i), hi = candidates(i + 16);
    if ((lo | hi) == 0) continue;
    if (verify(i, lo) || verify(i + 16, hi)) return true;
  }
  for (; i + 16 <= stop; i += 16)
    if (unsigned mask = candidates(i); mask && verify(i, mask)) return true;
#endif
  for (; i < stop; ++i)
    if (fold(hay[i]) == first && fold(hay[i + m - 1]) == last && equal_folded(hay.data() + i, needle))
      return true;
  return false;
}

// A read whose table or path is not a literal (`spark.table(name)`, `.parquet(base + …)`,
// `table_name=args[…]`, `pd.read_csv(buffer)`) may be the dataset even though the file never names it; such a
// file is analysed so that its uses of changed fields go to review rather than pass silently.
bool dynamic_read_marker(std::string_view content) {
  for (std::string_view call :
       {"table(", "parquet(", "table_name=", "tableName =", "read_csv(", "read_json("}) {
    for (auto pos = content.find(call); pos != std::string_view::npos; pos = content.find(call, pos + 1)) {
      std::size_t k = pos + call.size();
      while (k < content.size() && (content[k] == ' ' || content[k] == '\n')) ++k;
      if (k < content.size() && content[k] != '"' && content[k] != '\'' && content[k] != ')') return true;
    }
  }
  return false;
}

bool could_change(Language lang, std::string_view content, const Plan& plan, const ModelIndex& models) {
  if (lang == Language::Json) return true;
  if (!plan.old_parts().empty() && contains_ignoring_case(content, plan.old_parts().back())) return true;
  if (contains_ignoring_case(content, plan.dataset_name())) return true;
  if (lang == Language::Sql && !models.sources.empty() && content.find("source(") != std::string_view::npos)
    return true;  // a source() that sources.yml declares to be the dataset under another name
  if ((lang == Language::Python || lang == Language::Java || lang == Language::Scala) &&
      dynamic_read_marker(content))
    return true;
  // JPA mappings shared by entities (a mapped superclass, an embeddable) name columns of whichever
  // entity uses them, which may be the dataset's.
  if ((lang == Language::Java || lang == Language::Scala) &&
      (content.find("@MappedSuperclass") != std::string_view::npos ||
       content.find("@Embeddable") != std::string_view::npos))
    return true;
  if (models.exports.empty()) return false;
  if (lang == Language::Sql) return content.find("ref(") != std::string_view::npos;
  if (lang == Language::Yaml) return content.find("models:") != std::string_view::npos;
  return false;
}

}  // namespace shepherd::rewrite
