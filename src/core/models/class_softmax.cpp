// class_softmax.cpp: the class-factored softmax's binning, forward and backward.
#include "core/models/class_softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/base/error.h"
#include "core/base/parallel.h"

namespace ev {

int WordClasses::largest() const {
  int n = 0;
  for (int c = 0; c < K; ++c) n = std::max(n, start[std::size_t(c) + 1] - start[std::size_t(c)]);
  return n;
}

namespace {

// Classes from words in a given order, cut after the words at which `cut`
// says a new class begins (the first word always begins one).
template <class Cut>
std::shared_ptr<const WordClasses> classes_in_order(const std::vector<std::int32_t>& order, int K, const Cut& cut) {
  auto cl = std::make_shared<WordClasses>();
  const int V = int(order.size());
  cl->K = K;
  cl->of.assign(std::size_t(V), 0);
  cl->at.assign(std::size_t(V), 0);
  cl->members = order;
  cl->start.push_back(0);
  // Where the words left are as many as the classes still to begin, each begins one.
  for (int i = 1; i < V; ++i) {
    const int n = int(cl->start.size());
    if (n < K && (V - i <= K - n || cut(i, n))) cl->start.push_back(i);
  }
  cl->start.push_back(V);
  for (int c = 0; c < K; ++c) {
    // Members of a class in id order: gathers of Wo's rows then walk forward.
    auto b = cl->members.begin() + cl->start[std::size_t(c)], e = cl->members.begin() + cl->start[std::size_t(c) + 1];
    std::sort(b, e);
    for (auto it = b; it != e; ++it) {
      cl->of[std::size_t(*it)] = c;
      cl->at[std::size_t(*it)] = std::int32_t(it - b);
    }
  }
  return cl;
}

void check_count(int V, int K) {
  if (V < 1) throw Error("a class-factored softmax needs a vocabulary");
  if (K < 1 || K > V)
    throw Error("a class-factored softmax over " + std::to_string(V) + " tokens takes 1 to " + std::to_string(V) +
                " classes, not " + std::to_string(K));
}

}  // namespace

std::shared_ptr<const WordClasses> frequency_classes(const std::vector<double>& counts, int K) {
  const int V = int(counts.size());
  check_count(V, K);
  std::vector<std::int32_t> order(static_cast<std::size_t>(V));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int32_t a, std::int32_t b) { return counts[std::size_t(a)] > counts[std::size_t(b)]; });
  std::vector<double> before(std::size_t(V) + 1, 0.0);  // running sum of the counts before word i of the order
  for (int i = 0; i < V; ++i) before[std::size_t(i) + 1] = before[std::size_t(i)] + std::max(0.0, counts[std::size_t(order[std::size_t(i)])]);
  const double total = before.back() > 0 ? before.back() : 1.0;
  // A new class (the n-th, from 0) begins at word i when the words before it hold n/K of the counts.
  return classes_in_order(order, K, [&](int i, int n) {
    return before[std::size_t(i)] / total >= double(n) / double(K);
  });
}

std::shared_ptr<const WordClasses> id_classes(int V, int K) {
  check_count(V, K);
  std::vector<std::int32_t> order(static_cast<std::size_t>(V));
  std::iota(order.begin(), order.end(), 0);
  return classes_in_order(order, K, [&](int i, int n) { return std::int64_t(i) * K >= std::int64_t(n) * V; });
}

int default_class_count(int V) { return std::max(1, int(std::lround(std::sqrt(double(std::max(V, 1)))))); }

namespace {

// In place: x = softmax(x); returns log(sum(exp(x - max))) + max, the log normaliser.
template <class T, class Row>
T softmax_in_place(Row&& x) {
  const T mx = x.maxCoeff();
  x = (x.array() - mx).exp();
  const T sum = x.sum();
  x /= sum;
  return std::log(sum) + mx;
}

// The rows 0..B-1 in order of their target's class, in order within a class
// (a counting sort).
void rows_by_class(const WordClasses& cl, const std::int32_t* Y, int B, std::vector<std::int32_t>& order) {
  std::vector<std::int32_t> first(std::size_t(cl.K) + 1, 0);
  for (int b = 0; b < B; ++b) ++first[std::size_t(cl.of[std::size_t(Y[b])]) + 1];
  for (int c = 0; c < cl.K; ++c) first[std::size_t(c) + 1] += first[std::size_t(c)];
  order.resize(std::size_t(B));
  for (int b = 0; b < B; ++b) order[std::size_t(first[std::size_t(cl.of[std::size_t(Y[b])])]++)] = b;
}

// The class probabilities of every row: pc = softmax(h Wc^T + bc).
template <class T>
void class_probs(const Mat<T>& h, const ClassWeights<T>& w, Mat<T>& pc) {
  pc.resize(h.rows(), w.Wc.rows());
  pc.noalias() = h * w.Wc.transpose();                     // (B, K) = (B, H)(H, K)
  pc.rowwise() += w.bc;
  for (Eigen::Index b = 0; b < pc.rows(); ++b) softmax_in_place<T>(pc.row(b));
}

}  // namespace

template <class T>
T class_forward(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, const std::int32_t* Y,
                ClassSoftmax<T>& s, Mat<T>* logp) {
  const int B = int(h.rows()), L = cl.largest();
  class_probs(h, w, s.pc);
  s.pw.resize(std::size_t(B) * std::size_t(L));
  s.loss.resize(std::size_t(B));
  rows_by_class(cl, Y, B, s.order);
  parallel_ranges(B, s.threads, 8, [&](int r0, int r1) {
    for (int i = r0; i < r1; ++i) {
      const int b = s.order[std::size_t(i)], y = Y[b], c = cl.of[std::size_t(y)];
      const int first = cl.start[std::size_t(c)], n = cl.start[std::size_t(c) + 1] - first;
      Eigen::Map<Vec<T>> z(s.pw.data() + std::size_t(b) * std::size_t(L), n);
      for (int j = 0; j < n; ++j) {
        const int v = cl.members[std::size_t(first + j)];
        z(j) = w.Wo.row(v).dot(h.row(b)) + w.bo(v);       // (H).(H)
      }
      softmax_in_place<T>(z);
      s.loss[std::size_t(b)] = -std::log(s.pc(b, c)) - std::log(z(cl.at[std::size_t(y)]));
    }
  });
  T total = 0;
  for (int b = 0; b < B; ++b) total += s.loss[std::size_t(b)];
  if (logp) class_log_probs(h, w, cl, *logp);
  return B ? total / T(B) : T(0);
}

template <class T>
void class_log_probs(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, Mat<T>& logp) {
  const int B = int(h.rows());
  Mat<T> pc;
  class_probs(h, w, pc);
  logp.resize(B, w.Wo.rows());
  logp.noalias() = h * w.Wo.transpose();                   // (B, V) = (B, H)(H, V)
  logp.rowwise() += w.bo;
  std::vector<T> lse(std::size_t(cl.K));
  for (int b = 0; b < B; ++b) {
    for (int c = 0; c < cl.K; ++c) {
      T mx = -std::numeric_limits<T>::infinity();
      for (int i = cl.start[std::size_t(c)]; i < cl.start[std::size_t(c) + 1]; ++i)
        mx = std::max(mx, logp(b, cl.members[std::size_t(i)]));
      T sum = 0;
      for (int i = cl.start[std::size_t(c)]; i < cl.start[std::size_t(c) + 1]; ++i)
        sum += std::exp(logp(b, cl.members[std::size_t(i)]) - mx);
      lse[std::size_t(c)] = std::log(pc(b, c)) - std::log(sum) - mx;
    }
    for (int v = 0; v < logp.cols(); ++v) logp(b, v) += lse[std::size_t(cl.of[std::size_t(v)])];
  }
}

template <class T>
void class_backward(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, const std::int32_t* Y,
                    const ClassSoftmax<T>& s, ClassGrads<T>& g, Mat<T>& dh) {
  const int B = int(h.rows()), L = cl.largest();
  const T inv_B = T(1) / T(B);
  // The classes: d(loss)/d(class logits) = (pc - onehot(class(y))) / B.
  Mat<T> dc = s.pc * inv_B;                                 // (B, K)
  for (int b = 0; b < B; ++b) dc(b, cl.of[std::size_t(Y[b])]) -= inv_B;
  g.Wc.noalias() = dc.transpose() * h;                      // (K, H) = (K, B)(B, H)
  g.bc.setZero();
  for (int b = 0; b < B; ++b) g.bc += dc.row(b);
  dh.resize(B, h.cols());
  dh.noalias() = dc * w.Wc;                                 // (B, H) = (B, K)(K, H)
  // The words of each row's target class: dz = (pw - onehot(y)) / B, only
  // there. Back to h a row at a time (rows on threads of their own) ...
  const auto dz = [&](int b, int j, int v) {
    return (s.pw[std::size_t(b) * std::size_t(L) + std::size_t(j)] - (v == Y[b] ? T(1) : T(0))) * inv_B;
  };
  parallel_ranges(B, s.threads, 8, [&](int r0, int r1) {
    for (int i = r0; i < r1; ++i) {
      const int b = s.order[std::size_t(i)], c = cl.of[std::size_t(Y[b])], first = cl.start[std::size_t(c)], n = cl.start[std::size_t(c) + 1] - first;
      for (int j = 0; j < n; ++j) {
        const int v = cl.members[std::size_t(first + j)];
        dh.row(b) += dz(b, j, v) * w.Wo.row(v);
      }
    }
  });
  // ... and to the words' weights by ranges of word ids (a class's members
  // are in id order), each row of Wo summing the batch's rows in order.
  const int V = int(g.Wo.rows());
  parallel_ranges(V, s.threads, 64, [&](int v0, int v1) {
    g.Wo.middleRows(v0, v1 - v0).setZero();
    g.bo.segment(v0, v1 - v0).setZero();
    for (int b = 0; b < B; ++b) {
      const int c = cl.of[std::size_t(Y[b])];
      const auto begin = cl.members.begin() + cl.start[std::size_t(c)], end = cl.members.begin() + cl.start[std::size_t(c) + 1];
      for (auto it = std::lower_bound(begin, end, v0); it != end && *it < v1; ++it) {
        const T d = dz(b, int(it - begin), *it);
        g.Wo.row(*it) += d * h.row(b);
        g.bo(*it) += d;
      }
    }
  });
}

#define EV_INSTANTIATE(T)                                                                                         \
  template struct ClassSoftmax<T>;                                                                                \
  template T class_forward<T>(const Mat<T>&, const ClassWeights<T>&, const WordClasses&, const std::int32_t*,     \
                              ClassSoftmax<T>&, Mat<T>*);                                                         \
  template void class_log_probs<T>(const Mat<T>&, const ClassWeights<T>&, const WordClasses&, Mat<T>&);           \
  template void class_backward<T>(const Mat<T>&, const ClassWeights<T>&, const WordClasses&, const std::int32_t*, \
                                  const ClassSoftmax<T>&, ClassGrads<T>&, Mat<T>&);
EV_INSTANTIATE(float)
EV_INSTANTIATE(double)
#undef EV_INSTANTIATE

}  // namespace ev
