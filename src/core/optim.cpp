// optim.cpp: SGD and Adam over a model's whole parameter allocation.
#include "optim.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"
#include "parallel.h"

namespace ev {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "adam"};
  return names;
}

void check_optimizer(const std::string& name) {
  for (const std::string& n : optimizer_names())
    if (n == name) return;
  throw Error("unknown optimizer " + shown(name) + "; the optimizers are sgd, adam");
}

const char* default_optimizer(const std::string& family) { return family == "gpt" ? "adam" : "sgd"; }

double default_lr(const std::string& optimizer) { return optimizer == "adam" ? 0.01 : 0.1; }

std::size_t optimizer_state_size(const std::string& name, std::size_t n_params) {
  check_optimizer(name);
  return name == "adam" ? 2 * n_params : 0;
}

template <class T>
void optimizer_update(const std::string& name, Model<T>& m, std::vector<T>& state, T lr, std::int64_t t,
                      const TensorInfo* frozen, int threads) {
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
  const int parts = int(std::min<std::size_t>(std::size_t(std::max(1, threads)), n / kPerThread + 1));
  if (parts == 1 || n > std::size_t(std::numeric_limits<int>::max())) return update(0, n);
  parallel_ranges(int(n), parts, 16, [&](int a, int b) { update(std::size_t(a), std::size_t(b)); });
}

template void optimizer_update<float>(const std::string&, Model<float>&, std::vector<float>&, float, std::int64_t,
                                      const TensorInfo*, int);
template void optimizer_update<double>(const std::string&, Model<double>&, std::vector<double>&, double,
                                       std::int64_t, const TensorInfo*, int);

}  // namespace ev
