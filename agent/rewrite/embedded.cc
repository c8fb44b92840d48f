// Joins concatenated literals into one virtual text and maps edits back into the literals.
#include "embedded.h"

#include <string>

#include "text_location.h"

namespace shepherd::rewrite {

namespace {

// Maps offsets of the joined text back to the file; an edit that would straddle two literals
// cannot be expressed and goes to review instead.
class PiecesSink final : public Sink {
 public:
  PiecesSink(Sink& parent, const std::vector<Piece>& pieces) : parent_(parent), pieces_(pieces) {}
  void replace(std::size_t offset, std::size_t length, std::string text, std::string rule) override {
    std::size_t v = 0;
    for (const auto& p : pieces_) {
      std::size_t len = p.end - p.begin;
      if (offset >= v && offset + length <= v + len && (offset < v + len || length == 0)) {
        parent_.replace(p.begin + offset - v, length, std::move(text), std::move(rule));
        return;
      }
      v += len;
    }
    parent_.review(map(offset),
                   "a rewrite (" + rule + ") spans a string concatenation; apply it by hand: " + text);
  }
  void review(std::size_t offset, std::string message) override {
    parent_.review(map(offset), std::move(message));
  }

 private:
  std::size_t map(std::size_t offset) const {
    std::size_t v = 0;
    for (const auto& p : pieces_) {
      std::size_t len = p.end - p.begin;
      if (offset < v + len) return p.begin + offset - v;
      v += len;
    }
    return pieces_.empty() ? 0 : pieces_.back().end;
  }
  Sink& parent_;
  const std::vector<Piece>& pieces_;
};

}  // namespace

EmbeddedResult rewrite_embedded(std::string_view file, const std::vector<Piece>& pieces, const Plan& plan,
                                const ModelIndex& models, Sink& out, const sql::LexOptions& lex,
                                bool table_argument, const sql::Context& context) {
  EmbeddedResult r;
  std::string joined;
  for (const auto& p : pieces) joined.append(file.substr(p.begin, p.end - p.begin));
  auto tokens = sql::lex(joined, lex);
  if (sql::looks_like_sql(joined, tokens)) {
    r.is_sql = true;
    PiecesSink sink(out, pieces);
    r.sql = sql::rewrite(joined, std::move(tokens), plan, models, sink, context);
    return r;
  }
  for (const auto& p : pieces) {
    OffsetSink sink(out, p.begin);
    bool other = false;
    r.names_location |=
        rewrite_location_text(file.substr(p.begin, p.end - p.begin), plan, sink, table_argument, &other);
    r.names_other_table |= other;
  }
  return r;
}

}  // namespace shepherd::rewrite
