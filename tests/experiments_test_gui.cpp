// experiments_test_gui.cpp: the Experiments tab driven headlessly like a
// user: a three-value sweep of a tiny model trains side by side and finishes,
// the table shows every run with the best marked, each run's losses equal
// its solo run's with the same seed, a run opens as the main run and trains
// on; and the learning-rate finder completes off the UI thread and marks a rate.
// Skips cleanly when no EGL/GL 3.3 is available.
#include <algorithm>
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/train/metrics.h"
#include "core/live/run.h"
#include "gfx/render_target.h"
#include "test_data.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

using ev::testing::clipped_text;

// A small text file of synthetic names, written once.
std::string small_data() {
  static const std::string path = ::testing::TempDir() + "/embedviz-exp-names-" + std::to_string(::getpid()) + ".txt";
  std::ofstream f(path);
  for (const std::string& n : testdata::synthetic_names(300)) f << n << "\n";
  return path;
}

std::unique_ptr<app::HeadlessUi> open_ui(int w, int h) {
  app::AppOptions o;
  o.width = w;
  o.height = h;
  o.data = small_data();
  o.config.emb = 2;
  o.config.hidden = 16;
  o.config.batch = 16;
  o.config.seed = 5;
  o.config.val_every = 50;
  return ev::testing::open_app(o);
}

void screenshot(app::HeadlessUi& ui, const std::string& name) {
#ifdef EMBEDVIZ_SCREENSHOT_DIR
  gfx::write_png(ui.pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/experiments_" + name + "_" +
                                  std::to_string(ui.width()) + ".png");
#endif
}

using ev::testing::frames_until;

}  // namespace

TEST(ExperimentsGui, SweepTrainsSideBySideAndMatchesSoloRuns) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    auto ui = open_ui(w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->app().open_experiments();
    ui->frame();
    ui::ExperimentsPanelState& st = ui->app().experiments();
    const std::vector<std::string> params = sweep_params();
    st.param = int(std::find(params.begin(), params.end(), "hidden") - params.begin());
    ASSERT_LT(std::size_t(st.param), params.size());
    st.values = "8,16,32";
    st.steps = 300;
    st.jobs = 2;
    ASSERT_TRUE(ui->click("Start runs"));
    ASSERT_EQ(st.runner.entries().size(), 3u) << st.error;
    EXPECT_EQ(ui->app().runs().size(), 4u);  // the main run and the three
    ASSERT_TRUE(frames_until(*ui, [&] { return !st.runner.active(); })) << "the runs did not finish";
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
    // The tab shares the Tools column: under the loss plot, above the status line, beside the embedding view.
    const auto& rects = ui->app().context().item_rects;
    const auto tools = rects.at("window Tools"), loss = rects.at("window Loss");
    for (const char* item : {"Start runs", "results"}) {
      const auto r = rects.at(item);
      EXPECT_GE(r[0], tools[0]) << item << " at " << w;
      EXPECT_GE(r[1], loss[3]) << item << " at " << w;
      EXPECT_LE(r[2], tools[2]) << item << " at " << w;
    }
    EXPECT_LE(tools[3], float(h) - ImGui::GetFrameHeight()) << "over the status line at " << w;
    EXPECT_EQ(ev::testing::embedding_view_problems(*ui), "") << w;
    screenshot(*ui, "sweep");

    // Three rows, every one finished at the same step, the best marked.
    const auto rows = st.runner.results();
    ASSERT_EQ(rows.size(), 3u);
    int lowest = 0;
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(rows[std::size_t(i)].done) << i;
      EXPECT_EQ(rows[std::size_t(i)].steps, 300) << i;
      EXPECT_EQ(rows[std::size_t(i)].curve.size(), 6u) << i;  // validation at 50, 100, ..., 300
      if (rows[std::size_t(i)].val < rows[std::size_t(lowest)].val) lowest = i;
      EXPECT_TRUE(ui->app().context().item_rects.count("Open " + rows[std::size_t(i)].value));
    }
    EXPECT_EQ(best_row(rows), lowest);
    EXPECT_EQ(rows[0].config.hidden, 8);
    EXPECT_EQ(rows[2].config.hidden, 32);
    EXPECT_LT(rows[0].params, rows[2].params);

    if (w == 1600) {
      // Each run is its solo run: the same seed gives the same losses, to the bit.
      const auto data = ui->app().trainer().snapshot()->data;
      for (const auto& e : st.runner.entries()) {
        ev::Run solo(99, data, e.config);
        for (int i = 0; i < 300; ++i) ASSERT_EQ(solo.step(), ev::Run::Outcome::Trained);
        const auto s = solo.snapshot(false);
        ASSERT_EQ(s->val.size(), e.last->val.size()) << e.value;
        for (std::size_t i = 0; i < s->val.size(); ++i) {
          EXPECT_EQ(s->val[i].step, e.last->val[i].step);
          EXPECT_EQ(s->val[i].loss, e.last->val[i].loss) << e.value << " at " << s->val[i].step;
        }
        EXPECT_EQ(s->smooth_loss, e.last->smooth_loss) << e.value;
        // The table's accuracy is the solo model's share of validation targets ranked first.
        const auto scores = score_next_tokens(solo.trainer().model(), solo.trainer().examples(Split::Val));
        EXPECT_GT(scores.top1, 0.0) << e.value;
        for (const auto& r : rows) {
          if (r.value != e.value) continue;
          EXPECT_NEAR(r.accuracy, scores.top1, 1e-6) << e.value;
        }
      }

      // Open the middle run as the main one: the panels draw it and it trains on.
      const RunId id = st.runner.entries()[1].id;
      ASSERT_TRUE(ui->click("Open 16"));
      ui->frame();
      EXPECT_EQ(ui->app().trainer().id(), id);
      EXPECT_EQ(ui->app().shown()->run_id, id);
      ui->app().trainer().post(cmd::Play{true});
      ASSERT_TRUE(frames_until(*ui, [&] { return ui->app().trainer().snapshot()->step > 350; }))
          << "the opened run did not continue past the experiment's stop";
      ui->app().trainer().post(cmd::Play{false});
      EXPECT_EQ(clipped_text(*ui), "");
      EXPECT_EQ(ui->app().loss_view().others.size(), 3u) << "the other runs' curves beside the opened one";

      // Reset: a new run, and the experiment's curves no longer belong to it.
      ui->app().trainer().post(cmd::Reset{});
      ASSERT_TRUE(ui->app().trainer().wait_idle(20s));
      ui->frame();
      ui->frame();
      EXPECT_TRUE(ui->app().loss_view().others.empty()) << "curves from before the reset";
      EXPECT_EQ(ui->app().runs().size(), 4u) << "the runs themselves stay (Experiments tab)";
    }
  }
}

TEST(ExperimentsGui, BadValuesSayWhy) {
  auto ui = open_ui(1600, 1000);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui->app().open_experiments();
  ui->frame();
  ui::ExperimentsPanelState& st = ui->app().experiments();
  st.values = "8,abc";
  ASSERT_TRUE(ui->click("Start runs"));
  EXPECT_NE(st.error, "");
  EXPECT_TRUE(st.runner.entries().empty());
  EXPECT_EQ(ui->app().runs().size(), 1u);
}

TEST(ExperimentsGui, LearningRateFinderMarksARate) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    auto ui = open_ui(w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->app().find_lr();
    ui->frame();  // the UI goes on while the search runs
    ui::ExperimentsPanelState& st = ui->app().experiments();
    ASSERT_TRUE(frames_until(*ui, [&] { return !st.lr_job.valid(); }));
    ASSERT_EQ(st.lr_error, "");
    ASSERT_FALSE(st.lr.lr.empty());
    EXPECT_GE(st.lr.steepest_lr, 1e-3);
    EXPECT_LE(st.lr.steepest_lr, 1.0);
    EXPECT_EQ(clipped_text(*ui), "");
    // In the Tools column, under the loss plot it must not cover.
    const auto& rects = ui->app().context().item_rects;
    const auto plot = rects.at("lr plot");
    EXPECT_GE(plot[1], rects.at("window Loss")[3]) << w;
    EXPECT_GE(plot[0], rects.at("window Tools")[0]) << w;
    screenshot(*ui, "find_lr");
    ASSERT_TRUE(ui->click("Apply this rate"));
    ASSERT_TRUE(ui->app().trainer().wait_idle(20s));
    ui->frame();
    EXPECT_DOUBLE_EQ(ui->app().trainer().snapshot()->config.lr, st.lr.suggested_lr);
  }
}

// The finder on the makemore names, as the lecture runs it: the picture in
// docs/app.md. The lecture's rate, 0.1, lies in the valley it shades.
TEST(ExperimentsGui, LearningRateFinderOnNames) {
  if (!testdata::have_names()) GTEST_SKIP() << "no names.txt beside the project";
  app::AppOptions o;
  o.data = testdata::names_path();
  o.config.emb = 10;
  o.config.hidden = 200;
  auto ui = ev::testing::open_app(o);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui->app().find_lr();
  ui::ExperimentsPanelState& st = ui->app().experiments();
  ASSERT_TRUE(frames_until(*ui, [&] { return !st.lr_job.valid(); }, 120s));
  ASSERT_EQ(st.lr_error, "");
  EXPECT_LE(st.lr.valley_lo, 0.1);
  EXPECT_GE(st.lr.valley_hi, 0.1);
  EXPECT_EQ(clipped_text(*ui), "");
  screenshot(*ui, "find_lr_names");
}
