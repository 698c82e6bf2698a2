// worker.h: a Run (run.h) on a thread of its own, for the desktop app. The UI
// posts commands (commands.h) into a small queue that the worker drains
// between steps; the worker publishes immutable snapshots (snapshot.h) that
// each frame loads once. Neither side ever waits for the other: the queue's
// mutex is held only to push or swap a vector, and the snapshot pointer is
// swapped atomically. A new run is made on the worker's thread too (its
// examples framed, its trigram counted: a fraction of a second at 17,000 words),
// so adding one never holds up a frame; so is the data of a run given a reader
// (the app's first run: its data read, WordNet's glosses in a second or two).
// Not for: drawing anything (no GL, no ImGui here).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/live/commands.h"
#include "core/live/run.h"
#include "core/live/snapshot.h"

namespace ev {

// How a run's data is read on its worker's thread: `source` names it in the
// stage "reading the data: <source>"; `read` returns the data set or throws
// ev::Error, and may leave a note of a fallback it took in *note.
struct DataReader {
  std::string source;
  std::function<std::shared_ptr<const Dataset>(std::string* note)> read;
};

class Worker {
 public:
  // Checks cfg against the data (ev::Error when it does not fit, before any
  // work) and returns at once: the run is made on the worker's thread, and
  // until it is ready the snapshots say what is being done (Snapshot::preparing).
  // Commands posted meanwhile apply once it is ready. Starts paused.
  Worker(RunId id, std::shared_ptr<const Dataset> data, const TrainConfig& cfg);
  // Returns at once and reads the data on the worker's thread first, then
  // makes the run as above. Settings that do not fit the data, or data that
  // cannot be read, end in a failed snapshot that says why.
  Worker(RunId id, DataReader reader, const TrainConfig& cfg);
  // A run made already (a resumed session, the app's first run).
  explicit Worker(std::unique_ptr<Run> run);
  ~Worker();  // stops and joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  RunId id() const { return id_; }
  // Queues a command; never blocks on training.
  void post(Command c);
  // The latest published snapshot (never null).
  SnapshotPtr snapshot() const { return std::atomic_load_explicit(&snap_, std::memory_order_acquire); }
  // The reader's note of a fallback it took ("" when none, or not read yet).
  std::string read_note() const;
  // Commands posted so far.
  std::uint64_t commands_posted() const { return posted_.load(); }
  // A view needs every parameter: the next snapshots carry a fresh copy (at
  // most kModelEvery apart while training). Call it each frame it is needed.
  void want_model();

  // Blocks until every posted command is applied, requested steps are done and a
  // snapshot showing that (with the parameters, if want_model() asked) is published (or the timeout passes; returns false).
  // For tests and for the headless app; the UI never calls it.
  bool wait_idle(std::chrono::milliseconds timeout);

  // Stops the thread promptly (also done by the destructor).
  void stop();
  // Asks the thread to stop without waiting for it (a run still being made
  // stops at its next stage); finished() says when it has, and then stop() joins at once.
  void request_stop();
  bool finished() const { return finished_.load(); }

  static constexpr auto kSlice = std::chrono::milliseconds(4);          // training between queue checks
  static constexpr auto kPublishEvery = std::chrono::milliseconds(15);  // about one snapshot per frame
  static constexpr auto kModelEvery = std::chrono::milliseconds(250);   // full parameters while training

 private:
  void loop();
  void publish();
  std::shared_ptr<const Dataset> read(const DataReader& reader, const TrainConfig& cfg);
  bool prepare(const std::shared_ptr<const Dataset>& data, const TrainConfig& cfg);
  void publish_preparing(const std::shared_ptr<const Dataset>& data, const TrainConfig& cfg, const std::string& what,
                         const std::string& failure);
  bool stopping();

  RunId id_;
  std::unique_ptr<Run> run_;  // the worker thread's own

  // Shared with the UI thread.
  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes the worker: command or stop
  std::condition_variable idle_cv_;  // wakes wait_idle()
  std::vector<Command> queue_;
  bool stop_ = false;
  std::atomic<std::uint64_t> posted_{0};
  std::atomic<bool> want_model_{false};
  std::atomic<bool> finished_{false};  // the thread has returned (or never started)
  std::uint64_t applied_ = 0;        // guarded by mu_ for wait_idle; written by the worker
  bool busy_ = false;                // guarded by mu_: steps pending or playing
  bool model_pending_ = false;       // guarded by mu_: a view waits for parameters not yet published
  std::string read_note_;            // guarded by mu_: DataReader's note
  std::shared_ptr<const Snapshot> snap_;

  // The worker thread's own.
  std::uint64_t version_ = 0;
  std::uint64_t applied_local_ = 0;
  std::chrono::steady_clock::time_point last_model_{};
  std::atomic<bool> model_current_{false};  // the last snapshot's parameters are the run's now (paused)

  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace ev
