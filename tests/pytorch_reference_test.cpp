// pytorch_reference_test: the hand-written forward/backward against PyTorch's
// autograd, as llm.c checks itself. tests/pytorch_reference.py wrote the fixture
// (fixed parameters, a batch, its logits, loss and every gradient, then 10 SGD
// steps with their batches); this test replays it with Model<double> and
// Model<float> and reports the largest difference of each tensor.
//
// "Relative difference" of a tensor: max_i |ours_i - ref_i| / max_i |ref_i|,
// the largest error measured against the tensor's own scale (an element-wise
// ratio would blow up on gradients that happen to be near zero).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/model.h"

using namespace ev;
using nlohmann::json;

namespace {

const json& fixture() {
  static const json j = [] {
    std::ifstream f(std::string(EMBEDVIZ_TEST_DIR) + "/fixtures/mlp_reference.json");
    if (!f) return json();
    return json::parse(f);
  }();
  return j;
}

ModelShape shape_of(const json& j) {
  const json& s = j.at("shape");
  return {s.at("vocab").get<int>(), s.at("block").get<int>(), s.at("emb").get<int>(), s.at("hidden").get<int>()};
}

// The parameter (or gradient) buffer in Model's layout, from the five named tensors.
std::vector<double> flat_tensors(const json& tensors, const ModelShape& s) {
  std::vector<double> out;
  for (const char* name : kTensorNames) {
    const auto v = tensors.at(name).get<std::vector<double>>();
    out.insert(out.end(), v.begin(), v.end());
  }
  EXPECT_EQ(out.size(), s.count()) << "fixture tensors do not fit the shape";
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
void expect_tensors_near(const std::vector<T>& ours, const std::vector<double>& ref, const ModelShape& s,
                         double tol, const char* what) {
  ASSERT_EQ(ours.size(), ref.size());
  const std::size_t offs[6] = {s.off_C(), s.off_W1(), s.off_b1(), s.off_W2(), s.off_b2(), s.count()};
  for (int t = 0; t < 5; ++t) {
    const double d = max_rel_diff(ours.data() + offs[t], ref, offs[t], offs[t + 1] - offs[t]);
    std::printf("  %-6s %-3s max rel diff %.3g\n", what, kTensorNames[t], d);
    EXPECT_LE(d, tol) << what << " " << kTensorNames[t];
  }
}

std::vector<std::int32_t> ids(const json& a) { return a.get<std::vector<std::int32_t>>(); }

// Forward and backward of one batch: logits, loss and all five gradients.
template <class T>
void check_one_batch(double tol) {
  const json& j = fixture();
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/mlp_reference.json is missing or unreadable";
  const ModelShape s = shape_of(j);
  Model<double> ref_params(s);
  ref_params.params = flat_tensors(j.at("params"), s);
  Model<T> m = cast_model<T>(ref_params);

  const auto X = ids(j.at("X")), Y = ids(j.at("Y"));
  const int B = int(Y.size());
  ASSERT_EQ(X.size(), std::size_t(B) * std::size_t(s.block));
  Activations<T> a;
  const T loss = forward(m, X.data(), Y.data(), B, a);
  backward(m, X.data(), Y.data(), B, a);

  const double ref_loss = j.at("loss").get<double>();
  const double loss_rel = std::abs(double(loss) - ref_loss) / std::abs(ref_loss);
  std::printf("  loss %.10f (PyTorch %.10f) rel diff %.3g\n", double(loss), ref_loss, loss_rel);
  EXPECT_LE(loss_rel, tol);

  const auto ref_logits = j.at("logits").get<std::vector<double>>();
  ASSERT_EQ(ref_logits.size(), std::size_t(a.logits.size()));
  const double logit_rel = max_rel_diff(a.logits.data(), ref_logits, 0, ref_logits.size());
  std::printf("  logits max rel diff %.3g\n", logit_rel);
  EXPECT_LE(logit_rel, tol);

  expect_tensors_near(m.grads, flat_tensors(j.at("grads"), s), s, tol, "grad");
}

// Ten SGD steps on the recorded batches: each step's loss, then the final parameters.
template <class T>
void check_sgd(double tol) {
  const json& j = fixture();
  if (j.is_null()) GTEST_FAIL() << "tests/fixtures/mlp_reference.json is missing or unreadable";
  const ModelShape s = shape_of(j);
  Model<double> ref_params(s);
  ref_params.params = flat_tensors(j.at("params"), s);
  Model<T> m = cast_model<T>(ref_params);
  const json& sgd = j.at("sgd");
  const T lr = T(sgd.at("lr").get<double>());
  const json& steps = sgd.at("steps");
  ASSERT_EQ(steps.size(), 10u);

  Activations<T> a;
  double worst = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto X = ids(steps[i].at("X")), Y = ids(steps[i].at("Y"));
    const int B = int(Y.size());
    const T loss = forward(m, X.data(), Y.data(), B, a);
    backward(m, X.data(), Y.data(), B, a);
    sgd_update(m, lr);
    const double ref = steps[i].at("loss").get<double>();
    const double rel = std::abs(double(loss) - ref) / std::abs(ref);
    worst = std::max(worst, rel);
    EXPECT_LE(rel, tol) << "SGD step " << i << ": loss " << double(loss) << ", PyTorch " << ref;
  }
  std::printf("  SGD step losses: max rel diff %.3g over %zu steps\n", worst, steps.size());
  expect_tensors_near(m.params, flat_tensors(sgd.at("params_after"), s), s, tol, "param");
}

}  // namespace

TEST(PyTorchReference, FixtureIsComplete) {
  const json& j = fixture();
  ASSERT_FALSE(j.is_null()) << "tests/fixtures/mlp_reference.json is missing or unreadable";
  const ModelShape s = shape_of(j);
  EXPECT_EQ(flat_tensors(j.at("params"), s).size(), s.count());
  EXPECT_EQ(flat_tensors(j.at("grads"), s).size(), s.count());
  EXPECT_EQ(j.at("sgd").at("steps").size(), 10u);
}

// Double precision: the two implementations should agree to rounding error;
// the bar the reference sets is 1e-5.
TEST(PyTorchReference, DoubleForwardBackward) { check_one_batch<double>(1e-5); }
TEST(PyTorchReference, DoubleTenSgdSteps) { check_sgd<double>(1e-5); }

// Single precision, as the trainer runs: float has 24 bits (6e-8 relative); the
// errors measured are about 2e-7, so the same 1e-5 bar leaves a wide margin.
TEST(PyTorchReference, FloatForwardBackward) { check_one_batch<float>(1e-5); }
TEST(PyTorchReference, FloatTenSgdSteps) { check_sgd<float>(1e-5); }
