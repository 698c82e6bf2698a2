// film_test_gui: the timeline bar under the embedding view (scrubbing while
// training goes on, the keys after it, Live, a pinned step's ghost) and the
// film: an animated GIF read back with giflib (frame count, size, each class's
// colour at its points), and Cancel returning while a frame is encoded.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/film.h"
#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "gfx/render_target.h"
#include "ui/ghost.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

app::AppOptions options() {
  app::AppOptions o;
  o.width = 1280;
  o.height = 800;
  o.config.emb = 2;  // the view draws the table itself: a frame's positions are its rows
  o.config.hidden = 32;
  o.config.seed = 5;
  return o;
}

std::unique_ptr<app::HeadlessUi> open_ui() { return ev::testing::open_app(options()); }

using ev::testing::settle;

// Trains to `step` through the run's own steps (a Step command's go through the inspector).
SnapshotPtr train_to(app::HeadlessUi& ui, std::int64_t step) {
  ui.app().trainer().post(cmd::SetStop{step});
  ui.app().trainer().post(cmd::Play{true});
  EXPECT_TRUE(ev::testing::frames_until(ui, [&] { return ui.app().trainer().snapshot()->step >= step; }));
  return settle(ui);
}

std::string temp_dir() { return ev::testing::temp_dir("embedviz_film"); }

}  // namespace

TEST(Timeline, TheSliderShowsAnEarlierTableWhileTrainingGoesOn) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const SnapshotPtr s = train_to(*ui, 300);
  ASSERT_EQ(s->step, 300);
  ASSERT_GT(s->timeline->size(), 30u);
  // Drag the slider to its left end: the first kept step, the table as initialised.
  const auto& r = ui->app().context().item_rects.at("timeline");
  ui->click(r[0] + 2, 0.5f * (r[1] + r[3]));
  EXPECT_FALSE(ui->app().timeline().live);
  EXPECT_EQ(ui->app().timeline().frame, 0);
  ui->frame();
  const auto& view = ui->app().embedding_view();
  EXPECT_EQ(view.step, 0);
  const Mat<float>& first = s->timeline->front().tables->front().values;  // (V, 2)
  ASSERT_EQ(view.xy.size(), std::size_t(first.rows()) * 2);
  for (Eigen::Index i = 0; i < first.rows(); ++i) {
    EXPECT_EQ(view.xy[2 * std::size_t(i)], first(i, 0));
    EXPECT_EQ(view.xy[2 * std::size_t(i) + 1], first(i, 1));
  }
  // The keys still reach the run after the slider: S steps, and the view stays at step 0.
  ui->key('S');
  EXPECT_EQ(settle(*ui)->step, 301);
  EXPECT_EQ(ui->app().embedding_view().step, 0);
  // Live returns to now.
  ASSERT_TRUE(ui->click("Live"));
  ui->frame();
  EXPECT_TRUE(ui->app().timeline().live);
  EXPECT_EQ(ui->app().embedding_view().step, 301);
}

TEST(Timeline, PlayingTheFilmHoldsTheBasisAndEndsOnTheLastFrame) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const SnapshotPtr s = train_to(*ui, 200);
  ASSERT_TRUE(ui->click("Play film"));
  EXPECT_TRUE(ui->app().timeline().playing);
  std::int64_t last_step = -1;
  bool forward = true;
  for (int i = 0; i < 2000 && ui->app().timeline().playing; ++i) {
    ui->frame(0.1f);  // two frames of film per UI frame at 20 fps
    forward = forward && ui->app().embedding_view().step >= last_step;
    last_step = ui->app().embedding_view().step;
  }
  EXPECT_TRUE(forward);
  EXPECT_FALSE(ui->app().timeline().playing);
  EXPECT_EQ(ui->app().timeline().frame, int(s->timeline->size()) - 1);
  EXPECT_EQ(ui->app().embedding_view().step, s->timeline->back().step);
}

// Display pixels of the i-th of positions xy under the view's last map.
ImVec2 to_pixels(const ui::EmbeddingPanelState& v, const std::vector<float>& xy, std::size_t i) {
  return ImVec2(xy[2 * i] * v.last_map.scale[0] + v.last_map.offset[0], xy[2 * i + 1] * v.last_map.scale[1] + v.last_map.offset[1]);
}

// Ghost points at least `gap` pixels from every other point, shown or ghost.
std::vector<std::size_t> lone_ghosts(const ui::EmbeddingPanelState& v, float gap) {
  std::vector<std::size_t> out;
  const std::size_t n = v.xy.size() / 2;
  for (std::size_t i = 0; i < n; ++i) {
    const ImVec2 g = to_pixels(v, v.ghost.xy, i);
    bool alone = std::isfinite(g.x) && std::isfinite(g.y);
    for (std::size_t j = 0; j < n && alone; ++j)
      for (const std::vector<float>* xy : {&v.xy, &v.ghost.xy}) {
        if (xy == &v.ghost.xy && j == i) continue;
        const ImVec2 q = to_pixels(v, *xy, j);
        alone = alone && std::hypot(q.x - g.x, q.y - g.y) > gap;
      }
    if (alone) out.push_back(i);
  }
  return out;
}

// Pin at an early step, train on: the pinned table is drawn faintly where it
// projects, with a line to every token's place now; the pin survives
// scrubbing, Unpin clears it, and the keys still reach the run.
TEST(Timeline, APinnedStepIsDrawnAsAGhostUnderTheShownOne) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  train_to(*ui, 30);
  ASSERT_TRUE(ui->click("Pin"));
  EXPECT_EQ(ui->app().timeline().pinned, 30);
  const SnapshotPtr s = train_to(*ui, 800);
  ui->frame();
  const auto& v = ui->app().embedding_view();
  const int V = s->spec.vocab;
  EXPECT_EQ(v.ghost.label, ui::ghost_label(30, 800));
  EXPECT_EQ(v.ghost.lines, V) << "a small vocabulary: a line for every token";
  EXPECT_EQ(v.ghost.points, V);
  // The ghost is the pinned table itself (2-D: the view draws the rows as they are).
  const int f30 = frame_at(*s->timeline, 30);
  ASSERT_EQ((*s->timeline)[std::size_t(f30)].step, 30);
  const Mat<float>& pinned = (*s->timeline)[std::size_t(f30)].tables->front().values;
  ASSERT_EQ(v.ghost.xy.size(), std::size_t(V) * 2);
  for (int i = 0; i < V; ++i) EXPECT_EQ(v.ghost.xy[2 * std::size_t(i)], pinned(i, 0));

  // Pixels: where a lone ghost point projects, its class colour shows faintly
  // (blended over what is there without it), beside the line through its centre.
  const gfx::Image with = ui->pixels();
  gfx::write_png(with, std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/ghost_1280x800.png");
  const std::vector<std::size_t> lone = lone_ghosts(v, 16);
  std::vector<ImVec2> at;
  for (std::size_t i : lone) {
    const ImVec2 g = to_pixels(v, v.ghost.xy, i), q = to_pixels(v, v.xy, i);
    const float l = std::max(1e-3f, std::hypot(q.x - g.x, q.y - g.y));
    at.push_back(ImVec2(g.x - 2 * (q.y - g.y) / l, g.y + 2 * (q.x - g.x) / l));  // 2 px aside from the line
  }
  ASSERT_TRUE(ui->click("Unpin"));
  ui->frame();
  EXPECT_EQ(ui->app().timeline().pinned, -1);
  EXPECT_EQ(ui->app().embedding_view().ghost.lines, 0);
  EXPECT_EQ(ui->app().embedding_view().ghost.label, "");
  const gfx::Image without = ui->pixels();
  ASSERT_FALSE(lone.empty()) << "no ghost point stands alone";
  int faint = 0;
  for (std::size_t k = 0; k < lone.size(); ++k) {
    const int x = int(std::lround(at[k].x)), y = int(std::lround(at[k].y));
    const ImU32 c = ui::class_colour(ui->app().embedding_view().classes[lone[k]]);
    bool ok = true, differs = false;
    for (int ch = 0; ch < 3; ++ch) {
      const float bg = without.at(x, y)[ch], want = bg + (float((c >> (8 * ch)) & 0xFF) - bg) * 80.0f / 255.0f;
      ok = ok && std::abs(with.at(x, y)[ch] - want) <= 24;
      differs = differs || std::abs(with.at(x, y)[ch] - bg) >= 6;
    }
    faint += ok && differs;
  }
  EXPECT_GE(2 * faint, int(lone.size())) << faint << " of " << lone.size() << " lone ghost points in their faint colour";

  // P pins the step shown; the pin survives scrubbing to the first kept step.
  ui->key('P');
  ui->frame();
  EXPECT_EQ(ui->app().timeline().pinned, 800);
  const auto& r = ui->app().context().item_rects.at("timeline");
  ui->click(r[0] + 2, 0.5f * (r[1] + r[3]));
  ui->frame();
  EXPECT_EQ(ui->app().timeline().pinned, 800);
  EXPECT_EQ(ui->app().embedding_view().ghost.label, ui::ghost_label(800, 0));
  // The keys still reach the run: S steps it.
  ui->key('S');
  EXPECT_EQ(settle(*ui)->step, 801);
  ui->key('P');
  ui->frame();
  EXPECT_EQ(ui->app().timeline().pinned, -1);
}

// A word vocabulary above kGhostAllLinesUpTo: every ghost point is drawn, but
// lines only for the labelled words and the searched word with its neighbours.
TEST(Timeline, ALargeVocabularysGhostDrawsLinesForLabelledAndSearchedWordsOnly) {
  const std::string dir = temp_dir();
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    std::string w = "w";
    for (int k = i; k > 0 || w.size() == 1; k /= 26) w += char('a' + k % 26);
    text += w + (i % 6 == 5 ? "\n" : " ");
  }
  std::ofstream(dir + "/words.txt") << text << "\n";
  app::AppOptions o = options();
  o.data = dir + "/words.txt";
  o.tokenizer = Tokenizer::Word;
  o.config.emb = 6;
  o.width = 1600;
  o.height = 1000;
  const std::unique_ptr<app::HeadlessUi> ui = ev::testing::ready_app(o);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  train_to(*ui, 10);
  ui->key('P');
  const SnapshotPtr s = train_to(*ui, 60);
  const int V = s->spec.vocab;
  ASSERT_GT(V, ui::kGhostAllLinesUpTo);
  ASSERT_TRUE(ui->click("word search"));
  ui->type(s->data->vocab.token(100));
  ui->key(ImGuiKey_Enter);
  for (int i = 0; i < 3; ++i) ui->frame();
  const auto& v = ui->app().embedding_view();
  EXPECT_EQ(ui->app().timeline().pinned, 10);
  ASSERT_GE(v.search.token, 0);
  std::vector<int> want = v.labelled;  // the labels stand still: the run is paused
  want.push_back(v.search.token);
  for (const Neighbour& nb : v.search.near) want.push_back(nb.id);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  EXPECT_EQ(v.ghost.points, V) << "every point, faintly";
  EXPECT_EQ(v.ghost.lines, int(want.size()));
  EXPECT_LT(v.ghost.lines, V / 4);
  EXPECT_GT(v.ghost.lines, int(v.search.near.size()));
  gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/ghost_words_1600x1000.png");
  std::filesystem::remove_all(dir);
}

// A film reads back: its frame count, its size, and every
// class's exact colour at the centres of its points in the last frame.
TEST(Film, TheGifReadsBackWithTheClassColours) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui->app().trainer().post(cmd::KeepSteps{film_steps(2000, 40)});
  const SnapshotPtr s = train_to(*ui, 2000);
  ASSERT_EQ(frame_at(*s->timeline, 2000), int(s->timeline->size()) - 1);
  EXPECT_EQ(s->timeline->back().step, 2000);
  const std::string dir = temp_dir();
  app::FilmSettings f;
  f.width = 640;
  f.height = 560;
  f.gif = dir + "/run.gif";
  f.png_dir = dir + "/run-frames";
  f.steps = film_steps(2000, 40);
  app::FilmJob job(f, s, ui->app().embedding_view(), "--record");
  while (job.work(1e9, true)) {
  }
  job.wait();
  ASSERT_EQ(job.error(), "");
  EXPECT_TRUE(std::filesystem::exists(f.png_dir + "/frame-0039.png"));
  EXPECT_FALSE(std::filesystem::exists(f.png_dir + "/frame-0040.png"));

  int err = 0;
  GifFileType* g = DGifOpenFileName(f.gif.c_str(), &err);
  ASSERT_NE(g, nullptr) << GifErrorString(err);
  ASSERT_EQ(DGifSlurp(g), GIF_OK);
  EXPECT_EQ(g->ImageCount, 40);
  EXPECT_EQ(g->SWidth, 640);
  EXPECT_EQ(g->SHeight, 560);
  const SavedImage& last = g->SavedImages[g->ImageCount - 1];
  const ColorMapObject* map = last.ImageDesc.ColorMap ? last.ImageDesc.ColorMap : g->SColorMap;
  const auto& view = job.renderer().view();
  const Vocab& vocab = s->data->vocab;
  int seen[int(ui::TokenClass::kCount)] = {}, exact[int(ui::TokenClass::kCount)] = {};
  for (int i = 0; i < s->spec.vocab; ++i) {
    const float x = view.xy[2 * std::size_t(i)] * view.last_map.scale[0] + view.last_map.offset[0];
    const float y = view.xy[2 * std::size_t(i) + 1] * view.last_map.scale[1] + view.last_map.offset[1];
    const int px = int(x), py = int(y);
    if (px < 1 || py < 1 || px + 1 >= g->SWidth || py + 1 >= g->SHeight) continue;
    const ui::TokenClass k = ui::classify_token(vocab.token(i), i);
    const ImU32 want = ui::class_colour(k);
    ++seen[int(k)];
    // The disc's centre pixel, or one beside it when a neighbour's disc or label covers it.
    bool found = false;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const GifColorType c =
            map->Colors[last.RasterBits[std::size_t(py + dy) * std::size_t(g->SWidth) + std::size_t(px + dx)]];
        found = found || (c.Red == (want & 0xFF) && c.Green == ((want >> 8) & 0xFF) && c.Blue == ((want >> 16) & 0xFF));
      }
    exact[int(k)] += found ? 1 : 0;
  }
  for (ui::TokenClass k : {ui::TokenClass::Boundary, ui::TokenClass::Vowel, ui::TokenClass::Consonant}) {
    ASSERT_GT(seen[int(k)], 0) << "class " << int(k);
    EXPECT_GE(2 * exact[int(k)], seen[int(k)]) << "class " << int(k) << ": " << exact[int(k)] << " of " << seen[int(k)];
  }
  DGifCloseFile(g, &err);
  std::filesystem::remove_all(dir);
}

// Cancel (the job going) returns at once while the encoder is in the middle of
// a frame, rather than waiting for it; the encoder stops on its own thread and
// leaves no GIF, nor any part of one, at the film's name.
TEST(Film, CancelReturnsWithoutWaitingForTheFrameBeingEncoded) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const SnapshotPtr s = train_to(*ui, 100);
  const std::string dir = temp_dir();
  app::FilmSettings f;
  f.width = f.height = 3000;  // a frame that takes the encoder a while
  f.gif = dir + "/one.gif";
  f.png_dir = "";
  f.steps = {100};
  using clock = std::chrono::steady_clock;
  double encode_ms = 0;
  {
    app::FilmJob one(f, s, ui->app().embedding_view(), "");
    while (one.work(0)) {
    }
    const auto t0 = clock::now();
    one.wait();
    encode_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    ASSERT_EQ(one.error(), "");
    ASSERT_TRUE(std::filesystem::exists(f.gif));
  }
  f.gif = dir + "/cancelled.gif";
  f.steps = {0, 50, 100};
  auto job = std::make_unique<app::FilmJob>(f, s, ui->app().embedding_view(), "");
  ASSERT_TRUE(job->work(0));  // one frame rendered and queued
  const auto deadline = clock::now() + 30s;
  while (job->queued() > 0 && clock::now() < deadline) std::this_thread::sleep_for(100us);
  ASSERT_EQ(job->queued(), 0);
  ASSERT_EQ(job->done(), 0) << "the encoder is in its first frame";
  const auto t0 = clock::now();
  job.reset();  // Cancel
  const double cancel_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  EXPECT_LT(cancel_ms, encode_ms / 3) << "cancel took " << cancel_ms << " ms; a frame's encoding " << encode_ms << " ms";
  // Long after the encoder would have finished that frame, the folder holds only the first film.
  std::this_thread::sleep_for(std::chrono::milliseconds(int(3 * encode_ms) + 500));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().filename() != "one.gif";
  EXPECT_EQ(files, 0) << "a cancelled film left a file";
  std::filesystem::remove_all(dir);
}

// Outputs are checked before a frame is drawn, as every writer's are.
TEST(Film, BadOutputsAreRefusedBeforeAnyWork) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const SnapshotPtr s = settle(*ui);
  app::FilmSettings f;
  f.gif = "/nonexistent-folder/run.gif";
  EXPECT_THROW(app::FilmJob(f, s, ui->app().embedding_view(), ""), Error);
  f.gif = "/tmp";  // a folder
  EXPECT_THROW(app::FilmJob(f, s, ui->app().embedding_view(), ""), Error);
  f.gif = "/tmp/embedviz-film-size.gif";
  f.width = 10;
  EXPECT_THROW(app::FilmJob(f, s, ui->app().embedding_view(), ""), Error);
  EXPECT_FALSE(std::filesystem::exists(f.gif));
}

// File > Export animation opens its window; a film started from it shows its
// progress there and ends with a notice, the GIF written.
TEST(Film, TheExportWindowShowsProgressAndFinishes) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  train_to(*ui, 400);
  ASSERT_TRUE(ui->click("menu File"));
  ASSERT_TRUE(ui->click("menu Export animation"));
  ui->frame();
  EXPECT_TRUE(ui->app().context().item_rects.count("Export..."));
  const std::string dir = temp_dir();
  app::FilmSettings f = ui->app().film_settings();
  f.width = 400;
  f.height = 400;
  f.gif = dir + "/film.gif";
  ui->app().start_film(f);
  ui->frame();
  ui->frame();  // the window fits its progress bar the frame after it first shows
  ASSERT_NE(ui->app().film(), nullptr);
  EXPECT_TRUE(ui->app().context().item_rects.count("Cancel"));
#ifdef EMBEDVIZ_SCREENSHOT_DIR
  gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/film_export_1280.png");
#endif
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ui->app().film() && std::chrono::steady_clock::now() < deadline) ui->frame();
  EXPECT_EQ(ui->app().film(), nullptr);
  EXPECT_NE(ui->app().context().notice.find("film.gif"), std::string::npos) << ui->app().context().notice;
  EXPECT_TRUE(std::filesystem::exists(f.gif));
  std::filesystem::remove_all(dir);
}
