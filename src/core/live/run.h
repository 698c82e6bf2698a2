// run.h: one training run and its policy: a Trainer, and everything decided
// around its steps: the divergence rule (the same for the app and the CLI),
// the smoothed loss and the warning when it rises, validation every N steps
// (so runs compare at the same steps), the parameters Restore goes back to,
// a lesson's stop, the measured speed, the commands of commands.h, and the
// snapshots the views draw. Single-threaded: a Worker (worker.h) drives it on
// a thread of its own; the CLI drives it in a plain loop.
#pragma once

#include <chrono>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/live/commands.h"
#include "core/live/snapshot.h"
#include "core/train/trainer.h"

namespace ev {

// The divergence rule: a step diverged when its loss is not finite, or is
// kExplodeFactor times the larger of the run's first loss and ln V (a uniform
// guess). tanh saturates, so a huge rate rarely makes a float loss non-finite:
// it explodes and stays finite; no sane run comes near this bound.
constexpr double kExplodeFactor = 100.0;
bool exploded(double loss, double first_loss, int vocab);

class Run {
 public:
  using Clock = std::chrono::steady_clock;

  // Paused at step 0. Throws ev::Error when cfg does not fit the data.
  Run(RunId id, std::shared_ptr<const Dataset> data, const TrainConfig& cfg);
  // A run that continues a trainer (a resumed session).
  Run(RunId id, Trainer trainer);

  RunId id() const { return id_; }
  const Trainer& trainer() const { return *trainer_; }
  Trainer& mutable_trainer() { return *trainer_; }

  // What one step under the policy came to.
  enum class Outcome { Trained, Diverged, Finished };
  // One SGD step, then the policy: divergence pauses the run (and sets the
  // message), the smoothing and the warning, validation when due, the kept
  // parameters, a lesson's stop (Finished).
  Outcome step();

  // Applies a command between steps; a command that fails sets message() and
  // leaves the run as it was.
  void apply(const Command& c);

  // Sets the token table's rows from a file of vectors at the current step
  // (Restore keeps them) and returns how many tokens matched, as
  // TokenVectors::summary() says. Throws ev::Error, changing nothing.
  std::string init_vectors(const std::string& path);

  // Stops training (playing and pending steps) and says why.
  void pause(std::string why);

  // Playing, or steps still to do.
  bool working() const { return playing_ || pending_steps_ > 0; }
  // Trains until `until`, until the run stops working, or until `interrupted()`
  // says a command is waiting (checked after every step). Honours the speed limit.
  void train_for(Clock::time_point until, bool (*interrupted)(const void*), const void* arg);
  // With a speed limit: when the next step is due (for the worker's wait).
  bool paced() const { return target_sps_ > 0; }
  Clock::time_point next_due() const { return next_due_; }

  // A picture of the run now. `with_model` copies every parameter into it.
  std::shared_ptr<Snapshot> snapshot(bool with_model);
  // Counts the baselines the snapshots show (the bigram, and for word data the
  // Kneser-Ney trigram: a sort of every trigram, the slow part of a new run)
  // unless they are counted for this data set already. snapshot() calls it;
  // a Worker calls it first, on its own thread.
  void refresh_baselines();

  float smooth_loss() const { return smooth_loss_; }
  float last_loss() const { return last_loss_; }
  // The mean batch loss of the last kRecent steps (fewer at the start): the
  // training loss a run reports without a pass over the training split.
  static constexpr int kRecent = 200;
  double recent_loss() const;
  // Threads for the validation passes the run records (one unless set).
  void set_eval_threads(int n) { eval_threads_ = std::max(1, n); }
  // Whether recorded validations rank the targets too (the window's top-1;
  // a factored softmax ranks a sample at the cost of every token's probability).
  void set_rank_val(bool on) { rank_val_ = on; }
  double first_loss() const { return first_loss_; }
  const std::string& message() const { return message_; }

  // The smoothed loss is "rising" (a warning, training goes on) once it is
  // kWarnFactor times ln V and has risen from its best by half of ln V.
  static constexpr double kWarnFactor = 1.5;
  // Steps between saves of parameters known to be good (smoothed and batch
  // loss below ln V, not rising), the other place Restore can go back to.
  static constexpr std::int64_t kGoodEvery = 500;

 private:
  void observe(float loss);  // smoothing and the rising warning, after each step
  void inspect(int n);
  void restarted();  // bookkeeping after anything that re-initialises the run
  void replace(std::unique_ptr<Trainer> next);
  void keep_good(const char* why);
  void restore_good();
  void record_val();
  int eval_threads_ = 1;
  bool rank_val_ = true;
  void diverged(double loss);
  void load_data(const std::string& path, std::optional<Tokenizer> tokenizer);
  void load_session(const std::string& path);
  void apply_preset(int index);
  void play(bool on);                    // the Play command: start, or pause with a validation loss
  void set_model(const ModelSpec& spec);  // the SetModel command: a new shape or family, restarted

  RunId id_;
  std::unique_ptr<Trainer> trainer_;
  bool playing_ = false;
  std::int64_t pending_steps_ = 0;
  double target_sps_ = 0;  // 0: as fast as possible
  bool diverged_ = false;
  std::string message_;
  std::shared_ptr<const StepInspection> inspection_;
  std::int64_t stop_at_ = -1;
  int preset_ = -1;
  std::vector<float> recent_;  // the last kRecent batch losses, a ring
  std::size_t recent_next_ = 0;
  float last_loss_ = 0, smooth_loss_ = 0, val_top1_ = 0;
  double first_loss_ = 0;
  bool have_smooth_ = false;
  float best_smooth_ = 0;  // lowest smoothed loss since the run or the rate last changed
  bool rising_ = false;
  bool lr_dragging_ = false;  // the last SetLr came from a slider still held
  std::int64_t lr_since_ = 0;  // the step the rate last changed at
  struct Good {
    std::int64_t step = 0;
    std::vector<float> params;
    std::vector<float> opt_state;
    Rng::Saved rng{};
    double lr = 0;
    std::string why;
  } good_;
  std::uint64_t restarts_ = 0;
  std::shared_ptr<const Dataset> bigram_data_;  // the data bigram_loss_ was counted on
  float bigram_loss_ = 0;
  float trigram_loss_ = 0;  // word data: the Kneser-Ney trigram's validation loss, counted with bigram_loss_
  std::size_t distinct_trigrams_ = 0;  // word data: the trigrams it counted in the training split
  // Measured speed: steps over wall-clock windows of at least half a second.
  double sps_ = 0;
  std::int64_t window_steps_ = 0;
  Clock::time_point window_start_{};
  Clock::time_point next_due_{};
  // What the last snapshot shared, reused while nothing changed.
  LossMirror loss_mirror_, val_mirror_;
  std::shared_ptr<const std::vector<NamedTable>> tables_;
  std::int64_t tables_step_ = -1;
  std::uint64_t tables_changes_ = ~std::uint64_t(0);
  std::uint64_t changes_ = 0;  // counts commands and training that may have changed the parameters
  std::shared_ptr<const Model<float>> model_;  // the last copy of every parameter
  std::int64_t model_step_ = -1;
  std::uint64_t model_restarts_ = 0;
};

}  // namespace ev
