// model.cpp: what every family shares: tables, initialisation, SGD, prediction.
#include "model.h"

#include <Eigen/Core>
#include <cmath>

namespace ev {

bool ModelSpec::operator==(const ModelSpec& o) const {
  return family == o.family && vocab == o.vocab && block == o.block && emb == o.emb && hidden == o.hidden &&
         direct == o.direct && heads == o.heads && layers == o.layers && init == o.init && softmax == o.softmax &&
         classes == o.classes;
}

ParamTable param_table(const ModelSpec& spec) { return family(spec.family).table(spec); }

void init_model(Model<float>& m, std::uint64_t seed) { family(m.spec.family).init(m, seed); }

template <class T>
void sgd_update(Model<T>& m, T lr, const TensorInfo* frozen) {
  // [begin, end) of the allocation moves; a frozen tensor splits it in two.
  auto update = [&](std::size_t begin, std::size_t end) {
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> p(m.params.data() + begin, Eigen::Index(end - begin));
    Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> g(m.grads.data() + begin, Eigen::Index(end - begin));
    p -= lr * g;
  };
  if (!frozen) return update(0, m.params.size());
  update(0, frozen->offset);
  update(frozen->offset + frozen->size(), m.params.size());
}
template void sgd_update<float>(Model<float>&, float, const TensorInfo*);
template void sgd_update<double>(Model<double>&, double, const TensorInfo*);

bool Net::sgd_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen) {
  backward(m, b);
  // Any NaN or infinity in the gradients makes this sum NaN (x * 0 is 0 only for finite x).
  const Eigen::Map<const Eigen::ArrayXf> g(m.grads.data(), Eigen::Index(m.grads.size()));
  if (!std::isfinite((g * 0.0f).sum())) return false;
  sgd_update(m, lr, frozen);
  return true;
}

std::vector<float> next_token_probs(const Model<float>& m, const std::vector<int>& context) {
  const Family& f = family(m.spec.family);
  std::vector<std::int32_t> row(std::size_t(m.spec.block), Vocab::kBoundary);
  const int pos = f.context_row(m.spec, context, row.data());
  const auto net = f.make_net(m.spec);
  Batch b;
  b.B = 1;
  b.in = int(row.size());
  b.X = row.data();
  net->forward(m, b);
  const auto p = net->probs().row(pos);
  return std::vector<float>(p.data(), p.data() + p.size());
}

}  // namespace ev
