// Fuzz target: the rewrite engine's entry point for one file (agent/rewrite/engine.h,
// migrate_file), built once per language with SHEPHERD_FUZZ_PATH naming a file of that language
// (the extension picks the lexer and parser: SQL with Jinja, Python, Java, Scala, YAML, JSON).
// The public entry point is stable while the lexers behind it change. Properties: no crash, hang
// or exception; a file without edits comes back unchanged; every edit and review item points at
// a line of the file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/rewrite/engine.h"
#include "tests/fuzz/fuzz_check.h"

#ifndef SHEPHERD_FUZZ_PATH
#error "SHEPHERD_FUZZ_PATH must name a file whose extension selects the language"
#endif

namespace {

using namespace shepherd::rewrite;

// The change set of docs/agent.md's example: one change of every kind and a new location.
ChangeSet changes() {
  ChangeSet cs;
  cs.dataset.name = "listening_events";
  cs.dataset.from = {"3", "prod.events.listening_v3"};
  cs.dataset.to = {"4", "prod.events.listening_v4"};
  Change rename;
  rename.kind = Change::Kind::Rename;
  rename.field = "user_id";
  rename.to = "account_id";
  Change retype;
  retype.kind = Change::Kind::Retype;
  retype.field = "ts";
  retype.from_type = "INT64";
  retype.to_type = "TIMESTAMP";
  retype.expression = "UNIX_MILLIS({field})";
  Change drop;
  drop.kind = Change::Kind::Drop;
  drop.field = "legacy_flag";
  Change add;
  add.kind = Change::Kind::Add;
  add.field = "country";
  add.type = "STRING";
  cs.changes = {rename, retype, drop, add};
  return cs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ChangeSet kChanges = changes();
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  const FileResult r = migrate_file(SHEPHERD_FUZZ_PATH, content, kChanges);
  if (r.edits.empty()) FUZZ_CHECK(r.content == content);
  const int lines = 1 + static_cast<int>(std::count(content.begin(), content.end(), '\n'));
  for (const auto& e : r.edits) FUZZ_CHECK(e.line >= 1 && e.line <= lines);
  for (const auto& item : r.review) FUZZ_CHECK(item.line >= 0 && item.line <= lines);
  return 0;
}
