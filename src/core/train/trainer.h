// trainer.h: a training run: a data set, a model, its optimizer loop (SGD or
// Adam, optim.h) and its evaluation. Single-threaded and synchronous: the GUI drives it from its own
// thread (see training_thread.h); the CLI calls step() in a loop.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/train/config.h"
#include "core/data/dataset.h"
#include "core/models/init_vectors.h"
#include "core/train/loss_history.h"
#include "core/models/model.h"
#include "core/base/rng.h"
#include "core/train/structure.h"
#include "core/train/timeline.h"

namespace ev {

struct StepResult {
  float loss = 0;       // batch loss before the update
  bool finite = true;   // false: the loss or a gradient was NaN/inf and nothing was updated
};

class Trainer {
 public:
  // Validates cfg against the data (throws ev::Error) and initialises from cfg.seed.
  Trainer(std::shared_ptr<const Dataset> data, const TrainConfig& cfg);
  // The constructor's validation alone (throws ev::Error): quick, builds nothing.
  static void check(const Dataset& data, const TrainConfig& cfg);

  // One optimizer update on a random batch of training examples. When the loss or a
  // gradient is not finite, the parameters, step and history stay as they were.
  StepResult step();

  // Re-initialises the parameters and the batch generator from the seed; step 0.
  void reset();

  // Changes that apply at the next step without a reset.
  void set_lr(double lr);
  void set_lr_decay(std::int64_t step, double factor);
  void set_batch(int batch);
  // Moves the end of the linear schedule (a run that trains for a time
  // re-estimates the step its time runs out at); no change without one.
  void set_schedule_end(std::int64_t step) {
    if (cfg_.lr_linear_steps > 0) cfg_.lr_linear_steps = std::max<std::int64_t>(step, 1);
  }
  // Trains at `lr` from the next step on, whatever the schedule was (the
  // window holds a loaded session's rate constant, as it holds every rate).
  void set_constant_lr(double lr) {
    set_lr(lr);
    cfg_.lr_linear_steps = 0;
    cfg_.lr_decay = 1.0;
  }
  // Freezes the token table (C, wte) from the next step on, or lets it train again.
  void set_freeze_embeddings(bool on) { cfg_.freeze_embeddings = on; }
  // Sets rows of the token table from vectors read for this vocabulary
  // (init_vectors.h), at the current step; ev::Error, changing nothing, when
  // they do not fit. The checkpoint of this step gets them too.
  void set_token_vectors(const TokenVectors& v);
  // The token table: C for the MLP, wte for the transformer.
  const TensorInfo& token_table() const { return model_.table[token_table_]; }
  // Changes that need new parameters: validate, rebuild and reset.
  void set_config(const TrainConfig& cfg);

  // Threads for each step where the model can use them (the MLP's output
  // layer at a word-level vocabulary); the numbers are the same on any count.
  void set_step_threads(int n);

  // Mean loss over a whole split, computed in chunks on `threads` threads.
  double evaluate(Split split, int threads = 1) const;
  // Records the validation loss in history().val at the current step, and
  // the token table's neighbour shares in history().shares.
  double record_val(int threads = 1, double* top1 = nullptr);
  // What the shares measure: the probes the data supports (structure.h).
  const std::vector<NeighbourProbe>& probes() const { return probes_; }
  // The token table's share of each probe now.
  std::vector<double> neighbour_shares() const;

  std::int64_t step_count() const { return step_; }
  double epoch() const;  // training examples seen / training examples
  double lr() const { return cfg_.lr_at(step_); }
  const TrainConfig& config() const { return cfg_; }
  const Dataset& data() const { return *data_; }
  std::shared_ptr<const Dataset> data_ptr() const { return data_; }
  const Model<float>& model() const { return model_; }
  Model<float>& mutable_model() { return model_; }
  const LossHistory& history() const { return history_; }
  LossHistory& mutable_history() { return history_; }
  // The embedding tables kept at earlier steps (cleared by reset, cut back by restore).
  const Timeline& timeline() const { return timeline_; }
  Timeline& mutable_timeline() { return timeline_; }
  // A copy of every table the family names as an embedding, token table first.
  std::shared_ptr<const std::vector<NamedTable>> embedding_tables() const;
  // Adds the tables now to the timeline, with the loss to show beside them.
  void capture_frame(float loss) { timeline_.add({step_, loss, embedding_tables()}); }
  const Examples& examples(Split s) const;

  // The last batch: row indices into examples(Split::Train), and the batch itself.
  const std::vector<std::int32_t>& last_batch() const { return batch_rows_; }
  Batch last_batch_ids() const;
  // The family's forward and backward; after step() it holds the last batch's
  // logits and probabilities, computed before the update.
  const Net& net() const { return *net_; }

  // The batch generator's and the optimizer's state, for sessions that resume
  // bit-identically.
  Rng::Saved rng_state() const { return rng_.save(); }
  const std::vector<float>& optimizer_state() const { return opt_state_; }
  // Throws ev::Error when the parameters or the optimizer's state do not fit
  // (an empty state for Adam starts its averages from zero).
  void restore(std::int64_t step, const std::vector<float>& params, const Rng::Saved& rng,
               const std::vector<float>& optimizer_state = {});

  // The last parameters known to train finitely (kept every kCheckpointEvery
  // steps), so a diverged run can go back to them.
  static constexpr std::int64_t kCheckpointEvery = 500;
  std::int64_t checkpoint_step() const { return checkpoint_.step; }
  void restore_checkpoint();

 private:
  void build_examples();
  // The model's spec from the configuration, with the classes of a factored
  // softmax binned by the training split's counts (made once, then kept).
  ModelSpec model_spec();
  // Weight decay: the weights (not the biases) times 1 - amount.
  void decay_weights(float amount, const TensorInfo* frozen);
  // Backward, then the optimizer's update (not SGD); false, changing nothing,
  // when a gradient is not finite.
  bool optimizer_step(const Batch& batch, float lr, const TensorInfo* frozen);
  std::shared_ptr<const Dataset> data_;
  TrainConfig cfg_;
  Model<float> model_;
  Examples train_, val_, test_;
  std::unique_ptr<Net> net_;
  std::shared_ptr<const WordClasses> classes_;
  std::vector<NeighbourProbe> probes_;
  int step_threads_ = 1;
  std::vector<std::int32_t> batch_rows_, bx_, by_;
  std::vector<float> opt_state_;  // optimizer_state_size() floats
  int token_table_ = 0;           // index in model_.table of the family's token table
  Rng rng_;
  std::int64_t step_ = 0;
  LossHistory history_;
  Timeline timeline_;
  struct Checkpoint {
    std::int64_t step = 0;
    std::vector<float> params;
    Rng::Saved rng{};
    std::vector<float> opt_state;
  } checkpoint_;
};


// The mean loss of a model over the targets of examples (padding excluded),
// chunked over `threads` threads.
// With `top1`, also the share of targets the model ranks first (ties count
// against it), from the same forward passes; a factored softmax ranks the
// first kRankedRows rows (ranking needs every token's probability).
constexpr std::size_t kRankedRows = 10000;
double mean_loss(const Model<float>& m, const Examples& ex, int threads = 1, double* top1 = nullptr);

// Floating-point operations of a training step, on average over batches of
// `batch` rows of `train` drawn at random: a family whose rows are whole items
// (the transformer) computes a batch only up to its longest row, so the count
// follows the expected longest row, not the block.
double mean_step_flops(const ModelSpec& s, const Examples& train, int batch);

// Walks ex in chunks of rows on up to `threads` threads (chunk c on thread
// c mod threads, in order), each thread with a Net of its own: on_chunk(t,
// net, m, batch, first row) runs the forward it needs. Rethrows a worker's
// exception on the caller's thread.
using ChunkFn = std::function<void(int thread, Net& net, const Model<float>& m, const Batch& batch, std::size_t first)>;
void forward_chunks(const Model<float>& m, const Examples& ex, int threads, const ChunkFn& on_chunk);

}  // namespace ev
