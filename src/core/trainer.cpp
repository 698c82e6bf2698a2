// trainer.cpp: the SGD loop, evaluation, sampling.
#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <system_error>
#include <thread>

#include "error.h"

namespace ev {

namespace {
constexpr std::uint64_t kBatchStream = 0xBA7C4ull;  // batches draw from a stream of their own
std::size_t token_count(const Dataset& d) {
  std::size_t n = 0;
  for (const auto& it : d.items) n += it.size() + 1;
  return n;
}
}  // namespace

Trainer::Trainer(std::shared_ptr<const Dataset> data, const TrainConfig& cfg) : data_(std::move(data)), cfg_(cfg) {
  validate(cfg_, data_->vocab.size(), token_count(*data_), dataset_bytes(*data_));
  build_examples();
  reset();
}

void Trainer::build_examples() {
  train_ = ev::build_examples(*data_, Split::Train, cfg_.block);
  val_ = ev::build_examples(*data_, Split::Val, cfg_.block);
  test_ = ev::build_examples(*data_, Split::Test, cfg_.block);
}

const Examples& Trainer::examples(Split s) const {
  return s == Split::Train ? train_ : s == Split::Val ? val_ : test_;
}

void Trainer::reset() {
  model_ = Model<float>(cfg_.shape(data_->vocab.size()));
  init_normal(model_, cfg_.seed);
  rng_.reseed(cfg_.seed ^ kBatchStream);
  step_ = 0;
  history_.clear();
  batch_rows_.clear();
  act_ = Activations<float>();
  checkpoint_ = {0, model_.params, rng_.save()};
}

StepResult Trainer::step() {
  const int B = cfg_.batch, k = cfg_.block;
  batch_rows_.resize(std::size_t(B));
  bx_.resize(std::size_t(B) * std::size_t(k));
  by_.resize(std::size_t(B));
  const Rng::Saved before = rng_.save();
  for (int b = 0; b < B; ++b) {
    const auto row = std::int32_t(rng_.below(train_.size()));
    batch_rows_[std::size_t(b)] = row;
    std::copy_n(train_.context(std::size_t(row)), k, bx_.data() + std::size_t(b) * std::size_t(k));
    by_[std::size_t(b)] = train_.Y[std::size_t(row)];
  }
  const float loss = forward(model_, bx_.data(), by_.data(), B, act_);
  if (!std::isfinite(loss)) {
    rng_.restore(before);
    return {loss, false};
  }
  backward(model_, bx_.data(), by_.data(), B, act_);
  // Any NaN or infinity in the gradients makes this sum NaN (x * 0 is 0 only for finite x).
  const Eigen::Map<const Eigen::ArrayXf> g(model_.grads.data(), Eigen::Index(model_.grads.size()));
  if (!std::isfinite((g * 0.0f).sum())) {
    rng_.restore(before);
    return {loss, false};
  }
  sgd_update(model_, float(cfg_.lr_at(step_)));
  history_.add(step_, loss);
  ++step_;
  if (step_ % kCheckpointEvery == 0) checkpoint_ = {step_, model_.params, rng_.save()};
  return {loss, true};
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
  const bool new_examples = c.block != cfg_.block;
  cfg_ = c;
  if (new_examples) build_examples();
  reset();
}

double Trainer::epoch() const {
  return train_.size() ? double(step_) * double(cfg_.batch) / double(train_.size()) : 0.0;
}

double Trainer::evaluate(Split split, int threads) const { return mean_loss(model_, examples(split), threads); }

double Trainer::record_val(int threads) {
  const double v = evaluate(Split::Val, threads);
  history_.val.push_back({step_, float(v)});
  return v;
}

void Trainer::restore(std::int64_t step, const std::vector<float>& params, const Rng::Saved& rng) {
  if (params.size() != model_.params.size()) throw Error("the saved parameters do not fit this model's shape");
  model_.params = params;
  rng_.restore(rng);
  step_ = step;
  checkpoint_ = {step_, model_.params, rng_.save()};
}

void Trainer::restore_checkpoint() {
  model_.params = checkpoint_.params;
  rng_.restore(checkpoint_.rng);
  step_ = checkpoint_.step;
  history_.truncate(step_);
}

double mean_loss(const Model<float>& m, const Examples& ex, int threads) {
  const std::size_t n = ex.size();
  if (n == 0) return 0.0;
  // Rows per forward pass: big enough to keep the matrix products efficient,
  // small enough that the buffers (~1 MB at hidden 200) stay a minor transient.
  constexpr std::size_t kChunk = 1024;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  threads = std::max(1, std::min<int>(threads, int(chunks)));
  std::vector<double> sums(std::size_t(threads), 0.0);
  // A worker's exception (std::bad_alloc) must not escape its thread, which
  // would terminate the program: it is kept and rethrown on the caller's.
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  auto work = [&](int t) {
    try {
      Activations<float> a;
      for (std::size_t c = std::size_t(t); c < chunks; c += std::size_t(threads)) {
        const std::size_t b = c * kChunk, e = std::min(n, b + kChunk);
        const int rows = int(e - b);
        sums[std::size_t(t)] += double(forward(m, ex.context(b), ex.Y.data() + b, rows, a)) * rows;
      }
    } catch (...) {
      errors[std::size_t(t)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(std::size_t(threads));
  try {
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  } catch (const std::system_error&) {
    // No more threads to be had: the chunks of the workers that did not start
    // are done here.
    for (int t = int(pool.size()) + 1; t < threads; ++t) work(t);
  }
  work(0);
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  double total = 0;
  for (double s : sums) total += s;
  return total / double(n);
}

std::vector<float> next_token_probs(const Model<float>& m, const std::vector<int>& context) {
  const int k = m.shape.block;
  std::vector<std::int32_t> ctx(std::size_t(k), 0);
  const int n = int(context.size());
  for (int j = 0; j < k; ++j) {
    const int src = n - k + j;
    ctx[std::size_t(j)] = src >= 0 ? context[std::size_t(src)] : 0;
  }
  Activations<float> a;
  forward(m, ctx.data(), nullptr, 1, a);
  return std::vector<float>(a.probs.data(), a.probs.data() + a.probs.cols());
}

std::vector<int> sample_item(const Model<float>& m, Rng& rng, double temperature, int max_len) {
  const int k = m.shape.block, V = m.shape.vocab;
  std::vector<std::int32_t> ctx(std::size_t(k), 0);
  std::vector<int> out;
  Activations<float> a;
  std::vector<double> p(static_cast<std::size_t>(V));
  temperature = std::max(temperature, 1e-3);
  while (int(out.size()) < max_len) {
    forward(m, ctx.data(), nullptr, 1, a);
    double mx = -1e300;
    for (int v = 0; v < V; ++v) mx = std::max(mx, double(a.logits(0, v)));
    double sum = 0;
    for (int v = 0; v < V; ++v) sum += p[std::size_t(v)] = std::exp((double(a.logits(0, v)) - mx) / temperature);
    double r = rng.uniform() * sum;
    int pick = V - 1;
    for (int v = 0; v < V; ++v) {
      r -= p[std::size_t(v)];
      if (r < 0) { pick = v; break; }
    }
    if (pick == 0) break;
    out.push_back(pick);
    if (k > 0) {
      std::rotate(ctx.begin(), ctx.begin() + 1, ctx.end());
      ctx.back() = pick;
    }
  }
  return out;
}

}  // namespace ev
