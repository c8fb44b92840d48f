// The example change set of docs/api.md, shared by the rewrite tests.
#include "changes.h"

#include <gtest/gtest.h>

namespace shepherd::rewrite::testing {

ChangeSet spec_changes() {
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

std::string review_lines(const FileResult& r) {
  std::string out;
  for (const auto& item : r.review) out += std::to_string(item.line) + ": " + item.message + "\n";
  return out;
}

void expect_rewrite(const FileResult& r, const std::string& out, const std::vector<std::string>& review) {
  EXPECT_EQ(r.content, out);
  ASSERT_EQ(r.review.size(), review.size()) << review_lines(r);
  for (std::size_t i = 0; i < review.size(); ++i)
    EXPECT_NE(r.review[i].message.find(review[i]), std::string::npos) << review_lines(r);
}

}  // namespace shepherd::rewrite::testing
