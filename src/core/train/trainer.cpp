// trainer.cpp: the training loop, evaluation, sampling.
#include "core/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <system_error>
#include <thread>

#include "core/base/error.h"
#include "core/base/kernels.h"
#include "core/models/mlp.h"  // the class-factored softmax's class count
#include "core/models/optim.h"
#include "core/base/parallel.h"

namespace ev {

namespace {
constexpr std::uint64_t kBatchStream = 0xBA7C4ull;  // batches draw from a stream of their own
constexpr std::uint64_t kDropoutStream = 0xD809ull;  // and dropout masks from another, one seed a step
std::size_t token_count(const Dataset& d) {
  std::size_t n = 0;
  for (const auto& it : d.items) n += it.size() + 1;
  return n;
}

// Targets in the batch the model ranks first: no other token as probable (a
// tie is a miss). Most rows find a more probable token within a few columns.
std::size_t count_ranked_first(const Mat<float>& P, const Batch& batch) {
  const Eigen::Index per = P.rows() / std::max(1, batch.B);  // positions computed per row
  std::size_t n = 0;
  for (Eigen::Index r = 0; r < P.rows(); ++r) {
    const std::int32_t y = batch.Y[(r / per) * batch.out + r % per];
    if (y < 0) continue;
    const float py = P(r, y);
    if (!std::isfinite(py)) continue;
    Eigen::Index v = 0;
    while (v < P.cols() && (v == y || P(r, v) < py)) ++v;
    n += v == P.cols();
  }
  return n;
}
}  // namespace

void Trainer::check(const Dataset& data, const TrainConfig& cfg) {
  validate(cfg, data.vocab.size(), token_count(data), dataset_bytes(data));
}

Trainer::Trainer(std::shared_ptr<const Dataset> data, const TrainConfig& cfg) : data_(std::move(data)), cfg_(cfg) {
  check(*data_, cfg_);
  build_examples();
  probes_ = structure_probes(*data_);
  reset();
}

void Trainer::build_examples() {
  const ModelSpec spec = cfg_.spec(data_->vocab.size());
  const Family& f = family(spec.family);
  train_ = f.examples(*data_, Split::Train, spec);
  val_ = f.examples(*data_, Split::Val, spec);
  test_ = f.examples(*data_, Split::Test, spec);
}

const Examples& Trainer::examples(Split s) const {
  return s == Split::Train ? train_ : s == Split::Val ? val_ : test_;
}

ModelSpec Trainer::model_spec() {
  ModelSpec spec = cfg_.spec(data_->vocab.size());
  if (spec.softmax != "classes") return spec;
  // Binned by how often each token is a target in the training split: its
  // count, and for the boundary the training items it ends.
  const int K = mlp_class_count(spec);
  if (!classes_ || classes_->K != K) {
    std::vector<double> counts(data_->counts.begin(), data_->counts.end());
    counts.resize(std::size_t(spec.vocab), 0.0);
    counts[Vocab::kBoundary] += double(data_->n_train);
    classes_ = frequency_classes(counts, K);
  }
  spec.word_classes = classes_;
  return spec;
}

void Trainer::reset() {
  model_ = Model<float>(model_spec());
  init_model(model_, cfg_.seed);
  token_table_ = model_.table.find(family(cfg_.family).embeddings(model_.spec).front());
  net_ = family(cfg_.family).make_net(model_.spec);
  net_->set_threads(step_threads_);
  opt_state_.assign(optimizer_state_size(cfg_.optimizer, model_.params.size()), 0.0f);
  rng_.reseed(cfg_.seed ^ kBatchStream);
  step_ = 0;
  history_.clear();
  timeline_.clear();
  batch_rows_.clear();
  checkpoint_ = {0, model_.params, rng_.save(), opt_state_};
}

Batch Trainer::last_batch_ids() const {
  Batch b;
  b.B = int(batch_rows_.size());
  b.in = train_.in;
  b.out = train_.out;
  b.X = bx_.data();
  b.Y = by_.data();
  return b;
}

namespace {

// n ids from `from` to `to`: a few a row, where a call to memcpy would cost
// more than the copy (GCC would otherwise make the loop one).
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void copy_ids(const std::int32_t* from, std::size_t n,
                                                                            std::int32_t* to) {
  for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

}  // namespace

StepResult Trainer::step() {
  const int B = cfg_.batch;
  const std::size_t in = std::size_t(train_.in), out = std::size_t(train_.out);
  batch_rows_.resize(std::size_t(B));
  bx_.resize(std::size_t(B) * in);
  by_.resize(std::size_t(B) * out);
  const Rng::Saved before = rng_.save();
  // The rows first, each asked of memory at once (a random row of a large
  // split is a cache miss), then copied.
  for (int b = 0; b < B; ++b) {
    const auto row = std::int32_t(rng_.below(train_.size()));
    batch_rows_[std::size_t(b)] = row;
    __builtin_prefetch(train_.context(std::size_t(row)));
    __builtin_prefetch(train_.targets(std::size_t(row)));
  }
  for (int b = 0; b < B; ++b) {
    const std::int32_t row = batch_rows_[std::size_t(b)];
    copy_ids(train_.context(std::size_t(row)), in, bx_.data() + std::size_t(b) * in);
    copy_ids(train_.targets(std::size_t(row)), out, by_.data() + std::size_t(b) * out);
  }
  Batch batch = last_batch_ids();
  batch.full = false;
  batch.dropout = float(cfg_.dropout);
  batch.dropout_seed = (cfg_.seed ^ kDropoutStream) + std::uint64_t(step_) * 0x9E3779B97F4A7C15ull;
  // SGD may be fused into the family's forward and backward passes; another
  // optimizer needs every gradient first.
  const float lr = float(cfg_.lr_at(step_));
  const TensorInfo* frozen = cfg_.freeze_embeddings ? &token_table() : nullptr;
  bool finite = false;
  const float loss = cfg_.optimizer == "sgd" ? net_->sgd_train_step(model_, batch, lr, frozen, &finite)
                                             : net_->forward(model_, batch);
  if (cfg_.optimizer != "sgd" && std::isfinite(loss)) finite = optimizer_step(batch, lr, frozen);
  if (!finite) {
    rng_.restore(before);
    return {loss, false};
  }
  if (cfg_.weight_decay > 0 && !optimizer_decays(cfg_.optimizer)) decay_weights(lr * float(cfg_.weight_decay), frozen);
  history_.add(step_, loss);
  ++step_;
  if (step_ % kCheckpointEvery == 0) checkpoint_ = {step_, model_.params, rng_.save(), opt_state_};
  return {loss, true};
}

namespace {

// Whether every gradient is finite: any NaN or infinity makes a sum of x * 0
// NaN (x * 0 is 0 only for finite x). With sparse rows, only those rows of
// their tensors (the rest are zero).
bool grads_finite(const Model<float>& m, const std::vector<SparseRows>* sparse) {
  const auto finite = [&](std::size_t from, std::size_t n) {
    const Eigen::Map<const Eigen::ArrayXf> g(m.grads.data() + from, Eigen::Index(n));
    return std::isfinite((g * 0.0f).sum());
  };
  if (!sparse) return finite(0, m.grads.size());
  for (const TensorInfo& t : m.table.tensors()) {
    const auto rows = std::find_if(sparse->begin(), sparse->end(), [&](const SparseRows& r) { return r.tensor_offset == t.offset; });
    if (rows == sparse->end()) {
      if (!finite(t.offset, t.size())) return false;
      continue;
    }
    for (const std::size_t s : rows->starts)
      if (!finite(s, rows->width)) return false;
  }
  return true;
}

}  // namespace

bool Trainer::optimizer_step(const Batch& batch, float lr, const TensorInfo* frozen) {
  net_->backward(model_, batch);
  const std::vector<SparseRows>* sparse = cfg_.optimizer == "sparse-adam" ? net_->sparse_rows() : nullptr;
  if (!grads_finite(model_, sparse)) return false;
  optimizer_update(cfg_.optimizer, model_, opt_state_, lr, step_ + 1, frozen, step_threads_, sparse,
                   float(cfg_.weight_decay));
  return true;
}

void Trainer::decay_weights(float amount, const TensorInfo* frozen) {
  // The weights and the embedding tables, not the biases (Bengio et al. 2003,
  // section 3: "applied only to the weights of the neural network and to the
  // C matrix, not to the biases"); a bias is a tensor of one row.
  // Each number on its own, so a large table's ranges on the step's threads
  // give the same numbers as one thread.
  const float keep = 1.0f - amount;
  constexpr std::size_t kSplitFrom = std::size_t(1) << 16;  // numbers; below, one thread is quicker
  for (const TensorInfo& t : model_.table.tensors()) {
    if (t.rows <= 1 || is_frozen(t, frozen)) continue;
    float* p = model_.params.data() + t.offset;
    const int parts = t.size() >= kSplitFrom ? step_threads_ : 1;
    if (t.cols >= 2 * kernels::kChunk) {
      // A table as wide as a vocabulary by ranges of whole chunks of its
      // columns, the ranges the output layer's threads own in the step.
      Eigen::Map<Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> w(p, t.rows, t.cols);
      parallel_ranges(t.cols, parts, kernels::kChunk, [&](int a, int b) { w.middleCols(a, b - a) *= keep; });
      continue;
    }
    parallel_ranges(int(t.size()), parts, 64, [&](int a, int b) {
      Eigen::Map<Eigen::ArrayXf>(p + a, b - a) *= keep;  // (b - a)
    });
  }
}

void Trainer::set_token_vectors(const TokenVectors& v) {
  const TensorInfo& t = token_table();
  if (v.vocab != std::size_t(data_->vocab.size()) || t.rows != data_->vocab.size())
    throw Error("the vectors were read for another vocabulary");
  set_token_rows(v, tensor(model_.params.data(), t));
  if (checkpoint_.step == step_) checkpoint_.params = model_.params;
}

void Trainer::set_step_threads(int n) {
  step_threads_ = std::max(1, n);
  net_->set_threads(step_threads_);
}

void Trainer::set_lr(double lr) {
  TrainConfig c = cfg_;
  c.lr = lr;
  validate(c, data_->vocab.size(), token_count(*data_), dataset_bytes(*data_));
  cfg_.lr = lr;
}

void Trainer::set_lr_decay(std::int64_t step, double factor) {
  TrainConfig c = cfg_;
  c.lr_decay_step = step;
  c.lr_decay = factor;
  validate(c, data_->vocab.size(), token_count(*data_), dataset_bytes(*data_));
  cfg_ = c;
}

void Trainer::set_batch(int batch) {
  TrainConfig c = cfg_;
  c.batch = batch;
  validate(c, data_->vocab.size(), token_count(*data_), dataset_bytes(*data_));
  cfg_.batch = batch;
}

void Trainer::set_config(const TrainConfig& c) {
  validate(c, data_->vocab.size(), token_count(*data_), dataset_bytes(*data_));
  const bool new_examples = c.block != cfg_.block || c.family != cfg_.family;
  cfg_ = c;
  if (new_examples) build_examples();
  reset();
}

double Trainer::epoch() const {
  return train_.size() ? double(step_) * double(cfg_.batch) / double(train_.size()) : 0.0;
}

double Trainer::evaluate(Split split, int threads) const { return mean_loss(model_, examples(split), threads); }

double Trainer::record_val(int threads, double* top1) {
  const double v = mean_loss(model_, examples(Split::Val), threads, top1);
  history_.val.push_back({step_, float(v)});
  const std::vector<double> shares = neighbour_shares();
  history_.shares.resize(shares.size());
  for (std::size_t i = 0; i < shares.size(); ++i) history_.shares[i].push_back({step_, float(shares[i])});
  return v;
}

std::vector<double> Trainer::neighbour_shares() const {
  std::vector<double> out;
  const auto table = tensor(model_.params.data(), token_table());
  for (const NeighbourProbe& p : probes_) out.push_back(neighbour_share(table, p));
  return out;
}

void Trainer::restore(std::int64_t step, const std::vector<float>& params, const Rng::Saved& rng,
                      const std::vector<float>& optimizer_state) {
  if (params.size() != model_.params.size()) throw Error("the saved parameters do not fit this model's shape");
  const std::size_t n_state = optimizer_state_size(cfg_.optimizer, params.size());
  if (!optimizer_state.empty() && optimizer_state.size() != n_state)
    throw Error("the saved optimizer state (" + std::to_string(optimizer_state.size()) + " numbers) does not fit " +
                cfg_.optimizer + " on this model (" + std::to_string(n_state) + ")");
  model_.params = params;
  opt_state_ = optimizer_state;
  opt_state_.resize(n_state, 0.0f);
  rng_.restore(rng);
  step_ = step;
  timeline_.truncate(step_);
  checkpoint_ = {step_, model_.params, rng_.save(), opt_state_};
}

std::shared_ptr<const std::vector<NamedTable>> Trainer::embedding_tables() const {
  auto tables = std::make_shared<std::vector<NamedTable>>();
  for (const std::string& name : family(cfg_.family).embeddings(model_.spec))
    tables->push_back({name, Mat<float>(model_.p(name))});
  return tables;
}

void Trainer::restore_checkpoint() {
  model_.params = checkpoint_.params;
  opt_state_ = checkpoint_.opt_state;
  rng_.restore(checkpoint_.rng);
  step_ = checkpoint_.step;
  history_.truncate(step_);
  timeline_.truncate(step_);
}

void forward_chunks(const Model<float>& m, const Examples& ex, int threads, const ChunkFn& on_chunk) {
  const std::size_t n = ex.size();
  if (n == 0) return;
  const Family& f = family(m.spec.family);
  // Rows per forward pass: big enough to keep the matrix products efficient,
  // small enough that the buffers (~1 MB at hidden 200) stay a minor transient.
  constexpr std::size_t kChunk = 1024;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  threads = std::max(1, std::min<int>(threads, int(chunks)));
  // A worker's exception (std::bad_alloc) must not escape its thread, which
  // would terminate the program: parallel_ranges rethrows it on the caller's.
  auto work = [&](int t) {
    const std::unique_ptr<Net> net = f.make_net(m.spec);
    for (std::size_t c = std::size_t(t); c < chunks; c += std::size_t(threads)) {
      const std::size_t b = c * kChunk, e = std::min(n, b + kChunk);
      Batch batch;
      batch.B = int(e - b);
      batch.in = ex.in;
      batch.out = ex.out;
      batch.X = ex.context(b);
      batch.Y = ex.targets(b);
      on_chunk(t, *net, m, batch, b);
    }
  };
  parallel_ranges(threads, threads, 1, [&](int first, int last) {
    for (int t = first; t < last; ++t) work(t);
  });
}

double mean_loss(const Model<float>& m, const Examples& ex, int threads, double* top1) {
  const int T = std::max(1, threads);
  std::vector<double> sums(static_cast<std::size_t>(T), 0.0), counts(static_cast<std::size_t>(T), 0.0);
  std::vector<double> firsts(static_cast<std::size_t>(T), 0.0), ranked(static_cast<std::size_t>(T), 0.0);
  const bool factored = m.spec.softmax == "classes";
  forward_chunks(m, ex, T, [&](int t, Net& net, const Model<float>& model, const Batch& batch, std::size_t first) {
    // The loss is a mean over the targets that are not padding.
    const auto targets = double(std::count_if(batch.Y, batch.Y + std::size_t(batch.B) * std::size_t(batch.out),
                                              [](std::int32_t y) { return y >= 0; }));
    if (targets == 0) return;
    Batch b = batch;
    b.full = top1 != nullptr && !factored;
    sums[std::size_t(t)] += double(net.forward(model, b)) * targets;
    counts[std::size_t(t)] += targets;
    if (!top1) return;
    if (factored) {
      // Ranks need every token's probability: for a sample, the first kRankedRows rows.
      if (first >= kRankedRows) return;
      b.B = int(std::min<std::size_t>(std::size_t(b.B), kRankedRows - first));
      b.full = true;
      net.forward(model, b);
    }
    firsts[std::size_t(t)] += double(count_ranked_first(net.probs(), b));
    ranked[std::size_t(t)] += factored ? double(b.B) : targets;
  });
  double total = 0, count = 0, first = 0, n_ranked = 0;
  for (std::size_t t = 0; t < sums.size(); ++t) total += sums[t], count += counts[t], first += firsts[t], n_ranked += ranked[t];
  if (top1) *top1 = n_ranked > 0 ? first / n_ranked : 0.0;
  return count > 0 ? total / count : 0.0;
}

double mean_step_flops(const ModelSpec& s, const Examples& train, int batch) {
  const Family& f = family(s.family);
  if (train.out <= 1 || train.size() == 0) return f.step_flops(s, batch);
  // How many rows need at most L positions (their last target before L).
  std::vector<double> at_most(std::size_t(train.out) + 1, 0.0);
  for (std::size_t i = 0; i < train.size(); ++i) {
    int len = 0;
    for (int t = 0; t < train.out; ++t)
      if (train.targets(i)[t] >= 0) len = t + 1;
    at_most[std::size_t(len)] += 1;
  }
  for (std::size_t L = 1; L < at_most.size(); ++L) at_most[L] += at_most[L - 1];
  // P(longest of the batch = L) = F(L)^B - F(L-1)^B, F the share of rows of at most L.
  double flops = 0, below = 0;
  ModelSpec at = s;
  for (std::size_t L = 1; L < at_most.size(); ++L) {
    const double upto = std::pow(at_most[L] / double(train.size()), batch);
    at.block = int(L);
    flops += (upto - below) * f.step_flops(at, batch);
    below = upto;
  }
  return flops;
}

}  // namespace ev
