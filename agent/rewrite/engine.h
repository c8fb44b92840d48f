// Public contract of the rewrite engine: given a dataset schema change, rewrite the code of one
// consumer repository (SQL/dbt, Python/PySpark, Java, Scala, YAML, JSON, Avro, JSON Schema) and list
// what it could not rewrite safely. Knows nothing of Kubernetes or git.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shepherd::rewrite {

struct Location {
  std::string version;
  std::string location;  // e.g. "prod.events.listening_v3" or "gs://bucket/events/listening_v3"; may be empty
};

struct Dataset {
  std::string name;  // logical name, e.g. "listening_events"
  Location from, to;
};

// One schema change; exactly one kind.
struct Change {
  enum class Kind { Rename, Retype, Drop, Add };
  Kind kind = Kind::Rename;
  std::string field;       // the field the change is about
  std::string to;          // Rename: the new name
  std::string from_type;   // Retype
  std::string to_type;     // Retype
  std::string expression;  // Retype: converts the new type back, e.g. "UNIX_MILLIS({field})"; may be empty
  std::string type;        // Add (informational)
};

struct ChangeSet {
  Dataset dataset;
  std::vector<Change> changes;
};

// One replaced span. `before`/`after` are the exact replaced bytes (not whole lines).
struct Edit {
  std::string file;  // relative to the tree root (migrate_tree) or as given (migrate_file)
  int line = 0;      // 1-based line of the start of the span in the original file
  int column = 0;    // 1-based byte column
  std::string before;
  std::string after;
  std::string rule;  // which rule made it, e.g. "sql.rename", "sql.location", "python.col"
};

// Something the engine found but could not rewrite safely; a person (or the coding agent) decides.
struct ReviewItem {
  std::string file;
  int line = 0;
  std::string message;  // e.g. "reads dropped field legacy_flag"
};

struct Limits {
  std::size_t max_file_bytes = std::size_t{1} << 20;   // larger files are skipped
  std::size_t max_files = 100000;                      // stop scanning after this many files
  std::size_t max_total_bytes = std::size_t{1} << 30;  // stop reading after this many bytes
};

struct Skipped {
  std::string file;    // relative to the tree root
  std::string reason;  // "binary", "too large", "invalid UTF-8", "symlink outside root", ...
};

struct Report {
  std::vector<Edit> edits;         // in file order, then offset order
  std::vector<ReviewItem> review;  // in file order, then line order
  int files_scanned = 0;
  int files_changed = 0;
  std::vector<Skipped> skipped;
  bool truncated = false;  // a limit stopped the scan early
  // Files that name the dataset (its location's last part or its name, as a whole word), with the
  // line of the first mention, whether or not anything in them changed. The agent uses them so
  // that "nothing to change" is never claimed for a repository that refers to the dataset.
  std::vector<ReviewItem> mentions;
};

// What dbt models (by model name = file stem) pass through from the dataset unchanged, under
// their old names, so that `{{ ref('model') }}` downstream and schema.yml entries of the model are
// scoped correctly. migrate_tree builds it from the tree; tests may build it by hand.
struct ModelIndex {
  std::map<std::string, std::set<std::string>> exports;
  // dbt sources (source name, table name as source() spells them) that sources.yml files in the
  // tree declare to be the dataset, also when the source's name is not its schema or the table
  // has an `identifier:`.
  std::set<std::pair<std::string, std::string>> sources;
  // Every dbt model of the tree (SQL file stem): a ref() to one of them is that model, never a seed
  // or relation named like the dataset's table.
  std::set<std::string> models;
  // Columns of the tables that SQL files of the tree create (`CREATE [EXTERNAL] TABLE db.t (…)`),
  // by the lower-case name as spelled there (`db.t`) and by its last part (`t`); lower-case
  // column names. A join of the dataset with such a table can then tell which side a column is on.
  std::map<std::string, std::set<std::string>> table_columns;
};

struct FileResult {
  std::string content;  // the rewritten content (== input when nothing changed)
  std::vector<Edit> edits;
  std::vector<ReviewItem> review;
};

// Pure: rewrites one file's content; the language comes from the path's extension or name.
FileResult migrate_file(const std::string& path, std::string_view content, const ChangeSet& changes,
                        const ModelIndex& models = {});

// Rewrites files under root/subpath in place. Never writes outside root, never follows symlinks,
// skips binary (NUL bytes), huge and invalid-UTF-8 files (recorded in `skipped`), and visits files
// in a deterministic (byte-wise sorted path) order.
Report migrate_tree(const std::filesystem::path& root, const std::string& subpath, const ChangeSet& changes,
                    const Limits& limits = {});

}  // namespace shepherd::rewrite
