// snapshot.cpp: reading a snapshot's tables.
#include "core/live/snapshot.h"

namespace ev {

namespace {
const Mat<float>& empty_table() {
  static const Mat<float> none;
  return none;
}
}  // namespace

const Mat<float>& Snapshot::embedding(std::string_view name) const {
  if (embeddings)
    for (const NamedTable& t : *embeddings)
      if (t.name == name) return t.values;
  return empty_table();
}

const Mat<float>& Snapshot::C() const {
  return embeddings && !embeddings->empty() ? embeddings->front().values : empty_table();
}

const FamilyTraits& Snapshot::traits() const { return family(spec.family).traits; }

const Mat<float>& Snapshot::positions() const {
  // The family's tables of rows: first the tokens, then the positions.
  return traits().position_table && embeddings && embeddings->size() > 1 ? (*embeddings)[1].values : empty_table();
}

bool Snapshot::is_position_table(std::string_view name) const {
  return traits().position_table && embeddings && embeddings->size() > 1 && (*embeddings)[1].name == name;
}

std::string Snapshot::token_table_name() const {
  return embeddings && !embeddings->empty() ? embeddings->front().name : "C";
}

}  // namespace ev
