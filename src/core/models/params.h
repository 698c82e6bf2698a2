// params.h: the parameter table. Every model keeps all of its parameters in
// one allocation (and all gradients in another of the same layout); the table
// names each tensor, gives its shape and its offset into that allocation, as
// llm.c's param_sizes[] does. SGD, Adam, snapshots, sessions, exports and the
// heat maps walk the table; only a model's forward and backward know what each
// tensor means.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ev {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A (V, d) table of row vectors, from a Snapshot's C(), a Model's p("C") or a Mat.
using TableRef = Eigen::Ref<const Mat<float>>;
template <class T>
using Vec = Eigen::Matrix<T, 1, Eigen::Dynamic>;  // row vector
template <class T>
using MatMap = Eigen::Map<Mat<T>>;
template <class T>
using VecMap = Eigen::Map<Vec<T>>;
template <class T>
using ConstMatMap = Eigen::Map<const Mat<T>>;
template <class T>
using ConstVecMap = Eigen::Map<const Vec<T>>;

// One tensor: a (rows, cols) row-major block of the parameter allocation. A
// vector is one row. `embedding` marks a lookup table whose rows belong to
// tokens (C, wte) or positions (wpe): the views draw those as points.
struct TensorInfo {
  std::string name;
  int rows = 0, cols = 0;
  std::size_t offset = 0;
  bool embedding = false;
  std::size_t size() const { return std::size_t(rows) * std::size_t(cols); }
};

class ParamTable {
 public:
  // Appends a tensor after the last one; returns its index.
  int add(std::string name, int rows, int cols, bool embedding = false);
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  std::size_t count() const { return count_; }  // scalars in the whole allocation
  // Index of a tensor by name, -1 when there is none.
  int find(std::string_view name) const;
  // The tensor of that name; throws ev::Error when there is none.
  const TensorInfo& at(std::string_view name) const;
  const TensorInfo& operator[](int i) const { return tensors_[std::size_t(i)]; }
  int size() const { return int(tensors_.size()); }
  bool operator==(const ParamTable& o) const;
  bool operator!=(const ParamTable& o) const { return !(*this == o); }

 private:
  std::vector<TensorInfo> tensors_;
  std::size_t count_ = 0;
};

// Views of one tensor inside a flat buffer laid out by a table.
template <class T>
MatMap<T> tensor(T* base, const TensorInfo& t) {
  return MatMap<T>(base + t.offset, t.rows, t.cols);
}
template <class T>
ConstMatMap<T> tensor(const T* base, const TensorInfo& t) {
  return ConstMatMap<T>(base + t.offset, t.rows, t.cols);
}
template <class T>
VecMap<T> vector(T* base, const TensorInfo& t) {
  return VecMap<T>(base + t.offset, Eigen::Index(t.size()));
}
template <class T>
ConstVecMap<T> vector(const T* base, const TensorInfo& t) {
  return ConstVecMap<T>(base + t.offset, Eigen::Index(t.size()));
}

}  // namespace ev
