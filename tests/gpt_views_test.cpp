// gpt_views_test: the transformer family in the real app, driven headlessly:
// the controls switch family (with microgpt's settings), it trains, and every
// tool tab draws for it with no text cut off, at 1600x1000 and 1280x800.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <string>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "test_data.h"
#include "ui/attention_panel.h"
#include "ui/embedding_panel.h"
#include "ui/tool_tabs.h"
#include "ui/what_where_panel.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<app::HeadlessUi> open_ui(int w, int h, TrainConfig cfg = {}) {
  app::AppOptions o;
  o.width = w;
  o.height = h;
  o.config = cfg;
  o.config.seed = 5;
  return ev::testing::open_app(o);
}

using ev::testing::settle;

// Picks a family from the controls' menu, as a user does.
void choose_family(app::HeadlessUi& ui, const std::string& name) {
  ASSERT_TRUE(ui.click("model"));
  ui.frame();
  ASSERT_TRUE(ui.click("model " + name)) << "no menu entry for " << name;
}

using ev::testing::clipped_text;

}  // namespace

TEST(GptViews, SwitchingFamilyTakesItsUsualSettings) {
  TrainConfig linear;  // a rate falling to 0 over 5000 steps, as a CLI run's session has
  linear.lr_linear_steps = 5000;
  auto ui = open_ui(1600, 1000, linear);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  choose_family(*ui, "gpt");
  auto s = settle(*ui);
  EXPECT_EQ(s->spec.family, "gpt");
  EXPECT_EQ(s->config.optimizer, "adam");
  EXPECT_DOUBLE_EQ(s->config.lr, 0.01);
  EXPECT_EQ(s->config.lr_linear_steps, 0);
  EXPECT_EQ(s->spec.block, 16);
  EXPECT_EQ(s->spec.emb, 16);
  EXPECT_EQ(s->step, 0);
  // The transformer's shape: heads and layers, no tanh layer.
  const auto& rects = ui->app().context().item_rects;
  EXPECT_TRUE(rects.count("heads"));
  EXPECT_TRUE(rects.count("layers"));
  EXPECT_FALSE(rects.count("hidden size"));
  // + on heads: 4 -> 5 does not divide emb 16, and the run says so instead of changing.
  ASSERT_TRUE(ui->click("heads +"));
  s = settle(*ui);
  EXPECT_EQ(s->spec.heads, 4);
  EXPECT_NE(s->message.find("multiple of heads"), std::string::npos) << s->message;
  ASSERT_TRUE(ui->click("layers +"));
  s = settle(*ui);
  EXPECT_EQ(s->spec.layers, 2);
  // And back: the MLP trains with SGD at the lecture's rate again.
  choose_family(*ui, "mlp");
  s = settle(*ui);
  EXPECT_EQ(s->spec.family, "mlp");
  EXPECT_EQ(s->config.optimizer, "sgd");
  EXPECT_DOUBLE_EQ(s->config.lr, 0.1);
  EXPECT_EQ(s->spec.block, 3);
}

TEST(GptViews, EveryToolTabDrawsForTheTransformer) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    auto ui = open_ui(w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    choose_family(*ui, "gpt");
    settle(*ui);
    ASSERT_TRUE(ui->click("Step 100"));
    const auto s = settle(*ui);
    ASSERT_EQ(s->spec.family, "gpt");
    EXPECT_EQ(s->step, 100);
    EXPECT_TRUE(std::isfinite(s->last_loss));
    // One more step: trained and recorded for the step inspector.
    ASSERT_TRUE(ui->click("Step"));
    const auto one = settle(*ui);
    EXPECT_EQ(one->step, 101);
    ASSERT_TRUE(one->inspection);
    EXPECT_EQ(one->inspection->steps.size(), 1u);
    for (std::size_t i = 0; i < ui::tool_tab_count(); ++i) {
      const char* tab = ui::tool_tabs()[i].name;
      ASSERT_TRUE(ui->click(std::string("tab ") + tab)) << tab << " at " << w << "x" << h;
      ui->frame();
      EXPECT_EQ(clipped_text(*ui), "") << tab << " at " << w << "x" << h;
      EXPECT_EQ(ev::testing::embedding_view_problems(*ui), "") << tab << " at " << w << "x" << h;
      gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gpt_" + tab + "_" + std::to_string(w) + ".png");
    }
  }
}


// A trained transformer's snapshot with its parameters, from the real app.
SnapshotPtr trained_gpt(app::HeadlessUi& ui) {
  choose_family(ui, "gpt");
  settle(ui);
  ui.app().trainer().post(cmd::Step{200});
  return settle(ui);
}

TEST(GptViews, PositionsShareTheTokensProjection) {
  auto ui = open_ui(1280, 800);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const auto s = trained_gpt(*ui);
  const Mat<float>& wpe = s->embedding("wpe");  // (block, d)
  ASSERT_EQ(wpe.rows(), 16);
  // The embedding view: one point per position, projected by the fit of wte.
  ui::EmbeddingPanelState view;
  ui::update_projection(*s, view);
  ASSERT_EQ(view.positions_xy.size(), std::size_t(2 * wpe.rows()));
  EXPECT_EQ(view.positions_xy, view.projector.project(wpe));
  // Neighbouring positions differ: wpe learned something in 200 steps.
  EXPECT_GT(std::hypot(view.positions_xy[0] - view.positions_xy[2], view.positions_xy[1] - view.positions_xy[3]), 0.0f);
  // As drawn at 1280x800: the numbers never cover one another (a number with
  // no free place beside its square is left out), and most find a place.
  ui->frame();
  const std::vector<ImVec4>& numbers = ui->app().embedding_view().position_numbers;
  EXPECT_GE(numbers.size(), 8u);
  for (std::size_t a = 0; a < numbers.size(); ++a)
    for (std::size_t b = a + 1; b < numbers.size(); ++b) {
      const ImVec4 &p = numbers[a], &q = numbers[b];
      EXPECT_FALSE(p.x < q.z && q.x < p.z && p.y < q.w && q.y < p.w) << "numbers " << a << " and " << b << " overlap";
    }
  // No token label covers a position's square, where the positions crowd among the tokens too.
  const ui::EmbeddingPanelState& drawn = ui->app().embedding_view();
  ASSERT_EQ(drawn.position_squares.size(), std::size_t(wpe.rows()));
  ASSERT_EQ(drawn.label_boxes.size(), std::size_t(s->C().rows())) << "every token of a small vocabulary is labelled";
  for (const ImVec4& l : drawn.label_boxes)
    for (const ImVec4& q : drawn.position_squares)
      EXPECT_FALSE(l.x < q.z && q.x < l.z && l.y < q.w && q.y < l.w)
          << "a label at (" << l.x << ", " << l.y << ") covers the square at (" << q.x << ", " << q.y << ")";
  // The MLP has no positions: none drawn.
  choose_family(*ui, "mlp");
  ui::update_projection(*settle(*ui), view);
  EXPECT_TRUE(view.positions_xy.empty());
}

TEST(GptViews, SumsAreTheTokenMovedByEachPosition) {
  auto ui = open_ui(1280, 800);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const auto s = trained_gpt(*ui);
  const Mat<float>& wte = s->C();               // (V, d)
  const Mat<float>& wpe = s->embedding("wpe");  // (block, d)
  // The sum's point is the token's point moved by the position's vector under
  // the same (affine) projection: x(t + p) - x(t) = x(p) - x(0).
  ui::WhatWherePanelState ww;
  const int t = 5;
  ui::update_what_where(*s, t, ww);
  ASSERT_EQ(ww.tokens_xy.size(), std::size_t(2 * wte.rows()));
  ASSERT_EQ(ww.sums_xy.size(), std::size_t(2 * wpe.rows()));
  const std::vector<float> origin = ww.projector.project(Mat<float>::Zero(1, wte.cols()));
  const std::vector<float> pos = ww.projector.project(wpe);
  for (int p = 0; p < wpe.rows(); ++p)
    for (int k = 0; k < 2; ++k)
      EXPECT_NEAR(ww.sums_xy[std::size_t(2 * p + k)] - ww.tokens_xy[std::size_t(2 * t + k)],
                  pos[std::size_t(2 * p + k)] - origin[std::size_t(k)], 1e-4)
          << "position " << p;
}

TEST(GptViews, AttentionMapsAreCausalDistributions) {
  auto ui = open_ui(1280, 800);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const auto s = trained_gpt(*ui);
  ASSERT_TRUE(s->model);
  ui::AttentionPanelState st;
  std::snprintf(st.text, sizeof st.text, "%s", "emma");
  ui::update_attention(*s, st);
  ASSERT_EQ(st.error, "");
  ASSERT_EQ(st.maps.size(), std::size_t(s->spec.heads * s->spec.layers));
  ASSERT_EQ(st.labels, (std::vector<std::string>{".", "e", "m", "m", "a"}));
  for (const ui::TableHeatmap& m : st.maps) {
    ASSERT_EQ(m.rows, 5);
    ASSERT_EQ(m.cols, 5);
    for (int i = 0; i < 5; ++i) {
      double sum = 0;
      for (int j = 0; j < 5; ++j) {
        const float a = m.values[std::size_t(i * 5 + j)];
        if (j > i) EXPECT_EQ(a, 0.0f) << "position " << i << " sees the future " << j;
        else EXPECT_GE(a, 0.0f);
        sum += a;
      }
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
  // A token the vocabulary lacks: a message, no maps.
  std::snprintf(st.text, sizeof st.text, "%s", "em#ma");
  ui::update_attention(*s, st);
  EXPECT_NE(st.error, "");
  EXPECT_TRUE(st.maps.empty());
}

// The README's pictures of the transformer: wte with wpe's path after
// training on the names, the what + where tab and the attention maps, at both
// window sizes, with nothing cut off.
TEST(GptViews, PicturesAfterTrainingOnNames) {
  EV_SKIP_WITHOUT_NAMES();
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    app::AppOptions o;
    o.width = w;
    o.height = h;
    o.data = testdata::names_path();
    o.config = family_defaults("gpt");
    const std::unique_ptr<app::HeadlessUi> ui = ev::testing::ready_app(o);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->app().trainer().post(cmd::Step{1000});
    auto s = settle(*ui);
    ASSERT_EQ(s->spec.family, "gpt");
    ASSERT_EQ(s->step, 1000);
    ui->app().context().selected_token = s->data->vocab.id("a");
    for (const char* tab : {"What+where", "Attention"}) {
      ASSERT_TRUE(ui->click(std::string("tab ") + tab));
      for (int i = 0; i < 3; ++i) ui->frame();  // the model's parameters arrive, then the maps
      EXPECT_EQ(clipped_text(*ui), "") << tab << " at " << w << "x" << h;
      EXPECT_EQ(ev::testing::embedding_view_problems(*ui), "") << tab << " at " << w << "x" << h;
      gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gpt_names_" + tab + "_" +
                                       std::to_string(w) + ".png");
    }
  }
}
