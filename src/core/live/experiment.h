// experiment.h: one hyperparameter, several values, everything else shared.
// The makemore lectures tune the embedding dimension and the learning rate
// this way, and Bengio et al. (2003) the hidden size: the runs train on one
// loaded data set, as many at once as there are jobs (the rest wait), and
// record their validation losses at the same steps so their curves compare
// point for point. Each run is the same Run a solo run is: with the same seed
// its losses are those of the solo run, to the bit.
// Also the learning-rate finder of the makemore lectures: the rate rises
// exponentially over a short run and the loss is read against it.
// Not for: drawing (the window shows the same results; see ui/).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/train/config.h"
#include "core/data/dataset.h"
#include "core/train/loss_history.h"

namespace ev {

// The hyperparameters an experiment can vary, as typed: every family's
// (models/, their tables: block, emb, hidden, ...), lr, batch, seed, and
// model (the family: each with its usual settings, such as microgpt's for the
// transformer, where the base has its own family's usual ones).
std::vector<std::string> sweep_params();

// "hidden=50,100,200": a parameter and its values (ev::Error naming the problem).
struct Sweep {
  std::string param;
  std::vector<std::string> values;
  // How a model= value's settings resolve once its family is set: as a run of
  // that family alone would (`--model X`), through apply_defaults (config.h).
  // Unset: apply_defaults for word data when `words`, keeping the settings in
  // which the base differs from its own family's defaults.
  std::function<void(TrainConfig&)> resolve;
  bool words = false;
};
Sweep parse_sweep(const std::string& text);

// `base` with one parameter set from its text (ev::Error for a bad value); a
// family (model=) comes with its defaults as the sweep resolves them.
TrainConfig with_value(const TrainConfig& base, const Sweep& sweep, const std::string& value);
TrainConfig with_value(const TrainConfig& base, const std::string& param, const std::string& value);

// When a run of an experiment stops: after `steps` steps, or once it has
// trained for `seconds` of wall time (0: no time limit), whichever comes first.
struct StopRule {
  std::int64_t steps = 100000;
  double seconds = 0;
};

// One run's row of the results table.
struct RunResult {
  std::string value;            // the swept parameter's value, as typed
  TrainConfig config;           // the run's hyperparameters
  std::size_t params = 0;       // parameters of its model
  std::int64_t steps = 0;       // steps trained
  double seconds = 0;           // wall time training
  double steps_per_s = 0;
  double train = 0, val = 0, test = 0;  // mean loss over each split at the end
  double accuracy = 0;          // next-token top-1 accuracy on the validation split
  std::vector<LossPoint> curve; // validation losses at the shared steps
  std::string error;            // why the run stopped early (divergence, memory), "" when it did not
  bool done = false;
};

// Progress of one run, reported from its job's thread (under the caller's care).
struct RunProgress {
  std::size_t index;  // into the sweep's values
  std::int64_t step;
  double smooth_loss;
  bool finished;
};

// Trains every value's run and returns the rows in the sweep's order. The
// longest runs (by arithmetic per step) start first, so the last to start are
// the short ones. `progress` (may be empty) is called from the jobs' threads,
// never two at a time. `cancel`, when set, stops every run between steps.
std::vector<RunResult> run_experiment(std::shared_ptr<const Dataset> data, const TrainConfig& base, const Sweep& sweep,
                                      const StopRule& stop, int jobs,
                                      const std::function<void(const RunProgress&)>& progress = {},
                                      const std::atomic<bool>* cancel = nullptr);

// The index of the best finished row that trained a step (lowest validation loss), or -1.
int best_row(const std::vector<RunResult>& rows);

// The results table as CSV (a header row, one row per run) and as JSON
// (with each run's validation curve).
std::string results_csv(const Sweep& sweep, const std::vector<RunResult>& rows);
std::string results_json(const Sweep& sweep, const std::vector<RunResult>& rows, int indent = 1);  // -1: one line

// The learning-rate finder: `steps` SGD steps from a fresh model with the rate
// rising exponentially from `lo` to `hi`; stops early once the loss is no
// longer finite or four times its lowest smoothed value.
struct LrFinder {
  std::vector<double> lr, loss, smooth;  // per step: the rate, the batch loss, its bias-corrected running mean
  double steepest_lr = 0;                // where the smoothed loss falls fastest against log(rate)
  double lowest_lr = 0;                  // where the smoothed loss is lowest
  // The valley: the rates around lowest_lr where the smoothed loss is within a
  // tenth of its whole fall of the lowest. The suggested rate lies halfway (on
  // the log axis) from where the valley starts to the lowest loss: on its
  // floor, well short of the edge where the loss turns up; where the makemore
  // lecture picks its 0.1 (0.104 on names.txt).
  double valley_lo = 0, valley_hi = 0;
  double suggested_lr = 0;
  bool cancelled = false;                // stopped by `cancel` before its steps were done
};
// `cancel` (null: none) is read before each step: set, the search stops and
// returns what it has, cancelled. `done` (null: none) counts the steps made,
// for a progress bar.
LrFinder find_lr(std::shared_ptr<const Dataset> data, const TrainConfig& cfg, int steps = 1000, double lo = 1e-3,
                 double hi = 1.0, const std::atomic<bool>* cancel = nullptr, std::atomic<int>* done = nullptr);

}  // namespace ev
