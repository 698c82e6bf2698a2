// word_view_test: the app's embedding view on word data, driven headlessly:
// every word drawn in the colour of its part of speech (WordNet's classes),
// the search box centring the view on a word and listing its nearest
// neighbours by cosine, and nothing cut off at two window sizes. Skips cleanly
// without headless OpenGL or without WordNet (no classes to colour by).
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>
#include <string>

#include "app/headless_ui.h"
#include "app_harness.h"
#include "core/base/error.h"
#include "core/teach/teach.h"
#include "gfx/render_target.h"
#include "process.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

using ev::testing::clipped_text;

// Prose of a few words WordNet knows: nouns, verbs, adjectives, adverbs, and
// words it lists as nothing ("the", "a").
std::string prose() {
  const char* lines[] = {"the child eats a bone quickly", "a happy cat sleeps", "the tree grows slowly",
                         "a green frog jumps", "the old man walks", "a child reads quietly"};
  std::string text;
  for (int i = 0; i < 40; ++i) text += std::string(lines[i % 6]) + "\n";
  return text;
}

std::unique_ptr<app::HeadlessUi> open_ui(const std::string& data, int w, int h) {
  app::AppOptions o;
  o.data = data;
  o.tokenizer = Tokenizer::Word;
  o.width = w;
  o.height = h;
  o.config.block = 3;
  o.config.emb = 6;
  o.config.hidden = 16;
  o.config.init = "scaled";
  o.config.seed = 3;
  return ev::testing::open_app(o);
}

}  // namespace

TEST(WordView, PointsInPartOfSpeechColoursSearchCentresAndListsNeighbours) {
  ev::testing::TempDir dir;
  const std::string data = dir.write("prose.txt", prose());
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    auto ui = open_ui(data, w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here";
    const Dataset& d = *ui->app().shown()->data;
    if (d.classes.empty()) GTEST_SKIP() << "WordNet is not installed: no parts of speech";
    ASSERT_EQ(d.tokenizer, Tokenizer::Word);
    ui->frame();
    const ui::EmbeddingPanelState& st = ui->app().embedding_view();
    const int V = d.vocab.size();
    ASSERT_EQ(st.classes.size(), std::size_t(V));
    std::set<ui::TokenClass> seen;
    for (int i = 0; i < V; ++i) {
      EXPECT_EQ(st.classes[std::size_t(i)], ui::classify_word(d.classes[std::size_t(i)], i)) << d.vocab.token(i);
      seen.insert(st.classes[std::size_t(i)]);
    }
    EXPECT_EQ(st.classes[std::size_t(d.vocab.id("child"))], ui::TokenClass::Noun);
    EXPECT_EQ(st.classes[std::size_t(d.vocab.id("quickly"))], ui::TokenClass::Adverb);
    EXPECT_EQ(st.classes[std::size_t(d.vocab.id("the"))], ui::TokenClass::Other);
    EXPECT_GE(seen.size(), 4u) << "nouns, adverbs, several and none at least";
    // The most frequent words are labelled first: "the" and "a" lead the order.
    ASSERT_EQ(st.label_order.size(), std::size_t(V));
    const std::set<std::string> first = {d.vocab.token(st.label_order[0]), d.vocab.token(st.label_order[1])};
    EXPECT_TRUE(first.count("the") && first.count("a"));

    // Each point is drawn in its class's colour where the view says it is
    // (points too close to another are left out: one covers the other).
    const int checked = ev::testing::check_point_colours(*ui, 30);
    EXPECT_GE(checked, 3);
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h;
    // The loss plot's landmarks (a uniform guess, the bigram, Kneser-Ney) are
    // labelled apart from one another and from "No steps yet".
    const auto& boxes = ui->app().loss_view().reference_boxes;
    EXPECT_GE(boxes.size(), 2u);
    const auto overlap = [](const std::array<float, 4>& p, const std::array<float, 4>& q) {
      return p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3];
    };
    const auto& message = ui->app().loss_view().message_box;
    EXPECT_GT(message[2], message[0]) << "the plot says there are no steps yet";
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      EXPECT_FALSE(overlap(boxes[i], message)) << i;
      for (std::size_t j = i + 1; j < boxes.size(); ++j) EXPECT_FALSE(overlap(boxes[i], boxes[j])) << i << " " << j;
    }

    // Search: the view centres on the word, selects it and lists its nearest
    // neighbours by cosine over all dimensions.
    ASSERT_TRUE(ui->click("word search"));
    ui->type("Child");
    ui->key(ImGuiKey_Enter);
    ui->frame();
    const int child = d.vocab.id("child");
    EXPECT_EQ(ui->app().context().selected_token, child);
    const Snapshot& s = *ui->app().shown();
    const auto want = nearest(s.C().topRows(V), child, st.search.k, Metric::Cosine);
    ASSERT_EQ(st.search.near.size(), want.size());
    ASSERT_FALSE(want.empty());
    for (std::size_t k = 0; k < want.size(); ++k) EXPECT_EQ(st.search.near[k].id, want[k].id) << k;
    const double cx = 0.5 * (st.plot.x0 + st.plot.x1), cy = 0.5 * (st.plot.y0 + st.plot.y1);
    const double span = std::max(st.plot.x1 - st.plot.x0, st.plot.y1 - st.plot.y0);
    EXPECT_NEAR(cx, st.xy[2 * std::size_t(child)], 0.02 * span);
    EXPECT_NEAR(cy, st.xy[2 * std::size_t(child) + 1], 0.02 * span);
    EXPECT_FALSE(st.plot.auto_fit);
    // Every neighbour is inside the new limits.
    for (const Neighbour& n : st.search.near) {
      EXPECT_GE(st.xy[2 * std::size_t(n.id)], st.plot.x0);
      EXPECT_LE(st.xy[2 * std::size_t(n.id)], st.plot.x1);
    }
    EXPECT_EQ(clipped_text(*ui), "") << w << "x" << h << " after a search";
    // The searched word and its ringed neighbours are labelled, whatever else is crowded.
    const auto labelled = [&](int t) {
      return std::find(st.labelled.begin(), st.labelled.end(), t) != st.labelled.end();
    };
    EXPECT_TRUE(labelled(child));
    for (const Neighbour& n : st.search.near) EXPECT_TRUE(labelled(n.id)) << d.vocab.token(n.id);
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    ui->set_mouse(5, float(h) - 5, false);  // no tooltip over the view
    ui->frame();
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/word_view_search_" + std::to_string(w) + ".png");
#endif
    // A word not in the vocabulary says so and selects nothing new.
    ASSERT_TRUE(ui->click("word search"));
    for (int k = 0; k < 3; ++k) ui->key(ImGuiKey_Backspace);
    ui->type("zebra");
    ui->key(ImGuiKey_Enter);
    EXPECT_NE(st.search.message.find("not in the vocabulary"), std::string::npos) << st.search.message;
    EXPECT_EQ(st.search.token, -1);
#ifdef EMBEDVIZ_SCREENSHOT_DIR
    gfx::write_png(ui->pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/word_view_" + std::to_string(w) + ".png");
#endif
  }
}

// File > Train on a text file offers the kind of tokens: choosing words reads
// the file as prose (with the word initialisation), choosing characters as
// characters again.
TEST(WordView, FileOpenOffersTheTokenizer) {
  ev::testing::TempDir dir;
  setenv("HOME", dir.file("").c_str(), 1);
  setenv("XDG_CONFIG_HOME", dir.file("config").c_str(), 1);
  setenv("XDG_DATA_HOME", dir.file("share").c_str(), 1);
  const std::string data = dir.write("prose.txt", prose());
  app::AppOptions o;
  o.data = data;
  o.config.emb = 2;
  o.config.hidden = 16;
  const std::unique_ptr<app::HeadlessUi> ui = ev::testing::open_app(o);
  if (!ui) GTEST_SKIP() << "no headless OpenGL here";
  ASSERT_EQ(ui->app().shown()->data->tokenizer, Tokenizer::Char);
  const auto open_as = [&](const char* choice) {
    ASSERT_TRUE(ui->click("menu File"));
    ASSERT_TRUE(ui->click("menu Train on a text file..."));
    ui->frame();
    ASSERT_TRUE(ui->click(choice)) << choice;
    ui->frame();
    EXPECT_EQ(clipped_text(*ui), "");
    ASSERT_TRUE(ui->click("browser path"));
    ev::testing::replace_text(*ui, data);
    ui->app().trainer().want_model();
    ASSERT_TRUE(ui->app().trainer().wait_idle(20s));
    ui->frame();
  };
  open_as("browser tokens word");
  auto s = ui->app().trainer().snapshot();
  EXPECT_EQ(s->data->tokenizer, Tokenizer::Word) << s->message;
  EXPECT_GE(s->data->vocab.id("quickly"), 0);
  EXPECT_EQ(s->spec.init, "small");
  open_as("browser tokens char");
  s = ui->app().trainer().snapshot();
  EXPECT_EQ(s->data->tokenizer, Tokenizer::Char) << s->message;
  EXPECT_EQ(s->spec.init, "normal");
}
