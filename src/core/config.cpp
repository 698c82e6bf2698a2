// config.cpp: range checks and memory estimates for TrainConfig.
#include "config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "error.h"
#include "models/mlp.h"  // check_init
#include "optim.h"

namespace ev {

ModelSpec TrainConfig::spec(int vocab) const {
  ModelSpec s;
  s.family = family;
  s.vocab = vocab;
  s.block = block;
  s.emb = emb;
  s.hidden = hidden;
  s.direct = direct;
  s.heads = heads;
  s.layers = layers;
  s.init = init;
  s.softmax = softmax;
  s.classes = classes;
  return s;
}

TrainConfig family_defaults(const std::string& family) {
  TrainConfig c;
  c.family = family;
  if (family == "gpt") c.block = 16, c.emb = 16;
  c.optimizer = default_optimizer(family);
  c.lr = default_lr(c.optimizer);
  return c;
}

void apply_word_defaults(TrainConfig& c, const std::function<bool(const char* flag)>& given) {
  if (c.family != "mlp") return;
  const auto set = [&](const char* flag, auto& field, auto value) {
    if (!given(flag)) field = value;
  };
  set("--block", c.block, 8);
  set("--emb", c.emb, 30);
  set("--hidden", c.hidden, 100);
  set("--init", c.init, std::string("small"));
  set("--softmax", c.softmax, std::string("classes"));
  set("--optimizer", c.optimizer, std::string("sparse-adam"));
  set("--lr", c.lr, c.optimizer != "sgd" ? 0.02 : c.lr);
  set("--batch", c.batch, 1024);
  set("--weight-decay", c.weight_decay, 0.01);
  set("--dropout", c.dropout, 0.3);
  // Where the run validates as it goes (the window), often enough that the
  // neighbour shares drawn with the loss make a curve within minutes.
  if (c.val_every > 0) set("--val-every", c.val_every, std::int64_t(500));
}

void TrainConfig::set_spec(const ModelSpec& s) {
  family = s.family;
  block = s.block;
  emb = s.emb;
  hidden = s.hidden;
  direct = s.direct;
  heads = s.heads;
  layers = s.layers;
  init = s.init;
  softmax = s.softmax;
  classes = s.classes;
}

double estimate_bytes(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  const ModelSpec spec = c.spec(vocab);
  const Family& f = family(c.family);
  const double params = double(f.table(spec).count());
  const double state = double(optimizer_state_size(c.optimizer, std::size_t(params)));
  const double acts = f.activation_floats(spec, c.batch);
  // Evaluation runs 1024-row chunks; at least four chunks' worth is counted
  // (sampling, the teaching tools), and one chunk per extra thread.
  const double eval_acts = f.activation_floats(spec, 1024.0 * std::max(4, threads));
  const double examples = double(n_tokens) * (c.block + 1);
  return 4 * (5 * params + 2 * state + acts + eval_acts + examples) + data_bytes;  // float/int32
}

void validate_at_once(std::vector<double> each, int jobs, double shared_bytes, double already) {
  if (each.empty()) return;
  std::sort(each.begin(), each.end(), std::greater<double>());
  const auto at_once = [&](std::size_t n) {
    double sum = already + shared_bytes;
    for (std::size_t i = 0; i < n; ++i) sum += std::max(0.0, each[i] - shared_bytes);
    return sum;
  };
  const std::size_t n = std::min(each.size(), std::size_t(std::max(1, jobs)));
  const double total = at_once(n);
  if (total <= Limits::kMaxBytes) return;
  std::size_t fits = n;
  while (fits > 0 && at_once(fits) > Limits::kMaxBytes) --fits;
  constexpr double GiB = double(1ull << 30);
  char buf[320];
  std::snprintf(buf, sizeof buf, "%zu runs at once would need about %.1f GiB of memory (the largest %.1f GiB)%s; the limit is %.0f GiB: %s",
                n, total / GiB, each[0] / GiB, already > 0 ? ", beside the run in the window" : "",
                Limits::kMaxBytes / GiB,
                fits > 0 ? ("train " + std::to_string(fits) + " at a time (--jobs " + std::to_string(fits) + ")").c_str()
                         : "smaller runs, or fewer values");
  throw Error(buf);
}

static void check_range(const char* name, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s = %g is out of range; it must be between %g and %g", name, v, lo, hi);
    throw Error(buf);
  }
}

void validate(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  family(c.family);  // throws for an unknown family
  check_optimizer(c.optimizer);
  check_init(c.init);
  check_range("vocabulary", vocab, 2, Limits::kMaxVocab);
  check_range("block", c.block, 1, Limits::kMaxBlock);
  check_range("emb", c.emb, 1, Limits::kMaxEmb);
  check_range("hidden", c.hidden, 1, Limits::kMaxHidden);
  check_range("batch", c.batch, 1, Limits::kMaxBatch);
  check_range("heads", c.heads, 1, Limits::kMaxHeads);
  check_range("layers", c.layers, 1, Limits::kMaxLayers);
  check_range("lr", c.lr, Limits::kMinLr, Limits::kMaxLr);
  check_range("lr-decay", c.lr_decay, 0, 1e6);
  check_range("lr-decay-step", double(c.lr_decay_step), 0, 9e18);
  check_range("lr-linear-steps", double(c.lr_linear_steps), 0, 9e18);
  check_range("weight-decay", c.weight_decay, 0, 0.5);
  check_range("dropout", c.dropout, 0, 0.9);
  check_range("classes", c.classes, 0, Limits::kMaxVocab);
  if (c.softmax != "full" && c.family != "mlp") throw Error("--softmax " + c.softmax + " is for the MLP");
  check_softmax(c.spec(vocab));
  const double bytes = estimate_bytes(c, vocab, n_tokens, data_bytes, threads);
  if (bytes > Limits::kMaxBytes) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "this run would need about %.1f GiB of memory (vocab %d, block %d, emb %d, hidden %d, "
                  "batch %d, %zu tokens of data, %d evaluation thread%s); the limit is %.0f GiB",
                  bytes / double(1ull << 30), vocab, c.block, c.emb, c.hidden, c.batch, n_tokens, threads,
                  threads == 1 ? "" : "s", Limits::kMaxBytes / double(1ull << 30));
    throw Error(buf);
  }
}

std::string describe(const TrainConfig& c) {
  char model[192], rate[96];
  if (c.family == "gpt")
    std::snprintf(model, sizeof model, "%s, block %d, emb %d, heads %d, layers %d", c.family.c_str(), c.block, c.emb,
                  c.heads, c.layers);
  else
    std::snprintf(model, sizeof model, "%s%s, block %d, emb %d, hidden %d%s%s", c.family.c_str(),
                  c.direct ? " with direct connections" : "", c.block, c.emb, c.hidden,
                  c.init == "normal" ? "" : (", " + c.init + " init").c_str(),
                  c.softmax == "full" ? "" : ", class-factored softmax");
  if (c.lr_linear_steps > 0)
    std::snprintf(rate, sizeof rate, "lr %g (to 0 by step %lld)", c.lr, (long long)c.lr_linear_steps);
  else
    std::snprintf(rate, sizeof rate, "lr %g (x%g from step %lld)", c.lr, c.lr_decay, (long long)c.lr_decay_step);
  char buf[480];
  char decay[96] = "";
  if (c.weight_decay > 0 || c.dropout > 0)
    std::snprintf(decay, sizeof decay, ", weight decay %g, dropout %g", c.weight_decay, c.dropout);
  std::snprintf(buf, sizeof buf, "%s, batch %d, %s %s%s, seed %llu%s", model, c.batch, c.optimizer.c_str(), rate, decay,
                (unsigned long long)c.seed, c.freeze_embeddings ? ", embeddings frozen" : "");
  return buf;
}

}  // namespace ev
