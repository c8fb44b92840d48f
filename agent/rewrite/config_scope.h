// Shared by the JSON and YAML rewriters: which keys of a config object name a table, and which
// hold column names of that table.
#pragma once

#include <string_view>

namespace shepherd::rewrite {

// Keys whose value is a table name; a single-part value like "listening_v3" counts only here.
inline bool table_key(std::string_view k) {
  for (auto s : {"table", "table_name", "tableName", "source_table", "sourceTable", "input_table",
                 "inputTable", "dataset", "input", "source", "from", "location", "identifier"})
    if (k == s) return true;
  return false;
}

// Keys whose value (a name or a list of names) are columns of the object's table.
inline bool column_key(std::string_view k) {
  for (auto s : {"columns",    "fields",     "select",     "partition_by", "partitionBy",
                 "cluster_by", "clusterBy",  "keys",       "key",          "primary_key",
                 "primaryKey", "dimensions", "column",     "field",        "partition_field",
                 "order_by",   "group_by",   "unique_key", "column_name",  "combination_of_columns"})
    if (k == s) return true;
  return false;
}

// Keys whose value is prose for people (like a comment): never rewritten.
inline bool prose_key(std::string_view k) {
  for (auto s : {"doc", "description", "comment", "comments", "notes", "summary"})
    if (k == s) return true;
  return false;
}

}  // namespace shepherd::rewrite
