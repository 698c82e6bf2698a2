// app.cpp: layout, menu, shortcuts and the per-frame wiring of the panels.
#include "app/app.h"

#include <algorithm>
#include <cmath>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>  // the current window's name

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/base/atomic_file.h"  // check_outputs
#include "core/base/error.h"
#include "core/io/export.h"
#include "core/data/data.h"
#include "core/base/files.h"
#include "core/train/structure.h"  // share_column
#include "core/teach/teach.h"
#include "gfx/gl_object.h"
#include "ui/fit.h"
#include "ui/preparing.h"

namespace ev::app {

namespace {
constexpr const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kFontPx = 16.0f;
// The panels tile the screen, so they draw no background of their own: the
// frame is cleared to the window colour instead. With software GL (llvmpipe)
// a full-screen blended background layer costs about half the frame.
constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBackground;
constexpr ImGuiWindowFlags kStatusFlags = kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoMove;

// Records the current window's rectangle as "window <name>", so tests can
// check the layout without knowing it.
void record_window(ui::UiContext& ctx) {
  const ImVec2 at = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  ctx.item_rects[std::string("window ") + ImGui::GetCurrentWindow()->Name] = {at.x, at.y, at.x + size.x, at.y + size.y};
}

// A tiny data set of the project's own, so the app always has something to train on.
std::vector<std::string> builtin_items() {
  return {"emma",  "olivia", "ava",  "isabella", "sophia", "mia",   "charlotte", "amelia", "harper", "evelyn",
          "abigail", "emily", "ella", "elizabeth", "camila", "luna", "sofia",     "avery",  "mila",   "aria",
          "scarlett", "penelope", "layla", "chloe", "victoria", "madison", "eleanor", "grace", "nora", "riley"};
}
}  // namespace

namespace {
// The default data for the options' tokenizer.
DataSpec default_spec(const AppOptions& o) {
  return o.tokenizer == Tokenizer::Word ? default_word_data(o.config.seed) : default_data(o.config.seed);
}

// The file the options name, as the data it is loaded as.
DataSpec named_spec(const AppOptions& o) {
  DataSpec file = default_spec(o);
  file.source = o.data;
  file.tokenizer = o.tokenizer;
  return file;
}

std::string fallback_note(const Error& e) { return std::string(e.what()) + " (training on the default data instead)"; }
}  // namespace

std::shared_ptr<const Dataset> load_initial_data(const AppOptions& o, std::string* error) {
  const DataSpec spec = default_spec(o);
  if (!o.data.empty()) {
    try {
      return load_data(named_spec(o));
    } catch (const Error& e) {
      if (o.headless) throw;  // no window to say so in, and a script asked for this data
      *error = fallback_note(e);
    }
  }
  try {
    return load_data(spec);
  } catch (const Error& e) {
    if (error->empty()) *error = std::string(e.what()) + " (install wamerican; training on a small built-in list)";
  }
  return std::make_shared<const Dataset>(make_dataset(builtin_items(), Tokenizer::Char, spec.split_seed, "built-in names"));
}

void setup_fonts_and_style(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Latin, Greek, Cyrillic and the arrows and symbols the labels use: enough
  // for most token sets a user drops in; DejaVu Sans covers all of them.
  static const ImWchar ranges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F,
                                   0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
  if (std::ifstream(kFont).good())
    io.Fonts->AddFontFromFileTTF(kFont, kFontPx * scale, nullptr, ranges);
  else
    io.Fonts->AddFontDefault();
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  // Square corners: a rounded rectangle is dozens of thin anti-aliased
  // triangles, and a software renderer pays for each of them every frame.
  style.WindowRounding = 0;
  style.ChildRounding = 0;
  style.FrameRounding = 0;
  style.PopupRounding = 0;
  style.GrabRounding = 0;
  style.TabRounding = 0;
  style.ScrollbarRounding = 0;
  // The window background is the frame's clear colour (nearly free); fills
  // that only repeat it are left out. The focused window keeps its title colour.
  style.Colors[ImGuiCol_TitleBg] = ImVec4(0, 0, 0, 0);
  style.Colors[ImGuiCol_TitleBgCollapsed] = ImVec4(0, 0, 0, 0);
  style.Colors[ImGuiCol_MenuBarBg] = ImVec4(0, 0, 0, 0);
  style.WindowBorderSize = 1;
  style.ScaleAllSizes(scale);
}

void use_pixel_exact_font_sampling() {
  // ImGui places glyphs on whole pixels, so nearest sampling of the font atlas
  // draws the same text as bilinear, at a fraction of a software renderer's cost.
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  const auto tex = unsigned(reinterpret_cast<std::intptr_t>(ImGui::GetIO().Fonts->TexID));
  if (tex) gfx::use_nearest_filter(tex);
}

namespace {
// A --data file that cannot be opened is found at once, before any work:
// headless, its one-line error is thrown; in the window the default data is
// read instead (o.data cleared) and the returned note says why.
std::string unopenable_data(AppOptions& o) {
  if (o.data.empty() || std::ifstream(o.data, std::ios::binary).good()) return "";
  try {
    load_data(named_spec(o));  // fails at its first step, opening the file, with the message that names it
    return "";
  } catch (const Error& e) {
    if (o.headless) throw;
    o.data.clear();
    return fallback_note(e);
  }
}
}  // namespace

App::App(const AppOptions& options) : recent_(config_dir().empty() ? "" : config_dir() + "/recent.txt") {
  AppOptions o = options;
  error_ = unopenable_data(o);
  if (!o.sweep.empty()) {
    // The Experiments tab, filled in as if typed, starts with the first frame
    // that has the run made.
    const Sweep sw = parse_sweep(o.sweep);  // throws ev::Error naming the problem
    const auto& names = sweep_params();
    experiments_.param = int(std::find(names.begin(), names.end(), sw.param) - names.begin());
    experiments_.values.clear();
    for (const std::string& v : sw.values) experiments_.values += (experiments_.values.empty() ? "" : ",") + v;
    experiments_.steps = int(std::min<std::int64_t>(o.sweep_steps, std::numeric_limits<int>::max()));
    experiments_.jobs = o.jobs;
    start_sweep_ = true;
    open_experiments();
  }
  // The first run is made as every other is, on its own thread: the data read
  // (WordNet's glosses take a second or two), the examples framed, the trigram
  // counted, while the first frames say so. What needs the data waits for on_ready().
  DataReader reader{o.data.empty() ? default_spec(o).source : ev::shown(o.data),
                    [o](std::string* note) { return load_initial_data(o, note); }};
  runs_.push_back(std::make_unique<Worker>(next_id_++, std::move(reader), o.config));
  if (!o.session.empty()) trainer().post(cmd::LoadSession{o.session});
  // --steps: training pauses at that step exactly, so the last frame shows it.
  if (o.steps >= 0) trainer().post(cmd::SetStop{o.steps});
  // A recording's steps are kept from the first step on.
  if (!o.record.empty() && o.steps >= 0) trainer().post(cmd::KeepSteps{film_steps(o.steps, o.record_frames)});
  if (o.play) trainer().post(cmd::Play{true});
  film_play_ = o.film_play;
  ctx_.post = [this](const Command& c) { trainer().post(c); };
  ctx_.want_model = [this] { trainer().want_model(); };
  welcome_seen_file_ = o.welcome_seen_file;
  ui::load_word_filter(tools_.sampling, o.word_filter_file);
  embedding_.projection = o.projection;
  show_welcome_ = !welcome_seen_file_.empty() && !std::filesystem::exists(welcome_seen_file_);
  snap_ = trainer().snapshot();
  snaps_ = {snap_};
}

// The first frame whose main run is made: what needs its data.
void App::on_ready() {
  ready_ = true;
  const Snapshot& s = *snap_;
  if (error_.empty()) error_ = s.failed ? s.message : trainer().read_note();  // or the reader fell back to other data
  if (!s.failed) ctx_.notice = boundary_note(*s.data);
}

App::~App() {
  for (auto& r : runs_) r->request_stop();
  for (auto& r : retiring_) r->request_stop();
  for (auto& r : runs_) r->stop();
  for (auto& r : retiring_) r->stop();
}

RunId App::add_run(const TrainConfig& cfg, std::shared_ptr<const Dataset> data) {
  if (!data) data = trainer().snapshot()->data;
  runs_.push_back(std::make_unique<Worker>(next_id_++, std::move(data), cfg));
  return runs_.back()->id();
}

bool App::remove_run(RunId id) {
  for (std::size_t i = 1; i < runs_.size(); ++i)
    if (runs_[i]->id() == id) {
      // A run still being made stops at its next stage; it is joined once it has, never by a frame waiting.
      runs_[i]->request_stop();
      retiring_.push_back(std::move(runs_[i]));
      runs_.erase(runs_.begin() + std::ptrdiff_t(i));
      return true;
    }
  return false;
}

void App::join_retired() {
  retiring_.erase(std::remove_if(retiring_.begin(), retiring_.end(),
                                 [](const std::unique_ptr<Worker>& w) { return w->finished(); }),
                  retiring_.end());
}

bool App::make_main(RunId id) {
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i]->id() == id) {
      const SnapshotPtr s = runs_[i]->snapshot();
      if (!s->preparing.empty() || s->failed) return false;  // no tables to draw yet
      std::rotate(runs_.begin(), runs_.begin() + std::ptrdiff_t(i), runs_.begin() + std::ptrdiff_t(i) + 1);
      runs_.front()->post(cmd::SetStop{-1});
      return true;
    }
  return false;
}

// What the Experiments and Find LR tabs may do to the app's runs.
ui::ExperimentActions App::experiment_actions() {
  ui::ExperimentActions act;
  act.host.add = [this](const TrainConfig& c) { return add_run(c); };
  act.host.post = [this](RunId id, const Command& c) { return post(id, c); };
  act.host.remove = [this](RunId id) { remove_run(id); };
  act.host.check_at_once = [this](const std::vector<TrainConfig>& configs, int jobs) {
    const SnapshotPtr main = trainer().snapshot();
    const Dataset& d = *main->data;
    const std::size_t tokens = d.n_tokens + d.items.size();
    const double shared = dataset_bytes(d);
    std::vector<double> each;
    for (const TrainConfig& c : configs) each.push_back(estimate_bytes(c, d.vocab.size(), tokens, shared));
    validate_at_once(each, jobs, shared, estimate_bytes(main->config, d.vocab.size(), tokens, shared) - shared);
  };
  act.open_as_main = [this](RunId id) {
    experiments_.runner.release(id);
    make_main(id);
  };
  act.apply_lr = [this](double lr) { trainer().post(cmd::SetLr{lr}); };
  act.colour = [this](RunId id) {
    for (std::size_t i = 1; i < runs_.size(); ++i)
      if (runs_[i]->id() == id) return ui::run_colour(i - 1);
    return ImGui::GetColorU32(ImGuiCol_Text);  // the main run
  };
  act.base = snap_->config;
  act.words = snap_->data->tokenizer == Tokenizer::Word;
  act.data = snap_->data;
  return act;
}

// The experiment's queue moves on whether or not its tab is shown; the loss
// plot names its runs.
void App::update_experiments() {
  const ui::ExperimentActions act = experiment_actions();
  if (start_sweep_ && snap_->ready()) {
    start_sweep_ = false;
    ui::start_experiment(experiments_, act);
  }
  experiments_.runner.update(snaps_, act.host);
  loss_.names.clear();
  for (const auto& e : experiments_.runner.entries())
    if (e.id != 0) loss_.names[e.id] = ui::experiment_run_name(experiments_, e.id);
}

void App::open_experiments() {
  show_experiments_ = true;
  tool_tab_ = kExperimentsTab;
}

void App::find_lr() {
  ui::start_find_lr(experiments_, snap_->data, snap_->config);
  tool_tab_ = kFindLrTab;
}

bool App::post(RunId id, const Command& c) {
  for (auto& r : runs_)
    if (r->id() == id) {
      r->post(c);
      return true;
    }
  return false;
}

// The keyboard shortcuts, from every press queued since the last frame (not
// from the key state, which misses a tap shorter than a frame).
void App::train_on_dropped(const std::string& path) {
  ctx_.post(cmd::LoadData{path});
  recent_.add(path);
}

bool App::modal_open() const { return browser_.open_request || browser_.shown; }

void App::shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  const std::vector<KeyPress> keys = std::exchange(keys_, {});
  bool playing = snap_->playing;
  // A dialog's keys are its own: space or R typed while browsing must not
  // start training or reset the run behind it.
  const bool modal = modal_open();
  for (const KeyPress& k : keys) {
    if (k.ctrl && k.key == 'Q') quit_ = true;
    if (modal || io.WantTextInput || k.ctrl || k.alt) continue;
    if (k.key == io.KeyMap[ImGuiKey_Space] && !k.repeat) ctx_.post(cmd::Play{playing = !playing});
    if (k.key == io.KeyMap[ImGuiKey_RightArrow] || k.key == 'S') ctx_.post(cmd::Step{1});
    if (k.key == 'R' && !k.repeat) ctx_.post(cmd::Reset{});
    if (k.key == 'P' && !k.repeat && snap_->ready()) ui::toggle_pin(timeline_, shown_view_ ? *shown_view_ : *snap_);
  }
}

namespace {

// What each File menu action asks for.
struct FileActionSpec {
  const char* title;
  const char* hint;
  ui::BrowseMode mode;
  std::vector<FileFilter> filters;  // the first is the action's own type
  const char* default_name;         // what a save or an export is called at first ("" to open)
};

const FileActionSpec& spec(int action) {
  const FileFilter all{"All files", {}};
  static const FileActionSpec specs[] = {
      {"", "", ui::BrowseMode::Open, {all}, ""},
      {"Train on a text file", "A UTF-8 text file with one item (a name, a word, a line) per line.",
       ui::BrowseMode::Open, {{"Text files (*.txt)", {".txt"}}, all}, ""},
      {"Save session", "The session file (written atomically: an old file is never damaged).", ui::BrowseMode::Save,
       {{"Sessions (*.evs)", {".evs"}}, all}, "session.evs"},
      {"Load session", "The session to continue from (the current run is kept if the file is bad).",
       ui::BrowseMode::Open, {{"Sessions (*.evs)", {".evs"}}, all}, ""},
      {"Initialise embeddings from", "word2vec text, or a Projector export's vectors.tsv or metadata.tsv: the rows "
       "of the tokens it knows are set now; a bad file changes nothing.",
       ui::BrowseMode::Open, {{"Vectors (*.txt, *.vec, *.tsv)", {".txt", ".vec", ".tsv"}}, all}, ""},
      {"Export for the Embedding Projector", "A folder for vectors.tsv and metadata.tsv (created if missing).",
       ui::BrowseMode::Folder, {{"Folders", {}}}, "projector"},
      {"Export word2vec text", "The word2vec text file.", ui::BrowseMode::Save,
       {{"word2vec text (*.txt, *.vec)", {".txt", ".vec"}}, all}, "vectors.txt"},
      {"Export the loss history", "The CSV file (step, train_loss, val_loss).", ui::BrowseMode::Save,
       {{"CSV files (*.csv)", {".csv"}}, all}, "loss.csv"},
      {"Export the view's 2-D positions", "The CSV file (token, x, y, class): the projection the embedding view "
       "shows (PCA, two dims, t-SNE or UMAP).", ui::BrowseMode::Save, {{"CSV files (*.csv)", {".csv"}}, all},
       "projection.csv"},
      {"Export a picture of the window", "The PNG file.", ui::BrowseMode::Save, {{"PNG pictures (*.png)", {".png"}}, all},
       "embedviz.png"},
      {"Export animation", "The animated GIF (its PNG frames, if asked, go in a folder beside it named after it).",
       ui::BrowseMode::Save, {{"GIF animations (*.gif)", {".gif"}}, all}, "embedviz.gif"},
  };
  return specs[action];
}

// The newest recent path of the action's own type that still exists ("" when none).
std::string newest_of_type(const RecentFiles& recent, const FileFilter& type) {
  for (const std::string& r : recent.paths()) {
    std::error_code ec;
    if (matches(type, r) && std::filesystem::is_regular_file(r, ec)) return r;
  }
  return "";
}

}  // namespace

std::string examples_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / EMBEDVIZ_INSTALL_DATA_DIR;
    if (fs::is_directory(installed, ec)) return installed.lexically_normal().string();
  }
  return fs::is_directory(EMBEDVIZ_SOURCE_DATA_DIR, ec) ? EMBEDVIZ_SOURCE_DATA_DIR : "";
}

// Opens the file browser for an action: at the newest file of its type, or
// where the last export went, or in the app's folder.
void App::ask(FileAction a) {
  const FileActionSpec& sp = spec(int(a));
  file_action_ = a;
  std::string start;
  const std::string newest = newest_of_type(recent_, sp.filters[0]);
  const std::string examples = examples_dir();
  const bool exporting = a >= FileAction::ExportTsv;
  if (sp.mode == ui::BrowseMode::Open) {
    start = !newest.empty() ? newest : a == FileAction::TrainOn && !examples.empty() ? examples : data_dir();
  } else {
    std::string dir = exporting ? last_export_dir_ : std::filesystem::path(newest).parent_path().string();
    if (dir.empty()) {
      dir = data_dir();
      try {
        make_dirs(dir);
      } catch (const Error&) {
        dir = home_dir();
      }
    }
    start = dir + "/" + sp.default_name;
  }
  // Exports list no recent files: a click on a training file must not offer it to be overwritten.
  ui::open_file_browser(browser_, sp.title, sp.hint, sp.mode, sp.filters, start, exporting ? RecentFiles() : recent_,
                        {{"Home", home_dir()}, {"embedviz files", data_dir()}, {"Examples", examples}});
  if (a == FileAction::TrainOn) browser_.tokenizer = snap_->data->tokenizer == Tokenizer::Word ? 1 : 0;
}

void App::examples_menu() {
  const std::string dir = examples_dir();
  std::string error;
  const auto files = dir.empty() ? std::vector<DirEntry>{} : list_dir(dir, {"Text files", {".txt"}}, false, &error);
  if (files.empty()) ImGui::TextDisabled("No examples installed");
  for (const DirEntry& e : files) {
    if (e.is_dir) continue;
    if (ImGui::MenuItem(e.name.c_str())) ctx_.post(cmd::LoadData{dir + "/" + e.name});
    ctx_.record_item("menu example " + e.name);
  }
}

void App::menu_bar() {
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0));  // the clear colour shows through
  const bool open = ImGui::BeginMainMenuBar();
  ImGui::PopStyleColor();
  if (!open) return;
  // An export needs the run's tables; until they are made it waits.
  const bool ready = snap_->ready();
  auto item = [&](const char* label, FileAction a) {
    if (ImGui::MenuItem(label, nullptr, false, ready || a < FileAction::ExportTsv)) ask(a);
    ctx_.record_item(std::string("menu ") + label);
  };
  const bool file_menu = ImGui::BeginMenu("File");
  ctx_.record_item("menu File");
  if (file_menu) {
    item("Train on a text file...", FileAction::TrainOn);
    const bool examples = ImGui::BeginMenu("Examples");
    ctx_.record_item("menu Examples");
    if (examples) {
      examples_menu();
      ImGui::EndMenu();
    }
    ImGui::Separator();
    item("Save session...", FileAction::SaveSession);
    item("Load session...", FileAction::LoadSession);
    item("Initialise embeddings from...", FileAction::InitVectors);
    ImGui::Separator();
    item("Export embeddings for the Projector (TSV)...", FileAction::ExportTsv);
    item("Export embeddings as word2vec text...", FileAction::ExportWord2vec);
    item("Export the loss history (CSV)...", FileAction::ExportLossCsv);
    item("Export the view's 2-D positions (CSV)...", FileAction::ExportProjection);
    item("Export a picture of the window (PNG)...", FileAction::ExportPng);
    if (ImGui::MenuItem("Export animation (GIF, PNG frames)...", nullptr, false, ready)) show_film_window_ = true;
    ctx_.record_item("menu Export animation");
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Run")) {
    if (ImGui::MenuItem(snap_->playing ? "Pause" : "Play", "Space")) ctx_.post(cmd::Play{!snap_->playing});
    if (ImGui::MenuItem("Step", "S")) ctx_.post(cmd::Step{1});
    if (ImGui::MenuItem("Reset", "R")) ctx_.post(cmd::Reset{});
    ImGui::Separator();
    if (ImGui::MenuItem("Experiment...")) open_experiments();
    if (ImGui::MenuItem("Find learning rate", nullptr, false, ready)) find_lr();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Lessons")) {
    const auto all = presets();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (ImGui::MenuItem(all[i].name.c_str())) ctx_.post(cmd::ApplyPreset{int(i)});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Reset layout")) relayout_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Welcome")) show_welcome_ = true;
    ImGui::Separator();
    ImGui::TextUnformatted("Space: play / pause\nS or Right arrow: one training step (shown in the step inspector)\n"
                           "R: reset from the seed\nCtrl+Q: quit\n"
                           "Drop a text file on the window to train on it.\n"
                           "Embedding view: wheel zooms, drag pans, double-click fits, click selects.");
    ImGui::EndMenu();
  }
  const Dataset& d = *snap_->data;
  ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(d.source.c_str()).x - 40);
  ImGui::TextDisabled("%s", d.source.c_str());
  ImGui::EndMainMenuBar();
  file_dialog();
}

void App::file_dialog() {
  if (ui::draw_file_browser(browser_, ctx_)) run_file_action(browser_.chosen);
}

// Does what the chosen action asks with the chosen path. Training data and
// sessions go to the trainer thread (its message reports how it went); exports
// are written here and create the folders they need.
void App::run_file_action(const std::string& path) {
  const Snapshot& s = *snap_;
  try {
    // What is written is checked as embedviz-train checks its outputs.
    std::vector<Output> out;
    if (file_action_ == FileAction::ExportTsv)
      for (const char* name : {"/vectors.tsv", "/metadata.tsv"}) out.push_back({"", path + name, true});
    else if (file_action_ == FileAction::ExportAnimation)
      ;  // start_film checks the GIF and its folder of frames
    else if (file_action_ >= FileAction::ExportTsv || file_action_ == FileAction::SaveSession)
      out.push_back({"", path, true});
    check_outputs(out, {{s.data->source, "the training data", ""}});
    switch (file_action_) {
      case FileAction::TrainOn:
        ctx_.post(cmd::LoadData{path, browser_.tokenizer == 1 ? Tokenizer::Word : Tokenizer::Char});
        break;
      case FileAction::SaveSession:
        make_parent_dirs(path);
        ctx_.post(cmd::SaveSession{path});
        break;
      case FileAction::LoadSession: ctx_.post(cmd::LoadSession{path}); break;
      case FileAction::InitVectors: ctx_.post(cmd::InitVectors{path}); break;
      case FileAction::ExportTsv: write_projector_tsv(path, *s.data, s.C()); break;
      case FileAction::ExportWord2vec: write_word2vec(path, s.data->vocab.tokens(), s.C()); break;
      case FileAction::ExportLossCsv: {
        std::vector<CsvColumn> shares;
        for (const auto& c : s.shares) shares.push_back({share_column(c.name), c.points});
        write_loss_csv(path, s.loss.to_vector(), s.val.to_vector(), shares);
        break;
      }
      case FileAction::ExportProjection: {
        const std::vector<float>& xy = embedding_.xy;  // what the view shows: PCA, two dims or a map
        if (xy.size() != 2 * std::size_t(s.spec.vocab) || std::none_of(xy.begin(), xy.end(), [](float v) { return std::isfinite(v); }))
          throw Error("The view has no positions yet (a map is still finding neighbours); nothing was written.");
        write_projection_csv(path, *s.data, xy);
        break;
      }
      case FileAction::ExportPng:
        make_parent_dirs(path);
        screenshot_request_ = path;
        break;
      case FileAction::ExportAnimation: {
        FilmSettings f = film_settings_;
        f.gif = path;
        f.png_dir = film_pngs_ ? frames_dir_for(path) : "";
        start_film(f);
        break;
      }
      case FileAction::None: break;
    }
    if (file_action_ >= FileAction::ExportTsv) {
      last_export_dir_ = std::filesystem::path(path).parent_path().string();
      if (file_action_ != FileAction::ExportPng && file_action_ != FileAction::ExportAnimation)
        error_.clear(), ctx_.notice = "Exported to " + ev::shown(path);
    } else {
      recent_.add(path);
    }
  } catch (const Error& e) {
    error_ = e.what();
  } catch (const std::bad_alloc&) {
    error_ = "Not enough memory to export; nothing was written.";
  }
}

void App::layout_windows() {
  const ImGuiIO& io = ImGui::GetIO();
  const float W = io.DisplaySize.x, H = io.DisplaySize.y;
  if (W != last_w_ || H != last_h_) relayout_ = true;
  last_w_ = W;
  last_h_ = H;
  const ImGuiCond cond = relayout_ ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  relayout_ = false;

  const float font = ImGui::GetFontSize();
  const float top = ImGui::GetFrameHeight();            // menu bar
  const float status_h = ImGui::GetFrameHeightWithSpacing() + 8;
  // The embedding view is the point of the app: it gets the most room, at
  // least 47% of the width; the controls take what their labels need and the
  // loss and the tools (their tabs wrap) the rest.
  const float left_w = std::max(font * 16, W * 0.19f);  // controls
  const float mid_w = std::max(W * 0.47f, W - left_w - std::max(font * 26, W * 0.34f));
  const float right_w = W - left_w - mid_w;            // loss + tools
  const float body_h = H - top - status_h;
  // The loss keeps room for its curves and the neighbour shares under them
  // on a short screen; the tools (they scroll) take the rest.
  const float loss_h = std::max(body_h * 0.46f, std::min(body_h * 0.54f, font * 24));

  struct Place {
    const char* name;
    float x, y, w, h;
    ImGuiWindowFlags flags = kPanelFlags;
  };
  const Place places[] = {
      {"Controls", 0, top, left_w, body_h},
      {"Embeddings", left_w, top, mid_w, body_h},
      {"Loss", left_w + mid_w, top, right_w, loss_h},
      {"Tools", left_w + mid_w, top + loss_h, right_w, body_h - loss_h},
      {"Status", 0, H - status_h, W, status_h, kStatusFlags},
  };
  for (const Place& p : places) {
    ImGui::SetNextWindowPos(ImVec2(p.x, p.y), cond);
    ImGui::SetNextWindowSize(ImVec2(p.w, p.h), cond);
    // Begin/End of the same name below merge with this placement.
    ImGui::Begin(p.name, nullptr, p.flags);
    ImGui::End();
  }
}

std::array<float, 4> clear_color() {
  const ImVec4 c = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return {c.x, c.y, c.z, 1.0f};
}

// The Tools column: the views that explain (the one-hot identity, the step
// inspector, the teaching tools) and, while open, Experiments and Find LR, as
// one strip of tabs that wraps where the column is narrow, so every view
// shares the column and none floats over the loss or the status line. A new
// Step record brings its tab forward. The strip stays put: each tab's content
// scrolls in a region below it.
void App::tools_window() {
  const Snapshot& s = *snap_;
  const bool new_record = s.inspection && s.inspection.get() != seen_inspection_;
  if (new_record) seen_inspection_ = s.inspection.get();
  const std::size_t n = ui::tool_tab_count();
  for (std::size_t i = 0; i < n; ++i)
    if (new_record && ui::tool_tabs()[i].shows_new_step) tool_tab_ = int(i);
  if ((tool_tab_ == kExperimentsTab && !show_experiments_) || (tool_tab_ == kFindLrTab && !experiments_.show_lr) ||
      tool_tab_ < kFindLrTab || tool_tab_ >= int(n))
    tool_tab_ = 0;
  if (ImGui::Begin("Tools", nullptr, kPanelFlags | ImGuiWindowFlags_NoScrollbar)) {
    record_window(ctx_);
    for (std::size_t i = 0; i < n; ++i)
      if (ui::tab_button(ctx_, ui::tool_tabs()[i].name, tool_tab_ == int(i), i == 0)) tool_tab_ = int(i);
    if (show_experiments_ && ui::tab_button(ctx_, "Experiments", tool_tab_ == kExperimentsTab, false))
      tool_tab_ = kExperimentsTab;
    if (experiments_.show_lr && ui::tab_button(ctx_, "Find LR", tool_tab_ == kFindLrTab, false)) tool_tab_ = kFindLrTab;
    ImGui::Separator();
    // The scroll bar is always there, so a tab's content never rewraps (and
    // its buttons never move under a click) when it grows past the view.
    ImGui::BeginChild("tab body", ImVec2(0, 0), false,
                      ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_AlwaysVerticalScrollbar);
    if (ui::draw_preparing(s, ctx_, "Tools")) {
      // every tab needs the run's tables or its data
    } else if (tool_tab_ >= 0) {
      ui::tool_tabs()[tool_tab_].draw(s, ctx_, tools_);
    } else {
      bool& open = tool_tab_ == kExperimentsTab ? show_experiments_ : experiments_.show_lr;
      if (ui::button(ctx_, "Close")) open = false;
      ui::tooltip("Hides this tab; runs and results stay (Run menu brings it back).");
      if (tool_tab_ == kExperimentsTab)
        ui::draw_experiments_panel(ctx_, experiments_, experiment_actions());
      else
        ui::draw_lr_finder(ctx_, experiments_, experiment_actions());
    }
    ImGui::EndChild();
  }
  ImGui::End();
}

// A short first-launch guide over the window: what you see, what to press,
// the lessons. Dismissed for good by a file in the configuration folder.
void App::welcome_window() {
  if (!show_welcome_) return;
  const ImGuiIO& io = ImGui::GetIO();
  const float w = std::min(ImGui::GetFontSize() * 34, io.DisplaySize.x - 40);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.45f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(w, 0), ImGuiCond_Always);  // height: fitted to the text
  ImGui::SetNextWindowFocus();
  ImGui::SetNextWindowBgAlpha(1.0f);
  if (ImGui::Begin("Welcome to embedviz", nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize |
                                                       ImGuiWindowFlags_NoSavedSettings)) {
    ui::wrapped_text(ctx_,
                     "A small language model (the MLP of Karpathy's makemore lectures, after Bengio et al. 2003) "
                     "learns to spell words, and you watch what it learns.");
    ImGui::Spacing();
    ui::wrapped_text(ctx_,
                     "What you see. In the middle, every token's row of the embedding table C as a point. On the "
                     "right, the loss, with two dashed landmarks: a uniform guess (ln V) and a counting bigram "
                     "model. Below it, the Tools: one-hot versus lookup, the step inspector and more.");
    ImGui::Spacing();
    ui::wrapped_text(ctx_,
                     "What to press. Play (space) trains; Step (S) makes one SGD update and shows it in the Step "
                     "tab, with arrows on the points; Reset (R) starts again. Hover any control to see what it "
                     "does.");
    ImGui::Spacing();
    ui::wrapped_text(ctx_,
                     "The lessons (the Lessons menu, or the Lessons tab): 2-D embeddings, the lecture's run, a "
                     "toy lesson that works one-hot times C by hand, and words: Bengio et al.'s model on WordNet.");
    ImGui::Spacing();
    ImGui::Checkbox("Don't show this again", &welcome_for_good_);
    ctx_.record_item("Don't show this again");
    ui::tooltip("Help > Welcome shows it again.");
    if (ui::button(ctx_, "Start") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      show_welcome_ = false;
      if (welcome_for_good_ && !welcome_seen_file_.empty()) std::ofstream(welcome_seen_file_) << "dismissed\n";
    }
  }
  ImGui::End();
}

// The embedding view of the step the timeline bar under it chose.
void App::embeddings_window() {
  if (ImGui::Begin("Embeddings", nullptr, kPanelFlags)) {
    record_window(ctx_);
    // --film-play: the next kept step every frame, from the first to the latest, over and over.
    if (const int n = snap_->timeline ? int(snap_->timeline->size()) : 0; film_play_ && n > 1)
      ui::show_frame(timeline_, timeline_.live ? 0 : (timeline_.frame + 1) % n);
    const SnapshotPtr view = ui::timeline_view(snap_, timeline_, ImGui::GetIO().DeltaTime);
    shown_view_ = view;
    embedding_.replay = !timeline_.live;
    embedding_.ghost.tables = timeline_.pinned_tables;
    embedding_.ghost.step = timeline_.pinned;
    embedding_.reserve_below = ui::timeline_bar_height();
    ui::draw_embedding_panel(*view, ctx_, embedding_);
    ui::draw_timeline_bar(*snap_, ctx_, timeline_);
  }
  ImGui::End();
}

void App::start_film(const FilmSettings& f) {
  film_ = std::make_unique<FilmJob>(f, snap_, embedding_, "");
  error_.clear();
}

// File > Export animation: the film's size, speed and steps, then its file.
void App::film_window() {
  if (!show_film_window_ || !snap_->ready()) return;
  ImGui::SetNextWindowBgAlpha(1.0f);  // over the panels, which draw no background of their own
  if (ImGui::Begin("Export animation", &show_film_window_, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    FilmSettings& f = film_settings_;
    const TimelineFrames& tl = *snap_->timeline;
    const int last = tl.empty() ? 0 : int(std::min<std::int64_t>(tl.back().step, INT32_MAX));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    ImGui::InputInt2("size (pixels)", &f.width);
    f.width = std::clamp(f.width, 64, 4096), f.height = std::clamp(f.height, 64, 4096);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    float fps = float(f.fps);
    if (ImGui::SliderFloat("frames per second", &fps, 1, 50, "%.0f")) f.fps = fps;
    int range[2] = {int(std::min<std::int64_t>(f.from, last)), f.to < 0 ? last : int(std::min<std::int64_t>(f.to, last))};
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    if (ImGui::SliderInt2("steps", range, 0, last)) f.from = std::min(range[0], range[1]), f.to = std::max(range[0], range[1]);
    ui::tooltip("The first and the last step filmed: every step the timeline kept between them is a frame.");
    ImGui::Checkbox("PNG frames too", &film_pngs_);
    ui::tooltip("A folder of frame-0000.png, ... beside the GIF, named after it.");
    ImGui::BeginDisabled(film_ != nullptr);
    if (ui::button(ctx_, "Export...")) ask(FileAction::ExportAnimation);
    ImGui::EndDisabled();
  }
  ImGui::End();
}

// A film being made: a few frames each UI frame, its progress, Cancel.
void App::film_progress() {
  if (!film_) return;
  const bool more = film_->work(6.0);
  if (!more && film_->finished()) {
    const std::string err = film_->error();
    if (!err.empty()) error_ = err;
    else ctx_.notice = "Exported " + std::to_string(film_->done()) + " frames to " + ev::shown(film_->settings().gif);
    film_.reset();
    return;
  }
  ImGui::SetNextWindowBgAlpha(1.0f);
  if (ImGui::Begin("Export animation", nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::ProgressBar(float(film_->done()) / float(std::max(film_->total(), 1)), ImVec2(ImGui::GetFontSize() * 20, 0),
                       (std::to_string(film_->done()) + " of " + std::to_string(film_->total()) + " frames").c_str());
    if (ui::button(ctx_, "Cancel")) {
      film_.reset();  // at once: the encoder ends the frame it is in on its own thread; the GIF is not written
      ctx_.notice = "The animation was cancelled: no GIF was written (frames already saved stay in their folder).";
    }
  }
  ImGui::End();
}

void App::frame(float frame_ms, float fps) {
  // Once per frame: every panel shows the same step of each run.
  join_retired();
  snaps_.clear();
  for (const auto& r : runs_) snaps_.push_back(r->snapshot());
  snap_ = snaps_.front();
  if (!ready_ && (snap_->ready() || snap_->failed)) on_ready();
  const Snapshot& s = *snap_;
  ctx_.frame_ms = frame_ms;
  ctx_.fps = fps;
  ctx_.hovered_token = -1;
  ctx_.item_rects.clear();  // only what this frame draws can be clicked
  ctx_.clipped.clear();

  shortcuts();
  menu_bar();
  layout_windows();

  const ImGuiWindowFlags flags = kPanelFlags;
  if (ImGui::Begin("Controls", nullptr, flags)) {
    if (!error_.empty()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", error_.c_str());
      ImGui::PopTextWrapPos();
      if (ImGui::SmallButton("Dismiss")) error_.clear();
      ctx_.record_item("Dismiss");
      ImGui::Separator();
    }
    ui::draw_controls_panel(s, ctx_, controls_);
  }
  ImGui::End();
  embeddings_window();
  if (ImGui::Begin("Loss", nullptr, flags)) {
    record_window(ctx_);
    ui::draw_loss_panel(snaps_, ctx_, loss_);
  }
  ImGui::End();
  update_experiments();
  tools_window();
  welcome_window();
  film_window();
  film_progress();
  if (ImGui::Begin("Status", nullptr, kStatusFlags))
    ui::draw_status_line(s, ctx_);
  ImGui::End();
  ui::check_windows(ctx_);
}

}  // namespace ev::app
