// map_view_test: the embedding view's t-SNE and UMAP maps, driven headlessly
// through the app: the map arrives from its own threads while the UI keeps
// drawing, its points land where the view says in their class colours, it
// follows a training run with newer tables, starts again for new settings and
// a new run, a new layout moves the labels in the frame the cached discs
// move, and File > Export writes what the view shows. Skips cleanly
// without headless OpenGL.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/io/export.h"
#include "gfx/render_target.h"
#include "process.h"
#include "test_data.h"
#include "ui/timeline_panel.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

using ev::testing::clipped_text;

std::unique_ptr<app::HeadlessUi> open_ui(const std::string& data, ui::Projection p, int w = 1600, int h = 1000) {
  app::AppOptions o;
  o.data = data;
  o.width = w;
  o.height = h;
  o.projection = p;
  o.config.emb = 6;
  o.config.seed = 5;
  return ev::testing::open_app(o);
}

// Draws frames until the view's map has positions from a table of at least
// `step` (and has settled, if asked); false after 60 s.
bool wait_for_map(app::HeadlessUi& ui, std::int64_t step, bool settled = false) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 60s) {
    ui.frame();
    const ui::MapViewState& m = ui.app().embedding_view().map;
    if (m.frame && !m.frame->xy.empty() && m.frame->table_step >= step && (!settled || m.frame->settled)) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// A run training on synthetic names with its t-SNE map drawn through the
// cached layers, as for a word vocabulary, once the map has a layout (null
// without headless OpenGL).
std::unique_ptr<app::HeadlessUi> training_map(ev::testing::TempDir& dir) {
  app::AppOptions o;
  o.data = dir.write("names.txt", testdata::synthetic_names_text(300));
  o.width = 1280;
  o.height = 800;
  o.projection = ui::Projection::Tsne;
  o.config.emb = 6;
  o.config.seed = 5;
  o.play = true;
  auto ui = ev::testing::ready_app(o);
  if (!ui) return nullptr;
  ui->app().embedding_view().layer_from = 1;
  EXPECT_TRUE(wait_for_map(*ui, 0));
  return ui;
}

// Points that stand alone (no other within 12 px) are drawn in their colour where the view says.
int check_points(app::HeadlessUi& ui) { return ev::testing::check_point_colours(ui, 12); }

}  // namespace

TEST(MapView, TsneArrivesFollowsTrainingAndExports) {
  ev::testing::TempDir dir;
  const std::string data = dir.write("names.txt", testdata::synthetic_names_text(300));
  auto ui = open_ui(data, ui::Projection::Tsne);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const ui::EmbeddingPanelState& st = ui->app().embedding_view();
  ASSERT_TRUE(wait_for_map(*ui, 0, true)) << "the first map of the untrained table";
  EXPECT_EQ(st.projector.used, ui::Projection::Tsne);
  EXPECT_EQ(st.projector.x_label.rfind("t-SNE of step 0, ", 0), 0u)
      << st.projector.x_label;
  const std::uint64_t first_map = st.map.started;
  ui->frame();
  EXPECT_GE(check_points(*ui), 3);
  EXPECT_EQ(clipped_text(*ui), "");

  // Training: newer tables are taken in by the same map (a warm start).
  ui->app().trainer().post(cmd::Step{500});
  ASSERT_TRUE(wait_for_map(*ui, 500, true)) << "the map of step 500";
  EXPECT_EQ(st.map.started, first_map) << "the same map, warm";
  EXPECT_GT(st.map.frame->iterations, 1000);
  ui->frame();
  EXPECT_GE(check_points(*ui), 3);

  // File > Export writes what the view shows (settled: it no longer moves).
  const std::string csv = dir.file("map.csv");
  const std::string want = projection_csv(*ui->app().shown()->data, st.xy);
  ASSERT_TRUE(ui->click("menu File"));
  ASSERT_TRUE(ui->click("menu Export the view's 2-D positions (CSV)..."));
  ui->frame();
  ImGui::GetIO().KeyCtrl = true;
  ui->key('A');
  ImGui::GetIO().KeyCtrl = false;
  ui->type(csv);
  ui->key(ImGuiKey_Enter);
  ui->frame();
  std::ifstream in(csv);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), want);
  EXPECT_NE(want.find("\na,"), std::string::npos);

  // Reset starts a new map of the new run.
  ui->app().trainer().post(cmd::Reset{});
  ASSERT_TRUE(ev::testing::settle(*ui));
  ui->frame();
  EXPECT_EQ(st.map.started, first_map + 1) << "a new map for a new run";
  ASSERT_TRUE(wait_for_map(*ui, 0, true));
  EXPECT_LT(st.map.frame->table_step, 500);
}

// Draws frames until the view's map shows the table of exactly `step`; false after 60 s.
bool wait_for_map_of(app::HeadlessUi& ui, std::int64_t step) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 60s) {
    ui.frame();
    const ui::MapViewState& m = ui.app().embedding_view().map;
    if (m.frame && !m.frame->xy.empty() && m.frame->table_step == step) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// Scrubbing the timeline under t-SNE lays out the scrubbed step's table in the
// same map (warm, so points move rather than jump), and Live goes back to the
// table now.
TEST(MapView, ScrubbingLaysOutTheScrubbedStep) {
  ev::testing::TempDir dir;
  auto ui = open_ui(dir.write("names.txt", testdata::synthetic_names_text(300)), ui::Projection::Tsne, 1280, 800);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui->app().trainer().post(cmd::SetStop{400});
  ui->app().trainer().post(cmd::Play{true});
  ASSERT_TRUE(wait_for_map_of(*ui, 400)) << "the map of step 400";
  const ui::EmbeddingPanelState& st = ui->app().embedding_view();
  const std::uint64_t map = st.map.started;
  const SnapshotPtr s = ui->app().trainer().snapshot();
  const int k = frame_at(*s->timeline, 100);
  ASSERT_GT(k, 0);
  const std::int64_t step = (*s->timeline)[std::size_t(k)].step;
  ASSERT_LT(step, 400);
  ui::show_frame(ui->app().timeline(), k);
  ASSERT_TRUE(wait_for_map_of(*ui, step)) << "the map of the scrubbed step " << step;
  EXPECT_EQ(st.map.started, map) << "the same map, warm-started";
  EXPECT_EQ(st.step, step);
  EXPECT_EQ(st.projector.used, ui::Projection::Tsne) << "no longer PCA while scrubbed";
  EXPECT_EQ(st.projector.x_label.rfind("t-SNE of step " + std::to_string(step) + ", ", 0), 0u) << st.projector.x_label;
  ui::show_frame(ui->app().timeline(), -1);
  ASSERT_TRUE(wait_for_map_of(*ui, 400)) << "Live: the table now";
  EXPECT_EQ(st.map.started, map);
}

TEST(MapView, UmapAtBothSizes) {
  ev::testing::TempDir dir;
  const std::string data = dir.write("names.txt", testdata::synthetic_names_text(300));
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    auto ui = open_ui(data, ui::Projection::Umap, w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    const ui::EmbeddingPanelState& st = ui->app().embedding_view();
    ASSERT_TRUE(wait_for_map(*ui, 0, true));
    EXPECT_EQ(st.projector.x_label.rfind("UMAP of step 0, ", 0), 0u) << st.projector.x_label;
    ui->frame();
    EXPECT_GE(check_points(*ui), 3);
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/map_umap_" + std::to_string(w) + ".png");
#endif
  }
}

// A frame drawn only where it changed (the default headless, and in a window
// on a software GL) leaves every pixel as drawing it whole does, while a run
// trains, the map moves, the cached point and label layers are remade and a
// tooltip follows the mouse; and once training pauses and the map settles,
// most frames redraw next to nothing (the trails still fade now and then).
TEST(MapView, FramesRedrawnInPartsMatchWholeFrames) {
  ev::testing::TempDir dir;
  auto ui = training_map(dir);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  // Draws a frame in parts and again whole; the two must agree at every pixel.
  auto check_frame = [&](int frame) {
    ui->frame();
    const ui::Damage d = ui->last_damage();
    const gfx::Image parts = ui->pixels();
    ui->redraw_whole();
    const gfx::Image whole = ui->pixels();
    EXPECT_EQ(parts.rgba.size(), whole.rgba.size());
    std::size_t differ = 0, first = 0;
    for (std::size_t i = 0; i < whole.rgba.size() && i < parts.rgba.size(); ++i)
      if (parts.rgba[i] != whole.rgba[i] && differ++ == 0) first = i / 4;
    EXPECT_EQ(differ, 0u) << "frame " << frame << " (" << d.rects.size() << " parts, " << d.fraction
                          << " of the window): first at x " << first % std::size_t(whole.width) << ", y "
                          << first / std::size_t(whole.width);
    return d;
  };
  int partial = 0;
  const int frames = 120;
  for (int f = 0; f < frames && !::testing::Test::HasFailure(); ++f) {
    const float t = float(f) / float(frames);
    ui->set_mouse(420.0f + 200.0f * t, 300.0f + 150.0f * t, false);  // over the map: tooltips come and go
    partial += !check_frame(f).all;
  }
  EXPECT_GT(ui->app().embedding_view().layer.passes(), 1u) << "the point layer was remade while drawing in parts";
  EXPECT_GE(partial, frames * 3 / 4) << "frames drawn in parts";

  ASSERT_TRUE(ui->click("Play/Pause"));
  ui->set_mouse(20.0f, 700.0f, false);  // beside the controls, over nothing
  ASSERT_TRUE(wait_for_map(*ui, 0, true)) << "the map settles once training pauses";
  int small = 0;
  for (int f = 0; f < 30 && !::testing::Test::HasFailure(); ++f) small += check_frame(frames + f).fraction < 0.05;
  EXPECT_GE(small, 15) << "paused and settled, most frames redraw under a twentieth of the window";
}

TEST(MapView, ANewLayoutMovesItsLabelsInTheFrameItsDiscsMove) {
  ev::testing::TempDir dir;
  auto ui = training_map(dir);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui::EmbeddingPanelState& view = ui->app().embedding_view();
  // One slice a whole pass (a layout goes to the layer and shows at once),
  // then a few points a slice (a pass over several frames, the layout held).
  for (const std::size_t slice : {gfx::PointLayer::kSlice, std::size_t(4)}) {
    view.layer.set_slice(slice);
    int moved = 0, with_discs = 0;
    std::vector<float> xy = view.xy;
    std::size_t passes = view.layer.passes();
    const auto t0 = std::chrono::steady_clock::now();
    while (moved < 4 && std::chrono::steady_clock::now() - t0 < 30s) {  // a graph refreshed every 2 s starts new layouts
      ui->frame();
      std::this_thread::sleep_for(2ms);
      const bool discs = view.layer.passes() != passes;
      if (view.xy != xy) moved += 1, with_discs += discs;
      xy = view.xy;
      passes = view.layer.passes();
    }
    EXPECT_GE(moved, 3) << "slice " << slice << ": the map moved while training";
    EXPECT_EQ(with_discs, moved) << "slice " << slice << ": every move of the view's points came with the layer's new picture";
  }
}
