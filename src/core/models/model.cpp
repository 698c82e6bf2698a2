// model.cpp: what every family shares: tables, initialisation, SGD, prediction.
#include "core/models/model.h"

#include <Eigen/Core>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/base/error.h"

namespace ev {

bool ModelSpec::operator==(const ModelSpec& o) const {
  return family == o.family && vocab == o.vocab && block == o.block && emb == o.emb && hidden == o.hidden &&
         direct == o.direct && heads == o.heads && layers == o.layers && init == o.init && softmax == o.softmax &&
         classes == o.classes && extra == o.extra;
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

float Net::sgd_train_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen, bool* updated) {
  const float loss = forward(m, b);
  *updated = std::isfinite(loss) && sgd_step(m, b, lr, frozen);
  return loss;
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

namespace ev {

double Hyperparameter::get(const ModelSpec& s) const {
  if (int_field) return s.*int_field;
  if (bool_field) return s.*bool_field ? 1 : 0;
  if (text_field) {
    const std::vector<std::string>& names = choices();
    return double(std::find(names.begin(), names.end(), s.*text_field) - names.begin());
  }
  const auto it = s.extra.find(name);
  return it != s.extra.end() ? it->second : lo;
}

std::string Hyperparameter::text(const ModelSpec& s) const {
  if (text_field) return s.*text_field;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", get(s));
  return buf;
}

namespace {

// A number as typed, whole or not; ev::Error for anything else.
double typed_number(const char* name, const std::string& v, bool whole) {
  char* end = nullptr;
  errno = 0;
  const double x = v.empty() || std::isspace((unsigned char)v[0]) ? NAN
                   : whole                                       ? double(std::strtoll(v.c_str(), &end, 10))
                                                                 : std::strtod(v.c_str(), &end);
  if (!std::isfinite(x) || end != v.c_str() + v.size() || errno == ERANGE || (whole && x != std::floor(x)))
    throw Error(std::string(name) + "=" + shown(v) + ": not " + (whole ? "a whole number" : "a number"));
  return x;
}

std::string range_text(double lo, double hi) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.15g to %.15g", lo, hi);
  return buf;
}

}  // namespace

void Hyperparameter::set(ModelSpec& s, const std::string& typed) const {
  if (kind == Kind::Choice) {
    const std::vector<std::string>& names = choices();
    if (std::find(names.begin(), names.end(), typed) == names.end()) {
      std::string all;
      for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
      throw Error(std::string(name) + "=" + shown(typed) + ": the choices are " + all);
    }
    s.*text_field = typed;
    return;
  }
  const double x = typed == "true" && kind == Kind::Bool    ? 1.0
                   : typed == "false" && kind == Kind::Bool ? 0.0
                                                            : typed_number(name, typed, kind != Kind::Real);
  const double low = kind == Kind::Bool ? 0 : lo, high = kind == Kind::Bool ? 1 : hi;
  if (x < low || x > high)
    throw Error(std::string(name) + "=" + typed + " is out of range; expected " + range_text(low, high));
  if (int_field) s.*int_field = int(x);
  else if (bool_field) s.*bool_field = x != 0;
  else s.extra[name] = x;
}

void Hyperparameter::check(const ModelSpec& s) const {
  if (kind == Kind::Choice) {
    ModelSpec copy = s;
    set(copy, s.*text_field);  // throws naming the choices
    return;
  }
  const double x = get(s);
  if (kind != Kind::Bool && !(x >= lo && x <= hi)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s = %g is out of range; it must be between %g and %g", name, x, lo, hi);
    throw Error(buf);
  }
}

const Hyperparameter* Family::hyperparameter(const std::string& n) const {
  for (const Hyperparameter& h : hyperparameters())
    if (n == h.name) return &h;
  return nullptr;
}

std::vector<const Hyperparameter*> all_hyperparameters() {
  std::vector<const Hyperparameter*> out;
  for (const Family* f : families())
    for (const Hyperparameter& h : f->hyperparameters())
      if (std::none_of(out.begin(), out.end(), [&](const Hyperparameter* o) { return std::string(o->name) == h.name; }))
        out.push_back(&h);
  return out;
}

}  // namespace ev
