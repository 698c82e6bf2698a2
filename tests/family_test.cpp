// family_test: a family describes itself. A tiny family defined here, with a
// hyperparameter no other family has, reaches both programs' flags, the
// validation, sessions, sweeps and the results table through its table and
// the registry alone; and both programs resolve their defaults in one order.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cli/flags.h"
#include "cli/options.h"
#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/models/mlp.h"
#include "core/io/session.h"
#include "core/train/trainer.h"
#include "test_data.h"

using namespace ev;

namespace {

// The MLP's shape with one more hyperparameter: `spread` scales the initial
// token table, so a value that did not reach the model would show in C.
const std::vector<Hyperparameter>& tiny_hyperparameters() {
  static const std::vector<Hyperparameter> table = {
      {"block", "block size", Hyperparameter::Kind::Int, 1, 8, "Context length", true, &ModelSpec::block},
      {"emb", "embedding dim", Hyperparameter::Kind::Int, 1, 16, "Numbers per token", true, &ModelSpec::emb},
      {"hidden", "hidden size", Hyperparameter::Kind::Int, 1, 64, "Hidden units", true, &ModelSpec::hidden},
      {"spread", "spread", Hyperparameter::Kind::Real, 0.25, 4, "Scale of the initial token table", true},
  };
  return table;
}

void tiny_init(Model<float>& m, std::uint64_t seed) {
  kMlpFamily.init(m, seed);
  m.p("C") *= float(m.spec.extra.at("spread"));
}

const Family& tiny_family() {
  static const Family f = [] {
    Family t = kMlpFamily;
    t.name = "tiny";
    t.title = "A tiny test family";
    t.init = tiny_init;
    t.hyperparameters = tiny_hyperparameters;
    t.defaults = [](bool words) -> NamedSettings {
      if (words) return {{"emb", "3"}};
      return {{"spread", "2"}, {"emb", "5"}, {"hidden", "12"}};
    };
    return t;
  }();
  return f;
}

class FamilyTest : public ::testing::Test {
 protected:
  void SetUp() override { register_family(&tiny_family()); }
};

cli::ParseResult parse(std::vector<const char*> args) {
  args.insert(args.begin(), "embedviz-train");
  return cli::parse_train_options(int(args.size()), args.data());
}

TEST_F(FamilyTest, ItsHyperparameterIsAFlagWithItsRangeAndDefault) {
  const cli::ParseResult help = parse({"--help"});
  EXPECT_NE(help.message.find("--spread"), std::string::npos) << help.message;
  EXPECT_NE(help.message.find("Scale of the initial token table"), std::string::npos);

  const cli::ParseResult usual = parse({"--model", "tiny"});
  ASSERT_TRUE(usual.run) << usual.message;
  EXPECT_DOUBLE_EQ(usual.options.config.extra.at("spread"), 2.0);  // the family's default
  EXPECT_EQ(usual.options.config.emb, 5);
  EXPECT_EQ(usual.options.config.hidden, 12);

  const cli::ParseResult given = parse({"--model", "tiny", "--spread", "3", "--emb", "7"});
  ASSERT_TRUE(given.run) << given.message;
  EXPECT_DOUBLE_EQ(given.options.config.extra.at("spread"), 3.0);
  EXPECT_EQ(given.options.config.emb, 7);

  const cli::ParseResult wide = parse({"--model", "tiny", "--spread", "9"});
  EXPECT_FALSE(wide.run);
  EXPECT_EQ(wide.exit_code, 2);
  EXPECT_NE(wide.message.find("spread"), std::string::npos) << wide.message;
  EXPECT_NE(wide.message.find("0.25 to 4"), std::string::npos) << wide.message;

  // Another family does not read it, and says so.
  const cli::ParseResult mlp = parse({"--spread", "3"});
  ASSERT_TRUE(mlp.run) << mlp.message;
  ASSERT_FALSE(mlp.notes.empty());
  EXPECT_NE(mlp.notes[0].find("--spread is not used by the mlp model"), std::string::npos) << mlp.notes[0];
}

TEST_F(FamilyTest, ValidationChecksItsRange) {
  TrainConfig c = family_defaults("tiny");
  EXPECT_NO_THROW(validate(c, 27, 1000));
  c.extra["spread"] = 10;
  try {
    validate(c, 27, 1000);
    FAIL() << "a spread of 10 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("spread = 10 is out of range"), std::string::npos) << e.what();
  }
}

TEST_F(FamilyTest, ItReachesTheModelAndTheSession) {
  const auto data = testdata::synthetic_dataset();
  TrainConfig c = family_defaults("tiny");
  c.seed = 5;
  TrainConfig wide = c;
  wide.extra["spread"] = 4;
  Trainer a(data, c), b(data, wide);
  // Same seed, twice the spread: every entry of C twice as large.
  const auto Ca = a.model().p("C"), Cb = b.model().p("C");
  ASSERT_EQ(Ca.size(), Cb.size());
  EXPECT_NEAR(Cb.norm(), 2 * Ca.norm(), 1e-3 * Ca.norm());

  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.step().finite);
  const Session saved = parse_session(encode_session(capture_session(b)));
  EXPECT_EQ(saved.config.family, "tiny");
  EXPECT_DOUBLE_EQ(saved.config.extra.at("spread"), 4.0);
  const Trainer resumed = resume_session(saved, data);
  EXPECT_EQ(resumed.model().spec, b.model().spec);
  EXPECT_EQ(resumed.model().params, b.model().params);
}

TEST_F(FamilyTest, ItCanBeSweptAndIsAColumnOfTheResults) {
  const Sweep sw = parse_sweep("spread=1,3");
  TrainConfig base = family_defaults("tiny");
  EXPECT_DOUBLE_EQ(with_value(base, sw.param, sw.values[1]).extra.at("spread"), 3.0);
  EXPECT_THROW(parse_sweep("spread=1,1.0"), Error);  // one setting twice
  EXPECT_THROW(with_value(base, "spread", "5"), Error);
  std::vector<RunResult> rows(1);
  rows[0].value = "3";
  rows[0].config = with_value(base, "emb", "6");
  const std::string csv = results_csv(parse_sweep("emb=6"), rows);
  EXPECT_EQ(csv.rfind("emb,block,hidden,spread,batch,lr,seed,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\n3,3,12,2,"), std::string::npos) << csv;
}

// Both programs declare these flags and resolve them with the same calls; a
// word run of the transformer takes microgpt's shape, not the MLP's word one.
TEST(Defaults, OneOrderForBothPrograms) {
  for (bool app : {false, true}) {
    CLI::App cli;
    cli::SharedFlags flags;
    TrainConfig c;
    if (app) c.val_every = 10000;  // the window validates as it goes
    cli::add_shared_flags(cli, flags, c);
    std::vector<const char*> argv = {"x", "--model", "gpt", "--tokenizer", "word"};
    cli.parse(int(argv.size()), argv.data());
    cli::resolve_shared_flags(cli, flags, c);
    EXPECT_EQ(c.block, 16);
    EXPECT_EQ(c.emb, 16);
    EXPECT_EQ(c.optimizer, "adam");
    EXPECT_NO_THROW(family(c.family).table(c.spec(100)));  // heads divide emb
  }
  const cli::ParseResult train = parse({"--model", "gpt", "--tokenizer", "word"});
  ASSERT_TRUE(train.run) << train.message;
  EXPECT_EQ(train.options.config.emb, 16);
  // The MLP's word defaults, and a flag given over them.
  const cli::ParseResult words = parse({"--tokenizer", "word", "--emb", "12"});
  ASSERT_TRUE(words.run) << words.message;
  EXPECT_EQ(words.options.config.emb, 12);
  EXPECT_EQ(words.options.config.block, 8);
  EXPECT_EQ(words.options.config.softmax, "classes");
  EXPECT_EQ(words.options.config.val_every, 0);  // embedviz-train validates at the end unless told
}

}  // namespace
