// word_tools_test: the teaching tools with Bengio et al.'s (2003) word model
// at its full size, WordNet's glosses with a vocabulary of 17,000 words, in
// the real app driven headlessly: the one-hot view shows a window of C's rows
// around the looked-up words, the step inspector records contexts of words,
// sampling joins words with spaces, and the model facts give this corpus's
// vocabulary and n-gram blow-up; nothing cut off at 1600x1000 and 1280x800.
// Skips without headless OpenGL or without WordNet.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cctype>
#include <cstring>
#include <sstream>
#include <string>

#include "app_harness.h"
#include "gfx/render_target.h"
#include "ui/facts_panel.h"
#include "ui/inspector_panel.h"

using namespace ev;
using ev::testing::clipped_text;
using ev::testing::settle;

namespace {

std::unique_ptr<app::HeadlessUi> open_words(int w, int h) {
  app::AppOptions o;
  o.width = w;
  o.height = h;
  o.tokenizer = Tokenizer::Word;  // no data: WordNet's glosses
  o.config.block = 3;             // Bengio et al.'s sizes, as `embedviz --tokenizer word` sets them
  o.config.emb = 30;
  o.config.hidden = 100;
  o.config.init = "scaled";
  o.config.seed = 5;
  return ev::testing::open_app(o);
}

// A word as the word tokenizer makes them: letters, digits, inner apostrophes;
// or the boundary and <unk>.
bool is_word(const std::string& t) {
  if (t == "." || t == "<unk>") return true;
  if (t.empty()) return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '\'') return false;
  return true;
}

void shoot(app::HeadlessUi& ui, const std::string& name) {
  gfx::write_png(ui.pixels(), std::string(EMBEDVIZ_SCREENSHOT_DIR) + "/words_" + name + "_" +
                                  std::to_string(ui.width()) + ".png");
}

void show_tab(app::HeadlessUi& ui, const char* tab) {
  ASSERT_TRUE(ui.click(std::string("tab ") + tab)) << tab;
  for (int i = 0; i < 4; ++i) ui.frame();  // the model's parameters arrive for the tabs that ask
}

}  // namespace

TEST(WordTools, EveryToolWorksWith17000Words) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // Each window loads all of WordNet and counts its trigrams: ten minutes
  // under a sanitizer. The same tools at a small word vocabulary run
  // sanitized in word_view_test and views_test.
  GTEST_SKIP() << "the full WordNet vocabulary is too slow under a sanitizer";
#endif
  for (const auto& [w, h] : {std::pair{1600, 1000}, std::pair{1280, 800}}) {
    auto ui = open_words(w, h);
    if (!ui) GTEST_SKIP() << "no headless OpenGL here, or no WordNet";
    auto s = settle(*ui);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->data->tokenizer, Tokenizer::Word);
    ASSERT_EQ(s->spec.vocab, 17000);
    ui->app().trainer().post(cmd::Step{20});
    ASSERT_TRUE(settle(*ui));

    // The step inspector: one update, its contexts and targets words.
    ASSERT_TRUE(ui->click("Step"));
    s = settle(*ui);
    ASSERT_TRUE(s && s->inspection);
    const StepInspection& in = *s->inspection;
    ASSERT_EQ(in.steps.size(), 1u);
    ASSERT_EQ(in.steps[0].batch.size(), std::size_t(s->config.batch));
    int long_words = 0;
    for (const InspectedExample& e : in.steps[0].batch) {
      for (int id : e.context) EXPECT_TRUE(is_word(s->data->vocab.token(id))) << s->data->vocab.token(id);
      EXPECT_TRUE(is_word(s->data->vocab.token(e.target)));
      long_words += s->data->vocab.token(e.target).size() > 1;
    }
    EXPECT_GT(long_words, 0) << "the targets look like characters, not words";
    EXPECT_EQ(in.tokens().rows(), 17000);
    EXPECT_LE(in.tokens().moved_count(), 3 * s->config.batch) << "only the rows of the contexts' words move";
    EXPECT_TRUE(ui->app().context().item_rects.count("inspector Step 1"));
    EXPECT_EQ(clipped_text(*ui), "") << "Step at " << w;
    // A view of 17,000 points is projected again at most 10 times a second:
    // the arrows are there once it has been.
    for (int i = 0; i < 8; ++i) ui->frame();
    EXPECT_EQ(ui->app().embedding_view().token_arrows, in.tokens().moved_count());
    shoot(*ui, "Step");

    // The one-hot view: a typed context of three words, a window of C's rows around them.
    std::snprintf(ui->app().tools().onehot.text, sizeof ui->app().tools().onehot.text, "%s", "a kind of");
    show_tab(*ui, "One-hot");
    const ui::OnehotPanelState& oh = ui->app().tools().onehot;
    const std::vector<int> ids = {s->data->vocab.id("a"), s->data->vocab.id("kind"), s->data->vocab.id("of")};
    EXPECT_EQ(oh.uploaded_ids, ids);
    ASSERT_GE(oh.uploaded_first, 0);
    EXPECT_LE(oh.uploaded_first, ids[0]);
    EXPECT_LT(ids[0], oh.uploaded_first + oh.table.rows);
    EXPECT_LT(oh.table.rows, 100) << "a window of rows, not all 17,000";
    EXPECT_EQ(oh.max_diff, 0.0f);
    EXPECT_EQ(clipped_text(*ui), "") << "One-hot at " << w;
    shoot(*ui, "One-hot");
    // The longest word of the vocabulary fits too.
    std::string longest;
    for (int v = 0; v < s->spec.vocab; ++v)
      if (s->data->vocab.token(v).size() > longest.size()) longest = s->data->vocab.token(v);
    std::snprintf(ui->app().tools().onehot.text, sizeof ui->app().tools().onehot.text, "%s of %s", longest.c_str(),
                  longest.c_str());
    for (int i = 0; i < 3; ++i) ui->frame();
    EXPECT_EQ(oh.uploaded_ids.front(), s->data->vocab.id(longest));
    EXPECT_EQ(clipped_text(*ui), "") << "One-hot at " << w << " with " << longest;
    shoot(*ui, "One-hot-long");

    // Sampling: words joined by spaces, each a word of the vocabulary; the
    // next-token chart after a typed context, in view below a few samples.
    ui->app().tools().sampling.count = 3;
    std::snprintf(ui->app().tools().sampling.context, sizeof ui->app().tools().sampling.context, "%s", "a kind");
    show_tab(*ui, "Samples");
    const ui::SamplingPanelState& sp = ui->app().tools().sampling;
    ASSERT_FALSE(sp.samples.empty());
    int spaced = 0;
    for (const std::string& text : sp.samples) {
      std::istringstream words(text);
      for (std::string word; words >> word;) EXPECT_GE(s->data->vocab.id(word), 0) << word << " in " << text;
      spaced += text.find(' ') != std::string::npos;
    }
    EXPECT_GT(spaced, 0) << "no sample of several words";
    EXPECT_EQ(clipped_text(*ui), "") << "Samples at " << w;
    shoot(*ui, "Samples");

    // The model facts: the vocabulary, and the n-gram blow-up on this corpus.
    ASSERT_GT(s->distinct_trigrams, 100000u) << "WordNet's glosses hold far more distinct trigrams";
    const std::vector<std::string> facts = ui::word_facts(*s);
    ASSERT_EQ(facts.size(), 2u);
    EXPECT_NE(facts[0].find("17,000 tokens"), std::string::npos) << facts[0];
    std::string trigrams = std::to_string(s->distinct_trigrams);  // as the facts write it: 783,007
    for (int i = int(trigrams.size()) - 3; i > 0; i -= 3) trigrams.insert(std::size_t(i), ",");
    EXPECT_NE(facts[1].find(trigrams + " distinct trigrams"), std::string::npos) << facts[1];
    EXPECT_NE(facts[1].find("V^3 = 4.9 x 10^12"), std::string::npos) << facts[1];
    show_tab(*ui, "Model");
    EXPECT_EQ(clipped_text(*ui), "") << "Model at " << w;
    shoot(*ui, "Model");
  }
}
