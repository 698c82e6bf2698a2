// config.h: the hyperparameters of a training run, their valid ranges, and a
// memory estimate so absurd sizes are refused before anything is allocated.
#pragma once

#include <cstdint>
#include <string>

#include "model.h"

namespace ev {

struct TrainConfig {
  int block = 3;                        // context length: how many tokens predict the next
  int emb = 10;                         // embedding dimension: numbers per token in C
  int hidden = 200;                     // neurons in the tanh hidden layer
  int batch = 32;                       // examples per SGD step
  double lr = 0.1;                      // learning rate until lr_decay_step
  std::int64_t lr_decay_step = 100000;  // from this step on the rate is lr * lr_decay
  double lr_decay = 0.1;                // factor applied at lr_decay_step
  std::uint64_t seed = 42;              // seeds the split, the initial parameters and the batches

  ModelShape shape(int vocab) const { return {vocab, block, emb, hidden}; }
  double lr_at(std::int64_t step) const { return step < lr_decay_step ? lr : lr * lr_decay; }
};

// Valid ranges, shared by the CLI, the GUI's sliders and session loading.
struct Limits {
  static constexpr int kMaxBlock = 64;
  static constexpr int kMaxEmb = 1024;
  static constexpr int kMaxHidden = 65536;
  static constexpr int kMaxBatch = 1 << 20;
  static constexpr double kMinLr = 1e-8;
  static constexpr double kMaxLr = 1e6;
  static constexpr double kMaxBytes = 8.0 * (1ull << 30);  // refuse runs needing more than 8 GiB
  static constexpr std::int64_t kMaxStep = std::int64_t(1) << 62;  // training stops here; sessions hold no more
};

// Bytes a run would allocate: five copies of the parameters (parameters,
// gradients, the checkpoint, and a snapshot or a session being saved with its
// encoded bytes), the batch's activations, the examples built from n_tokens
// tokens (boundaries included), `data_bytes` held by the data set itself
// (dataset_bytes()) and the working set of `threads` evaluation threads.
double estimate_bytes(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes = 0,
                      int threads = 1);

// Throws ev::Error naming the first field out of range, or the memory
// estimate when the sizes are in range but together too large.
void validate(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes = 0, int threads = 1);

std::string describe(const TrainConfig& c);

}  // namespace ev
