// cli_test: runs the real embedviz-train on bad input and checks it fails the
// way users are promised: exit status 1 (bad data, divergence) or 2 (bad
// options), one line on stderr naming the problem, never a crash. Also the
// --json summary and --help.
#include <gtest/gtest.h>
#include <cmath>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/rng.h"
#include "core/io/session.h"
#include "process.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

using ev::testing::count_lines;
using ev::testing::Outcome;
using ev::testing::quote;

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto p = t.rfind('\n');
  return p == std::string::npos ? t : t.substr(p + 1);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(tmp_.ok()); }
  std::string write(const std::string& name, const std::string& bytes) { return tmp_.write(name, bytes); }

  // Sixty short pseudo-words over a few letters: a valid, tiny data set.
  std::string small_data() {
    ev::Rng rng(3);
    std::string text;
    for (int i = 0; i < 60; ++i) {
      for (int j = 0, n = 3 + int(rng.below(5)); j < n; ++j) text += char('a' + rng.below(10));
      text += '\n';
    }
    return write("small.txt", text);
  }

  // Runs embedviz-train with `args` (already quoted); `prefix` runs first in the same shell.
  Outcome run(const std::string& args, const std::string& prefix = "") {
    return ev::testing::run_command(prefix + quote(EMBEDVIZ_TRAIN_EXE) + " " + args, tmp_.file("stderr.txt"));
  }

  // The promise for bad input: the given exit status, one stderr line that
  // contains every one of `words`, nothing on stdout.
  void expect_refused(const Outcome& r, int status, std::initializer_list<const char*> words) {
    ASSERT_TRUE(r.exited) << "killed by a signal; stderr: " << r.err;
    EXPECT_EQ(r.status, status) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << "stderr:\n" << r.err;
    EXPECT_EQ(r.err.rfind("embedviz-train: ", 0), 0u) << r.err;
    for (const char* w : words) EXPECT_NE(r.err.find(w), std::string::npos) << "'" << w << "' not in: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  ev::testing::TempDir tmp_;
};

}  // namespace

TEST_F(Cli, MissingFile) {
  const std::string p = tmp_.file("no-such-file.txt");
  expect_refused(run("--data " + quote(p)), 1, {"no-such-file.txt"});
}

TEST_F(Cli, EmptyFile) { expect_refused(run("--data " + quote(write("empty.txt", ""))), 1, {"empty.txt", "empty"}); }

TEST_F(Cli, BinaryFile) {
  std::string bytes = "emma\nolivia\n";
  bytes += std::string("\x7f" "ELF\0\0\0\x01\x02", 9);
  expect_refused(run("--data " + quote(write("prog.bin", bytes))), 1, {"prog.bin", "line 3"});
}

TEST_F(Cli, NonUtf8File) {
  expect_refused(run("--data " + quote(write("latin1.txt", "emma\nzo\xEB\nava\n"))), 1,
                 {"latin1.txt", "line 2", "UTF-8"});
}

TEST_F(Cli, TooFewLines) {
  expect_refused(run("--data " + quote(write("few.txt", "emma\nolivia\n\nava\n"))), 1, {"few.txt", "3 items"});
}

TEST_F(Cli, OutOfRangeOptions) {
  const std::string data = small_data();
  expect_refused(run("--data " + quote(data) + " --emb 0"), 2, {"--emb", "0"});
  expect_refused(run("--data " + quote(data) + " --lr -1"), 2, {"--lr", "-1"});
  expect_refused(run("--data " + quote(data) + " --block 65"), 2, {"--block"});
}

TEST_F(Cli, NonNumericOption) {
  const std::string data = small_data();
  expect_refused(run("--data " + quote(data) + " --steps abc"), 2, {"--steps", "abc"});
  expect_refused(run("--data " + quote(data) + " --lr fast"), 2, {"--lr", "fast"});
  expect_refused(run("--data " + quote(data) + " --no-such-option"), 2, {"--no-such-option"});
}

// 64*1024 inputs x 65536 hidden units is tens of GiB: refused from the
// estimate, before anything big is allocated. Outside the sanitizers the run
// is given a 2 GiB address-space limit, so an attempt to allocate would fail
// with a different message.
TEST_F(Cli, AbsurdSizesAreRefusedBeforeAllocating) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const std::string limit;  // the sanitizers reserve terabytes of address space up front
#else
  const std::string limit = "ulimit -v 2097152; ";
#endif
  const Outcome r = run("--data " + quote(small_data()) + " --emb 1024 --hidden 65536 --block 64", limit);
  expect_refused(r, 1, {"GiB", "emb 1024", "hidden 65536"});
}

// The loss explodes (it stays finite in float: tanh saturates): the run stops
// at the first such step and names the step and the learning rate.
TEST_F(Cli, Divergence) {
  const Outcome r = run("--data " + quote(small_data()) + " --steps 500 --lr 1e5 -q");
  expect_refused(r, 1, {"diverged", "at step ", "learning rate 100000"});
}

TEST_F(Cli, JsonSummaryIsTheLastLine) {
  const Outcome r = run("--data " + quote(small_data()) + " --steps 50 --emb 2 --hidden 8 --json");
  ASSERT_TRUE(r.exited);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(last_line(r.out))) << r.out;
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"steps", "params", "steps_per_s", "train_loss", "val_loss", "test_loss"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.at("steps").get<long long>(), 50);
  const long long V = j.at("vocab").get<long long>();
  EXPECT_EQ(V, 11);  // ten letters and the boundary
  EXPECT_EQ(j.at("params").get<long long>(), V * 2 + 6 * 8 + 8 + 8 * V + V);
  for (const char* key : {"train_loss", "val_loss", "test_loss"}) {
    const double v = j.at(key).get<double>();
    EXPECT_GT(v, 0.0) << key;
    EXPECT_LT(v, 100.0) << key;
  }
  EXPECT_GE(j.at("steps_per_s").get<double>(), 0.0);

  // With -q, the JSON object is all of stdout.
  const Outcome q = run("--data " + quote(small_data()) + " --steps 10 --emb 2 --hidden 8 --json -q");
  ASSERT_EQ(q.status, 0) << q.err;
  EXPECT_EQ(count_lines(q.out), 1u) << q.out;
  EXPECT_TRUE(nlohmann::json::parse(q.out).is_object());
}

TEST_F(Cli, Help) {
  const Outcome r = run("--help");
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--lr"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--data"), std::string::npos) << r.out;
}

// Outputs that would destroy something are refused before any training: the
// data file (under any name), special files, and exports over the session.
TEST_F(Cli, OutputsNeverReplaceTheDataOrSpecialFiles) {
  const std::string data = small_data();
  const std::string before = ev::testing::TempDir::read(data);
  std::filesystem::create_symlink(data, tmp_.file("alias.txt"));
  for (const char* flag : {"--save-session", "--export-word2vec", "--export-loss-csv"})
    for (const std::string& target : {data, tmp_.file("alias.txt"), tmp_.file("./small.txt")})
      expect_refused(run("--data " + quote(data) + " --steps 5 " + std::string(flag) + " " + quote(target)), 1,
                     {flag, "training data"});
  std::filesystem::create_directory(tmp_.file("projector"));
  std::filesystem::create_symlink(data, tmp_.file("projector/metadata.tsv"));
  expect_refused(run("--data " + quote(data) + " --steps 5 --export-tsv " + quote(tmp_.file("projector"))), 1,
                 {"--export-tsv", "training data"});
  EXPECT_EQ(ev::testing::TempDir::read(data), before);
  for (const char* dev : {"/dev/null", "/dev/full", "/dev/stdout"})
    expect_refused(run("--data " + quote(data) + " --steps 5 --save-session " + dev), 1, {"not a regular file"});
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  // /proc and /sys take no new files, though access(2) lets root (as these tests run) write there.
  for (const char* target : {"/proc/self/x.evs", "/sys/x.evs"})
    expect_refused(run("--data " + quote(data) + " --steps 100 --save-session " + target), 1,
                   {"--save-session", "nothing was done"});
  // Resuming may save over its own session; an export over it is refused.
  ASSERT_EQ(run("--data " + quote(data) + " --steps 5 -q --save-session " + quote(tmp_.file("s.evs"))).status, 0);
  const Outcome again = run("--resume " + quote(tmp_.file("s.evs")) + " --steps 5 -q --save-session " +
                            quote(tmp_.file("s.evs")));
  EXPECT_EQ(again.status, 0) << again.err;
  expect_refused(run("--resume " + quote(tmp_.file("s.evs")) + " --steps 5 --export-loss-csv " +
                     quote(tmp_.file("s.evs"))),
                 1, {"session being resumed"});
}

// Empty paths, non-finite rates, clamped seeds and unreadable ranges: exit 2.
TEST_F(Cli, StrictOptions) {
  const std::string data = quote(small_data());
  for (const char* flag : {"--data", "--save-session", "--resume", "--export-tsv", "--export-word2vec",
                           "--export-loss-csv"})
    expect_refused(run(std::string(flag) + " '' --steps 1"), 2, {flag, "empty"});
  for (const char* v : {"nan", "inf", "-inf", "NaN", "0.1x", ""})
    expect_refused(run("--data " + data + " --lr '" + v + "'"), 2, {"--lr"});
  expect_refused(run("--data " + data + " --lr-decay nan"), 2, {"--lr-decay"});
  expect_refused(run("--data " + data + " --lr 1e-9"), 2, {"1e-08 to 1e+06"});
  for (const char* v : {"-1", "18446744073709551616", "1e3", "0x10", " 5"})
    expect_refused(run("--data " + data + " --seed '" + v + "'"), 2, {"--seed"});
  EXPECT_EQ(run("--data " + data + " --seed 18446744073709551615 --steps 1 -q").status, 0);
}

// Names with newlines and terminal escapes are shown escaped, on one line;
// a file that exists but cannot be read says why.
TEST_F(Cli, NamesAreShownOnOneLine) {
  expect_refused(run("--data " + quote(tmp_.file("a\nb\x1b[31m.txt"))), 1, {"a\\x0ab\\x1b[31m.txt", "No such file"});
  expect_refused(run("--data " + quote(tmp_.file(""))), 1, {"folder"});
  std::filesystem::create_directory(tmp_.file("dir.txt"));
  expect_refused(run("--data " + quote(tmp_.file("dir.txt"))), 1, {"dir.txt", "folder"});
}

// --json with a data path that is not UTF-8: valid JSON, exit 0; stdout that
// cannot be written (a full disk) is an error.
// A word run: Bengio et al.'s model sizes by default, the vocabulary's
// coverage, perplexity and accuracy, the Kneser-Ney trigram and the mixture.
TEST_F(Cli, WordRunReportsPerplexityAndTheTrigram) {
  ev::Rng rng(4);
  const char* words[] = {"The", "cat", "dog", "sat", "ran", "on", "a", "mat", "log", "and", "it's", "1990"};
  std::string text;
  for (int i = 0; i < 80; ++i) {
    for (int j = 0, n = 3 + int(rng.below(6)); j < n; ++j) text += std::string(words[rng.below(12)]) + (j % 3 ? ", " : " ");
    text += "\n";
  }
  const std::string data = quote(write("prose.txt", text));
  const Outcome r = run("--data " + data + " --tokenizer word --vocab 8 --steps 30 --lr 0.05 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(last_line(r.out));
  const long long V = j.at("vocab").get<long long>();
  EXPECT_EQ(V, 8);
  // block 8, emb 30, hidden 100; the factored output's words and round(sqrt(8)) = 3 classes
  EXPECT_EQ(j.at("params").get<long long>(), V * 30 + 240 * 100 + 100 + 100 * V + V + 3 * 100 + 3);
  const double coverage = j.at("coverage").get<double>();
  EXPECT_GT(coverage, 0.3);
  EXPECT_LT(coverage, 1.0);  // six of twelve words kept
  for (const char* split : {"val", "test"}) {  // the same sums, in another order
    const double ppl = j.at(std::string(split) + "_perplexity").get<double>();
    EXPECT_NEAR(ppl, std::exp(j.at(std::string(split) + "_loss").get<double>()), 1e-5 * ppl) << split;
  }
  EXPECT_LE(j.at("val_top1").get<double>(), j.at("val_top5").get<double>());
  const double kn = j.at("kn_val_perplexity").get<double>();
  EXPECT_GT(kn, 1.0);
  EXPECT_LT(kn, double(V));  // better than a uniform guess
  EXPECT_GT(j.at("mixture_val_perplexity").get<double>(), 1.0);
  EXPECT_GT(j.at("distinct_trigrams").get<long long>(), 0);
  EXPECT_DOUBLE_EQ(j.at("trigram_table_entries").get<double>(), double(V * V * V));

  const Outcome plain = run("--data " + data + " --tokenizer word --vocab 8 --steps 10 --emb 5");
  ASSERT_EQ(plain.status, 0) << plain.err;
  for (const char* key : {"perplexity: val", "Kneser-Ney trigram: val perplexity", "distinct trigrams"})
    EXPECT_NE(plain.out.find(key), std::string::npos) << key << " not in: " << plain.out;
  EXPECT_NE(plain.err.find("emb 5, hidden 100"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("cover"), std::string::npos) << plain.err;
}

// --budget alone: the run takes that long in all, loading and evaluation
// included, and Adam's linear schedule ends where the time does.
TEST_F(Cli, ABudgetIsTheRunsTimeInAll) {
  const Outcome r = run("--data " + quote(small_data()) + " --budget 4 --optimizer adam --val-every 500 --json -q");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(last_line(r.out));
  EXPECT_LE(j.at("seconds_in_all").get<double>(), 4.0 + 0.5);
  EXPECT_GE(j.at("seconds_in_all").get<double>(), 2.0);
  const long long steps = j.at("steps").get<long long>();
  EXPECT_GT(steps, 50);
  EXPECT_LT(steps, 200000);
  EXPECT_LT(j.at("lr_at_end").get<double>(), 0.05 * 0.01);  // Adam's 0.01, nearly run down
  EXPECT_EQ(j.at("train_loss_from").get<std::string>(), "the mean batch loss of the last steps");
  // With --steps too, the steps cap the run.
  const Outcome capped = run("--data " + quote(small_data()) + " --budget 30 --steps 50 --json -q");
  ASSERT_EQ(capped.status, 0) << capped.err;
  EXPECT_EQ(nlohmann::json::parse(last_line(capped.out)).at("steps").get<long long>(), 50);
}

TEST_F(Cli, JsonSurvivesAnyPathAndReportsAFailedWrite) {
  const std::string odd = write("caf\xe9\xff.txt", ev::testing::TempDir::read(small_data()));
  const Outcome r = run("--data " + quote(odd) + " --steps 5 --json -q");
  ASSERT_TRUE(r.exited);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_NE(j.at("data").get<std::string>().find("caf"), std::string::npos);
  const Outcome full = run("--data " + quote(odd) + " --steps 5 --json -q >/dev/full");
  EXPECT_EQ(full.status, 1) << full.err;
  EXPECT_NE(full.err.find("standard output"), std::string::npos) << full.err;
}

// Data from a pipe (as `--data <(zcat names.gz)` gives) is read as a stream.
TEST_F(Cli, DataFromAPipe) {
  const std::string data = small_data();
  const std::string fifo = tmp_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const Outcome p = run("--data " + quote(fifo) + " --steps 5 --json -q", "cat " + quote(data) + " >" + quote(fifo) + " & ");
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out).at("vocab").get<int>(), 11);
}

// '.' in the data is the boundary token: said on stderr and in the JSON.
TEST_F(Cli, BoundaryTokensInTheDataAreReported) {
  std::string text = ev::testing::TempDir::read(small_data());
  text += "a.b\n...\n";
  const Outcome r = run("--data " + quote(write("dots.txt", text)) + " --steps 5 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("note: 4 '.' in "), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(last_line(r.out)).at("boundary_tokens").get<int>(), 4);
  const Outcome clean = run("--data " + quote(small_data()) + " --steps 5");
  EXPECT_EQ(clean.err.find("boundary"), std::string::npos) << clean.err;
}

// A run whose loss ends far above a uniform guess and never came down is no
// success, even though no single step blew up.
TEST_F(Cli, ARunThatLearnedNothingFails) {
  EV_SKIP_WITHOUT_NAMES();
  const std::string names = quote(ev::testdata::names_path());
  for (const char* lr : {"50", "20"})
    expect_refused(run("--data " + names + " --steps 1000 -q --lr " + lr), 1, {"training failed", "uniform guess"});
  EXPECT_EQ(run("--data " + names + " --steps 1000 -q --lr 1").status, 0);
  EXPECT_EQ(run("--data " + names + " --steps 1 -q --lr 50").status, 0);  // too short to judge
}

// Evaluation threads are counted in the memory estimate.
TEST_F(Cli, EvaluationThreadsAreCounted) {
  const std::string data = quote(small_data());
  expect_refused(run("--data " + data + " --hidden 65536 --threads 256 --steps 1"), 1,
                 {"GiB", "256 evaluation threads"});
  EXPECT_EQ(run("--data " + data + " --hidden 64 --threads 256 --steps 1 -q").status, 0);
}

// However little memory there is, wherever an allocation fails (the model,
// the examples, an evaluation thread's buffers, a thread that cannot start),
// the run ends with one line and status 1: never an abort.
TEST_F(Cli, AllocationFailuresAnywhereAreOneLine) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers reserve terabytes of address space up front";
#endif
  ev::Rng rng(5);
  std::string text;  // enough examples for eight evaluation threads to have chunks of their own
  for (int i = 0; i < 5000; ++i) {
    for (int j = 0, n = 3 + int(rng.below(5)); j < n; ++j) text += char('a' + rng.below(26));
    text += '\n';
  }
  const std::string data = quote(write("words.txt", text));
  int failed = 0, passed = 0;
  for (int mb : {60, 150, 250, 400, 600, 1000}) {
    const Outcome r = run("--data " + data + " --hidden 4096 --threads 8 --steps 1 -q",
                          "ulimit -v " + std::to_string(mb * 1024) + "; ");
    ASSERT_TRUE(r.exited) << mb << " MB: killed by a signal; " << r.err;
    if (r.status == 0) {
      ++passed;
      continue;
    }
    ++failed;
    expect_refused(r, 1, {"out of memory"});
  }
  EXPECT_GT(failed, 0) << "no limit was low enough to fail";
  EXPECT_GT(passed, 0) << "no limit was high enough to run";
}

// The transformer: its defaults (block 16, emb 16, 4 heads, 1 layer, Adam),
// more layers, heads that do not divide emb refused, and a resumed run that
// ends where the unbroken one does (Adam's state is in the session).
TEST_F(Cli, TheTransformerTrainsAndResumes) {
  const std::string data = quote(small_data());
  const Outcome r = run("--data " + data + " --model gpt --steps 40 --layers 2 --json -q");
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(last_line(r.out));
  const long long V = j.at("vocab").get<long long>(), d = 16;
  EXPECT_EQ(j.at("params").get<long long>(), V * d + 16 * d + 2 * (4 * d * d + 8 * d * d) + V * d);

  expect_refused(run("--data " + data + " --model gpt --emb 10 --steps 1"), 2, {"emb = 10", "heads = 4"});

  // A step decay, not the linear rate that ends with --steps, so the parts make the whole.
  const std::string opts = "--data " + data + " --model gpt --lr-decay-step 1000 -q";
  const std::string whole = tmp_.file("whole.evs"), half = tmp_.file("half.evs");
  ASSERT_EQ(run(opts + " --steps 30 --save-session " + quote(whole)).status, 0);
  ASSERT_EQ(run(opts + " --steps 15 --save-session " + quote(half)).status, 0);
  const Outcome rest = run("--resume " + quote(half) + " --steps 15 -q --save-session " + quote(half));
  ASSERT_EQ(rest.status, 0) << rest.err;
  const ev::Session w = ev::load_session(whole), h = ev::load_session(half);
  EXPECT_EQ(h.step, 30);
  EXPECT_EQ(h.config.optimizer, "adam");
  EXPECT_EQ(h.params, w.params);  // float ==, element by element
  EXPECT_EQ(h.optimizer_state, w.optimizer_state);
  expect_refused(run("--resume " + quote(half) + " --optimizer sgd"), 2, {"--optimizer", "--resume"});

  // The linear schedule (Adam's default) ends with the first run's steps: a
  // resumed run continues it to a new end, these steps on, and so trains.
  const std::string linear = tmp_.file("linear.evs");
  ASSERT_EQ(run("--data " + data + " --model gpt --steps 30 -q --save-session " + quote(linear)).status, 0);
  const Outcome more = run("--resume " + quote(linear) + " --steps 30 --save-session " + quote(linear));
  ASSERT_EQ(more.status, 0) << more.err;
  EXPECT_NE(more.err.find("falls linearly to 0 by step 60"), std::string::npos) << more.err;
  const ev::Session before = ev::load_session(linear);
  ASSERT_EQ(run("--resume " + quote(linear) + " --steps 30 -q --save-session " + quote(linear)).status, 0);
  const ev::Session after = ev::load_session(linear);
  EXPECT_EQ(after.step, 90);
  EXPECT_NE(after.params, before.params) << "the resumed steps trained at rate 0";
}

// Outputs that could only fail after the training are refused before it:
// a session into a missing folder, a sweep's results onto the training data
// or into a folder's name.
TEST_F(Cli, OutputsAreCheckedBeforeTraining) {
  const std::string data = write("d.csv", ev::testing::TempDir::read(small_data()));
  const std::string before = ev::testing::TempDir::read(data);
  expect_refused(run("--data " + quote(data) + " --steps 5 --save-session " + quote(tmp_.file("missing/x.evs"))), 1,
                 {"--save-session", "does not exist"});
  expect_refused(run("--data " + quote(data) + " --sweep hidden=10,20 --steps 5 --sweep-out " +
                     quote(data.substr(0, data.size() - 4))),
                 1, {"training data"});
  expect_refused(run("--data " + quote(data) + " --sweep hidden=10,20 --steps 5 --sweep-out " + quote(tmp_.file("out") + "/")),
                 1, {"names a folder"});
  expect_refused(run("--data " + quote(data) + " --find-lr --sweep-out /dev/null"), 1, {"not a regular file"});
  EXPECT_EQ(ev::testing::TempDir::read(data), before) << "the training data changed";
}

// Every output, a sweep's and the finder's as much as a run's, passes one
// check before the data is read: never the data (a .json under a .csv/.json
// pair, a stem naming it), never a folder's or a device's name (and nothing
// made beside a device), never another output or the vectors read in.
TEST_F(Cli, EveryOutputPassesOneCheckBeforeTheWork) {
  const std::string text = ev::testing::TempDir::read(small_data());
  const std::string json = write("d.json", text), csv = write("d.csv", text);
  fs::create_directory(tmp_.file("out"));
  const std::string sweep = " --sweep hidden=10,20 --steps 5 --sweep-out ";
  expect_refused(run("--data " + quote(json) + sweep + quote(csv)), 1, {"--sweep-out", "d.json", "training data"});
  expect_refused(run("--data " + quote(csv) + " --find-lr --sweep-out " + quote(tmp_.file("d"))), 1, {"training data"});
  expect_refused(run("--data " + quote(csv) + sweep + quote(tmp_.file("out"))), 1, {"names a folder"});
  expect_refused(run("--data " + quote(csv) + " --find-lr --sweep-out " + quote(tmp_.file("out/"))), 1,
                 {"names a folder", "FILE.csv)"});
  for (const char* dev : {"/dev/full", "/dev/null"}) {
    expect_refused(run("--data " + quote(csv) + sweep + dev), 1, {dev, "not a regular file"});
    EXPECT_FALSE(fs::exists(std::string(dev) + ".csv")) << "a regular file was made beside " << dev;
  }
  expect_refused(run("--data " + quote(csv) + " --steps 5 --export-word2vec " + quote(tmp_.file("v.txt")) +
                     " --export-loss-csv " + quote(tmp_.file("out/../v.txt"))),
                 1, {"--export-word2vec", "--export-loss-csv", "the same file"});
  expect_refused(run("--data " + quote(csv) + " --steps 5 --export-word2vec " + quote(tmp_.file("out") + "/")), 1,
                 {"--export-word2vec", "names a folder"});
  expect_refused(run("--data " + quote(csv) + " --steps 5 --export-word2vec /dev/null/v.txt"), 1,
                 {"/dev/null is not a folder"});
  ASSERT_EQ(run("--data " + quote(csv) + " --steps 5 -q --export-word2vec " + quote(tmp_.file("v.txt"))).status, 0);
  const std::string vectors = ev::testing::TempDir::read(tmp_.file("v.txt"));
  expect_refused(run("--data " + quote(csv) + " --steps 5 --init-vectors " + quote(tmp_.file("v.txt")) +
                     " --export-word2vec " + quote(tmp_.file("v.txt"))),
                 1, {"--init-vectors file"});
  EXPECT_EQ(ev::testing::TempDir::read(tmp_.file("v.txt")), vectors);
  EXPECT_EQ(ev::testing::TempDir::read(csv), text);
  EXPECT_EQ(ev::testing::TempDir::read(json), text);
  // Refused before the data is read: a missing file would be reported first otherwise.
  expect_refused(run("--data " + quote(tmp_.file("absent.txt")) + " --steps 5 --save-session " +
                     quote(tmp_.file("missing/s.evs"))),
                 1, {"--save-session", "does not exist"});
}

// A session is saved with its data's absolute path, so it resumes from any
// folder; data that has gone is named, with the flag that points at it. A
// token no session holds is refused before the training, not after it.
TEST_F(Cli, SessionsFindTheirDataAndAreRefusedBeforeTheWork) {
  const std::string data = small_data();
  const Outcome saved = run("--data small.txt --steps 5 -q --save-session s.evs", "cd " + quote(tmp_.file("")) + " && ");
  ASSERT_EQ(saved.status, 0) << saved.err;
  EXPECT_EQ(ev::load_session(tmp_.file("s.evs")).data_source, fs::path(data).lexically_normal().string());
  const Outcome elsewhere = run("--resume " + quote(tmp_.file("s.evs")) + " --steps 5 -q", "cd / && ");
  EXPECT_EQ(elsewhere.status, 0) << elsewhere.err;
  fs::rename(data, tmp_.file("moved.txt"));
  expect_refused(run("--resume " + quote(tmp_.file("s.evs")) + " --steps 5"), 1,
                 {"s.evs", "small.txt", "cannot be read", "--data FILE"});
  const Outcome found = run("--resume " + quote(tmp_.file("s.evs")) + " --data " + quote(tmp_.file("moved.txt")) +
                            " --steps 5 -q");
  EXPECT_EQ(found.status, 0) << found.err;

  std::string words;
  for (int i = 0; i < 40; ++i) words += "the cat sat on the mat\n";
  words += std::string(100000, 'x') + "\n";
  const Outcome long_token = run("--data " + quote(write("long.txt", words)) + " --tokenizer word --steps 5 " +
                                 "--export-word2vec " + quote(tmp_.file("w.txt")) + " --save-session " +
                                 quote(tmp_.file("long.evs")));
  expect_refused(long_token, 1, {"--save-session", "65536 bytes", "nothing was trained"});
  EXPECT_FALSE(fs::exists(tmp_.file("w.txt"))) << "an export written for a run that was refused";
}

// --export-projection: t-SNE, UMAP or PCA of the final table as token,x,y,class;
// for the transformer's wte too; with vectors from elsewhere and no step.
// Bad methods and outputs are refused before any training.
TEST_F(Cli, ExportProjectionWritesEveryToken) {
  const std::string data = small_data();
  for (const char* method : {"tsne", "umap", "pca"}) {
    const std::string out = tmp_.file(std::string(method) + ".csv");
    const Outcome r = run("--data " + quote(data) + " --steps 200 -q --export-projection " + method + " " + quote(out));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string csv = ev::testing::TempDir::read(out);
    EXPECT_EQ(csv.rfind("token,x,y,class\n.,", 0), 0u) << csv.substr(0, 80);
    EXPECT_EQ(count_lines(csv), 12u) << "a header and the boundary and ten letters: " << csv;
    EXPECT_NE(csv.find("\na,"), std::string::npos);
    EXPECT_NE(csv.find(",vowel\n"), std::string::npos);
    // Every row has two finite numbers.
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const std::size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
      ASSERT_NE(c, std::string::npos) << line;
      EXPECT_TRUE(std::isfinite(std::stod(line.substr(a + 1, b - a - 1)))) << line;
      EXPECT_TRUE(std::isfinite(std::stod(line.substr(b + 1, c - b - 1)))) << line;
    }
  }
  const Outcome gpt = run("--data " + quote(data) + " --model gpt --steps 20 -q --export-projection umap " +
                          quote(tmp_.file("gpt.csv")));
  ASSERT_EQ(gpt.status, 0) << gpt.err;
  EXPECT_EQ(count_lines(ev::testing::TempDir::read(tmp_.file("gpt.csv"))), 12u);
  // Vectors from elsewhere, mapped without training.
  ASSERT_EQ(run("--data " + quote(data) + " --steps 50 -q --export-word2vec " + quote(tmp_.file("v.txt"))).status, 0);
  const Outcome mapped = run("--data " + quote(data) + " --init-vectors " + quote(tmp_.file("v.txt")) +
                             " --steps 1 -q --export-projection tsne " + quote(tmp_.file("v.csv")));
  ASSERT_EQ(mapped.status, 0) << mapped.err;
  EXPECT_EQ(count_lines(ev::testing::TempDir::read(tmp_.file("v.csv"))), 12u);
  // Refused before training: an unknown method, a missing file name, the data.
  expect_refused(run("--data " + quote(data) + " --steps 5 --export-projection mds " + quote(tmp_.file("m.csv"))), 2,
                 {"--export-projection", "tsne, umap or pca"});
  expect_refused(run("--data " + quote(data) + " --steps 5 --export-projection tsne"), 2, {"--export-projection"});
  expect_refused(run("--data " + quote(data) + " --steps 5 --export-projection tsne " + quote(data)), 1,
                 {"--export-projection", "training data"});
  expect_refused(run("--data " + quote(data) + " --steps 5 --perplexity 0.5 --export-projection tsne " +
                     quote(tmp_.file("p.csv"))),
                 2, {"--perplexity"});
}

// A sweep whose budget leaves no time for a step marks no run best and says
// why; a flag the model does not use is named, and the run goes on.
TEST_F(Cli, ASweepThatTrainedNothingSaysSo) {
  const std::string data = quote(small_data());
  const Outcome r = run("--data " + data + " --sweep hidden=10,20 --steps 100 --budget 1e-300");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out.find("<- best"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("no run trained a step in its budget of 1e-300 s; give a larger --budget"), std::string::npos)
      << r.err;
  const Outcome noted = run("--data " + data + " --model gpt --hidden 50 --steps 5");
  EXPECT_EQ(noted.status, 0) << noted.err;
  EXPECT_NE(noted.err.find("embedviz-train: note: --hidden is not used by the gpt model\n"), std::string::npos)
      << noted.err;
  expect_refused(run("--data " + data + " --model gpt --emb 10 --heads 4 --steps 5"), 2, {"multiple of heads"});
}
