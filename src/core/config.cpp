// config.cpp: range checks and memory estimates for TrainConfig.
#include "config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "error.h"

namespace ev {

double estimate_bytes(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  const double V = vocab, k = c.block, d = c.emb, H = c.hidden, B = c.batch;
  const double params = V * d + k * d * H + H + H * V + V;
  const double acts = B * (2 * k * d + 2 * H + 3 * V);
  // Evaluation runs 1024-row chunks; at least four chunks' worth is counted
  // (sampling, the teaching tools), and one chunk per extra thread.
  const double eval_acts = 1024.0 * std::max(4, threads) * (2 * k * d + 2 * H + 3 * V);
  const double examples = double(n_tokens) * (k + 1);
  return 4 * (5 * params + acts + eval_acts + examples) + data_bytes;  // float/int32
}

static void check_range(const char* name, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s = %g is out of range; it must be between %g and %g", name, v, lo, hi);
    throw Error(buf);
  }
}

void validate(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  check_range("block", c.block, 1, Limits::kMaxBlock);
  check_range("emb", c.emb, 1, Limits::kMaxEmb);
  check_range("hidden", c.hidden, 1, Limits::kMaxHidden);
  check_range("batch", c.batch, 1, Limits::kMaxBatch);
  check_range("lr", c.lr, Limits::kMinLr, Limits::kMaxLr);
  check_range("lr-decay", c.lr_decay, 0, 1e6);
  check_range("lr-decay-step", double(c.lr_decay_step), 0, 9e18);
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
  char buf[256];
  std::snprintf(buf, sizeof buf, "block %d, emb %d, hidden %d, batch %d, lr %g (x%g from step %lld), seed %llu",
                c.block, c.emb, c.hidden, c.batch, c.lr, c.lr_decay, (long long)c.lr_decay_step,
                (unsigned long long)c.seed);
  return buf;
}

}  // namespace ev
