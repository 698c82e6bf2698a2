// training_thread.h: a Trainer on a thread of its own, for the desktop app.
// The UI posts commands (commands.h) into a small queue that the trainer drains
// between steps; the trainer publishes immutable snapshots (snapshot.h) that
// each frame loads once. Neither side ever waits for the other: the queue's
// mutex is held only to push or swap a vector, and the snapshot pointer is
// swapped atomically. Not for: drawing anything (no GL, no ImGui here).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "commands.h"
#include "snapshot.h"
#include "trainer.h"

namespace ev {

class TrainingThread {
 public:
  // Starts paused. Throws ev::Error when cfg does not fit the data.
  TrainingThread(std::shared_ptr<const Dataset> data, const TrainConfig& cfg);
  ~TrainingThread();  // stops and joins
  TrainingThread(const TrainingThread&) = delete;
  TrainingThread& operator=(const TrainingThread&) = delete;

  // Queues a command; never blocks on training.
  void post(Command c);
  // The latest published snapshot (never null).
  SnapshotPtr snapshot() const { return std::atomic_load_explicit(&snap_, std::memory_order_acquire); }
  // Commands posted so far.
  std::uint64_t commands_posted() const { return posted_.load(); }

  // Blocks until every posted command is applied, requested steps are done and a
  // snapshot showing that is published (or the timeout passes; returns false).
  // For tests and for the headless app; the UI never calls it.
  bool wait_idle(std::chrono::milliseconds timeout);

  // Stops the thread promptly (also done by the destructor).
  void stop();

  // Seconds of validation-free training between validation-loss evaluations.
  static constexpr double kValEverySeconds = 2.0;
  // A batch loss this many times log(V) means training has blown up: it pauses.
  static constexpr double kExplodeFactor = 100.0;
  // The smoothed loss is "rising" (a warning, training goes on) once it is this
  // many times log(V), the loss of a uniform guess, and has risen from its best
  // by at least half of log(V).
  static constexpr double kWarnFactor = 1.5;
  // Steps between saves of parameters known to be good (smoothed and batch
  // loss below log(V), not rising), the other place Restore can go back to.
  static constexpr std::int64_t kGoodEvery = 500;

 private:
  void run();
  void apply(const Command& c);
  void publish();
  void train_for(std::chrono::steady_clock::time_point until);
  bool train_one();
  void observe(float loss);  // smoothing and the rising warning, after each step
  void inspect(int n);
  void restarted();  // bookkeeping after anything that re-initialises the run
  void keep_good(const char* why);  // the parameters Restore goes back to
  void restore_good();

  // Shared with the UI thread.
  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes the trainer: command or stop
  std::condition_variable idle_cv_;  // wakes wait_idle()
  std::vector<Command> queue_;
  bool stop_ = false;
  std::atomic<std::uint64_t> posted_{0};
  std::uint64_t applied_ = 0;        // guarded by mu_ for wait_idle; written by the trainer
  bool busy_ = false;                // guarded by mu_: steps pending or playing
  std::shared_ptr<const Snapshot> snap_;

  // The trainer thread's own state.
  std::unique_ptr<Trainer> trainer_;
  bool playing_ = false;
  std::int64_t pending_steps_ = 0;
  double target_sps_ = 0;            // 0: as fast as possible
  bool diverged_ = false;
  std::string message_;
  std::shared_ptr<const StepInspection> inspection_;
  std::int64_t stop_at_ = -1;
  int preset_ = -1;
  float last_loss_ = 0, smooth_loss_ = 0, val_loss_ = 0;
  bool have_smooth_ = false;
  float best_smooth_ = 0;            // lowest smoothed loss since the run or the rate last changed
  bool rising_ = false;
  struct Good {
    std::int64_t step = 0;
    std::vector<float> params;
    Rng::Saved rng{};
    double lr = 0;
    std::string why;
  } good_;
  std::uint64_t run_ = 0;
  std::shared_ptr<const Dataset> bigram_data_;  // the data bigram_loss_ was counted on
  float bigram_loss_ = 0;
  std::uint64_t version_ = 0;
  std::uint64_t applied_local_ = 0;
  // Measured speed: steps and seconds spent training, over a sliding window.
  double sps_ = 0;
  std::int64_t window_steps_ = 0;
  std::chrono::steady_clock::time_point window_start_{};  // wall clock: waits at a speed limit count too
  double since_val_s_ = 0;
  std::chrono::steady_clock::time_point next_due_{};

  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace ev
