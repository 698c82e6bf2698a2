// options_test: embedviz-train's command line parsed without running anything:
// defaults, every flag, help (exit 0) and bad options (exit 2, one line).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/options.h"
#include "core/live/experiment.h"

using ev::cli::ParseResult;

namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "embedviz-train");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return ev::cli::parse_train_options(int(argv.size()), argv.data());
}

}  // namespace

TEST(Options, Defaults) {
  const ParseResult r = parse({});
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(r.options.steps, 200000);
  EXPECT_EQ(r.options.tokenizer, "char");
  EXPECT_TRUE(r.options.data.empty());
  EXPECT_EQ(r.options.config.block, ev::TrainConfig{}.block);
  EXPECT_EQ(r.options.config.lr_decay_step, 100000);  // half of the steps
}

TEST(Options, EveryFlag) {
  const ParseResult r = parse({"--data", "x.txt", "--tokenizer", "word", "--steps", "1000", "--block", "5",
                               "--emb", "7", "--hidden", "64", "--batch", "16", "--lr", "0.05",
                               "--lr-decay-step", "300", "--lr-decay", "0.5", "--seed", "9", "--threads", "3",
                               "--json", "-q"});
  ASSERT_TRUE(r.run) << r.message;
  const auto& o = r.options;
  EXPECT_EQ(o.data, "x.txt");
  EXPECT_EQ(o.tokenizer, "word");
  EXPECT_EQ(o.steps, 1000);
  EXPECT_EQ(o.config.block, 5);
  EXPECT_EQ(o.config.emb, 7);
  EXPECT_EQ(o.config.hidden, 64);
  EXPECT_EQ(o.config.batch, 16);
  EXPECT_DOUBLE_EQ(o.config.lr, 0.05);
  EXPECT_EQ(o.config.lr_decay_step, 300);
  EXPECT_DOUBLE_EQ(o.config.lr_decay, 0.5);
  EXPECT_EQ(o.config.seed, 9u);
  EXPECT_EQ(o.threads, 3);
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.quiet);
}

TEST(Options, WordRunsDefaultToBengiosModel) {
  const ParseResult w = parse({"--tokenizer", "word"});
  ASSERT_TRUE(w.run) << w.message;
  // The measured word defaults (config.h): Bengio et al.'s sizes, four words
  // of context, the factored softmax, Adam.
  EXPECT_EQ(w.options.config.block, 8);
  EXPECT_EQ(w.options.config.emb, 30);
  EXPECT_EQ(w.options.config.hidden, 100);
  EXPECT_EQ(w.options.config.softmax, "classes");
  EXPECT_EQ(w.options.config.optimizer, "sparse-adam");
  EXPECT_EQ(w.options.config.init, "small");
  // Every default gives way to its flag.
  const ParseResult set = parse({"--tokenizer", "word", "--softmax", "full", "--optimizer", "sgd", "--lr", "0.3",
                                 "--block", "3", "--batch", "32", "--weight-decay", "0.01"});
  ASSERT_TRUE(set.run) << set.message;
  EXPECT_EQ(set.options.config.softmax, "full");
  EXPECT_EQ(set.options.config.optimizer, "sgd");
  EXPECT_DOUBLE_EQ(set.options.config.lr, 0.3);
  EXPECT_EQ(set.options.config.block, 3);
  EXPECT_EQ(set.options.config.batch, 32);
  EXPECT_DOUBLE_EQ(set.options.config.weight_decay, 0.01);
  // The transformer keeps microgpt's sizes on words.
  const ParseResult gpt = parse({"--tokenizer", "word", "--model", "gpt"});
  EXPECT_EQ(gpt.options.config.block, 16);
  EXPECT_EQ(gpt.options.config.softmax, "full");
  EXPECT_EQ(w.options.vocab, 17000);
  const ParseResult given = parse({"--tokenizer", "word", "--emb", "12", "--vocab", "500"});
  ASSERT_TRUE(given.run) << given.message;
  EXPECT_EQ(given.options.config.emb, 12);
  EXPECT_EQ(given.options.config.hidden, 100);
  EXPECT_EQ(given.options.vocab, 500);
  // Character runs keep the lecture's sizes.
  const ParseResult c = parse({});
  EXPECT_EQ(c.options.config.emb, ev::TrainConfig().emb);
  EXPECT_EQ(c.options.config.hidden, ev::TrainConfig().hidden);
  for (const char* bad : {"2", "0", "-5", "x"}) EXPECT_EQ(parse({"--vocab", bad}).exit_code, 2) << bad;
  const ParseResult resumed = parse({"--resume", "s.evs", "--vocab", "100"});
  EXPECT_FALSE(resumed.run);
  EXPECT_NE(resumed.message.find("--vocab cannot be given with --resume"), std::string::npos) << resumed.message;
}

// The transformer's defaults are microgpt's; the MLP keeps the lecture's.
TEST(Options, TransformerDefaultsAndFlags) {
  ParseResult r = parse({"--model", "gpt", "--steps", "1000"});
  ASSERT_TRUE(r.run) << r.message;
  const ev::TrainConfig& c = r.options.config;
  EXPECT_EQ(c.family, "gpt");
  EXPECT_EQ(c.block, 16);
  EXPECT_EQ(c.emb, 16);
  EXPECT_EQ(c.heads, 4);
  EXPECT_EQ(c.layers, 1);
  EXPECT_EQ(c.optimizer, "adam");
  EXPECT_DOUBLE_EQ(c.lr, 0.01);
  EXPECT_EQ(c.lr_linear_steps, 1000);  // to 0 over the run
  EXPECT_DOUBLE_EQ(c.lr_at(500), 0.005);

  r = parse({"--model", "gpt", "--block", "8", "--emb", "32", "--heads", "8", "--layers", "3", "--optimizer", "sgd",
             "--lr", "0.2"});
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(r.options.config.block, 8);
  EXPECT_EQ(r.options.config.emb, 32);
  EXPECT_EQ(r.options.config.heads, 8);
  EXPECT_EQ(r.options.config.layers, 3);
  EXPECT_EQ(r.options.config.optimizer, "sgd");
  EXPECT_EQ(r.options.config.lr_linear_steps, 0);  // SGD keeps the step decay
  EXPECT_DOUBLE_EQ(r.options.config.lr, 0.2);

  // A decay flag chooses the step decay with Adam too.
  r = parse({"--model", "gpt", "--lr-decay-step", "50"});
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(r.options.config.lr_linear_steps, 0);
  EXPECT_EQ(r.options.config.lr_decay_step, 50);

  r = parse({});
  EXPECT_EQ(r.options.config.optimizer, "sgd");
  EXPECT_DOUBLE_EQ(r.options.config.lr, 0.1);
  EXPECT_EQ(r.options.config.lr_linear_steps, 0);

  for (auto bad : std::vector<std::vector<std::string>>{
           {"--optimizer", "rmsprop"}, {"--heads", "0"}, {"--layers", "65"}, {"--model", "gpt", "--heads", "-1"}}) {
    r = parse(bad);
    EXPECT_FALSE(r.run) << bad[0];
    EXPECT_EQ(r.exit_code, 2) << bad[0];
  }
}

TEST(Options, HelpExitsZeroWithText) {
  const ParseResult r = parse({"--help"});
  EXPECT_FALSE(r.run);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.message.find("--hidden"), std::string::npos) << r.message;
}

TEST(Options, BadOptionsExitTwoWithOneLine) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--block", "0"},
                                                                 {"--block", "65"},
                                                                 {"--lr", "abc"},
                                                                 {"--tokenizer", "byte"},
                                                                 {"--no-such-flag"},
                                                                 {"--steps"},
                                                                 {"--hidden", "99999999999999999999"},
                                                                 {"stray"}}) {
    const ParseResult r = parse(args);
    EXPECT_FALSE(r.run) << args[0];
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_FALSE(r.message.empty()) << args[0];
    EXPECT_EQ(r.message.find('\n'), std::string::npos) << r.message;
  }
}

TEST(Options, ControlBytesInArgumentsStayOnOneLine) {
  // Found by fuzz_options: CLI11 quotes the bad argument, newline and all.
  const ParseResult r = parse({"--bl\nock", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.message.find('\n'), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("\\x0a"), std::string::npos) << r.message;
}

// Values CLI11 alone would take: empty paths (silently "none"), non-finite or
// junk-suffixed rates, negative or overflowing seeds (wrapped or clamped).
TEST(Options, EmptyNonFiniteAndOverflowingValuesAreRefused) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--data", ""},
                                                                 {"--resume", ""},
                                                                 {"--save-session", ""},
                                                                 {"--export-tsv", ""},
                                                                 {"--export-word2vec", ""},
                                                                 {"--export-loss-csv", ""},
                                                                 {"--lr", "nan"},
                                                                 {"--lr", "inf"},
                                                                 {"--lr", "0.1junk"},
                                                                 {"--lr", ""},
                                                                 {"--lr-decay", "nan"},
                                                                 {"--lr-decay", "-inf"},
                                                                 {"--seed", "-1"},
                                                                 {"--seed", "18446744073709551616"},
                                                                 {"--seed", "1e9"},
                                                                 {"--seed", "+5"}}) {
    const ParseResult r = parse(args);
    EXPECT_FALSE(r.run) << args[0] << " '" << args[1] << "'";
    EXPECT_EQ(r.exit_code, 2) << args[0] << " '" << args[1] << "'";
    EXPECT_NE(r.message.find(args[0]), std::string::npos) << r.message;
    EXPECT_EQ(r.message.find('\n'), std::string::npos) << r.message;
  }
  const ParseResult big = parse({"--seed", "18446744073709551615"});
  ASSERT_TRUE(big.run) << big.message;
  EXPECT_EQ(big.options.config.seed, 18446744073709551615ull);  // the largest seed, exactly
  // Found by fuzz_options: CLI11 reads a leading zero as octal; a seed's digits are decimal.
  EXPECT_EQ(parse({"--seed", "00000000000000100000"}).options.config.seed, 100000u);
  EXPECT_EQ(parse({"--seed", "010"}).options.config.seed, 10u);
  EXPECT_EQ(parse({"--seed", "0"}).options.config.seed, 0u);
}

TEST(Options, RangesArePrintedReadably) {
  const ParseResult r = parse({"--lr", "1e-9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.message.find("1e-08 to 1e+06"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("0.000000"), std::string::npos) << r.message;
}

TEST(Options, ExperimentsAndTheFinderAreCheckedBeforeAnyTraining) {
  const ParseResult sweep = parse({"--sweep", "hidden=50,100,200", "--jobs", "2", "--budget", "60", "--sweep-out",
                                   "out/results"});
  ASSERT_TRUE(sweep.run) << sweep.message;
  EXPECT_EQ(sweep.options.sweep, "hidden=50,100,200");
  EXPECT_EQ(sweep.options.jobs, 2);
  EXPECT_DOUBLE_EQ(sweep.options.budget, 60);
  EXPECT_EQ(sweep.options.sweep_out, "out/results");
  const ParseResult finder = parse({"--find-lr", "--sweep-out", "lr.csv"});
  ASSERT_TRUE(finder.run) << finder.message;
  EXPECT_TRUE(finder.options.find_lr);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--sweep", "colour=1,2"}, {"--sweep", "hidden=0"}, {"--sweep", "hidden=1", "--resume", "s"},
        {"--sweep", "lr=0.1", "--save-session", "s"}, {"--find-lr", "--export-tsv", "d"}, {"--jobs", "2"},
        {"--sweep-out", "x"}, {"--sweep", "seed=1", "--find-lr"}, {"--sweep", "seed=1", "--jobs", "0"},
        {"--sweep", "seed=1", "--budget", "inf"}}) {
    const ParseResult r = parse(bad);
    EXPECT_FALSE(r.run) << bad.front() << " " << bad.back();
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message.find('\n'), std::string::npos);
  }
}

// A transformer shape no run can take is an option error (exit 2), named.
TEST(Options, EmbeddingsTheHeadsCannotSplitAreRefused) {
  const ParseResult r = parse({"--model", "gpt", "--emb", "10", "--heads", "4"});
  EXPECT_FALSE(r.run);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.message.find("--heads"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("multiple of heads"), std::string::npos) << r.message;
  EXPECT_TRUE(parse({"--model", "gpt", "--emb", "12", "--heads", "4"}).run);
  EXPECT_TRUE(parse({"--emb", "10", "--heads", "4"}).run) << "the MLP has no heads";
}

// Flags a run would not use are named in a note; a run that uses them has none.
TEST(Options, FlagsTheRunDoesNotUseAreNoted) {
  const ParseResult gpt = parse({"--model", "gpt", "--hidden", "64", "--dropout", "0.1"});
  ASSERT_TRUE(gpt.run) << gpt.message;
  ASSERT_EQ(gpt.notes.size(), 2u);
  EXPECT_EQ(gpt.notes[0], "--hidden is not used by the gpt model");
  EXPECT_EQ(gpt.notes[1], "--dropout is not used by the gpt model");
  const ParseResult chars = parse({"--vocab", "500", "--layers", "2"});
  ASSERT_TRUE(chars.run);
  ASSERT_EQ(chars.notes.size(), 2u);
  EXPECT_NE(chars.notes[0].find("--layers is not used by the mlp model"), std::string::npos);
  EXPECT_NE(chars.notes[1].find("--vocab is not used with characters"), std::string::npos);
  EXPECT_TRUE(parse({"--tokenizer", "word", "--vocab", "500", "--hidden", "64", "--classes", "20"}).notes.empty());
  EXPECT_TRUE(parse({"--sweep", "model=mlp,gpt", "--hidden", "64", "--heads", "2"}).notes.empty());
}

// Two spellings of one setting would train the same run twice: refused.
TEST(Options, ASweepGivesEachSettingOnce) {
  for (const char* sweep : {"hidden=10,20,10", "hidden=10,010", "lr=0.1,1e-1", "model=gpt,gpt"}) {
    const ParseResult r = parse({"--sweep", sweep});
    EXPECT_FALSE(r.run) << sweep;
    EXPECT_EQ(r.exit_code, 2) << sweep;
    EXPECT_NE(r.message.find("give each value once"), std::string::npos) << r.message;
  }
  EXPECT_TRUE(parse({"--sweep", "lr=0.1,0.01"}).run);
}

// A sweep over families: each value's run resolves exactly as `--model X`
// with the same other flags would (the family's defaults, its word defaults,
// the flags kept, the learning rate's schedule), for characters and words.
TEST(Options, AModelSweepResolvesEachFamilyAsItsOwnFlagWould) {
  const std::vector<std::vector<std::string>> cases = {
      {}, {"--tokenizer", "word"}, {"--emb", "20"}, {"--lr", "0.05"}, {"--optimizer", "adam"},
      {"--tokenizer", "word", "--hidden", "50", "--steps", "5000"}, {"--lr-decay-step", "70"}};
  for (const auto& extra : cases) {
    std::vector<std::string> sweep_args = {"--sweep", "model=mlp,gpt"};
    sweep_args.insert(sweep_args.end(), extra.begin(), extra.end());
    const ParseResult sw = parse(sweep_args);
    ASSERT_TRUE(sw.run) << sw.message;
    ev::Sweep sweep = ev::parse_sweep(sw.options.sweep);
    sweep.resolve = sw.options.resolve_family;
    std::string shown;
    for (const auto& a : extra) shown += a + " ";
    for (const char* name : {"gpt", "mlp"}) {
      std::vector<std::string> one_args = {"--model", name};
      one_args.insert(one_args.end(), extra.begin(), extra.end());
      const ParseResult one = parse(one_args);
      ASSERT_TRUE(one.run) << one.message;
      const ev::TrainConfig got = ev::with_value(sw.options.config, sweep, name), want = one.options.config;
      const std::string where = std::string(name) + " with " + shown;
      EXPECT_TRUE(got.spec(2) == want.spec(2)) << where << ": block " << got.block << " vs " << want.block << ", emb "
                                               << got.emb << " vs " << want.emb << ", hidden " << got.hidden;
      EXPECT_EQ(got.optimizer, want.optimizer) << where;
      EXPECT_DOUBLE_EQ(got.lr, want.lr) << where;
      EXPECT_EQ(got.batch, want.batch) << where;
      EXPECT_DOUBLE_EQ(got.dropout, want.dropout) << where;
      EXPECT_DOUBLE_EQ(got.weight_decay, want.weight_decay) << where;
      EXPECT_EQ(got.val_every, want.val_every) << where;
      EXPECT_EQ(got.lr_decay_step, want.lr_decay_step) << where;
      EXPECT_DOUBLE_EQ(got.lr_decay, want.lr_decay) << where;
      EXPECT_EQ(got.lr_linear_steps, want.lr_linear_steps) << where;
      EXPECT_EQ(got.seed, want.seed) << where;
    }
  }
}
