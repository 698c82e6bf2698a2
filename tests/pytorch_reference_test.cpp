// pytorch_reference_test: the hand-written forward/backward against PyTorch's
// autograd, as llm.c checks itself. tests/pytorch_reference.py wrote the MLP's
// fixtures (fixed parameters, a batch, its logits, loss and every gradient,
// then 10 SGD steps with their batches); tests/gpt_reference.py the
// transformer's (a batch of padded items, its loss and gradients, then 3 Adam
// steps). This test replays them with Model<double> and Model<float> and
// reports the largest difference of each tensor.
//
// "Relative difference" of a tensor: max_i |ours_i - ref_i| / max_i |ref_i|,
// the largest error measured against the tensor's own scale (an element-wise
// ratio would blow up on gradients that happen to be near zero).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include <map>

#include "core/train/config.h"
#include "core/models/gpt.h"
#include "core/models/mlp.h"
#include "core/models/optim.h"
#include "test_data.h"

using namespace ev;
using nlohmann::json;

namespace {

// A fixture by file name (null when missing), read once.
const json& fixture(const char* name) {
  static std::map<std::string, json> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::ifstream f(std::string(EMBEDVIZ_TEST_DIR) + "/fixtures/" + name);
    it = cache.emplace(name, f ? json::parse(f) : json()).first;
  }
  return it->second;
}

ModelSpec spec_of(const json& j) {
  const json& s = j.at("shape");
  ModelSpec m;
  m.family = s.value("family", "mlp");
  m.vocab = s.at("vocab").get<int>();
  m.block = s.at("block").get<int>();
  m.emb = s.at("emb").get<int>();
  m.hidden = s.value("hidden", m.hidden);
  m.direct = s.value("direct", false);
  m.heads = s.value("heads", m.heads);
  m.layers = s.value("layers", m.layers);
  return m;
}

// The parameter (or gradient) buffer in the model's layout, from the named tensors.
std::vector<double> flat_tensors(const json& tensors, const ParamTable& table) {
  std::vector<double> out;
  for (const TensorInfo& t : table.tensors()) {
    const auto v = tensors.at(t.name).get<std::vector<double>>();
    EXPECT_EQ(v.size(), t.size()) << "fixture tensor " << t.name << " does not fit the shape";
    out.insert(out.end(), v.begin(), v.end());
  }
  EXPECT_EQ(tensors.size(), std::size_t(table.size())) << "the fixture has tensors the model does not";
  return out;
}

template <class T>
double max_rel_diff(const T* ours, const std::vector<double>& ref, std::size_t off, std::size_t n) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(double(ours[i]) - ref[off + i]));
    scale = std::max(scale, std::abs(ref[off + i]));
  }
  return scale > 0 ? diff / scale : diff;
}

// Checks every tensor of a buffer against a reference buffer of the same layout.
template <class T>
void expect_tensors_near(const std::vector<T>& ours, const std::vector<double>& ref, const ParamTable& table,
                         double tol, const char* what) {
  ASSERT_EQ(ours.size(), ref.size());
  for (const TensorInfo& t : table.tensors()) {
    const double d = max_rel_diff(ours.data() + t.offset, ref, t.offset, t.size());
    std::printf("  %-6s %-3s max rel diff %.3g\n", what, t.name.c_str(), d);
    EXPECT_LE(d, tol) << what << " " << t.name;
  }
}

std::vector<std::int32_t> ids(const json& a) { return a.get<std::vector<std::int32_t>>(); }

using testdata::batch_of;

// The fixture's starting parameters in a model of scalar T.
template <class T>
Model<T> start_model(const json& j) {
  Model<double> ref(spec_of(j));
  ref.params = flat_tensors(j.at("params"), ref.table);
  return cast_model<T>(ref);
}

// Forward and backward of one batch: logits, loss and every gradient.
template <class T>
void check_one_batch(const char* name, double tol) {
  const json& j = fixture(name);
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/" << name << " is missing or unreadable";
  Model<T> m = start_model<T>(j);
  const ModelSpec& s = m.spec;

  const auto X = ids(j.at("X")), Y = ids(j.at("Y"));
  ASSERT_EQ(X.size(), Y.size() * std::size_t(s.block));
  MlpActivations<T> a;
  const T loss = mlp_forward(m, batch_of(X, Y, s.block), a);
  mlp_backward(m, batch_of(X, Y, s.block), a);

  const double ref_loss = j.at("loss").get<double>();
  const double loss_rel = std::abs(double(loss) - ref_loss) / std::abs(ref_loss);
  std::printf("  loss %.10f (PyTorch %.10f) rel diff %.3g\n", double(loss), ref_loss, loss_rel);
  EXPECT_LE(loss_rel, tol);

  const auto ref_logits = j.at("logits").get<std::vector<double>>();
  ASSERT_EQ(ref_logits.size(), std::size_t(a.logits.size()));
  const double logit_rel = max_rel_diff(a.logits.data(), ref_logits, 0, ref_logits.size());
  std::printf("  logits max rel diff %.3g\n", logit_rel);
  EXPECT_LE(logit_rel, tol);

  expect_tensors_near(m.grads, flat_tensors(j.at("grads"), m.table), m.table, tol, "grad");
}

// Ten SGD steps on the recorded batches: each step's loss, then the final parameters.
template <class T>
void check_sgd(const char* name, double tol) {
  const json& j = fixture(name);
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/" << name << " is missing or unreadable";
  Model<T> m = start_model<T>(j);
  const json& sgd = j.at("sgd");
  const T lr = T(sgd.at("lr").get<double>());
  const json& steps = sgd.at("steps");
  ASSERT_EQ(steps.size(), 10u);

  MlpActivations<T> a;
  double worst = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto X = ids(steps[i].at("X")), Y = ids(steps[i].at("Y"));
    const T loss = mlp_forward(m, batch_of(X, Y, m.spec.block), a);
    mlp_backward(m, batch_of(X, Y, m.spec.block), a);
    sgd_update(m, lr);
    const double ref = steps[i].at("loss").get<double>();
    const double rel = std::abs(double(loss) - ref) / std::abs(ref);
    worst = std::max(worst, rel);
    EXPECT_LE(rel, tol) << "SGD step " << i << ": loss " << double(loss) << ", PyTorch " << ref;
  }
  std::printf("  SGD step losses: max rel diff %.3g over %zu steps\n", worst, steps.size());
  expect_tensors_near(m.params, flat_tensors(sgd.at("params_after"), m.table), m.table, tol, "param");
}

constexpr const char* kPlain = "mlp_reference.json";
constexpr const char* kDirect = "mlp_direct_reference.json";
constexpr const char* kGpt = "gpt_reference.json";

// The transformer: a batch of items (B, block), padded with -1 targets.
Batch item_batch(const std::vector<std::int32_t>& X, const std::vector<std::int32_t>& Y, int block) {
  Batch b;
  b.B = int(Y.size()) / block;
  b.in = b.out = block;
  b.X = X.data();
  b.Y = Y.data();
  return b;
}

template <class T>
void check_gpt_batch(double tol) {
  const json& j = fixture(kGpt);
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/" << kGpt << " is missing or unreadable";
  Model<T> m = start_model<T>(j);
  const auto X = ids(j.at("batch").at("X")), Y = ids(j.at("batch").at("Y"));
  ASSERT_NE(std::find(Y.begin(), Y.end(), -1), Y.end()) << "the batch should have padding";
  GptActivations<T> a;
  const T loss = gpt_forward(m, item_batch(X, Y, m.spec.block), a);
  gpt_backward(m, item_batch(X, Y, m.spec.block), a);
  const double ref_loss = j.at("loss").get<double>();
  const double loss_rel = std::abs(double(loss) - ref_loss) / std::abs(ref_loss);
  std::printf("  loss %.10f (PyTorch %.10f) rel diff %.3g\n", double(loss), ref_loss, loss_rel);
  EXPECT_LE(loss_rel, tol);
  expect_tensors_near(m.grads, flat_tensors(j.at("grads"), m.table), m.table, tol, "grad");
}

}  // namespace

TEST(PyTorchReference, FixturesAreComplete) {
  for (const char* name : {kPlain, kDirect}) {
    const json& j = fixture(name);
    ASSERT_FALSE(j.is_null()) << "tests/fixtures/" << name << " is missing or unreadable";
    const ParamTable table = param_table(spec_of(j));
    EXPECT_EQ(table.size(), name == kDirect ? 6 : 5);
    EXPECT_EQ(flat_tensors(j.at("params"), table).size(), table.count());
    EXPECT_EQ(flat_tensors(j.at("grads"), table).size(), table.count());
    EXPECT_EQ(j.at("sgd").at("steps").size(), 10u);
  }
}

// Double precision: the two implementations should agree to rounding error;
// the bar the reference sets is 1e-5.
TEST(PyTorchReference, DoubleForwardBackward) { check_one_batch<double>(kPlain, 1e-5); }
TEST(PyTorchReference, DoubleTenSgdSteps) { check_sgd<double>(kPlain, 1e-5); }

// Single precision, as the trainer runs: float has 24 bits (6e-8 relative); the
// errors measured are about 2e-7, so the same 1e-5 bar leaves a wide margin.
TEST(PyTorchReference, FloatForwardBackward) { check_one_batch<float>(kPlain, 1e-5); }
TEST(PyTorchReference, FloatTenSgdSteps) { check_sgd<float>(kPlain, 1e-5); }

// Bengio et al.'s direct connections from the context to the logits.
TEST(PyTorchReference, DirectDoubleForwardBackward) { check_one_batch<double>(kDirect, 1e-5); }
TEST(PyTorchReference, DirectFloatForwardBackward) { check_one_batch<float>(kDirect, 1e-5); }
TEST(PyTorchReference, DirectFloatTenSgdSteps) { check_sgd<float>(kDirect, 1e-5); }

// The transformer with padded items, two heads and two layers.
TEST(PyTorchReference, GptDoubleForwardBackward) { check_gpt_batch<double>(1e-10); }
TEST(PyTorchReference, GptFloatForwardBackward) { check_gpt_batch<float>(1e-5); }

// Three steps as the trainer takes them: forward, backward, Adam with the
// rate of TrainConfig::lr_at on the linear schedule; then every parameter.
TEST(PyTorchReference, GptThreeAdamSteps) {
  const json& j = fixture(kGpt);
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/" << kGpt << " is missing or unreadable";
  const json& adam = j.at("adam");
  ASSERT_EQ(adam.at("beta1").get<double>(), AdamSettings::kBeta1);
  ASSERT_EQ(adam.at("beta2").get<double>(), AdamSettings::kBeta2);
  ASSERT_EQ(adam.at("eps").get<double>(), AdamSettings::kEps);
  TrainConfig cfg;
  cfg.lr = adam.at("lr").get<double>();
  cfg.lr_linear_steps = adam.at("linear_steps").get<std::int64_t>();
  Model<double> m = start_model<double>(j);
  std::vector<double> state(optimizer_state_size("adam", m.params.size()), 0.0);
  GptActivations<double> a;
  std::int64_t step = 0;
  for (const json& s : j.at("steps")) {
    const auto X = ids(s.at("X")), Y = ids(s.at("Y"));
    const double loss = gpt_forward(m, item_batch(X, Y, m.spec.block), a);
    EXPECT_NEAR(loss, s.at("loss").get<double>(), 1e-10 * loss) << "step " << step;
    gpt_backward(m, item_batch(X, Y, m.spec.block), a);
    optimizer_update("adam", m, state, cfg.lr_at(step), step + 1);
    ++step;
  }
  ASSERT_EQ(step, 3);
  expect_tensors_near(m.params, flat_tensors(j.at("after"), m.table), m.table, 1e-5, "param");
}
