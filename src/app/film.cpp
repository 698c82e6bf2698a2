// film.cpp: rendering timeline frames offscreen, and encoding them on a thread.
#include "app/film.h"

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/app.h"  // clear_color, setup_fonts_and_style
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "ui/timeline_panel.h"

namespace ev::app {

namespace {

// Makes a context current for a scope, and the one before it again after.
class ContextScope {
 public:
  explicit ContextScope(ImGuiContext* c) : prev_(ImGui::GetCurrentContext()) { ImGui::SetCurrentContext(c); }
  ~ContextScope() { ImGui::SetCurrentContext(prev_); }
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  ImGuiContext* prev_;
};

gfx::Rgb rgb_of(ImU32 c) { return {std::uint8_t(c & 0xFF), std::uint8_t((c >> 8) & 0xFF), std::uint8_t((c >> 16) & 0xFF)}; }

std::string caption(const Snapshot& s) {
  char buf[96];
  if (std::isfinite(s.smooth_loss))
    std::snprintf(buf, sizeof buf, "step %lld   loss %.3f", static_cast<long long>(s.step), double(s.smooth_loss));
  else
    std::snprintf(buf, sizeof buf, "step %lld", static_cast<long long>(s.step));
  return buf;
}

}  // namespace

std::string frames_dir_for(const std::string& gif) {
  const std::filesystem::path p(gif);
  return (p.parent_path() / (p.stem().string() + "-frames")).string();
}

void check_film(const FilmSettings& f, const std::string& flag) {
  if (f.width < 64 || f.height < 64 || f.width > 4096 || f.height > 4096)
    throw Error("a film's frames are 64 to 4096 pixels on a side, not " + std::to_string(f.width) + "x" +
                std::to_string(f.height));
  if (!(f.fps >= 1 && f.fps <= 50)) throw Error("a film plays at 1 to 50 frames per second");
  std::vector<Output> out;
  if (!f.gif.empty()) out.push_back({flag, f.gif, false});
  if (!f.png_dir.empty()) out.push_back({flag, f.png_dir + "/frame-0000.png", true});
  if (out.empty()) throw Error("a film needs a GIF file or a folder for its frames");
  check_outputs(out, {});
}

FilmRenderer::FilmRenderer(int width, int height, const ui::EmbeddingPanelState& like) : w_(width), h_(height) {
  imgui_ = ImGui::CreateContext();
  const ContextScope scope(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(float(w_), float(h_));
  setup_fonts_and_style(std::clamp(float(std::min(w_, h_)) / 800.0f, 0.75f, 3.0f));
  ImGui_ImplOpenGL3_Init("#version 330 core");
  use_pixel_exact_font_sampling();
  view_.projection = like.projection;
  view_.dim_x = like.dim_x;
  view_.dim_y = like.dim_y;
  view_.show_labels = like.show_labels;
  view_.show_positions = like.show_positions;
  view_.plot.equal_aspect = like.plot.equal_aspect;
  view_.show_trails = false;
  view_.replay = true;
  view_.film = true;
  view_.layer_from = INT_MAX;  // every point drawn in every frame, none left for a later one
}

FilmRenderer::~FilmRenderer() {
  const ContextScope scope(imgui_);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::SetCurrentContext(nullptr);
  ImGui::DestroyContext(imgui_);
}

SnapshotPtr FilmRenderer::frame_view(const SnapshotPtr& live, int frame) {
  return ui::frame_snapshot(*live, (*live->timeline)[std::size_t(frame)], ++versions_);
}

void FilmRenderer::prepare(const SnapshotPtr& live, const std::vector<int>& frames) {
  if (frames.empty()) return;
  // The basis of the last frame, where the classes have formed, held for all.
  ui::update_projection(*frame_view(live, frames.back()), view_);
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (int k : frames) {
    ui::update_projection(*frame_view(live, k), view_);
    for (std::size_t i = 0; i < view_.xy.size() / 2; ++i) {
      if (!ui::finite_point(view_.xy, i)) continue;
      x0 = std::min(x0, double(view_.xy[2 * i])), x1 = std::max(x1, double(view_.xy[2 * i]));
      y0 = std::min(y0, double(view_.xy[2 * i + 1])), y1 = std::max(y1, double(view_.xy[2 * i + 1]));
    }
  }
  if (x0 > x1) return;  // nothing finite: the plot fits as it can
  const double mx = 0.06 * std::max(x1 - x0, 1e-6), my = 0.06 * std::max(y1 - y0, 1e-6);
  view_.plot.x0 = x0 - mx, view_.plot.x1 = x1 + mx, view_.plot.y0 = y0 - my, view_.plot.y1 = y1 + my;
  view_.plot.auto_fit = false;
}

gfx::Image FilmRenderer::render(const SnapshotPtr& live, int frame) {
  const SnapshotPtr s = frame_view(live, frame);
  const gfx::KeepFramebuffer keep;
  const ContextScope scope(imgui_);
  ui::UiContext ctx;
  // The first frame twice: the legend's band is measured by the frame before.
  for (int pass = 0; pass < (first_ ? 2 : 1); ++pass) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(w_), float(h_));
    io.DeltaTime = 1.0f / 30.0f;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(float(w_), float(h_)));
    ImGui::Begin("film", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove);
    ImGui::TextUnformatted(caption(*s).c_str());
    ui::draw_embedding_panel(*s, ctx, view_);
    ImGui::End();
    ImGui::Render();
    target_.bind(w_, h_);
    gfx::clear_framebuffer(w_, h_, clear_color().data());
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }
  first_ = false;
  return gfx::read_pixels(w_, h_);
}

struct FilmJob::Encoder {
  FilmSettings f;
  std::vector<gfx::Rgb> exact;  // colours the GIF's palette holds exactly
  std::mutex mu;
  std::condition_variable cv;
  std::deque<gfx::Image> queue;  // rendered, not yet encoded
  bool no_more = false;
  std::string error;
  std::atomic<bool> cancelled{false}, finished{false};
  std::atomic<int> encoded{0};
};

FilmJob::FilmJob(const FilmSettings& f, const SnapshotPtr& live, const ui::EmbeddingPanelState& like,
                 const std::string& flag)
    : f_(f), live_(live), enc_(std::make_shared<Encoder>()) {
  check_film(f_, flag);
  const TimelineFrames& tl = *live_->timeline;
  if (!f_.steps.empty()) {
    for (std::int64_t s : f_.steps) frames_.push_back(frame_at(tl, s));
  } else {
    for (std::size_t i = 0; i < tl.size(); ++i)
      if (tl[i].step >= f_.from && (f_.to < 0 || tl[i].step <= f_.to)) frames_.push_back(int(i));
  }
  frames_.erase(std::remove(frames_.begin(), frames_.end(), -1), frames_.end());
  if (frames_.empty()) throw Error("the timeline keeps no step in that range");
  enc_->f = f_;
  for (int c = 0; c < int(ui::TokenClass::kCount); ++c) enc_->exact.push_back(rgb_of(ui::class_colour(ui::TokenClass(c))));
  const auto bg = clear_color();
  enc_->exact.push_back({std::uint8_t(std::lround(bg[0] * 255)), std::uint8_t(std::lround(bg[1] * 255)),
                         std::uint8_t(std::lround(bg[2] * 255))});
  renderer_ = std::make_unique<FilmRenderer>(f_.width, f_.height, like);
  renderer_->prepare(live_, frames_);
  encoder_ = std::thread([e = enc_] { encode(e); });
}

FilmJob::~FilmJob() {
  cancel();
  // A finished encoder is joined; one still in a frame ends it on its own
  // thread, which holds everything it uses (enc_), and stops there.
  if (enc_->finished) encoder_.join();
  else encoder_.detach();
}

void FilmJob::cancel() {
  {
    std::lock_guard<std::mutex> lk(enc_->mu);
    enc_->cancelled = true;
  }
  enc_->cv.notify_all();
}

int FilmJob::done() const { return enc_->encoded.load(); }
bool FilmJob::finished() const { return enc_->finished.load(); }

int FilmJob::queued() const {
  std::lock_guard<std::mutex> lk(enc_->mu);
  return int(enc_->queue.size());
}

std::string FilmJob::error() const {
  std::lock_guard<std::mutex> lk(enc_->mu);
  return enc_->error;
}

bool FilmJob::work(double budget_ms, bool wait) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  constexpr std::size_t kQueued = 4;  // frames waiting for the encoder, at most
  Encoder& e = *enc_;
  while (next_ < total() && !e.cancelled) {
    {
      std::unique_lock<std::mutex> lk(e.mu);
      if (e.queue.size() >= kQueued) {
        if (!wait) return true;
        e.cv.wait(lk, [&] { return e.queue.size() < kQueued || e.cancelled || e.finished; });
        if (e.finished) break;  // the encoder stopped on an error
      }
    }
    gfx::Image img = renderer_->render(live_, frames_[std::size_t(next_++)]);
    {
      std::lock_guard<std::mutex> lk(e.mu);
      e.queue.push_back(std::move(img));
    }
    e.cv.notify_all();
    if (std::chrono::duration<double, std::milli>(clock::now() - start).count() >= budget_ms) break;
  }
  if (next_ < total() && !e.cancelled && !e.finished) return true;
  {
    std::lock_guard<std::mutex> lk(e.mu);
    e.no_more = true;
  }
  e.cv.notify_all();
  return false;
}

void FilmJob::wait() {
  std::unique_lock<std::mutex> lk(enc_->mu);
  enc_->cv.wait(lk, [&] { return enc_->finished.load(); });
}

void FilmJob::encode(const std::shared_ptr<Encoder>& ep) {
  Encoder& e = *ep;
  const FilmSettings& f = e.f;
  try {
    std::unique_ptr<gfx::GifWriter> gif;
    if (!f.gif.empty()) gif = std::make_unique<gfx::GifWriter>(f.width, f.height, f.fps, e.exact);
    if (!f.png_dir.empty()) std::filesystem::create_directories(f.png_dir);
    for (int n = 0;; ++n) {
      gfx::Image img;
      {
        std::unique_lock<std::mutex> lk(e.mu);
        e.cv.wait(lk, [&] { return !e.queue.empty() || e.no_more || e.cancelled; });
        if (e.cancelled || e.queue.empty()) break;
        img = std::move(e.queue.front());
        e.queue.pop_front();
      }
      e.cv.notify_all();
      if (gif) gif->add(img);
      if (!f.png_dir.empty()) {
        char name[32];
        std::snprintf(name, sizeof name, "/frame-%04d.png", n);
        gfx::write_png(img, f.png_dir + name);
      }
      e.encoded.fetch_add(1);
    }
    // Written whole or not at all (atomically); a Cancel during the write takes it away again.
    if (gif && !e.cancelled) {
      gif->finish(f.gif);
      std::error_code ignored;
      if (e.cancelled) std::filesystem::remove(f.gif, ignored);
    }
  } catch (const std::exception& ex) {
    std::lock_guard<std::mutex> lk(e.mu);
    e.error = ex.what();
  }
  {
    std::lock_guard<std::mutex> lk(e.mu);
    e.finished = true;
  }
  e.cv.notify_all();
}

}  // namespace ev::app
