// kernels_test: the step's products against the same products in double
// precision with Eigen, over shapes that reach every edge of the register
// tiles (rows and columns that are not multiples of the tile or the vector,
// a single row or column, the word model's 32 x 100 x 17,000), with leading
// dimensions wider than the rows and the `accumulate` forms.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "core/base/kernels.h"
#include "core/models/mlp.h"
#include "random_batch.h"

namespace {

using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A (rows, cols) float matrix with `pad` extra columns of junk, so a kernel
// that reads or writes past a row's end shows it.
struct Strided {
  int rows, cols, ld;
  std::vector<float> v;
  Strided(int r, int c, int pad, std::mt19937& g) : rows(r), cols(c), ld(c + pad), v(std::size_t(r) * std::size_t(c + pad)) {
    std::uniform_real_distribution<float> u(-1, 1);
    for (float& x : v) x = u(g);
  }
  float at(int i, int j) const { return v[std::size_t(i) * std::size_t(ld) + std::size_t(j)]; }
  MatD dense() const {
    MatD m(rows, cols);
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) m(i, j) = at(i, j);
    return m;
  }
};

// Every element of `got` near `want`: float sums of `terms` products of
// numbers in [-1, 1] are off by at most a few ulps per term. The padding
// columns are untouched.
void expect_near(const Strided& got, const Strided& before, const MatD& want, int terms, const char* what) {
  const double tol = 1e-6 * terms + 1e-6;
  double worst = 0;
  for (int i = 0; i < got.rows; ++i) {
    for (int j = 0; j < got.cols; ++j) worst = std::max(worst, std::abs(double(got.at(i, j)) - want(i, j)));
    for (int j = got.cols; j < got.ld; ++j) ASSERT_EQ(got.at(i, j), before.at(i, j)) << what << ": wrote past row " << i;
  }
  EXPECT_LE(worst, tol) << what << " " << got.rows << "x" << got.cols << " (" << terms << " terms)";
}

// (M, N, K) shapes: tile edges for every vector width (4, 8, 16).
std::vector<std::tuple<int, int, int>> shapes() {
  std::vector<std::tuple<int, int, int>> s;
  for (int M : {1, 3, 7, 8, 9, 32, 33})
    for (int N : {1, 5, 16, 27, 47, 48, 49, 200, 515, 1100})
      for (int K : {1, 6, 30, 100}) s.emplace_back(M, N, K);
  s.emplace_back(32, 17000, 100);  // the word model's output layer
  return s;
}

// `product(C, accumulate)` writes a product into C, or adds it: both forms
// against `want`, the product in double, from the same starting C.
template <class F>
void check_forms(Strided C, const MatD& want, int terms, const char* what, F product) {
  const Strided C0 = C;
  product(C, false);
  expect_near(C, C0, want, terms, what);
  const Strided C1 = C;
  product(C, true);
  expect_near(C, C1, C1.dense() + want, terms, what);
}

TEST(Kernels, NnIsTheProduct) {
  std::mt19937 g(1);
  for (auto [M, N, K] : shapes()) {
    const Strided A(M, K, 3, g), B(K, N, 5, g);
    check_forms(Strided(M, N, 2, g), A.dense() * B.dense(), K, "nn", [&](Strided& C, bool acc) {
      ev::kernels::gemm_nn(M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, C.v.data(), C.ld, acc);
    });
  }
}

TEST(Kernels, NtIsTheProductWithTheTranspose) {
  std::mt19937 g(2);
  for (auto [M, N, K] : shapes()) {
    const Strided A(M, N, 3, g), B(K, N, 1, g);
    check_forms(Strided(M, K, 4, g), A.dense() * B.dense().transpose(), N, "nt", [&](Strided& C, bool acc) {
      ev::kernels::gemm_nt(M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, C.v.data(), C.ld, acc);
    });
  }
}

// The long path in two steps, A's rows packed in ranges as threads would
// pack them and the product made for ranges of B's rows: the same bits as
// gemm_nt, and near the product in double.
TEST(Kernels, NtFromSharedPackingIsTheSameAsNt) {
  std::mt19937 g(5);
  for (auto [M, N, K] : {std::tuple(32, 17000, 100), std::tuple(37, 1500, 30), std::tuple(5, 515, 7)}) {
    const Strided A(M, N, 3, g), B(K, N, 1, g), C0(M, K, 4, g);
    Strided want = C0, got = C0;
    ev::kernels::gemm_nt(M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, want.v.data(), want.ld, false);
    const int Mp = ev::kernels::packed_width(M);
    ASSERT_GE(Mp, M);
    ASSERT_EQ(Mp % ev::kernels::vector_width(), 0);
    std::vector<float> At(std::size_t(N) * std::size_t(Mp), std::nanf(""));  // every number written, padding too
    for (const auto& [r0, r1] : {std::pair(0, M / 3), std::pair(M / 3, M / 2), std::pair(M / 2, M)})
      ev::kernels::pack_transposed(r0, r1, M, N, A.v.data(), A.ld, At.data());
    for (const auto& [k0, k1] : {std::pair(0, K / 2), std::pair(K / 2, K)})
      ev::kernels::gemm_nt_packed(M, N, k1 - k0, At.data(), B.v.data() + std::size_t(k0) * std::size_t(B.ld), B.ld,
                                  got.v.data() + k0, got.ld, false);
    EXPECT_EQ(got.v, want.v) << M << "x" << N << "x" << K;
    expect_near(got, C0, A.dense() * B.dense().transpose(), N, "nt packed");
  }
}

// An SGD step's two products in one pass over the weights, by ranges of
// whole chunks of columns as threads would own them: the weights updated to
// the same bits as gemm_tn, the product (from the weights before the update)
// the same bits however the columns are split, and near it in double.
TEST(Kernels, NtWithUpdateByChunksOfColumns) {
  std::mt19937 g(9);
  const float alpha = -0.3f;
  const int c = ev::kernels::kChunk;
  for (auto [M, N, K] : {std::tuple(32, 17000, 100), std::tuple(37, 1500, 30), std::tuple(5, 2 * c + 3, 7)}) {
    const Strided A(M, N, 3, g), X(M, K, 2, g), B0(K, N, 1, g), C0(M, K, 4, g);
    Strided want_b = B0;
    ev::kernels::gemm_tn(M, N, K, alpha, X.v.data(), X.ld, A.v.data(), A.ld, want_b.v.data(), want_b.ld, true);
    const std::size_t size = std::size_t(ev::kernels::chunks(N)) * std::size_t(K) * std::size_t(ev::kernels::packed_width(M));
    std::vector<Strided> results;
    for (const std::vector<int>& cuts : {std::vector<int>{0, N}, {0, c, N}, {0, c, c, N}}) {
      Strided b = B0, out = C0;
      std::vector<float> partials(size, std::nanf(""));
      for (std::size_t r = 0; r + 1 < cuts.size(); ++r)
        ev::kernels::gemm_nt_update(M, cuts[r], cuts[r + 1], K, A.v.data(), A.ld, b.v.data(), b.ld, X.v.data(), X.ld,
                                    alpha, partials.data());
      ev::kernels::sum_chunks(M, N, K, partials.data(), out.v.data(), out.ld);
      EXPECT_EQ(b.v, want_b.v) << M << "x" << N << "x" << K << " in " << cuts.size() - 1 << " ranges";
      expect_near(out, C0, A.dense() * B0.dense().transpose(), N, "nt by chunks");
      results.push_back(out);
    }
    for (const Strided& r : results) EXPECT_EQ(r.v, results[0].v) << M << "x" << N << "x" << K;
  }
}

// With alpha = -lr and accumulate, an SGD update.
TEST(Kernels, TnIsTheScaledProductOfTheTranspose) {
  std::mt19937 g(3);
  const float alpha = -0.25f;
  for (auto [M, N, K] : shapes()) {
    const Strided A(M, K, 2, g), D(M, N, 3, g);
    const MatD want = double(alpha) * (A.dense().transpose() * D.dense());
    check_forms(Strided(K, N, 1, g), want, M, "tn", [&](Strided& B, bool acc) {
      ev::kernels::gemm_tn(M, N, K, alpha, A.v.data(), A.ld, D.v.data(), D.ld, B.v.data(), B.ld, acc);
    });
  }
}

// Each row sums to 1 and matches exp in double to a few parts in 10^7, over
// logits that span the whole range (differences past -87 underflow to 0, as
// exp in float would, within the error allowed).
TEST(Kernels, SoftmaxRows) {
  std::mt19937 g(5);
  for (int N : {1, 2, 15, 16, 17, 27, 100, 17000}) {
    const int M = 5;
    std::uniform_real_distribution<float> u(-120, 30);
    std::vector<float> x(std::size_t(M) * std::size_t(N)), p(x.size()), maxes(M), sums(M);
    for (float& v : x) v = u(g);
    x[0] = 0.0f;  // a row with an exact 0 after the shift, and ties
    if (N > 1) x[1] = 0.0f;
    ev::kernels::softmax_rows(M, N, x.data(), N, p.data(), N, maxes.data(), sums.data());
    for (int i = 0; i < M; ++i) {
      const float* xi = x.data() + std::size_t(i) * std::size_t(N);
      double mx = xi[0], sum = 0;
      for (int j = 0; j < N; ++j) mx = std::max(mx, double(xi[j]));
      for (int j = 0; j < N; ++j) sum += std::exp(double(xi[j]) - mx);
      EXPECT_EQ(maxes[std::size_t(i)], float(mx));
      EXPECT_NEAR(sums[std::size_t(i)], sum, 1e-6 * sum);
      double total = 0;
      for (int j = 0; j < N; ++j) {
        const double want = std::exp(double(xi[j]) - mx) / sum, got = p[std::size_t(i) * std::size_t(N) + std::size_t(j)];
        total += got;
        // x - max rounds in float: half an ulp of |x - max| moves exp by as much, relatively.
        const double shift_error = 6e-8 * std::abs(double(xi[j]) - mx);
        ASSERT_NEAR(got, want, (1e-6 + shift_error) * want + 1e-37) << "row " << i << " col " << j << " of " << N;
      }
      EXPECT_NEAR(total, 1.0, 1e-5);
    }
  }
}

// A NaN or infinite logit makes the row's sum NaN: the loss shows it.
TEST(Kernels, SoftmaxOfNonFiniteIsNaN) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<float> x(40, 1.0f), p(40);
    x[21] = bad;
    float mx, sum;
    ev::kernels::softmax_rows(1, 40, x.data(), 40, p.data(), 40, &mx, &sum);
    EXPECT_TRUE(std::isnan(sum) || std::isnan(std::log(sum) + mx - x[0])) << bad;
  }
}

// The same inputs give the same bits: the order of summation is fixed.
TEST(Kernels, Deterministic) {
  std::mt19937 g(4);
  const Strided A(32, 1000, 0, g), B(100, 1000, 0, g);
  Strided C1(32, 100, 0, g), C2 = C1;
  ev::kernels::gemm_nt(32, 1000, 100, A.v.data(), A.ld, B.v.data(), B.ld, C1.v.data(), C1.ld, false);
  ev::kernels::gemm_nt(32, 1000, 100, A.v.data(), A.ld, B.v.data(), B.ld, C2.v.data(), C2.ld, false);
  EXPECT_EQ(C1.v, C2.v);
}

// The MLP at block 3 over a vocabulary of V.
ev::ModelSpec mlp_spec(int V, int emb, int hidden, bool direct) {
  ev::ModelSpec s;
  s.vocab = V;
  s.block = 3;
  s.emb = emb;
  s.hidden = hidden;
  s.direct = direct;
  return s;
}

using testdata::RandomBatch;

// The MLP at a vocabulary where the float step runs through the kernels: its
// loss, every gradient and the fused SGD step agree with the double model,
// which runs through Eigen, with and without direct connections.
TEST(Kernels, MlpStepAtAWordVocabularyMatchesDouble) {
  for (bool direct : {false, true}) {
    ev::Model<float> mf(mlp_spec(700, 8, 37, direct));
    ev::mlp_init(mf, 11);
    mf.p("W2") *= 0.1f;
    ev::Model<double> md = ev::cast_model<double>(mf);
    const RandomBatch rb(19, 700, 6);
    const ev::Batch& b = rb.b;
    ev::MlpActivations<float> af;
    ev::MlpActivations<double> ad;
    const float lf = ev::mlp_forward(mf, b, af);
    const double ld = ev::mlp_forward(md, b, ad);
    EXPECT_NEAR(lf, ld, 1e-5 * ld);
    ev::mlp_backward(mf, b, af);
    ev::mlp_backward(md, b, ad);
    for (const ev::TensorInfo& t : mf.table.tensors()) {
      const auto gf = mf.g(t.name);
      const auto gd = md.g(t.name);
      const double scale = std::max(1e-3, gd.cwiseAbs().maxCoeff());
      EXPECT_LE((gf.cast<double>() - gd).cwiseAbs().maxCoeff(), 2e-5 * scale) << t.name << " direct " << direct;
    }
    // The fused step moves W2 (and Wd) by -lr times the gradient just checked.
    const float lr = 0.5f;
    ev::Model<float> stepped = mf;
    ev::mlp_forward(stepped, b, af);
    ASSERT_TRUE(ev::mlp_sgd_step(stepped, b, af, lr, nullptr));
    for (const char* name : {"W2", "Wd"}) {
      if (!direct && std::string(name) == "Wd") continue;
      const Eigen::MatrixXd want = md.p(name) - double(lr) * md.g(name);
      EXPECT_LE((stepped.p(name).cast<double>() - want).cwiseAbs().maxCoeff(), 1e-6) << name;
    }
  }
}

// The output layer on two or three threads gives the same bits as on one:
// rows, then W2's rows (the packing of the logits' gradient shared), then
// columns are split, and no number is summed in another order.
// Ten SGD steps, and the gradients of backward() (Adam's path), at a batch
// that does not divide evenly.
void mlp_step_on_threads(bool direct) {
  ev::Model<float> start(mlp_spec(1500, 6, 20, direct));
  ev::mlp_init(start, 12);
  std::vector<ev::Model<float>> runs;
  for (int threads : {1, 2, 3}) {
    ev::Model<float> m = start;
    ev::MlpActivations<float> a;
    a.threads = threads;
    for (int step = 0; step < 10; ++step) {
      const RandomBatch rb(37, 1500, unsigned(100 + step));
      ev::mlp_forward(m, rb.b, a);
      ASSERT_TRUE(ev::mlp_sgd_step(m, rb.b, a, 0.3f, nullptr));
    }
    const RandomBatch last(37, 1500, 999);
    ev::mlp_forward(m, last.b, a);
    ev::mlp_backward(m, last.b, a);
    runs.push_back(m);
  }
  for (std::size_t i = 1; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].params, runs[0].params) << i + 1 << " threads";
    EXPECT_EQ(runs[i].grads, runs[0].grads) << i + 1 << " threads";
  }
  EXPECT_NE(runs[0].params, start.params);
}

TEST(Kernels, MlpStepOnThreadsIsTheSameAsOnOne) {
  for (const bool direct : {false, true}) {  // without: SGD's fused pass over W2
    SCOPED_TRACE(direct ? "direct connections" : "no direct connections");
    mlp_step_on_threads(direct);
  }
}

// The word step in one pass (mlp_sgd_train_step at a vocabulary the kernels
// take) gives the same bits as mlp_forward() then mlp_sgd_step(): the loss,
// the probabilities the step inspector reads, every parameter, on one thread
// and on two, with dropout and without, C frozen or not.
TEST(Kernels, WordStepInOnePassIsForwardThenStep) {
  for (const int threads : {1, 2})
    for (const float dropout : {0.0f, 0.3f})
      for (const bool freeze : {false, true}) {
        SCOPED_TRACE(std::to_string(threads) + " threads, dropout " + std::to_string(dropout) +
                     (freeze ? ", C frozen" : ""));
        ev::Model<float> start(mlp_spec(2100, 6, 20, false));
        ev::mlp_init(start, 13);
        ev::Model<float> two = start, one = start;
        ev::MlpActivations<float> a2, a1;
        a2.threads = a1.threads = threads;
        const ev::TensorInfo* frozen = freeze ? &start.table[ev::kMlpC] : nullptr;
        for (int step = 0; step < 4; ++step) {
          RandomBatch rb(29, 2100, unsigned(200 + step));
          rb.b.dropout = dropout;
          rb.b.dropout_seed = std::uint64_t(step) + 1;
          const float loss2 = ev::mlp_forward(two, rb.b, a2);
          ASSERT_TRUE(ev::mlp_sgd_step(two, rb.b, a2, 0.4f, frozen));
          bool updated = false;
          const float loss1 = ev::mlp_sgd_train_step(one, rb.b, a1, 0.4f, frozen, &updated);
          ASSERT_TRUE(updated);
          EXPECT_EQ(loss1, loss2);
          EXPECT_TRUE(a1.probs == a2.probs);
          EXPECT_TRUE(a1.logits == a2.logits);
        }
        EXPECT_EQ(one.params, two.params);
        EXPECT_NE(one.params, start.params);
        EXPECT_EQ(freeze, one.p("C") == start.p("C"));
      }
}

}  // namespace
