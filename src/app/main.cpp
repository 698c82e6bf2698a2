// main.cpp: embedviz, the desktop app. Parses the flags, opens a window (GLFW)
// or a headless context, and runs the frame loop in Dear ImGui's order:
// poll, new frame, build the UI, render, swap; cleanup in reverse.
#include "gfx/gl.h"  // before GLFW, which must not include a GL header of its own
#define GLFW_INCLUDE_NONE
#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app/draw_frame.h"
#include "app/key_taps.h"
#include "app/window_input.h"
#include "core/io/session.h"
#include "app/headless_ui.h"
#include "cli/flags.h"
#include "cli/validators.h"
#include "core/base/atomic_file.h"  // write_file_atomic, same_file
#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/base/files.h"
#include "core/base/priority.h"
#include "gfx/render_target.h"

namespace {

using ev::app::AppOptions;

// Frame times and training progress, for --stats. A frame's time is the work
// of making it: events, UI, rendering (waited for) and presenting. The
// interval between frames also holds the wait for the next refresh.
struct Stats {
  std::vector<double> frame_ms, interval_ms;
  // The frame's phases, where they are timed (the window): events and UI,
  // rasterising (waited for with glFinish) and presenting (the swap).
  std::vector<double> ui_ms, render_ms, present_ms;
  // The embedding view's cached point layer: CPU time rasterising and
  // uploading in each frame (0 where it only showed its image), passes completed.
  std::vector<double> layer_ms;
  std::vector<double> redrawn;  // the share of the window drawn again each frame
  std::size_t layer_passes = 0;
  std::int64_t first_step = 0, last_step = 0;
  double first_step_s = 0;        // when first_step was seen (a session loaded later restarts the count)
  std::uint64_t restarts = 0;     // the run first_step belongs to
  std::string model, optimizer;   // the family trained and its optimizer
  nlohmann::json experiment = nlohmann::json::array();  // the experiment's runs at the end (--sweep)
  double seconds = 0;
  double fps_limit = 0;
  // A t-SNE or UMAP map in the view: when its first layout was drawn, and how
  // many new layouts were drawn from then on.
  double map_first_s = -1, map_last_s = -1;
  int map_layouts = 0;
  const void* map_seen = nullptr;
  std::int64_t film_frames = -1;  // --film-play: the timeline's frames drawn (-1: not asked)

  static double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
  }
  void write(const std::string& path, int w, int h) const {
    nlohmann::json j = {{"frames", frame_ms.size()},
                        {"width", w},
                        {"height", h},
                        {"frame_ms_p50", pct(frame_ms, 0.50)},
                        {"frame_ms_p95", pct(frame_ms, 0.95)},
                        {"frame_ms_max", pct(frame_ms, 1.0)},
                        {"frame_interval_ms_p50", pct(interval_ms, 0.50)},
                        {"frame_interval_ms_p95", pct(interval_ms, 0.95)},
                        {"fps", seconds > 0 ? double(frame_ms.size()) / seconds : 0.0},
                        {"fps_limit", fps_limit},
                        {"model", model},
                        {"optimizer", optimizer},
                        {"train_steps", last_step},
                        {"train_steps_per_s",
                         seconds > first_step_s ? double(last_step - first_step) / (seconds - first_step_s) : 0.0}};
    if (!experiment.empty()) j["experiment"] = experiment;
    if (film_frames >= 0) j["film_frames_shown"] = film_frames;
    if (map_first_s >= 0) {
      j["map_first_layout_s"] = map_first_s;
      j["map_layouts"] = map_layouts;
      j["map_layouts_per_s"] = map_last_s > map_first_s ? double(map_layouts - 1) / (map_last_s - map_first_s) : 0.0;
    }
    if (!ui_ms.empty()) {
      j["ui_ms_p50"] = pct(ui_ms, 0.50);
      j["ui_ms_p95"] = pct(ui_ms, 0.95);
      j["render_ms_p50"] = pct(render_ms, 0.50);
      j["render_ms_p95"] = pct(render_ms, 0.95);
      j["present_ms_p50"] = pct(present_ms, 0.50);
      j["present_ms_p95"] = pct(present_ms, 0.95);
      j["redrawn_p50"] = pct(redrawn, 0.50);
      j["redrawn_p95"] = pct(redrawn, 0.95);
      j["layer_ms_p50"] = pct(layer_ms, 0.50);
      j["layer_ms_p95"] = pct(layer_ms, 0.95);
      j["layer_passes_per_s"] = seconds > 0 ? double(layer_passes) / seconds : 0.0;
    }
    ev::write_file_atomic(path, j.dump(2) + "\n");
  }
  // The run as a frame at `t` seconds finds it: a run that restarted (a
  // session or data loaded after the start) counts its steps from here.
  void note_run(ev::app::App& app, double t) {
    const auto snap = app.trainer().snapshot();
    if (model.empty() || snap->restarts != restarts) {
      restarts = snap->restarts;
      first_step = snap->step;
      first_step_s = t;
    }
    last_step = snap->step;
    model = snap->spec.family;
    optimizer = snap->config.optimizer;
  }
  // --film-play times scrubbing: a frame that showed the run now (a session
  // still loading, a timeline of one step) is taken out again.
  void uncount_last_frame() {
    frame_ms.pop_back();
    interval_ms.pop_back();
    if (ui_ms.empty()) return;
    ui_ms.pop_back();
    render_ms.pop_back();
    present_ms.pop_back();
  }
  // A frame drawn at `t` seconds: did it show a new layout of the map?
  void note_map(const ev::app::App& app, double t) {
    const auto& f = app.embedding_view().map.frame;
    if (!f || f->xy.empty() || f.get() == map_seen) return;
    map_seen = f.get();
    if (map_first_s < 0) map_first_s = t;
    map_last_s = t;
    ++map_layouts;
  }
  // The experiment's results table as it stands.
  void note_experiment(ev::app::App& app) {
    const auto& runner = app.experiments().runner;
    const auto rows = runner.results();
    for (std::size_t i = 0; i < rows.size(); ++i)
      experiment.push_back({{"value", rows[i].value},
                            {"state", ev::state_name(runner.entries()[i].state)},
                            {"steps", rows[i].steps},
                            {"val_loss", rows[i].val},
                            {"val_top1", rows[i].accuracy}});
  }
};

// Where the window layout is kept: $XDG_CONFIG_HOME/embedviz or ~/.config/embedviz.
std::string layout_file(const char* name = "layout.ini") {
  const std::string dir = ev::config_dir();
  if (dir.empty()) return "";
  try {
    ev::make_dirs(dir);
  } catch (const ev::Error&) {
    return "";
  }
  return dir + "/" + name;
}

ev::app::App* g_app = nullptr;  // for GLFW's drop and key callbacks

// Every press reaches the app, however short: a presenter's clicker taps keys
// for less than a frame, which polling the key state once a frame would miss.
// ImGui's GLFW backend, installed after this, calls it before its own.
ev::app::KeyTaps g_taps;  // keys pressed and released within one poll

void on_key(GLFWwindow*, int key, int, int action, int mods) {
  if (action == GLFW_PRESS) g_taps.press(key);
  if (action == GLFW_RELEASE) g_taps.release(key);
  if (g_app && (action == GLFW_PRESS || action == GLFW_REPEAT))
    g_app->key_event(key, action == GLFW_REPEAT, (mods & GLFW_MOD_CONTROL) != 0, (mods & GLFW_MOD_ALT) != 0);
}

void on_drop(GLFWwindow*, int count, const char** paths) {
  if (g_app && count > 0) g_app->train_on_dropped(paths[0]);
}

// True once training has reached --steps.
bool reached(ev::app::App& app, const AppOptions& o) {
  if (o.steps >= 0 && app.trainer().snapshot()->step >= o.steps) return true;
  // Headless, an experiment asked for by --sweep ends the run when it ends (or fails to start).
  const auto& ex = app.experiments();
  return o.headless && !o.sweep.empty() && (!ex.error.empty() || (!ex.runner.entries().empty() && !ex.runner.active()));
}

// What --record films: the window's size, the run's steps up to --steps.
ev::app::FilmSettings record_settings(const AppOptions& o) {
  ev::app::FilmSettings f;
  f.width = o.width;
  f.height = o.height;
  f.gif = o.record;
  f.steps = ev::film_steps(o.steps, o.record_frames);
  return f;
}

// Films the run's timeline as --record asks, once training reached --steps.
void record(ev::app::HeadlessUi& ui, const AppOptions& o) {
  ui.app().trainer().post(ev::cmd::Play{false});  // the renderer gets the cores
  ev::app::FilmJob job(record_settings(o), ui.app().trainer().snapshot(), ui.app().embedding_view(), "--record");
  while (job.work(1e9, true)) {
  }
  job.wait();
  if (!job.error().empty()) throw ev::Error(job.error());
}

// Checks that need more than one option, and --size's exact form.
void check_options(AppOptions& o, const std::string& size) {
  int used = 0;
  if (std::sscanf(size.c_str(), "%dx%d%n", &o.width, &o.height, &used) != 2 || std::size_t(used) != size.size() ||
      o.width < 200 || o.height < 150 || o.width > 16384 || o.height > 16384)
    throw CLI::ValidationError("--size", "expected WIDTHxHEIGHT between 200x150 and 16384x16384, got " + size);
  if (o.frames == 0 && !o.screenshot.empty())
    throw CLI::ValidationError("--screenshot", "--frames 0 draws no frame to save");
  if (!o.session.empty()) {
    try {
      ev::load_session(o.session);  // a bad file is refused before any window opens
    } catch (const ev::Error& e) {
      throw CLI::ValidationError("--session", e.what());
    }
  }
  // Nothing else would start training in a headless run: it would never end.
  if (o.headless && o.steps >= 0 && !o.play)
    throw CLI::ValidationError("--steps", "a headless run reaches --steps only with --play");
  // --screenshot and --stats are written at the end: whatever would stop them
  // is found before the window opens or a step trains.
  std::vector<ev::Output> out;
  if (!o.record.empty()) {
    if (!o.headless) throw CLI::ValidationError("--record", "records headless only (in the window: File > Export animation)");
    if (o.steps < 0 || !o.play)
      throw CLI::ValidationError("--record", "needs --play and --steps: its frames are spread over the run's steps");
    try {
      ev::app::check_film(record_settings(o), "--record");
    } catch (const ev::Error& e) {
      throw CLI::ValidationError(e.what());
    }
    out.push_back({"--record", o.record, false});
  }
  if (!o.screenshot.empty()) out.push_back({"--screenshot", o.screenshot, false});
  if (!o.stats.empty()) out.push_back({"--stats", o.stats, false});
  try {
    ev::check_outputs(out, {{o.data, "the training data", ""}, {o.session, "the session being opened", ""}});
  } catch (const ev::Error& e) {
    throw CLI::ValidationError(e.what());
  }
}

// Waits for a frame's turn at `fps` frames a second (0: none); a stall
// starts the count again rather than rushing the frames after it.
struct Pacer {
  using clock = std::chrono::steady_clock;
  clock::duration period{};
  clock::time_point next = clock::now();
  explicit Pacer(double fps)
      : period(std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(fps > 0 ? 1.0 / fps : 0.0))) {}
  void wait() {
    if (period.count() == 0) return;
    next += period;
    const auto now = clock::now();
    if (next > now)
      std::this_thread::sleep_until(next);
    else if (now - next > period)
      next = now;
  }
};

int run_headless(const AppOptions& o) {
  ev::app::HeadlessUi ui(o);
  // A script's frames start with the run made, as its flags expect; data that
  // could not be read is its one-line error, before any frame or step.
  ui.wait_ready(std::chrono::hours(24));
  if (const auto s = ui.app().trainer().snapshot(); s->failed) throw ev::Error(s->message);
  Stats st;
  // Without --frames: 60 frames, or until --steps is reached. Headless has no
  // display to wait for: frames follow one another unless --fps paces them.
  const int frames = o.frames >= 0 ? o.frames : o.steps >= 0 || !o.sweep.empty() ? 1 << 30 : 60;
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  Pacer pacer(std::max(0.0, o.fps));
  st.fps_limit = std::max(0.0, o.fps);
  auto prev = t0;
  const auto seconds_since = [&](clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); };
  st.note_run(ui.app(), 0.0);
  // The last frame is drawn after the step --steps asks for, so a
  // screenshot shows it.
  bool last = false;
  for (int i = 0; i < frames && !last; ++i) {
    last = ui.app().quit_requested() || reached(ui.app(), o);
    pacer.wait();
    const auto start = clock::now();
    ui.frame(st.frame_ms.empty() ? 1.0f / 60 : float(st.frame_ms.back() / 1000.0));
    ev::gfx::finish();  // count the GPU's (llvmpipe's) work in the frame time
    const auto now = clock::now();
    st.note_run(ui.app(), seconds_since(now));
    st.note_map(ui.app(), seconds_since(now));
    st.frame_ms.push_back(std::chrono::duration<double, std::milli>(now - start).count());
    st.interval_ms.push_back(std::chrono::duration<double, std::milli>(now - prev).count());
    if (o.film_play && ui.app().timeline().live) st.uncount_last_frame();
    prev = now;
  }
  st.seconds = seconds_since(clock::now());
  st.note_experiment(ui.app());
  if (o.film_play) st.film_frames = std::int64_t(ui.app().timeline().views);
  if (!o.screenshot.empty()) ev::gfx::write_png(ui.pixels(), o.screenshot);
  if (!o.stats.empty()) st.write(o.stats, o.width, o.height);
  // An experiment --sweep asked for that could not start: said where a script sees it.
  if (const std::string& why = ui.app().experiments().error; !o.sweep.empty() && !why.empty()) {
    std::fprintf(stderr, "embedviz: the experiment did not start: %s\n", why.c_str());
    return 1;
  }
  if (!o.record.empty()) record(ui, o);
  return 0;
}

// GLFW with one OpenGL 3.3 core window, made current and loaded; the window
// and GLFW go when this does, a throw included.
struct GlfwWindow {
  GLFWwindow* window = nullptr;

  explicit GlfwWindow(const AppOptions& o) {
    glfwSetErrorCallback([](int, const char* d) { std::fprintf(stderr, "embedviz: GLFW: %s\n", d); });
    if (!glfwInit()) throw ev::Error("cannot open a window (no display?); try --headless");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    // Everything is drawn in 2-D, in order: no depth or stencil buffer (6.4 MB
    // less at 1600x1000, and less for a software renderer to keep).
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    window = glfwCreateWindow(o.width, o.height, "embedviz", nullptr, nullptr);
    if (!window) {
      glfwTerminate();
      throw ev::Error("cannot create an OpenGL 3.3 window; try --headless");
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    if (ev::gfx::load_gl(reinterpret_cast<ev::gfx::GlLoadFn>(&glfwGetProcAddress)) < 33) {
      glfwDestroyWindow(window);
      glfwTerminate();
      throw ev::Error("OpenGL 3.3 is not available");
    }
  }
  ~GlfwWindow() {
    if (window) glfwDestroyWindow(window);
    window = nullptr;
    glfwTerminate();
  }
  GlfwWindow(const GlfwWindow&) = delete;
  GlfwWindow& operator=(const GlfwWindow&) = delete;
};

// Dear ImGui on that window: the context, the layout file, the fonts and the
// two backends, shut down in reverse when this goes.
struct ImGuiOnWindow {
  std::unique_ptr<ev::app::WindowInput> input;  // the frames' input, from GLFW's events

  explicit ImGuiOnWindow(GLFWwindow* window) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    static std::string ini;  // ImGui keeps the pointer
    ini = layout_file();
    io.IniFilename = ini.empty() ? nullptr : ini.c_str();
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    ev::app::setup_fonts_and_style(std::max(1.0f, std::max(sx, sy)));
    glfwSetKeyCallback(window, on_key);
    input = std::make_unique<ev::app::WindowInput>(window);  // its callbacks before the backend's, which call them
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    ev::app::use_pixel_exact_font_sampling();
  }
  ~ImGuiOnWindow() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    input.reset();
    ImGui::DestroyContext();
  }
  ImGuiOnWindow(const ImGuiOnWindow&) = delete;
  ImGuiOnWindow& operator=(const ImGuiOnWindow&) = delete;
};

// Frames are paced to the display's refresh rate. Swapping on the vertical
// blank does that where the driver supports it; where it does not (a
// virtual display, some software renderers) the loop sleeps instead, so the
// UI never makes frames nobody sees with the trainer's CPU time.
double frame_rate(const AppOptions& o) {
  if (o.fps >= 0) return o.fps;
  const GLFWvidmode* mode = glfwGetPrimaryMonitor() ? glfwGetVideoMode(glfwGetPrimaryMonitor()) : nullptr;
  return mode && mode->refreshRate >= 30 ? mode->refreshRate : 60;
}

// Drawing only what changed needs the last frame still in the back buffer:
// a software GL (Mesa's llvmpipe, softpipe, swrast) keeps it, and the frame
// mark checks it every frame. A GPU driver's swap does not, and reading a
// pixel back there would stall it: those draw every frame whole.
struct WindowRedraw {
  ev::ui::Redraw redraw;
  ev::gfx::FrameMark mark;
  bool partial = false;
  explicit WindowRedraw(const AppOptions& o) {
    const char* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    const std::string renderer = r ? r : "";
    partial = !o.full_redraw && (renderer.find("llvmpipe") != std::string::npos ||
                                 renderer.find("softpipe") != std::string::npos ||
                                 renderer.find("swrast") != std::string::npos);
  }
};

// Draws the frame ImGui built into the window's framebuffer, and saves the
// pictures asked for (the app's, and --screenshot's on the last frame).
// Returns the share of the window redrawn.
double render_frame(const ev::app::WindowInput& input, ev::app::App& app, const AppOptions& o, bool last,
                    WindowRedraw& wr) {
  const int fw = input.framebuffer_width(), fh = input.framebuffer_height();
  const bool kept = wr.partial && wr.mark.holds_last(fw, fh);
  const double redrawn = ev::app::draw_frame(wr.redraw, kept, fw, fh).fraction;
  if (const std::string png = app.take_screenshot_request(); !png.empty()) {
    try {
      ev::gfx::write_png(ev::gfx::read_pixels(fw, fh), png);
      app.context().notice = "Saved a picture of the window to " + png;
    } catch (const ev::Error& e) {
      app.set_error(e.what());
    }
  }
  if (last && !o.screenshot.empty()) ev::gfx::write_png(ev::gfx::read_pixels(fw, fh), o.screenshot);
  if (wr.partial) wr.mark.stamp(fw, fh);
  return redrawn;
}

// The frame loop, in Dear ImGui's order, until the window closes or the run
// reaches what the flags ask; the frame times in `st`.
void frame_loop(GLFWwindow* window, ev::app::WindowInput& input, const AppOptions& o, double fps, Stats& st) {
  ImGuiIO& io = ImGui::GetIO();
  ev::app::App app(o);
  // A start-up error is said on the terminal too: a file that cannot be opened
  // at once, one that cannot be read once the run is made.
  std::string said = app.error();
  bool ready = false;
  if (!said.empty()) std::fprintf(stderr, "embedviz: %s\n", said.c_str());  // also in the window
  g_app = &app;
  glfwSetDropCallback(window, on_drop);
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto prev = t0;
  Pacer pacer(fps);
  WindowRedraw wr(o);
  st.fps_limit = fps;
  st.note_run(app, 0.0);
  float last_ms = 16.7f, last_fps = 0;
  for (int frame = 0;; ++frame) {
    // The last frame (drawn, and saved with --screenshot): the one --frames or
    // --steps asks for, or the first after a request to close.
    const bool last = glfwWindowShouldClose(window) || app.quit_requested() || reached(app, o) ||
                      (o.frames >= 0 && frame + 1 >= o.frames);
    // wait for the frame's turn, poll, new frame, build the UI, render, swap
    pacer.wait();
    const auto start = clock::now();
    glfwPollEvents();
    g_taps.begin_frame(io.KeysDown, IM_ARRAYSIZE(io.KeysDown));
    ImGui_ImplOpenGL3_NewFrame();
    input.new_frame();  // in place of ImGui_ImplGlfw_NewFrame, which asks the window system
    ImGui::NewFrame();
    app.frame(last_ms, last_fps);
    if (!ready && (ready = app.ready()) && app.error() != said && !app.error().empty())
      std::fprintf(stderr, "embedviz: %s\n", app.error().c_str());
    st.note_run(app, std::chrono::duration<double>(clock::now() - t0).count());
    st.note_map(app, std::chrono::duration<double>(clock::now() - t0).count());
    ImGui::Render();
    g_taps.end_frame(io.KeysDown, IM_ARRAYSIZE(io.KeysDown));
    const auto built = clock::now();
    st.redrawn.push_back(render_frame(input, app, o, last, wr));
    ev::gfx::finish();  // the rendering itself, apart from presenting it
    const auto rendered = clock::now();
    glfwSwapBuffers(window);
    const auto now = clock::now();
    using ms = std::chrono::duration<double, std::milli>;
    st.ui_ms.push_back(ms(built - start).count());
    st.render_ms.push_back(ms(rendered - built).count());
    st.present_ms.push_back(ms(now - rendered).count());
    st.layer_ms.push_back(app.embedding_view().layer.work_ms());
    st.layer_passes = app.embedding_view().layer.passes();
    last_ms = float(ms(now - start).count());
    const double interval = ms(now - prev).count();
    if (interval > 0) last_fps = last_fps > 0 ? 0.9f * last_fps + 0.1f * float(1000.0 / interval) : float(1000.0 / interval);
    st.frame_ms.push_back(last_ms);
    st.interval_ms.push_back(interval);
    if (o.film_play && app.timeline().live) st.uncount_last_frame();
    prev = now;
    if (last) break;
  }
  st.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  st.note_experiment(app);
  if (o.film_play) st.film_frames = std::int64_t(app.timeline().views);
  g_app = nullptr;
}

int run_window(const AppOptions& o) {
  // A window's frames come before the live run's training and its map.
  ev::put_frames_first(true);
  Stats st;
  {
    GlfwWindow glfw(o);
    const double fps = frame_rate(o);
    ImGuiOnWindow imgui(glfw.window);
    try {
      frame_loop(glfw.window, *imgui.input, o, fps, st);  // the app (trainer thread, GL objects) goes before the context
    } catch (...) {
      g_app = nullptr;
      throw;
    }
  }
  if (!o.stats.empty()) st.write(o.stats, o.width, o.height);
  return 0;
}

// The flags for what a run draws and writes: pictures, statistics, the window.
void add_output_flags(CLI::App& cli, AppOptions& o, std::string& size) {
  using ev::cli::finite_range;
  using ev::cli::non_empty_path;
  cli.add_option("--screenshot", o.screenshot, "Save the last frame as a PNG file")->check(non_empty_path());
  cli.add_option("--record", o.record, "Headless: write the run as an animated GIF of the embedding view at "
                                       "--size (needs --play and --steps)")
      ->check(non_empty_path());
  cli.add_option("--record-frames", o.record_frames, "The GIF's frames, spread over the steps up to --steps, "
                                                     "denser at the start (default 200)")
      ->check(CLI::Range(2, 10000));
  cli.add_option("--stats", o.stats, "Write frame times and training speed as JSON")->check(non_empty_path());
  cli.add_flag("--film-play", o.film_play, "Show the next kept step every frame, over and over (--stats: scrubbing's cost)");
  cli.add_option("--size", size, "Window size, WIDTHxHEIGHT (default 1600x1000)");
  cli.add_flag("--headless", o.headless, "No window: render offscreen (EGL surfaceless)");
  cli.add_flag("--full-redraw", o.full_redraw,
               "Draw every frame whole (default on a software GL: only the parts that changed)");
  cli.add_option("--fps", o.fps, "Most frames per second; 0: as many as possible (default: the display's refresh rate)")
      ->check(finite_range(0.0, 1000.0));
}

}  // namespace

int main(int argc, char** argv) {
  AppOptions o;
  std::string size = "1600x1000";
  std::string projection = "auto";
  CLI::App cli{"embedviz: watch a neural network learn embeddings, live."};
  using ev::cli::finite_range;
  using ev::cli::non_empty_path;
  cli.add_option("--data", o.data, "Text file or pipe to train on, one item per line (default: the system word list)")
      ->check(non_empty_path());
  cli.add_option("file", o.data, "The same as --data: how a desktop opens a text file with embedviz (a .evs file: "
                                 "the same as --session)")
      ->check(non_empty_path());
  cli.add_option("--session", o.session, "A saved session to continue at start (as File > Load session; a bad file "
                                         "leaves the default run and says why)")
      ->check(non_empty_path());
  ev::cli::SharedFlags shared;
  ev::cli::add_shared_flags(cli, shared, o.config);
  cli.add_flag("--play", o.play, "Start training at launch");
  cli.add_option("--projection", projection, "The embedding view at start: auto, pca, dims, tsne or umap (t-SNE "
                                             "and UMAP maps are laid out while training goes on)")
      ->check(CLI::IsMember({"auto", "pca", "dims", "tsne", "umap"}));
  cli.add_option("--frames", o.frames, "Quit after this many frames")->check(CLI::Range(0, 100000000));
  cli.add_option("--steps", o.steps, "Quit once training reaches this step (needs --play when headless)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  add_output_flags(cli, o, size);
  cli.add_option("--sweep-steps", o.sweep_steps,
                 "Steps of each of the experiment's runs (default 100000); headless, the app quits when they are done")
      ->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 31));
  try {
    cli.parse(argc, argv);
    // A session opened as a file, as a desktop does with its files.
    if (o.session.empty() && o.data.size() > 4 && o.data.compare(o.data.size() - 4, 4, ".evs") == 0)
      o.session = std::exchange(o.data, std::string());
    check_options(o, size);
    const std::map<std::string, ev::ui::Projection> projections = {
        {"auto", ev::ui::Projection::Auto}, {"pca", ev::ui::Projection::Pca}, {"dims", ev::ui::Projection::Dims},
        {"tsne", ev::ui::Projection::Tsne}, {"umap", ev::ui::Projection::Umap}};
    o.projection = projections.at(projection);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "embedviz: %s\n", ev::shown(e.what()).c_str());
    return 2;
  }
  o.config.lr_decay_step = 100000;
  // The defaults in core's one order: TrainConfig{}, the family's, the word defaults, the flags.
  try {
    ev::cli::resolve_shared_flags(cli, shared, o.config);
  } catch (const ev::Error& e) {
    std::fprintf(stderr, "embedviz: %s\n", ev::shown(e.what()).c_str());
    return 2;
  }
  if (shared.tokenizer == "word") o.tokenizer = ev::Tokenizer::Word;
  o.sweep = shared.sweep;
  if (shared.jobs > 0) o.jobs = shared.jobs;
  // llvmpipe (Mesa's software GL) starts one raster thread per core; on a small
  // machine they would take the trainer's core. This UI rasterises on the
  // thread that draws it: paced frames leave that thread idle between them.
  setenv("LP_NUM_THREADS", "0", 0);
  try {
    // The welcome greets people, not scripted runs (--frames, --steps).
    if (!o.headless && o.frames < 0 && o.steps < 0) o.welcome_seen_file = layout_file("welcome-dismissed");
    o.word_filter_file = layout_file("word-filter.txt");
    return o.headless ? run_headless(o) : run_window(o);
  } catch (...) {
    return ev::report_exception("embedviz");
  }
}
