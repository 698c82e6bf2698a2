// optim.cpp: SGD and Adam over a model's whole parameter allocation.
#include "optim.h"

#include <Eigen/Core>
#include <cmath>

#include "error.h"

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

std::size_t optimizer_state_size(const std::string& name, std::size_t n_params) {
  check_optimizer(name);
  return name == "adam" ? 2 * n_params : 0;
}

template <class T>
void optimizer_update(const std::string& name, Model<T>& m, std::vector<T>& state, T lr, std::int64_t t) {
  using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
  const auto n = Eigen::Index(m.params.size());
  if (name == "sgd") {
    sgd_update(m, lr);
    return;
  }
  check_optimizer(name);
  if (state.size() != 2 * m.params.size()) throw Error("the optimizer's state does not fit the model");
  Eigen::Map<Arr> p(m.params.data(), n);
  Eigen::Map<const Arr> g(m.grads.data(), n);
  Eigen::Map<Arr> mean(state.data(), n), sq(state.data() + n, n);  // m and v
  const T b1 = T(AdamSettings::kBeta1), b2 = T(AdamSettings::kBeta2);
  mean = b1 * mean + (T(1) - b1) * g;
  sq = b2 * sq + (T(1) - b2) * g.square();
  // p -= lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
  const T c1 = T(1.0 / (1.0 - std::pow(AdamSettings::kBeta1, double(t))));
  const T c2 = T(1.0 / (1.0 - std::pow(AdamSettings::kBeta2, double(t))));
  p -= (lr * c1) * mean / ((sq * c2).sqrt() + T(AdamSettings::kEps));
}

template void optimizer_update<float>(const std::string&, Model<float>&, std::vector<float>&, float, std::int64_t);
template void optimizer_update<double>(const std::string&, Model<double>&, std::vector<double>&, double,
                                       std::int64_t);

}  // namespace ev
