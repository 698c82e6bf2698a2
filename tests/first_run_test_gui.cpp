// first_run_test_gui.cpp: the app's first run is made on its trainer's thread,
// as every later run is: the window draws its first frame while the data is
// read (WordNet's glosses for words, a second or two) and the run prepared,
// every view says what is being done, the keys pressed meanwhile apply once
// it is ready, bad data falls back to the default data with the reason in
// the error line, and closing the app meanwhile does not wait for the run.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "core/data/wordnet.h"
#include "gfx/render_target.h"
#include "test_data.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

using ev::testing::clipped_text;
using ev::testing::frames_until;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

bool have_wordnet() { return std::filesystem::exists(std::string(kWordNetDir) + "/data.noun"); }

// The window on Bengio et al.'s word model over WordNet's glosses (17,000 words).
app::AppOptions word_options(int w, int h) {
  app::AppOptions o;
  o.tokenizer = Tokenizer::Word;
  o.config = family_defaults("mlp", true);
  o.width = w;
  o.height = h;
  return o;
}

// Where a view's "preparing" line stands against its window's middle, in
// pixels across and down ("" when it is there, else what is wrong).
std::string off_centre(const ui::UiContext& ctx, const std::string& view) {
  const auto line = ctx.item_rects.find("preparing " + view), win = ctx.item_rects.find("window " + view);
  if (line == ctx.item_rects.end() || win == ctx.item_rects.end()) return "no line or no window for " + view;
  const auto& l = line->second;
  const auto& w = win->second;
  const float dx = 0.5f * (l[0] + l[2]) - 0.5f * (w[0] + w[2]), y = 0.5f * (l[1] + l[3]);
  // Across: the line's middle is the window's (within rounding and the scroll bar's room); down: the middle third.
  if (std::abs(dx) > 12 || y < w[1] + (w[3] - w[1]) / 3 || y > w[3] - (w[3] - w[1]) / 3)
    return view + "'s line is " + std::to_string(dx) + " px across from the middle, at y " + std::to_string(y);
  return "";
}

}  // namespace

// The app is built and draws its first frame before the data is read: the
// views say "Preparing: reading the data: ..." in their middle, the sliders
// wait, and a key pressed then (space: play) is applied once the run is made.
TEST(FirstRun, FirstFrameIsDrawnBeforeTheRunIsMade) {
  if (!have_wordnet()) GTEST_SKIP() << "wordnet-base is not installed";
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    const auto t0 = Clock::now();
    std::unique_ptr<app::HeadlessUi> ui;
    try {
      ui = std::make_unique<app::HeadlessUi>(word_options(w, h));
    } catch (const Error&) {
      GTEST_SKIP() << "no headless OpenGL here";
    }
    const double built_ms = ms_since(t0);
    ASSERT_FALSE(ui->app().trainer().snapshot()->ready()) << "the run was made in the constructor (" << built_ms << " ms)";
    ui->frame();
    const double first_frame_ms = ms_since(t0);
    const SnapshotPtr first = ui->app().shown();
    ASSERT_FALSE(first->ready()) << "the first frame came after the run was made (" << first_frame_ms << " ms)";
    EXPECT_EQ(first->preparing.rfind("reading the data: ", 0), 0u) << first->preparing;
    EXPECT_NE(first->data->source.find("WordNet"), std::string::npos) << first->data->source;
    const ui::UiContext& ctx = ui->app().context();
    for (const char* view : {"Embeddings", "Loss"}) EXPECT_EQ(off_centre(ctx, view), "") << w << "x" << h;
    EXPECT_TRUE(ctx.item_rects.count("Play/Pause")) << "the run buttons are drawn, disabled";
    EXPECT_TRUE(ctx.item_rects.count("preparing Tools")) << "the tools say it too";
    EXPECT_EQ(ctx.item_rects.count("learning rate"), 0u) << "a slider was drawn before the run had settings to show";
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/first_run_preparing_" + std::to_string(w) + ".png");
#endif
    ui->app().trainer().post(cmd::SetStop{30});
    ui->key(ImGuiKey_Space);  // play, while the data is still being read
    EXPECT_FALSE(ui->app().shown()->ready()) << "the data was read within three frames";
    ASSERT_TRUE(frames_until(*ui, [&] { return ui->app().shown()->ready(); }, 300s)) << "the run was never made";
    const double ready_ms = ms_since(t0);
    std::printf("%dx%d: built in %.0f ms, first frame at %.0f ms, run made at %.0f ms\n", w, h, built_ms, first_frame_ms,
                ready_ms);
    EXPECT_EQ(ui->app().shown()->spec.vocab, 17000);
    EXPECT_TRUE(ui->app().context().item_rects.count("learning rate")) << "the sliders once the run is made";
    ASSERT_TRUE(frames_until(*ui, [&] { return ui->app().shown()->step >= 30; }, 300s)) << "space did not start training";
    EXPECT_EQ(ui->app().shown()->step, 30);
  }
}

// A --data file that cannot be opened: the window trains on the default data
// and its error line says why from the first frame; one that opens but holds
// no data is found by the trainer's thread and said once the run is made.
TEST(FirstRun, BadDataInTheWindowFallsBackWithTheReason) {
  ev::testing::TempDir dir;
  const std::string missing = dir.file("no-such-file.txt"), empty = dir.write("empty.txt", "");
  for (const std::string& bad : {missing, empty}) {
    app::AppOptions o;
    o.data = bad;
    o.width = 1280;
    o.height = 800;
    std::unique_ptr<app::HeadlessUi> ui;
    try {
      ui = std::make_unique<app::HeadlessUi>(o);
    } catch (const Error&) {
      GTEST_SKIP() << "no headless OpenGL here";
    }
    ui->frame();
    if (bad == missing) {
      EXPECT_NE(ui->app().error().find("no-such-file.txt"), std::string::npos) << ui->app().error();
      EXPECT_TRUE(ui->app().context().item_rects.count("Dismiss")) << "the error line is drawn from the first frame";
    }
    ASSERT_TRUE(frames_until(*ui, [&] { return ui->app().ready(); }, 300s)) << bad;
    const std::string& err = ui->app().error();
    EXPECT_NE(err.find(bad.substr(bad.rfind('/') + 1)), std::string::npos) << err;
    EXPECT_NE(err.find("training on the default data instead"), std::string::npos) << err;
    const SnapshotPtr s = ui->app().shown();
    ASSERT_TRUE(s->ready()) << s->message;
    EXPECT_NE(s->data->source, bad) << "the run is on the default data";
    EXPECT_GT(s->spec.vocab, 2);
  }
}

// Closing the app while its first run is still being read or prepared stops
// the trainer's thread at its next stage: the app is gone long before the
// run would have been made, and no step was trained.
TEST(FirstRun, ClosingWhilePreparingReturnsPromptly) {
  if (!have_wordnet()) GTEST_SKIP() << "wordnet-base is not installed";
  std::unique_ptr<app::HeadlessUi> ui;
  try {
    ui = std::make_unique<app::HeadlessUi>(word_options(1280, 800));
  } catch (const Error&) {
    GTEST_SKIP() << "no headless OpenGL here";
  }
  ui->frame();
  ASSERT_FALSE(ui->app().shown()->ready());
  const auto t0 = Clock::now();
  ui.reset();
  const double closed_ms = ms_since(t0);
  std::printf("closed in %.0f ms while preparing\n", closed_ms);
  EXPECT_LT(closed_ms, 30000.0) << "closing waited for the whole preparation";
}
