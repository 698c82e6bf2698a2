// film_test_gui: the timeline bar under the embedding view (scrubbing while
// training goes on, the keys after it, Live) and the film: an animated GIF read
// back with giflib (frame count, size, each class's colour at its points).
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/film.h"
#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"

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
