// onehot.cpp: both paths of the embedding identity, forward and backward.
#include "core/teach/onehot.h"

namespace ev {

Mat<float> onehot(const std::vector<int>& ids, int vocab) {
  Mat<float> O = Mat<float>::Zero(Eigen::Index(ids.size()), vocab);  // (n, V)
  for (std::size_t i = 0; i < ids.size(); ++i) O(Eigen::Index(i), ids[i]) = 1.0f;
  return O;
}

Mat<float> embed_by_matmul(const std::vector<int>& ids, const Mat<float>& C) {
  return onehot(ids, int(C.rows())) * C;  // (n, d) = (n, V)(V, d)
}

Mat<float> embed_by_lookup(const std::vector<int>& ids, const Mat<float>& C) {
  Mat<float> E(Eigen::Index(ids.size()), C.cols());  // (n, d)
  for (std::size_t i = 0; i < ids.size(); ++i) E.row(Eigen::Index(i)) = C.row(ids[i]);
  return E;
}

Mat<float> grad_by_matmul(const std::vector<int>& ids, const Mat<float>& dE, int vocab) {
  return onehot(ids, vocab).transpose() * dE;  // (V, d) = (V, n)(n, d)
}

Mat<float> grad_by_lookup(const std::vector<int>& ids, const Mat<float>& dE, int vocab) {
  Mat<float> dC = Mat<float>::Zero(vocab, dE.cols());  // (V, d)
  for (std::size_t i = 0; i < ids.size(); ++i) dC.row(ids[i]) += dE.row(Eigen::Index(i));
  return dC;
}

EmbedCost embed_cost(int n, int vocab, int d) { return {double(n) * vocab * d, double(n) * d}; }

}  // namespace ev
