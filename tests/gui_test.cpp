// gui_test: drives the real app headlessly (EGL surfaceless + an offscreen
// framebuffer), clicking its buttons and dragging its sliders like a user, and
// asserting on the trainer's state and on the pixels drawn.
#include <gtest/gtest.h>
#include <unistd.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "ui/tool_tabs.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

app::AppOptions options(int w = 1600, int h = 1000) {
  app::AppOptions o;
  o.width = w;
  o.height = h;
  o.config.emb = 2;
  o.config.hidden = 32;
  o.config.seed = 5;
  return o;
}

// Opens the headless app, or skips when this machine has no EGL/llvmpipe.
std::unique_ptr<app::HeadlessUi> open_ui(app::AppOptions o = options()) { return ev::testing::open_app(o); }

using ev::testing::settle;

}  // namespace

TEST(Gui, StepButtonDoesExactlyOneUpdate) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  EXPECT_EQ(settle(*ui)->step, 0);
  ASSERT_TRUE(ui->click("Step"));
  EXPECT_EQ(settle(*ui)->step, 1);
  ASSERT_TRUE(ui->click("Step"));
  EXPECT_EQ(settle(*ui)->step, 2);
  ASSERT_TRUE(ui->click("Step 10"));
  EXPECT_EQ(settle(*ui)->step, 12);
  ASSERT_TRUE(ui->click("Step 100"));
  auto s = settle(*ui);
  EXPECT_EQ(s->step, 112);
  EXPECT_FALSE(s->playing);
  // The frame shows the step the trainer is at.
  EXPECT_EQ(ui->app().shown()->step, 112);
}

TEST(Gui, PlayPauseAndReset) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui->click("Play/Pause"));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (ui->app().trainer().snapshot()->step < 100 && std::chrono::steady_clock::now() < deadline) ui->frame();
  EXPECT_TRUE(ui->app().trainer().snapshot()->playing);
  EXPECT_GE(ui->app().trainer().snapshot()->step, 100);
  ASSERT_TRUE(ui->click("Play/Pause"));
  auto s = settle(*ui);
  EXPECT_FALSE(s->playing);
  const auto paused_at = s->step;
  ui->frame();
  EXPECT_EQ(ui->app().trainer().snapshot()->step, paused_at);
  ASSERT_TRUE(ui->click("Reset"));
  EXPECT_EQ(settle(*ui)->step, 0);
}

TEST(Gui, KeyboardShortcuts) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ui->key('S');
  EXPECT_EQ(settle(*ui)->step, 1);
  ui->key(ImGuiKey_RightArrow);
  EXPECT_EQ(settle(*ui)->step, 2);
  ui->key('R');
  EXPECT_EQ(settle(*ui)->step, 0);
  ui->key(ImGuiKey_Space);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!ui->app().trainer().snapshot()->playing && std::chrono::steady_clock::now() < deadline) ui->frame();
  EXPECT_TRUE(ui->app().trainer().snapshot()->playing);
  ui->key(ImGuiKey_Space);
  EXPECT_FALSE(settle(*ui)->playing);
}

TEST(Gui, LearningRateSliderChangesTheRateWithoutReset) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui->click("Step 10"));
  auto s = settle(*ui);
  ASSERT_EQ(s->step, 10);
  const double lr0 = s->config.lr;
  const auto& rects = ui->app().context().item_rects;
  ASSERT_TRUE(rects.count("learning rate"));
  const auto r = rects.at("learning rate");
  // Drag the slider's grab from the middle to near the left end.
  const float y = 0.5f * (r[1] + r[3]);
  ui->set_mouse(0.5f * (r[0] + r[2]), y, false);
  ui->frame();
  ui->set_mouse(0.5f * (r[0] + r[2]), y, true);
  ui->frame();
  for (float x = 0.5f * (r[0] + r[2]); x > r[0] + 4; x -= 10) {
    ui->set_mouse(x, y, true);
    ui->frame();
  }
  ui->set_mouse(r[0] + 4, y, false);
  ui->frame();
  s = settle(*ui);
  EXPECT_LT(s->config.lr, lr0 * 0.1) << "the slider did not lower the rate";
  EXPECT_EQ(s->step, 10) << "changing the rate must not reset the run";
  // The next step uses the new rate: the parameters move by lr * grad.
  ASSERT_TRUE(ui->click("Step"));
  EXPECT_EQ(settle(*ui)->step, 11);
}

// A class drags the rate slider up to 100 while training plays: the rates
// passed on the way are applied live, the loss blows up, and one click on
// Restore brings back the rate from before the drag began, at both sizes.
TEST(Gui, RestoreAfterADragBringsBackTheRateFromBeforeIt) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    auto ui = open_ui(options(w, h));
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ASSERT_TRUE(ui->click("Step 100"));
    const double lr0 = settle(*ui)->config.lr;
    ASSERT_TRUE(ui->click("Play/Pause"));
    const auto r = ui->app().context().item_rects.at("learning rate");
    const float y = 0.5f * (r[1] + r[3]), mid = 0.5f * (r[0] + r[2]);
    ui->set_mouse(mid, y, false);
    ui->frame();
    std::set<double> passed;  // the rates the run trained at during the drag
    for (float x = mid; x < r[2] - 2; x += 6) {
      const double before = ui->app().trainer().snapshot()->config.lr;
      ui->set_mouse(x, y, true);
      ui->frame();
      // Training goes on between the frames; on a busy machine the trainer may
      // take a while to apply the new rate and show it.
      const auto until = std::chrono::steady_clock::now() + 300ms;
      do std::this_thread::sleep_for(5ms);
      while (ui->app().trainer().snapshot()->config.lr == before && std::chrono::steady_clock::now() < until);
      passed.insert(ui->app().trainer().snapshot()->config.lr);
    }
    ui->set_mouse(r[2] - 2, y, false);
    ui->frame();
    EXPECT_GE(passed.size(), 3u) << "the drag did not apply rates live";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!ui->app().context().item_rects.count("Restore") && std::chrono::steady_clock::now() < deadline)
      ui->frame();
    ASSERT_TRUE(ui->app().context().item_rects.count("Restore")) << "no trouble banner at " << w;
    EXPECT_GT(ui->app().trainer().snapshot()->config.lr, 50.0);
    ASSERT_TRUE(ui->click("Restore"));  // once
    ui->app().trainer().post(cmd::Play{false});
    const auto s = settle(*ui);
    EXPECT_DOUBLE_EQ(s->config.lr, lr0) << "at " << w << "x" << h;
    EXPECT_FALSE(s->rising || s->diverged) << "at " << w << "x" << h;
    EXPECT_NE(s->message.find("Restored"), std::string::npos) << s->message;
  }
}

TEST(Gui, ShapeChangeRestartsAndSays) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui->click("Step 10"));
  settle(*ui);
  const auto r = ui->app().context().item_rects.at("embedding dim");
  const float y = 0.5f * (r[1] + r[3]);
  ui->set_mouse(r[0] + 3, y, false);
  ui->frame();
  ui->set_mouse(r[0] + 3, y, true);  // clicking the slider's left end sets 1
  ui->frame();
  ui->set_mouse(r[0] + 3, y, false);
  ui->frame();
  auto s = settle(*ui);
  EXPECT_EQ(s->spec.emb, 1);
  EXPECT_EQ(s->step, 0);
  EXPECT_NE(s->message.find("restarted"), std::string::npos) << s->message;
}

// The whole window is drawn (the views' own test checks points land where the
// projection says).
TEST(Gui, FrameIsDrawn) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui->click("Step 100"));
  settle(*ui);
  ui->frame();
  const gfx::Image img = ui->pixels();
  ASSERT_EQ(img.width, 1600);
  ASSERT_EQ(img.height, 1000);
  // Not a blank frame: many distinct colours (text, points, plots).
  std::set<unsigned> colours;
  for (int y = 0; y < img.height; y += 3)
    for (int x = 0; x < img.width; x += 3) {
      const unsigned char* p = img.at(x, y);
      colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
    }
  EXPECT_GT(colours.size(), 200u);
}

// Step while paused opens the step inspector with what that update did: the
// rows of C in the batch moved by -lr * gradient, all others not at all.
TEST(Gui, StepOpensTheInspector) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_TRUE(ui->click("Step 100"));
  settle(*ui);
  ASSERT_TRUE(ui->click("Step"));
  auto s = settle(*ui);
  ui->frame();
  ASSERT_TRUE(s->inspection);
  const StepInspection& in = *s->inspection;
  ASSERT_EQ(in.steps.size(), 1u);
  EXPECT_EQ(in.steps[0].step + 1, s->step);
  EXPECT_EQ(in.steps[0].batch.size(), std::size_t(s->config.batch));
  const float lr = float(in.steps[0].lr);
  for (int v = 0; v < s->spec.vocab; ++v) {
    for (int j = 0; j < s->spec.emb; ++j) {
      if (in.tokens().in_batch[std::size_t(v)])
        EXPECT_NEAR(in.tokens().delta(v, j), -lr * in.tokens().grad(v, j), 1e-6f + 1e-5f * std::abs(in.tokens().delta(v, j)));
      else
        EXPECT_EQ(in.tokens().delta(v, j), 0.0f) << "token " << v << " was in no context but moved";
    }
  }
  // The inspector's tab came forward: its own buttons were drawn this frame.
  EXPECT_TRUE(ui->app().context().item_rects.count("inspector Step 1"));
  // The current table is the one the record ends with.
  EXPECT_EQ(Mat<float>(s->C()), in.tokens().after);
#ifdef EMBEDVIZ_SCREENSHOT_DIR
  gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gui_inspector.png");
#endif
}

// Sessions through the trainer thread, as the File menu posts them: a bad file
// leaves the run alone; a good one brings back the saved step and parameters.
TEST(Gui, SaveAndLoadSession) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  const std::string path = ::testing::TempDir() + "/gui_session_" + std::to_string(::getpid()) + ".evs";
  ASSERT_TRUE(ui->click("Step 100"));
  settle(*ui);
  ui->app().context().post(cmd::SaveSession{path});
  auto saved = settle(*ui);
  ASSERT_NE(saved->message.find("Saved"), std::string::npos) << saved->message;
  ASSERT_TRUE(ui->click("Step 10"));
  EXPECT_EQ(settle(*ui)->step, 110);
  {
    std::ofstream bad(path + ".bad", std::ios::binary);
    bad << "not a session";
  }
  ui->app().context().post(cmd::LoadSession{path + ".bad"});
  auto s = settle(*ui);
  EXPECT_EQ(s->step, 110) << "a bad file must leave the run untouched";
  EXPECT_FALSE(s->message.empty());
  ui->app().context().post(cmd::LoadSession{path});
  s = settle(*ui);
  EXPECT_EQ(s->step, 100);
  EXPECT_EQ(s->model->params, saved->model->params);
  std::remove(path.c_str());
  std::remove((path + ".bad").c_str());
}

using ev::testing::clipped_text;

// Clicks through every tab of the Tools window, asserting that nothing is cut
// off, and saves a picture of each for a person to look at.
void walk_tabs(app::HeadlessUi& ui, const std::string& state) {
  ASSERT_GE(ui::tool_tab_count(), 7u);
  for (std::size_t i = 0; i < ui::tool_tab_count(); ++i) {
    const char* tab = ui::tool_tabs()[i].name;
    ASSERT_TRUE(ui.click(std::string("tab ") + tab)) << tab << " at " << ui.width() << "x" << ui.height();
    ui.frame();
    EXPECT_EQ(clipped_text(ui), "") << tab << " at " << ui.width() << "x" << ui.height() << ", " << state;
    // The embedding view keeps the most room, its legend over no point.
    EXPECT_EQ(ev::testing::embedding_view_problems(ui), "") << tab << " at " << ui.width() << ", " << state;
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui.pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gui_" + state + "_" + tab + "_" +
                                    std::to_string(ui.width()) + ".png");
#endif
  }
}

// Each teaching tab draws at the default size and at 1280x800, with no text
// cut off, at step 0, after training, and in the 2-D lesson.
TEST(Gui, EveryToolTabDraws) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    app::AppOptions o = options();
    o.width = w;
    o.height = h;
    o.config.emb = 10;
    auto small = open_ui(o);
    if (!small) GTEST_SKIP() << "no headless OpenGL here";
    walk_tabs(*small, "step0");
    ASSERT_TRUE(small->click("Step 100"));
    settle(*small);
    walk_tabs(*small, "trained");
    // Too high a rate: the warning (or the divergence banner) with its Restore button, nothing cut.
    small->app().trainer().post(cmd::SetLr{100});
    small->app().trainer().post(cmd::Step{300});
    const auto s = settle(*small);
    EXPECT_TRUE(s->rising || s->diverged);
    small->frame();
    EXPECT_TRUE(small->app().context().item_rects.count("Restore")) << "no Restore button at " << w;
    walk_tabs(*small, "diverged");
    small->app().trainer().post(cmd::ApplyPreset{0});
    settle(*small);
    walk_tabs(*small, "lesson2d");
  }
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  // A lesson preset sets its configuration, paused at step 0.
  ASSERT_TRUE(ui->click("tab Lessons"));
  ASSERT_TRUE(ui->click("lesson 2-D embeddings")) << "no preset button";
  auto s = settle(*ui);
  EXPECT_EQ(s->step, 0);
  EXPECT_EQ(s->spec.emb, 2);
  EXPECT_EQ(s->preset, 0);
}

// A notice longer than the status line is cut to it with "..." (whole in a
// tooltip) instead of running past the window's edge.
TEST(Gui, LongNoticesAreElidedInTheStatusLine) {
  app::AppOptions o = options();
  o.width = 1280;
  o.height = 800;
  auto ui = open_ui(o);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  std::string notice = "Trained on a file with a long name:";
  for (int i = 0; i < 40; ++i) notice += " part" + std::to_string(i);
  ui->app().context().notice = notice;
  ui->frame();
  EXPECT_EQ(clipped_text(*ui), "");
}

// A presenter's clicker taps a key for less than a frame: every tap counts.
TEST(Gui, KeyTapsShorterThanAFrameAllCount) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  for (int i = 0; i < 4; ++i) ui->tap('S');
  ui->frame();
  EXPECT_EQ(settle(*ui)->step, 4);
  ui->tap(ImGuiKey_RightArrow);
  ui->tap(ImGuiKey_RightArrow);
  ui->frame();
  EXPECT_EQ(settle(*ui)->step, 6);
}

// The loss plot shows the two landmarks of the makemore lectures, and the
// numbers above it are "-" until there are losses, then the status line's.
TEST(Gui, LossPlotLandmarksAndNumbers) {
  auto ui = open_ui();
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  auto s = ui->app().trainer().snapshot();
  EXPECT_GT(s->bigram_loss, 0.0f);
  EXPECT_LT(s->bigram_loss, std::log(float(s->spec.vocab)));  // counting beats a uniform guess
  ASSERT_TRUE(ui->click("Step 10"));
  s = settle(*ui);
  EXPECT_GT(s->smooth_loss, 0.0f);
}

// The welcome shows at the first start; Start alone hides it until the next
// start (the box is unticked by default), and once dismissed with its box
// ticked never again; the file that remembers it is the only trace.
TEST(Gui, WelcomeCanBeDismissedForGood) {
  const std::string seen = ::testing::TempDir() + "/embedviz-welcome-seen-" + std::to_string(::getpid());
  std::remove(seen.c_str());
  app::AppOptions o = options();
  o.welcome_seen_file = seen;
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    o.width = w;
    o.height = h;
    auto ui = open_ui(o);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ui->frame();
    ASSERT_TRUE(ui->app().context().item_rects.count("Start")) << "no welcome at " << w;
    EXPECT_EQ(clipped_text(*ui), "");
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gui_welcome_" + std::to_string(w) + ".png");
#endif
    if (w == 1600) {
      ASSERT_TRUE(ui->click("Start"));
      ui->frame();
      EXPECT_FALSE(ui->app().context().item_rects.count("Start"));
    }
  }
  {
    auto back = open_ui(o);
    back->frame();
    ASSERT_TRUE(back->app().context().item_rects.count("Start")) << "Start alone hid the welcome for good";
    ASSERT_TRUE(back->click("Don't show this again"));
    back->frame();
    ASSERT_TRUE(back->click("Start"));
    back->frame();
  }
  auto again = open_ui(o);
  again->frame();
  EXPECT_FALSE(again->app().context().item_rects.count("Start")) << "the welcome came back";
  std::remove(seen.c_str());
}

// The Codes tab labels its distance maps' rows and columns with the tokens:
// every one of a character vocabulary, at both sizes.
TEST(Gui, CodesMapsAreLabelledWithTheTokens) {
  for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1600, 1000}}) {
    auto ui = open_ui(options(w, h));
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ASSERT_TRUE(ui->click("tab Codes"));
    ui->frame();
    EXPECT_EQ(ui->app().tools().representations.map_labels, ui->app().shown()->spec.vocab) << w;
    EXPECT_EQ(clipped_text(*ui), "") << w;
    // A cell says which two tokens it is: scroll the map's foot into view, hover row 24, column 2.
    ASSERT_TRUE(ev::testing::scroll_tools_to(*ui, "codes map embedding")) << w;
    const auto r = ui->app().context().item_rects.at("codes map embedding");
    const float cell = (r[2] - r[0]) / float(ui->app().shown()->spec.vocab);
    ui->set_mouse(r[0] + 2.5f * cell, r[1] + 24.5f * cell, false);
    ui->frame();
    EXPECT_EQ(ui->app().context().hovered_token, 24) << w;
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/gui_codes_hover_" + std::to_string(w) + ".png");
#endif
  }
}

// The word filter: empty at first; a word typed into it is masked in the
// samples shown (and the keys work again after Enter); the list is there at
// the next start, from its file.
TEST(Gui, WordFilterMasksListedWordsAndIsKeptForTheNextStart) {
  const std::string file = ::testing::TempDir() + "/embedviz-word-filter-" + std::to_string(::getpid()) + ".txt";
  std::remove(file.c_str());
  app::AppOptions o = options();
  o.word_filter_file = file;
  std::string word;
  {
    auto ui = open_ui(o);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    ASSERT_TRUE(ui->click("Step 100"));
    settle(*ui);
    ASSERT_TRUE(ui->click("tab Samples"));
    for (int i = 0; i < 4; ++i) ui->frame();
    const ui::SamplingPanelState& sp = ui->app().tools().sampling;
    EXPECT_TRUE(sp.hidden_words.empty()) << "the filter starts empty";
    ASSERT_FALSE(sp.samples.empty());
    ASSERT_EQ(sp.shown.size(), sp.samples.size());
    for (std::size_t i = 0; i < sp.samples.size(); ++i)
      EXPECT_EQ(sp.shown[i], sp.samples[i].empty() ? "(empty)" : sp.samples[i]);
    for (const std::string& x : sp.samples)
      if (word.empty()) word = x;
    ASSERT_FALSE(word.empty()) << "every sample was empty";
    ui->app().tools().sampling.live = false;  // the same samples while the filter is typed
    ASSERT_TRUE(ui->click("hide words"));
    ui->type("Zzz, " + word);
    ui->key(ImGuiKey_Enter);
    ui->frame();
    EXPECT_EQ(sp.hidden_words, (std::vector<std::string>{"zzz", word}));
    ASSERT_EQ(sp.shown.size(), sp.samples.size());
    for (std::size_t i = 0; i < sp.samples.size(); ++i)
      EXPECT_EQ(sp.shown[i] == "***", sp.samples[i] == word) << sp.samples[i];
    ui->key('S');  // the keyboard is the class's again
    EXPECT_EQ(settle(*ui)->step, 101);
  }
  auto again = open_ui(o);
  EXPECT_EQ(again->app().tools().sampling.hidden_words, (std::vector<std::string>{"zzz", word}));
  EXPECT_EQ(std::string(again->app().tools().sampling.filter_text), "zzz, " + word);
  std::remove(file.c_str());
}
