// experiment_runner.h: an experiment (experiment.h) run live, for the window.
// Each value of the sweep is a run of the app's (a Worker of its own, made
// and steered through a Host), at most `jobs` training at once and the rest
// queued, started as others finish. A run is made on its worker's thread
// (worker.h), so each value waits as Preparing until its run is ready. Each run pauses itself at the chosen step
// (cmd::SetStop), or is paused once it has trained for the wall-clock budget.
// update() is called once per frame with that frame's snapshots; it never
// waits for a run. Not for: drawing (ui/experiments_panel.h draws it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/live/commands.h"
#include "core/live/experiment.h"
#include "core/live/snapshot.h"

namespace ev {

class ExperimentRunner {
 public:
  using Clock = std::chrono::steady_clock;

  // How the runner makes and steers runs (the app's runs).
  struct Host {
    std::function<RunId(const TrainConfig&)> add;             // a new paused run; throws ev::Error
    std::function<bool(RunId, const Command&)> post;          // false: no such run
    std::function<void(RunId)> remove;                        // forget a run
    // Optional: throws ev::Error when these runs, `jobs` at once, would need
    // more memory together than a run may (validate_at_once).
    std::function<void(const std::vector<TrainConfig>&, int jobs)> check_at_once;
  };

  enum class State { Preparing, Queued, Training, Paused, Done, Failed };
  struct Entry {
    std::string value;        // the swept parameter's value, as typed
    TrainConfig config;
    RunId id = 0;
    State state = State::Preparing;
    double seconds = 0;       // wall time spent training
    Clock::time_point since;  // when it last started training
    SnapshotPtr last;         // its latest snapshot seen
  };

  // Makes one paused run per value (ev::Error for a bad sweep or value, and
  // then no run is made) and starts the first `jobs`. Forgets a previous experiment's runs.
  void start(const Sweep& sweep, const TrainConfig& base, const StopRule& stop, int jobs, const Host& host);
  // Once per frame: notes which runs are ready and which finished, and starts queued ones.
  void update(const std::vector<SnapshotPtr>& snaps, const Host& host);
  // Pauses every training run, or resumes them.
  void pause(bool on, const Host& host);
  // Stops the experiment: every run pauses where it is and counts as done.
  void stop(const Host& host);
  // Forgets the runs (removing them from the host).
  void clear(const Host& host);
  // A run is no longer the experiment's to steer (it became the main run): it
  // counts as done where it stands, frees its job, and its row stays live.
  void release(RunId id);

  const Sweep& sweep() const { return sweep_; }
  const StopRule& rule() const { return stop_; }
  const std::vector<Entry>& entries() const { return entries_; }
  bool active() const;   // some run trains or waits to
  bool paused() const { return paused_; }
  // The results table as it stands (experiment.h's rows, done when finished).
  std::vector<RunResult> results() const;

 private:
  void begin(Entry& e, const Host& host);
  Sweep sweep_;
  StopRule stop_;
  int jobs_ = 1;
  bool paused_ = false;
  std::vector<Entry> entries_;
};

const char* state_name(ExperimentRunner::State s);

}  // namespace ev
