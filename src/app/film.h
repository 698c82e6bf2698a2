// film.h: the embedding view over the run's timeline as a film. A
// FilmRenderer draws the view of one timeline frame at the film's size with
// an ImGui context and framebuffer of its own, so the window keeps its layout
// and state; the projection is fitted once (to the last frame) and held, and
// the axes fit every frame of the film, so points move and the picture stays
// still. A FilmJob renders the frames a few at a time (on the thread that has
// the GL context) and encodes them on a thread of its own: an animated GIF
// and, if asked, a folder of PNG frames. File > Export animation and
// `embedviz --headless --record` both use them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/live/snapshot.h"
#include "gfx/gif_writer.h"
#include "gfx/render_target.h"
#include "ui/embedding_panel.h"

struct ImGuiContext;

namespace ev::app {

struct FilmSettings {
  int width = 800, height = 800;  // pixels of each frame
  double fps = 20;                // frames per second of film
  std::int64_t from = 0, to = -1;  // the steps filmed (to < 0: the last kept)
  std::vector<std::int64_t> steps;  // exactly these steps (the frame at or before each) instead of every kept one
  std::string gif;                // the animated GIF ("" for none)
  std::string png_dir;            // a folder for frame-0000.png, ... ("" for none)
};

// Checks the settings' sizes and outputs before any work; ev::Error, one line.
void check_film(const FilmSettings& f, const std::string& flag);
// The film's folder of frames for a GIF path: "x/film.gif" -> "x/film-frames".
std::string frames_dir_for(const std::string& gif);

class FilmRenderer {
 public:
  // `like`: the window's view, whose settings (projection, labels, dims) the film takes.
  // A GL context must be current.
  FilmRenderer(int width, int height, const ui::EmbeddingPanelState& like);
  ~FilmRenderer();
  FilmRenderer(const FilmRenderer&) = delete;
  FilmRenderer& operator=(const FilmRenderer&) = delete;

  // Fits the projection and the axes to `frames` of live's timeline.
  void prepare(const SnapshotPtr& live, const std::vector<int>& frames);
  // The view of one timeline frame.
  gfx::Image render(const SnapshotPtr& live, int frame);
  // The view as the last frame drew it (positions, data to pixels).
  const ui::EmbeddingPanelState& view() const { return view_; }

 private:
  SnapshotPtr frame_view(const SnapshotPtr& live, int frame);
  int w_, h_;
  ImGuiContext* imgui_ = nullptr;
  ui::EmbeddingPanelState view_;
  gfx::RenderTarget target_;
  std::uint64_t versions_ = 0;
  bool first_ = true;
};

class FilmJob {
 public:
  // Checks the outputs (ev::Error) and picks the frames; renders nothing yet.
  // `flag` names the output in messages ("--record"; "" in the window).
  FilmJob(const FilmSettings& f, const SnapshotPtr& live, const ui::EmbeddingPanelState& like, const std::string& flag);
  // Cancels without waiting for the encoder: a frame it is encoding finishes
  // on its own thread, which then stops; no GIF is left at the film's name.
  ~FilmJob();
  FilmJob(const FilmJob&) = delete;
  FilmJob& operator=(const FilmJob&) = delete;

  // Renders frames until `budget_ms` has passed or the encoder is full;
  // never waits (unless `wait` is set: the headless recorder). True while frames remain.
  bool work(double budget_ms, bool wait = false);
  void cancel();
  // Frames encoded so far, of total().
  int done() const;
  int total() const { return int(frames_.size()); }
  bool finished() const;
  // Frames rendered and waiting for the encoder.
  int queued() const;
  // Why the job failed ("" while fine); set by the encoder thread.
  std::string error() const;
  const FilmSettings& settings() const { return f_; }
  // Blocks until the encoder has written everything (after work() returned false).
  void wait();
  const FilmRenderer& renderer() const { return *renderer_; }

 private:
  // What the encoder thread shares with this job: held by both, so the job can
  // go (a Cancel) while the thread ends its frame on its own.
  struct Encoder;
  static void encode(const std::shared_ptr<Encoder>& e);
  FilmSettings f_;
  SnapshotPtr live_;
  std::vector<int> frames_;
  int next_ = 0;
  std::unique_ptr<FilmRenderer> renderer_;
  std::shared_ptr<Encoder> enc_;
  std::thread encoder_;
};

}  // namespace ev::app
