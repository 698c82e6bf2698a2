// gpt_inspector_test: the step inspector with the transformer in the real
// app, driven headlessly: one Step while paused records the batch's whole
// items, the loss, and the rows of wte and wpe before and after; the Step tab
// shows them with nothing cut off, and the embedding view draws arrows for
// the tokens and the positions that moved, at 1600x1000 and 1280x800.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <string>

#include "app_harness.h"
#include "gfx/render_target.h"
#include "ui/inspector_panel.h"

using namespace ev;
using ev::testing::clipped_text;
using ev::testing::settle;

namespace {

std::unique_ptr<app::HeadlessUi> open_gpt(int w, int h, const std::string& optimizer) {
  app::AppOptions o;
  o.width = w;
  o.height = h;
  o.config = family_defaults("gpt");
  o.config.optimizer = optimizer;
  o.config.lr = optimizer == "sgd" ? 0.5 : 0.01;
  o.config.seed = 5;
  return ev::testing::open_app(o);
}

// Pixels of the step arrows' colour (ui/step_arrows.cpp: 255, 236, 120).
int arrow_pixels(const gfx::Image& img) {
  int n = 0;
  for (std::size_t i = 0; i + 3 < img.rgba.size(); i += 4)
    n += std::abs(img.rgba[i] - 255) <= 12 && std::abs(img.rgba[i + 1] - 236) <= 12 && std::abs(img.rgba[i + 2] - 120) <= 16;
  return n;
}

}  // namespace

// SGD, as the lectures: one Step records what it did, and only the rows of
// the letters the items read and the positions they reach moved.
TEST(GptInspector, OneStepRecordsItemsAndBothTables) {
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    auto ui = open_gpt(w, h, "sgd");
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->app().trainer().post(cmd::Step{30});
    ui->app().trainer().post(cmd::Play{true});
    ui->app().trainer().post(cmd::Play{false});  // playing drops the record: no arrows
    auto s = settle(*ui);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->spec.family, "gpt");
    ASSERT_FALSE(s->inspection);
    const int before_arrows = arrow_pixels(ui->pixels());
    const Mat<float> wte0 = s->C(), wpe0 = s->embedding("wpe");

    ASSERT_TRUE(ui->click("Step"));  // the controls' Step: one update, then pause
    s = settle(*ui);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->inspection) << "no record of the transformer's step";
    const StepInspection& in = *s->inspection;
    ASSERT_EQ(in.steps.size(), 1u);
    const InspectedStep& st = in.steps[0];
    EXPECT_EQ(st.step + 1, s->step);
    EXPECT_TRUE(std::isfinite(st.loss_before));
    EXPECT_TRUE(std::isfinite(st.loss_after));
    // The batch: whole words of the word list, between boundaries.
    ASSERT_EQ(st.items.size(), std::size_t(s->config.batch));
    for (const InspectedItem& it : st.items) {
      ASSERT_GE(it.tokens.size(), 2u);
      EXPECT_EQ(it.tokens.front(), Vocab::kBoundary);
      const std::string text = ui::item_text(*s->data, it.tokens);
      EXPECT_EQ(text.front(), '.') << text;
      if (it.positions() < s->spec.block) {
        EXPECT_EQ(text.back(), '.') << text << ": a short item ends at its boundary";
      }
    }
    // wte and wpe before and after: the tables the run showed, and shows now.
    ASSERT_EQ(in.tables.size(), 2u);
    EXPECT_EQ(in.tokens().before, wte0);
    EXPECT_EQ(in.tokens().after, s->C());
    EXPECT_EQ(in.positions()->before, wpe0);
    EXPECT_EQ(in.positions()->after, s->embedding("wpe"));
    for (int p = 0; p < s->spec.block; ++p)
      EXPECT_EQ(in.positions()->movement[std::size_t(p)] > 0, p < st.positions) << "position " << p;

    // The Step tab came forward and shows the items, nothing cut off.
    EXPECT_TRUE(ui->app().context().item_rects.count("inspector Step 1"));
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
    // The embedding view drew an arrow for every token and position that moved.
    const ui::EmbeddingPanelState& view = ui->app().embedding_view();
    EXPECT_EQ(view.token_arrows, in.tokens().moved_count());
    EXPECT_EQ(view.position_arrows, in.positions()->moved_count());
    EXPECT_GT(view.position_arrows, 0);
    const gfx::Image img = ui->pixels();
    EXPECT_GT(arrow_pixels(img), before_arrows + 100) << "no arrows drawn at " << w << "x" << h;
    gfx::write_png(img, std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gpt_inspector_sgd_" + std::to_string(w) + ".png");
    // Hovering an item shows what each of its positions read and predicted.
    const auto& rects = ui->app().context().item_rects;
    ASSERT_TRUE(ev::testing::scroll_tools_to(*ui, "inspector first item")) << w;  // below the fold at 1280x800
    const auto r = rects.at("inspector first item");
    ui->set_mouse((r[0] + r[2]) / 2, (r[1] + r[3]) / 2, false);
    for (int i = 0; i < 3; ++i) ui->frame();
    EXPECT_EQ(clipped_text(*ui), "") << "the item's tooltip at " << w;
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gpt_inspector_item_" + std::to_string(w) + ".png");
  }
}

// Adam, microgpt's optimizer: Step 10 records ten updates; rows outside the
// last batches move by Adam's running average, and the record says so.
TEST(GptInspector, AdamStepsMoveRowsByTheirAverage) {
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    auto ui = open_gpt(w, h, "adam");
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->app().trainer().post(cmd::Step{1});
    settle(*ui);
    ASSERT_TRUE(ui->click("tab Step"));
    ui->frame();
    ASSERT_TRUE(ui->click("Step 10"));
    const auto s = settle(*ui);
    ASSERT_TRUE(s && s->inspection);
    const StepInspection& in = *s->inspection;
    EXPECT_EQ(in.optimizer, "adam");
    ASSERT_EQ(in.steps.size(), 10u);
    for (const TableMoves& t : in.tables)
      for (int r = 0; r < t.rows(); ++r) {
        const bool moved = t.movement[std::size_t(r)] > 0;
        EXPECT_EQ(moved, t.in_batch[std::size_t(r)] || t.carried[std::size_t(r)]) << t.name << " row " << r;
      }
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gpt_inspector_adam_" + std::to_string(w) + ".png");
  }
}
