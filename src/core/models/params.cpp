// params.cpp: the parameter table.
#include "core/models/params.h"

#include "core/base/error.h"

namespace ev {

int ParamTable::add(std::string name, int rows, int cols, bool embedding) {
  TensorInfo t;
  t.name = std::move(name);
  t.rows = rows;
  t.cols = cols;
  t.offset = count_;
  t.embedding = embedding;
  count_ += t.size();
  tensors_.push_back(std::move(t));
  return int(tensors_.size()) - 1;
}

int ParamTable::find(std::string_view name) const {
  for (std::size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].name == name) return int(i);
  return -1;
}

const TensorInfo& ParamTable::at(std::string_view name) const {
  const int i = find(name);
  if (i < 0) throw Error("the model has no tensor named " + std::string(name));
  return tensors_[std::size_t(i)];
}

bool ParamTable::operator==(const ParamTable& o) const {
  if (tensors_.size() != o.tensors_.size()) return false;
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    const TensorInfo &a = tensors_[i], &b = o.tensors_[i];
    if (a.name != b.name || a.rows != b.rows || a.cols != b.cols || a.embedding != b.embedding) return false;
  }
  return true;
}

}  // namespace ev
