// experiments_panel.h: the Experiments tab. Pick one hyperparameter and its
// values (as the CLI's --sweep takes them), a number of steps or a time
// budget, and the runs train side by side (core/experiment_runner.h); a live,
// sortable results table with the best row marked; the runs' 2-D embeddings as
// small multiples at the same step; any run opened as the main run. Also the
// learning-rate finder of the makemore lectures, on a thread of its own.
#pragma once

#include <imgui.h>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/live/experiment.h"
#include "core/live/experiment_runner.h"
#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct ExperimentsPanelState {
  int param = 0;                   // into ev::sweep_params()
  std::string values = "50,100,200";
  int steps = 2000;
  float budget_s = 0;              // wall-clock budget per run (0: none)
  int jobs = 0;                    // runs training at once (0: one per core)
  std::string error;               // why the last start failed
  ExperimentRunner runner;
  std::vector<int> order;          // the table's rows as sorted

  // The learning-rate finder: runs on a thread of its own, polled each frame.
  std::future<LrFinder> lr_job;
  LrFinder lr;                     // the last finished search
  std::string lr_error;
  bool show_lr = false;            // its tab is shown
  std::shared_ptr<std::atomic<bool>> lr_cancel;  // set: the search under way stops at its next step
  std::shared_ptr<std::atomic<int>> lr_done;     // the search's steps made, for its progress bar
  // Declared after lr_job, so destroyed before it: closing the window stops
  // the search at its next step instead of waiting for its thousand.
  struct CancelOnExit {
    std::shared_ptr<std::atomic<bool>>* flag;
    ~CancelOnExit() {
      if (*flag) **flag = true;
    }
  } lr_cancel_on_exit{&lr_cancel};
};

// What the panel asks of the app.
struct ExperimentActions {
  ExperimentRunner::Host host;
  std::function<void(RunId)> open_as_main;  // the panels then draw this run
  std::function<void(double)> apply_lr;     // set the main run's learning rate
  std::function<ImU32(RunId)> colour;       // a run's colour in the loss plot
  TrainConfig base;                         // the main run's configuration: what the runs share
  bool words = false;                       // the main run's data is words (a family swept takes its word defaults)
  std::shared_ptr<const Dataset> data;      // the main run's data
};

// Starts the experiment the panel's fields describe (st.error says why not).
void start_experiment(ExperimentsPanelState& st, const ExperimentActions& act);

// The panel, into the current ImGui window (the app calls runner.update each frame).
void draw_experiments_panel(UiContext& ctx, ExperimentsPanelState& st,
                            const ExperimentActions& act);

// Starts the learning-rate finder on a background thread (a running one is let finish first).
void start_find_lr(ExperimentsPanelState& st, std::shared_ptr<const Dataset> data, const TrainConfig& cfg);
// True while it runs; collects its result when done.
bool poll_find_lr(ExperimentsPanelState& st);
// The finder's plot (loss against rate, log x, the steepest fall marked) and its Apply button.
void draw_lr_finder(UiContext& ctx, ExperimentsPanelState& st, const ExperimentActions& act);

// The legend name of an experiment's run ("hidden=50"), "" when it is not one.
std::string experiment_run_name(const ExperimentsPanelState& st, RunId id);

}  // namespace ev::ui
