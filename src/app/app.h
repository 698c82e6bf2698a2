// app.h: the desktop app without its platform: the runs, the panels
// and their layout, the menu bar and the keyboard shortcuts. The frame loop
// (main.cpp) and the GUI tests drive it the same way: call frame() between
// ImGui::NewFrame() and ImGui::Render() with a GL context current.
#pragma once

#include <array>
#include <memory>
#include <utility>
#include <vector>
#include <string>

#include "core/base/files.h"
#include "app/film.h"
#include "core/live/worker.h"
#include "ui/controls_panel.h"
#include "ui/embedding_panel.h"
#include "ui/experiments_panel.h"
#include "ui/file_browser.h"
#include "ui/loss_panel.h"
#include "ui/timeline_panel.h"
#include "ui/tool_tabs.h"
#include "ui/ui_context.h"

namespace ev::app {

struct AppOptions {
  std::string data;            // training text; empty: the system word list (words: WordNet's glosses)
  Tokenizer tokenizer = Tokenizer::Char;  // how the data becomes tokens
  bool play = false;           // start training at launch
  int frames = -1;             // quit after this many frames (-1: run until closed)
  std::int64_t steps = -1;     // quit once training reaches this step (-1: never)
  std::string screenshot;      // save the last frame as PNG here
  std::string stats;           // write frame and training statistics as JSON here
  int width = 1600, height = 1000;  // window size in screen coordinates
  bool headless = false;       // no window: EGL surfaceless + an offscreen framebuffer
  double fps = -1;             // frame rate limit; 0: none; < 0: the display's refresh rate (windowed runs)
  TrainConfig config;          // initial hyperparameters
  std::string sweep;           // an experiment to start at launch ("hidden=50,100,200"; "": none)
  std::int64_t sweep_steps = 100000;  // its runs' length
  int jobs = 0;                // its runs training at once (0: one per core)
  // A file whose existence means the welcome was dismissed for good; the
  // welcome shows at start while it is absent ("": never at start).
  std::string welcome_seen_file;
  // The word filter's list (ui/sampling_panel.h), kept between runs ("": in memory only).
  std::string word_filter_file;
  ui::Projection projection = ui::Projection::Auto;  // the embedding view's projection at start
  std::string session;         // a saved session to continue at start ("": none)
  std::string record;          // headless: an animated GIF of the run's timeline, written at the end ("": none)
  int record_frames = 200;     // its frames, spread over the steps up to `steps`, denser at the start
  bool film_play = false;      // show the next kept step of the timeline every frame, over and over (scrubbing's cost)
  // Draw every frame whole. By default a frame redraws only what changed
  // where the framebuffer keeps the last frame: headless, and a window on a
  // software GL (its back buffer survives the swap).
  bool full_redraw = false;
};

// Loads the data the options name. On failure, falls back to the system word
// list (then to a small built-in set) and sets *error to what went wrong;
// headless, a failure to load the named data throws instead.
std::shared_ptr<const Dataset> load_initial_data(const AppOptions& o, std::string* error);

// The folder of example data sets (File > Examples): share/embedviz/data beside
// an installed program, else the source tree's data/; "" when neither exists.
std::string examples_dir();

class App {
 public:
  // Returns at once: the trainer thread reads the data and makes the first
  // run (paused unless o.play) while the first frames show what it is doing.
  // A GL context must be current.
  explicit App(const AppOptions& o);
  ~App();

  // Builds this frame's UI. frame_ms is the work of the previous frame, fps
  // the rate frames are shown at (0: unknown).
  void frame(float frame_ms, float fps = 0);

  // A key press from the platform (GLFW's key codes: printable keys are their
  // upper-case ASCII), queued and acted on by the next frame's shortcuts, so
  // every press counts even when it is released before that frame.
  void key_event(int key, bool repeat, bool ctrl, bool alt) { keys_.push_back({key, repeat, ctrl, alt}); }

  // The main run, the one the panels draw and the controls steer.
  Worker& trainer() { return *runs_.front(); }
  // Every run, the main one first; each trains on a thread of its own.
  const std::vector<std::unique_ptr<Worker>>& runs() const { return runs_; }
  // Starts another run beside the main one (paused), on the main run's data
  // unless `data` is given; returns its id. Throws ev::Error when cfg does not fit.
  RunId add_run(const TrainConfig& cfg, std::shared_ptr<const Dataset> data = nullptr);
  // Makes a run the main one (the panels draw it, the controls steer it); it
  // trains on past an experiment's stop. False: no such run.
  bool make_main(RunId id);
  // Run > Experiment... and Run > Find learning rate (ui/experiments_panel.h).
  // Both show as tabs of the Tools column, brought forward.
  void open_experiments();
  void find_lr();
  ui::ExperimentsPanelState& experiments() { return experiments_; }
  // Stops and forgets a run other than the main one (false: no such run).
  bool remove_run(RunId id);
  // Frees the removed runs whose threads have stopped (never waits for one).
  void join_retired();
  // A command for one run by its id (false: no such run).
  bool post(RunId id, const Command& c);
  // The snapshots the last frame drew, in the order of runs().
  const std::vector<SnapshotPtr>& snapshots() const { return snaps_; }
  ui::UiContext& context() { return ctx_; }
  const ui::EmbeddingPanelState& embedding_view() const { return embedding_; }
  ui::EmbeddingPanelState& embedding_view() { return embedding_; }
  ui::TimelineState& timeline() { return timeline_; }
  // File > Export animation: the film being made (null when none).
  const FilmJob* film() const { return film_.get(); }
  FilmSettings& film_settings() { return film_settings_; }
  // Starts a film of the main run's timeline (ev::Error when its settings or outputs are bad).
  void start_film(const FilmSettings& f);
  const ui::LossPanelState& loss_view() const { return loss_; }
  // The Tools window's tabs' states (tests read them back and set a typed context).
  ui::ToolStates& tools() { return tools_; }
  // The snapshot the last frame drew.
  const SnapshotPtr& shown() const { return snap_; }
  bool quit_requested() const { return quit_; }
  // The main run was made (or failed to be): the first frame after it did
  // applied what waits for its data (the data's notice, a fallback's error).
  bool ready() const { return ready_; }
  // Lays the windows out again for the current display size on the next frame.
  void reset_layout() { relayout_ = true; }
  // A file dropped on the window: trained on, and listed among the recent files.
  void train_on_dropped(const std::string& path);
  // Data files and sessions opened or saved, newest first.
  const std::vector<std::string>& recent_files() const { return recent_.paths(); }
  // True while a modal window (the file browser) takes the keyboard: the
  // training shortcuts are not acted on.
  bool modal_open() const;
  // An error from outside the trainer (start-up, file drops), shown in the window.
  void set_error(std::string e) { error_ = std::move(e); }
  const std::string& error() const { return error_; }
  // A PNG of the window was asked for (File > Export): returns its path once, then "".
  std::string take_screenshot_request() { return std::exchange(screenshot_request_, std::string()); }

 private:
  void on_ready();
  void shortcuts();
  void menu_bar();
  void layout_windows();
  enum class FileAction {
    None, TrainOn, SaveSession, LoadSession, InitVectors, ExportTsv, ExportWord2vec, ExportLossCsv, ExportProjection,
    ExportPng, ExportAnimation
  };
  void ask(FileAction a);
  void file_dialog();
  void run_file_action(const std::string& path);
  void examples_menu();
  void tools_window();
  void welcome_window();
  void embeddings_window();
  void film_window();
  void film_progress();
  ui::ExperimentActions experiment_actions();
  void update_experiments();

  std::vector<std::unique_ptr<Worker>> runs_;  // runs_[0] is the main run
  std::vector<std::unique_ptr<Worker>> retiring_;  // removed runs asked to stop, joined once they have
  RunId next_id_ = 1;
  SnapshotPtr snap_;                  // the main run's, this frame
  std::vector<SnapshotPtr> snaps_;    // every run's, this frame
  ui::UiContext ctx_;
  ui::ControlsState controls_;
  ui::EmbeddingPanelState embedding_;
  ui::TimelineState timeline_;        // the bar under the embedding view
  bool film_play_ = false;            // AppOptions::film_play
  SnapshotPtr shown_view_;            // the snapshot the embedding view drew last (P pins its step)
  FilmSettings film_settings_;        // File > Export animation's choices
  bool show_film_window_ = false;
  bool film_pngs_ = true;             // a folder of PNG frames beside the GIF
  std::unique_ptr<FilmJob> film_;     // the film being made
  ui::LossPanelState loss_;
  ui::ToolStates tools_;              // the Tools window's tabs (ui/tool_tabs.h)
  ui::ExperimentsPanelState experiments_;  // the Experiments and Find LR tabs
  bool show_experiments_ = false;  // the Experiments tab is shown
  // The Tools column's tab: an index of ui::tool_tabs(), or Experiments or Find LR after them.
  int tool_tab_ = 0;
  static constexpr int kExperimentsTab = -1, kFindLrTab = -2;
  bool start_sweep_ = false;   // start the experiment the options name with the first frame the main run is made
  bool ready_ = false;         // on_ready() has run
  const void* seen_inspection_ = nullptr;  // the step record the tools window last switched to

  // File > ... : one file browser for every file action.
  FileAction file_action_ = FileAction::None;
  ui::FileBrowserState browser_;
  RecentFiles recent_;            // data files and sessions opened or saved, kept in the config folder
  std::string last_export_dir_;   // where the last export went (the next one starts there)
  std::string screenshot_request_;
  bool relayout_ = true;
  float last_w_ = 0, last_h_ = 0;
  bool quit_ = false;
  bool show_welcome_ = false;
  bool welcome_for_good_ = false;  // the "don't show again" box: unticked, so Start alone hides it only this once
  std::string welcome_seen_file_;
  struct KeyPress {
    int key;
    bool repeat, ctrl, alt;
  };
  std::vector<KeyPress> keys_;  // presses since the last frame
  std::string error_;
};

// The colour to clear each frame to: the panels' background (they draw none).
std::array<float, 4> clear_color();

// After the renderer backend is initialised: sample the font atlas nearest.
void use_pixel_exact_font_sampling();

// Loads DejaVu Sans (Debian's fonts-dejavu-core) at a readable size for the
// given content scale, and scales ImGui's style to match.
void setup_fonts_and_style(float scale);

}  // namespace ev::app
