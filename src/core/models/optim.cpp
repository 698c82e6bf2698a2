// optim.cpp: SGD and Adam over a model's whole parameter allocation.
#include "core/models/optim.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/base/error.h"
#include "core/base/parallel.h"

namespace ev {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "adam", "sparse-adam"};
  return names;
}

void check_optimizer(const std::string& name) {
  for (const std::string& n : optimizer_names())
    if (n == name) return;
  throw Error("unknown optimizer " + shown(name) + "; the optimizers are sgd, adam, sparse-adam");
}

double default_lr(const std::string& optimizer) { return optimizer == "sgd" ? 0.1 : 0.01; }

std::size_t optimizer_state_size(const std::string& name, std::size_t n_params) {
  check_optimizer(name);
  return name == "sgd" ? 0 : 2 * n_params;
}

bool optimizer_decays(const std::string& name) { return name == "sparse-adam"; }

namespace {

// Spans of the allocation sparse-adam updates, in order: [from, to), and
// whether weight decay applies. Dense tensors are cut into pieces so the
// spans split evenly between threads.
struct Span {
  std::size_t from, to;
  bool decay;
};

void sparse_spans(const ParamTable& table, const TensorInfo* frozen, const std::vector<SparseRows>* sparse,
                  std::vector<Span>& out) {
  constexpr std::size_t kPiece = 1 << 14;
  out.clear();
  for (const TensorInfo& t : table.tensors()) {
    if (is_frozen(t, frozen) || t.size() == 0) continue;
    const bool decay = t.rows > 1;
    const SparseRows* rows = nullptr;
    if (sparse)
      for (const SparseRows& r : *sparse)
        if (r.tensor_offset == t.offset) rows = &r;
    if (rows) {
      for (const std::size_t s : rows->starts) out.push_back({s, s + rows->width, decay});
      continue;
    }
    for (std::size_t s = t.offset; s < t.offset + t.size(); s += kPiece)
      out.push_back({s, std::min(s + kPiece, t.offset + t.size()), decay});
  }
}

}  // namespace

template <class T>
void optimizer_update(const std::string& name, Model<T>& m, std::vector<T>& state, T lr, std::int64_t t,
                      const TensorInfo* frozen, int threads, const std::vector<SparseRows>* sparse, T weight_decay) {
  if (name == "sgd") {
    sgd_update(m, lr, frozen);
    return;
  }
  check_optimizer(name);
  const std::size_t n = m.params.size();
  if (state.size() != 2 * n) throw Error("the optimizer's state does not fit the model");
  T* p = m.params.data();
  const T* g = m.grads.data();
  T* mean = state.data();    // m
  T* sq = state.data() + n;  // v
  const T b1 = T(AdamSettings::kBeta1), b2 = T(AdamSettings::kBeta2), eps = T(AdamSettings::kEps);
  // p -= lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
  const T step = lr * T(1.0 / (1.0 - std::pow(AdamSettings::kBeta1, double(t))));
  const T c2 = T(1.0 / (1.0 - std::pow(AdamSettings::kBeta2, double(t))));
  // One plain loop, every element by the same instructions: Eigen would peel
  // the first elements to the buffers' alignment and round them otherwise
  // (fused multiply-adds), and the alignment of an allocation differs from
  // process to process, which would make a resumed run differ in the last bit.
  // Elements are independent: ranges of them on `threads` threads give the same numbers.
  const std::size_t skip_from = frozen ? frozen->offset : n, skip_to = frozen ? frozen->offset + frozen->size() : n;
  const auto run = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      mean[i] = b1 * mean[i] + (T(1) - b1) * g[i];
      sq[i] = b2 * sq[i] + (T(1) - b2) * g[i] * g[i];
      p[i] -= step * mean[i] / (std::sqrt(sq[i] * c2) + eps);
    }
  };
  // [from, to) but the frozen tensor, which keeps its values and its averages.
  const auto update = [&](std::size_t from, std::size_t to) {
    run(from, std::min(to, skip_from));
    run(std::max(from, skip_to), to);
  };
  constexpr std::size_t kPerThread = 1 << 18;  // below this, starting a thread costs more than it saves
  if (name == "sparse-adam") {
    const T keep = T(1) - lr * weight_decay;
    thread_local std::vector<Span> kept;  // the spans, kept from step to step
    std::vector<Span>& spans = kept;      // (by reference: the other threads read this thread's)
    sparse_spans(m.table, frozen, sparse, spans);
    const auto update_spans = [&](std::size_t a, std::size_t b) {
      for (std::size_t i = a; i < b; ++i) {
        const Span& s = spans[i];
        if (s.decay && keep != T(1))
          for (std::size_t j = s.from; j < s.to; ++j) p[j] *= keep;
        run(s.from, s.to);
      }
    };
    std::size_t total = 0;
    for (const Span& s : spans) total += s.to - s.from;
    const int parts = int(std::min<std::size_t>(std::size_t(std::max(1, threads)), total / kPerThread + 1));
    if (parts == 1) return update_spans(0, spans.size());
    // Part i takes the spans from where i/parts of the numbers have gone before.
    std::vector<std::size_t> cut(std::size_t(parts) + 1, spans.size());
    std::size_t seen = 0, next = 1;
    cut[0] = 0;
    for (std::size_t i = 0; i < spans.size() && next < std::size_t(parts); ++i) {
      while (next < std::size_t(parts) && seen >= total * next / std::size_t(parts)) cut[next++] = i;
      seen += spans[i].to - spans[i].from;
    }
    return parallel_ranges(parts, parts, 1, [&](int a, int b) {
      for (int i = a; i < b; ++i) update_spans(cut[std::size_t(i)], cut[std::size_t(i) + 1]);
    });
  }
  const int parts = int(std::min<std::size_t>(std::size_t(std::max(1, threads)), n / kPerThread + 1));
  if (parts == 1 || n > std::size_t(std::numeric_limits<int>::max())) return update(0, n);
  parallel_ranges(int(n), parts, 16, [&](int a, int b) { update(std::size_t(a), std::size_t(b)); });
}

template void optimizer_update<float>(const std::string&, Model<float>&, std::vector<float>&, float, std::int64_t,
                                      const TensorInfo*, int, const std::vector<SparseRows>*, float);
template void optimizer_update<double>(const std::string&, Model<double>&, std::vector<double>&, double,
                                       std::int64_t, const TensorInfo*, int, const std::vector<SparseRows>*, double);

}  // namespace ev
