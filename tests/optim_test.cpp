// optim_test: sparse-adam (optim.h) against Adam. The rows a backward pass
// lists are the only rows with a gradient; sparse-adam moves exactly those
// rows as Adam would and leaves every other row and its moments as they are;
// its weight decay touches the weights it moves and no bias; two threads
// give the numbers of one.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/models/mlp.h"
#include "core/models/optim.h"
#include "core/base/rng.h"

using namespace ev;

namespace {

// A word-sized MLP with the factored softmax: V words, K classes of consecutive ids.
Model<float> class_model(int V, int K, int H) {
  ModelSpec s;
  s.vocab = V, s.block = 3, s.emb = 4, s.hidden = H, s.softmax = "classes", s.classes = K, s.init = "small";
  Model<float> m(s);
  init_model(m, 3);
  for (const char* name : {"Wo", "Wc"}) m.p(name).setRandom();
  return m;
}

struct RandomBatch {
  std::vector<std::int32_t> X, Y;
  Batch b;
  RandomBatch(int B, int block, std::uint64_t seed, int below) : X(std::size_t(B * block)), Y(std::size_t(B)) {
    Rng rng(seed);
    for (auto& x : X) x = std::int32_t(rng.below(std::uint64_t(below)));
    for (auto& y : Y) y = std::int32_t(rng.below(std::uint64_t(below)));
    b.B = B, b.in = block, b.X = X.data(), b.Y = Y.data(), b.full = false;
  }
};

// Forward, backward and the listed rows of one batch.
std::vector<SparseRows> gradients(Net& net, Model<float>& m, const Batch& b) {
  net.forward(m, b);
  net.backward(m, b);
  EXPECT_NE(net.sparse_rows(), nullptr);
  return net.sparse_rows() ? *net.sparse_rows() : std::vector<SparseRows>{};
}

// Whether the element at `i` lies in a listed row.
bool listed(const std::vector<SparseRows>& rows, std::size_t i) {
  for (const SparseRows& r : rows)
    for (const std::size_t s : r.starts)
      if (i >= s && i < s + r.width) return true;
  return false;
}

// Whether the element at `i` belongs to a tensor with listed rows (C, Wo, bo).
bool in_sparse_tensor(const Model<float>& m, std::size_t i) {
  for (const char* name : {"C", "Wo", "bo"}) {
    const TensorInfo& t = m.table.at(name);
    if (i >= t.offset && i < t.offset + t.size()) return true;
  }
  return false;
}

}  // namespace

TEST(SparseAdam, ListedRowsHoldEveryNonzeroGradient) {
  Model<float> m = class_model(400, 20, 16);
  auto net = family("mlp").make_net(m.spec);
  RandomBatch rb(24, 3, 11, 400);
  const std::vector<SparseRows> rows = gradients(*net, m, rb.b);
  ASSERT_EQ(rows.size(), 3u);  // C, Wo, bo
  std::size_t listed_elements = 0;
  for (const SparseRows& r : rows) {
    EXPECT_TRUE(std::is_sorted(r.starts.begin(), r.starts.end()));
    EXPECT_EQ(std::set<std::size_t>(r.starts.begin(), r.starts.end()).size(), r.starts.size());
    listed_elements += r.starts.size() * r.width;
  }
  std::size_t sparse_elements = 0;
  for (const char* name : {"C", "Wo", "bo"}) sparse_elements += m.table.at(name).size();
  EXPECT_LT(listed_elements, sparse_elements);  // a batch of 24 leaves rows of 400 words unreached
  std::size_t nonzero_outside = 0, nonzero_inside = 0;
  for (const char* name : {"C", "Wo", "bo"}) {
    const TensorInfo& t = m.table.at(name);
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i)
      if (m.grads[i] != 0.0f) ++(listed(rows, i) ? nonzero_inside : nonzero_outside);
  }
  EXPECT_EQ(nonzero_outside, 0u);
  EXPECT_GT(nonzero_inside, 0u);
  // Every row of C a context looked up is listed.
  const TensorInfo& C = m.table.at("C");
  for (const std::int32_t x : rb.X)
    EXPECT_TRUE(std::binary_search(rows[0].starts.begin(), rows[0].starts.end(), C.offset + std::size_t(x) * 4u));
}

TEST(SparseAdam, MovesListedRowsAsAdamAndLeavesTheRest) {
  Model<float> dense = class_model(400, 20, 16);
  Model<float> sparse = dense;
  auto net = family("mlp").make_net(dense.spec);
  std::vector<float> sd(optimizer_state_size("adam", dense.params.size()), 0.0f);
  std::vector<float> ss(optimizer_state_size("sparse-adam", sparse.params.size()), 0.0f);
  // Step 1 reaches words 0..199, step 2 words 200..399: rows of C reached only
  // at step 1 have a moment Adam carries into step 2, sparse-adam does not.
  RandomBatch first(16, 3, 1, 200), second(16, 3, 2, 400);
  for (auto& x : second.X) x = 200 + x % 200;
  for (auto& y : second.Y) y = 200 + y % 200;
  for (int t = 1; t <= 2; ++t) {
    const Batch& b = t == 1 ? first.b : second.b;
    gradients(*net, dense, b);
    optimizer_update("adam", dense, sd, 0.01f, t);
    const std::vector<SparseRows> rows = gradients(*net, sparse, b);
    const std::vector<float> before = sparse.params, state_before = ss;
    optimizer_update("sparse-adam", sparse, ss, 0.01f, t, nullptr, 1, &rows);
    if (t == 1) {
      EXPECT_EQ(sparse.params, dense.params);  // from zero moments, a row with no gradient does not move in Adam either
      continue;
    }
    // A row no batch row reached at step 2 keeps its value and its moments;
    // Adam moved those it had moments for on momentum alone.
    std::size_t kept = 0, differ = 0;
    const std::size_t n = sparse.params.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (!in_sparse_tensor(sparse, i) || listed(rows, i)) continue;
      EXPECT_TRUE(sparse.params[i] == before[i] && ss[i] == state_before[i] && ss[n + i] == state_before[n + i]);
      ++kept;
      if (sparse.params[i] != dense.params[i]) ++differ;
    }
    EXPECT_GT(kept, 0u);
    EXPECT_GT(differ, 0u);
    // Rows reached at step 2 (and the dense tensors) are Adam's to the bit.
    const TensorInfo& C = sparse.table.at("C");
    for (const std::int32_t x : second.X)
      for (std::size_t j = 0; j < 4; ++j) {
        const std::size_t i = C.offset + std::size_t(x) * 4u + j;
        EXPECT_EQ(sparse.params[i], dense.params[i]);
      }
    for (const char* name : {"W1", "b1", "Wc", "bc"}) {
      const TensorInfo& w = sparse.table.at(name);
      for (std::size_t i = w.offset; i < w.offset + w.size(); ++i) ASSERT_EQ(sparse.params[i], dense.params[i]) << name;
    }
  }
}

TEST(SparseAdam, DecaysTheWeightsItMovesAndNoBias) {
  Model<float> m = class_model(400, 20, 16);
  auto net = family("mlp").make_net(m.spec);
  RandomBatch rb(16, 3, 5, 400);
  const std::vector<SparseRows> rows = gradients(*net, m, rb.b);
  Model<float> plain = m, decayed = m;
  std::vector<float> s1(2 * m.params.size(), 0.0f), s2 = s1;
  optimizer_update("sparse-adam", plain, s1, 0.01f, 1, nullptr, 1, &rows, 0.0f);
  optimizer_update("sparse-adam", decayed, s2, 0.01f, 1, nullptr, 1, &rows, 5.0f);  // keep 0.95
  const auto same = [&](const char* name) {
    const TensorInfo& t = m.table.at(name);
    return std::equal(plain.params.begin() + std::ptrdiff_t(t.offset), plain.params.begin() + std::ptrdiff_t(t.offset + t.size()),
                      decayed.params.begin() + std::ptrdiff_t(t.offset));
  };
  EXPECT_TRUE(same("b1"));
  EXPECT_TRUE(same("bc"));
  EXPECT_TRUE(same("bo"));
  EXPECT_FALSE(same("W1"));
  // A row of C no context reached keeps its value; a reached one shrinks.
  const TensorInfo& C = m.table.at("C");
  std::vector<char> reached(400, 0);
  for (const std::int32_t x : rb.X) reached[std::size_t(x)] = 1;
  const int quiet = int(std::find(reached.begin(), reached.end(), 0) - reached.begin());
  ASSERT_LT(quiet, 400);
  for (std::size_t j = 0; j < 4; ++j) {
    const std::size_t q = C.offset + std::size_t(quiet) * 4 + j, r = C.offset + std::size_t(rb.X[0]) * 4 + j;
    EXPECT_EQ(decayed.params[q], m.params[q]);
    EXPECT_NE(decayed.params[r], plain.params[r]);
    EXPECT_NEAR(decayed.params[r], 0.95f * m.params[r] + (plain.params[r] - m.params[r]), 1e-6f);
  }
}

TEST(SparseAdam, TwoThreadsGiveTheNumbersOfOne) {
  Model<float> m = class_model(3000, 55, 100);  // over 300,000 parameters: the update splits
  auto net = family("mlp").make_net(m.spec);
  RandomBatch rb(256, 3, 9, 3000);
  const std::vector<SparseRows> rows = gradients(*net, m, rb.b);
  Model<float> one = m, two = m;
  std::vector<float> s1(2 * m.params.size(), 0.0f), s2 = s1;
  for (int t = 1; t <= 3; ++t) {
    optimizer_update("sparse-adam", one, s1, 0.01f, t, nullptr, 1, &rows, 0.1f);
    optimizer_update("sparse-adam", two, s2, 0.01f, t, nullptr, 2, &rows, 0.1f);
  }
  EXPECT_EQ(one.params, two.params);
  EXPECT_EQ(s1, s2);
  EXPECT_NE(one.params, m.params);
}
