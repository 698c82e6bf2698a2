// experiment_test: sweeps of one hyperparameter run side by side, each run
// equal to its solo run to the bit, and the learning-rate finder.
#include <gtest/gtest.h>

#include <filesystem>

#include <atomic>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/train/metrics.h"
#include "core/models/ngram.h"
#include "core/train/trainer.h"
#include "core/live/run.h"
#include "test_data.h"

namespace ev {
namespace {

// Validated every 50 steps, so short runs have curves.
TrainConfig small_config() {
  TrainConfig c = testdata::small_config();
  c.val_every = 50;
  return c;
}

TEST(Sweep, ParsesAParameterAndItsValues) {
  const Sweep s = parse_sweep("hidden=50,100,200");
  EXPECT_EQ(s.param, "hidden");
  EXPECT_EQ(s.values, (std::vector<std::string>{"50", "100", "200"}));
  EXPECT_EQ(with_value(TrainConfig{}, "hidden", "50").hidden, 50);
  EXPECT_DOUBLE_EQ(with_value(TrainConfig{}, "lr", "0.05").lr, 0.05);
  EXPECT_TRUE(with_value(TrainConfig{}, "direct", "1").direct);
  EXPECT_EQ(with_value(TrainConfig{}, "seed", "18446744073709551615").seed, 18446744073709551615ull);
}

TEST(Sweep, AFamilyComesWithItsUsualSettingsUnlessGivenOthers) {
  const TrainConfig gpt = with_value(TrainConfig{}, "model", "gpt");
  EXPECT_EQ(gpt.family, "gpt");
  EXPECT_EQ(gpt.block, family_defaults("gpt").block);
  EXPECT_EQ(gpt.emb, family_defaults("gpt").emb);
  EXPECT_EQ(gpt.optimizer, family_defaults("gpt").optimizer);
  EXPECT_DOUBLE_EQ(gpt.lr, family_defaults("gpt").lr);
  TrainConfig given;
  given.emb = 8;
  given.lr = 0.05;
  const TrainConfig kept = with_value(given, "model", "gpt");
  EXPECT_EQ(kept.emb, 8);
  EXPECT_DOUBLE_EQ(kept.lr, 0.05);
  EXPECT_EQ(kept.block, family_defaults("gpt").block);
  EXPECT_EQ(kept.optimizer, family_defaults("gpt").optimizer);  // a rate given alone keeps the family's optimizer
  // Word data: the family's word defaults too.
  Sweep words;
  words.param = "model";
  words.words = true;
  EXPECT_EQ(with_value(family_defaults("gpt", true), words, "mlp").emb, family_defaults("mlp", true).emb);
  EXPECT_EQ(with_value(family_defaults("gpt", true), words, "mlp").hidden, family_defaults("mlp", true).hidden);
  EXPECT_EQ(with_value(TrainConfig{}, "model", "mlp").family, "mlp");
  EXPECT_THROW(parse_sweep("model=mlp,rnn"), Error);
}

TEST(Experiment, TheMlpAndTheTransformerTrainSideBySide) {
  const auto data = testdata::synthetic_dataset(200);
  TrainConfig base = small_config();
  base.lr_decay_step = 1000;
  const std::vector<RunResult> rows = run_experiment(data, base, parse_sweep("model=mlp,gpt"), StopRule{60, 0}, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].config.family, "gpt");
  for (const RunResult& r : rows) {
    EXPECT_TRUE(r.error.empty()) << r.value << ": " << r.error;
    EXPECT_EQ(r.steps, 60);
    EXPECT_GT(r.val, 0.0);
  }
}

// The scores read each position's target, also where the transformer computes
// fewer positions than its rows hold.
TEST(Experiment, NextTokenScoresAgreeWithTheLossForEveryFamily) {
  const auto data = testdata::synthetic_dataset(200);
  for (const char* name : {"mlp", "gpt"}) {
    TrainConfig c = with_value(small_config(), "model", name);
    Trainer t(data, c);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(t.step().finite);
    const NextTokenScores sc = score_next_tokens(t.model(), t.examples(Split::Val));
    EXPECT_NEAR(sc.loss, t.evaluate(Split::Val), 1e-4) << name;
    EXPECT_GT(sc.top1, 0.0) << name;
    EXPECT_LE(sc.top1, sc.top5) << name;
  }
}

// Word data's loss plot carries the trigram's line; character data's none.
TEST(Experiment, WordRunsCarryTheKneserNeyTrigramsValidationLoss) {
  std::vector<std::string> lines;
  for (int i = 0; i < 60; ++i)
    lines.push_back(i % 3 ? "the cat sat on the mat" : "a dog sat on a log and the cat ran");
  const auto words = std::make_shared<const Dataset>(make_dataset(lines, Tokenizer::Word, 7, "test prose"));
  ev::Run word_run(1, words, small_config());
  const double want = std::log(KneserNey(*words).perplexity(*words, Split::Val));
  EXPECT_FLOAT_EQ(word_run.snapshot(false)->trigram_loss, float(want));
  EXPECT_GT(want, 0.0);
  ev::Run char_run(2, testdata::synthetic_dataset(200), small_config());
  EXPECT_EQ(char_run.snapshot(false)->trigram_loss, 0.0f);
}

TEST(Sweep, RefusesWhatItCannotRun) {
  for (const char* bad : {"", "hidden", "=1,2", "colour=1,2", "hidden=", "hidden=50,,100", "hidden=0", "hidden=abc",
                          "lr=nan", "lr=-1", "emb=99999999", "direct=2", "seed=-1", "seed=99999999999999999999"})
    EXPECT_THROW(parse_sweep(bad), Error) << bad;
  std::string many = "seed=0";
  for (int i = 1; i < 100; ++i) many += "," + std::to_string(i);
  EXPECT_THROW(parse_sweep(many), Error);
}

TEST(Experiment, EachRunEqualsItsSoloRunAndTheCurvesShareTheirSteps) {
  const auto data = testdata::synthetic_dataset(300);
  const TrainConfig base = small_config();
  const Sweep sweep = parse_sweep("hidden=8,32,16");
  std::atomic<int> finished{0};
  const std::vector<RunResult> rows = run_experiment(
      data, base, sweep, StopRule{200, 0}, 2, [&](const RunProgress& p) { finished += p.finished; });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(finished.load(), 3);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RunResult& r = rows[i];
    EXPECT_EQ(r.value, sweep.values[i]);  // the sweep's order, whatever order they ran in
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.steps, 200);
    // The same run alone, on this thread.
    ev::Run solo(1, data, with_value(base, "hidden", r.value));
    for (int s = 0; s < 200; ++s) ASSERT_EQ(solo.step(), ev::Run::Outcome::Trained);
    EXPECT_EQ(r.train, solo.trainer().evaluate(Split::Train));
    EXPECT_EQ(r.test, solo.trainer().evaluate(Split::Test));
    EXPECT_EQ(r.params, solo.trainer().model().params.size());
    ASSERT_EQ(r.curve.size(), 4u);  // steps 50, 100, 150, 200
    const auto& solo_val = solo.trainer().history().val;
    ASSERT_EQ(solo_val.size(), 4u);
    for (std::size_t k = 0; k < r.curve.size(); ++k) {
      EXPECT_EQ(r.curve[k].step, std::int64_t(50 * (k + 1)));
      EXPECT_EQ(r.curve[k].loss, solo_val[k].loss);
    }
    EXPECT_EQ(r.val, solo_val.back().loss);
    EXPECT_GT(r.accuracy, 0.0);
    EXPECT_LE(r.accuracy, 1.0);
  }
  const int best = best_row(rows);
  ASSERT_GE(best, 0);
  for (const RunResult& r : rows) EXPECT_LE(rows[std::size_t(best)].val, r.val);
}

TEST(Experiment, ADivergedRunIsReportedAndNeverTheBest) {
  const auto data = testdata::synthetic_dataset(200);
  const std::vector<RunResult> rows =
      run_experiment(data, small_config(), parse_sweep("lr=0.1,1000000"), StopRule{300, 0}, 2);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_FALSE(rows[1].error.empty());
  EXPECT_LT(rows[1].steps, 300);
  EXPECT_EQ(best_row(rows), 0);
  const std::string csv = results_csv(parse_sweep("lr=0.1,1000000"), rows);
  EXPECT_EQ(csv.rfind("lr,block,emb,hidden,", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);  // header and two rows, the error quoted on one line
  EXPECT_NE(results_json(parse_sweep("lr=0.1,1000000"), rows, -1).find("\"best\":0"), std::string::npos);
}

// The swept parameter is the CSV's first column and not repeated after it;
// a run of no steps (a budget too short for one) is never the best.
TEST(Experiment, TheCsvNamesEachColumnOnceAndARunOfNoStepsIsNotBest) {
  const auto data = testdata::synthetic_dataset(200);
  const Sweep sweep = parse_sweep("hidden=8,16");
  std::vector<RunResult> rows = run_experiment(data, small_config(), sweep, StopRule{20, 0}, 2);
  const std::string csv = results_csv(sweep, rows);
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header.rfind("hidden,block,emb,direct,init,softmax,classes,batch,lr,seed,params,", 0), 0u) << header;
  const std::string first = csv.substr(header.size() + 1, csv.find('\n', header.size() + 1) - header.size() - 1);
  EXPECT_EQ(std::count(first.begin(), first.end(), ','), std::count(header.begin(), header.end(), ',')) << first;
  EXPECT_EQ(first.rfind("8,3,", 0), 0u) << first;  // hidden 8, then block 3
  for (RunResult& r : rows) r.steps = 0;
  EXPECT_EQ(best_row(rows), -1);
}

// A perplexity is written for people: two decimals, or an exponent once large.
TEST(Experiment, PerplexitiesAreWrittenShort) {
  EXPECT_EQ(perplexity_text(9.3071), "9.31");
  EXPECT_EQ(perplexity_text(std::exp(484.0)), "1.58e+210");
  EXPECT_EQ(perplexity_text(std::numeric_limits<double>::infinity()), "inf");
}

TEST(Experiment, ATimeBudgetOrACancelStopsTheRuns) {
  const auto data = testdata::synthetic_dataset(200);
  TrainConfig big = small_config();
  big.hidden = 2000;
  const std::vector<RunResult> timed =
      run_experiment(data, big, parse_sweep("seed=1,2"), StopRule{1'000'000'000, 0.2}, 2);
  for (const RunResult& r : timed) {
    EXPECT_TRUE(r.error.empty());
    EXPECT_GT(r.steps, 0);
    EXPECT_LT(r.steps, 1'000'000'000);
  }
  std::atomic<bool> cancel{true};
  const std::vector<RunResult> cancelled =
      run_experiment(data, big, parse_sweep("seed=1,2,3"), StopRule{1'000'000, 0}, 1, {}, &cancel);
  for (const RunResult& r : cancelled) {
    EXPECT_EQ(r.steps, 0);
    EXPECT_EQ(r.error, "stopped");
  }
}

TEST(LrFinder, TheRateRisesExponentiallyAndTheMarksLieWithinIt) {
  const auto data = testdata::synthetic_dataset(300);
  const LrFinder f = find_lr(data, small_config(), 400, 1e-3, 10.0);
  ASSERT_GT(f.lr.size(), 100u);
  EXPECT_DOUBLE_EQ(f.lr.front(), 1e-3);
  for (std::size_t i = 1; i < f.lr.size(); ++i)
    EXPECT_NEAR(std::log(f.lr[i] / f.lr[i - 1]), std::log(1e4) / 399, 1e-9);
  EXPECT_GT(f.steepest_lr, 1e-3);
  EXPECT_LT(f.steepest_lr, 10.0);
  EXPECT_GT(f.lowest_lr, f.steepest_lr);  // the loss still falls past its fastest fall
  // The lowest smoothed loss is where the finder says.
  const auto low = std::min_element(f.smooth.begin(), f.smooth.end()) - f.smooth.begin();
  EXPECT_EQ(f.lr[std::size_t(low)], f.lowest_lr);
  // The valley holds the lowest rate; inside it the loss is within a tenth of
  // its fall of the lowest; the suggestion is halfway from its start to the lowest.
  EXPECT_LE(f.valley_lo, f.lowest_lr);
  EXPECT_GE(f.valley_hi, f.lowest_lr);
  EXPECT_LT(f.valley_lo, f.valley_hi);
  EXPECT_NEAR(f.suggested_lr, std::sqrt(f.valley_lo * f.lowest_lr), 1e-12);
  const double lowest = f.smooth[std::size_t(low)];
  const double top = *std::max_element(f.smooth.begin() + std::ptrdiff_t(f.smooth.size() / 10), f.smooth.begin() + low + 1);
  for (std::size_t i = 0; i < f.lr.size(); ++i)
    if (f.lr[i] >= f.valley_lo && f.lr[i] <= f.valley_hi) {
      EXPECT_LE(f.smooth[i], lowest + 0.1 * (top - lowest) + 1e-12) << i;
    }
  EXPECT_THROW(find_lr(data, small_config(), 5), Error);
}

// The window's search can be stopped: it reads the flag before every step and
// counts its steps for the progress bar.
TEST(LrFinder, StopsWhenCancelledAndCountsItsSteps) {
  const auto data = testdata::synthetic_dataset(300);
  std::atomic<bool> cancel{false};
  std::atomic<int> done{0};
  const LrFinder whole = find_lr(data, small_config(), 50, 1e-3, 1e-2, &cancel, &done);
  EXPECT_FALSE(whole.cancelled);
  EXPECT_EQ(whole.lr.size(), 50u);
  EXPECT_EQ(done.load(), 49);
  cancel = true;
  const LrFinder stopped = find_lr(data, small_config(), 50, 1e-3, 1e-2, &cancel, &done);
  EXPECT_TRUE(stopped.cancelled);
  EXPECT_TRUE(stopped.lr.empty());
}

// On the makemore lecture's data and model the suggestion lands near the
// lecture's rate, 0.1 (the steepest fall is far below it).
TEST(LrFinder, TheSuggestionIsTheLecturesRateOnNames) {
  const std::string path = EMBEDVIZ_NAMES;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  const auto data = std::make_shared<const Dataset>(load_dataset(path, Tokenizer::Char, 42));
  TrainConfig c;  // the lecture's configuration
  const LrFinder f = find_lr(data, c);
  EXPECT_GT(f.suggested_lr, 0.05);
  EXPECT_LT(f.suggested_lr, 0.3);
}

}  // namespace
}  // namespace ev
