// train_teach_cli_test: embedviz-train's session and export flags, run as a
// real process: a run saved and resumed ends bit-identical to an unbroken one,
// and the export files appear with the right shapes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "core/base/atomic_file.h"
#include "core/io/export.h"
#include "core/data/data.h"
#include "core/io/session.h"
#include "core/live/worker.h"
#include "process.h"
#include "test_data.h"

using namespace ev;

namespace {

struct Outcome {
  int status;
  std::string err;
};

// Runs embedviz-train with the given arguments, stderr captured.
Outcome train(const std::string& dir, const std::string& args) {
  const std::string err = dir + "/stderr.txt";
  const std::string cmd = std::string(EMBEDVIZ_TRAIN_EXE) + " -q " + args + " > /dev/null 2> " + err;
  const int rc = std::system(cmd.c_str());
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, ss.str()};
}

class TrainTeachCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/embedviz_cli_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    data = dir + "/names.txt";
    std::ofstream out(data);
    for (const auto& n : testdata::synthetic_names(300)) out << n << "\n";
  }
  void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string model() const { return " --data " + data + " --block 3 --emb 4 --hidden 24 --batch 16 --seed 5 "; }
  std::string dir, data;
};

}  // namespace

TEST_F(TrainTeachCli, ResumeEqualsAnUnbrokenRun) {
  Outcome r = train(dir, model() + "--steps 300 --lr-decay-step 200 --save-session " + dir + "/full.evs");
  ASSERT_EQ(r.status, 0) << r.err;
  r = train(dir, model() + "--steps 120 --lr-decay-step 200 --save-session " + dir + "/half.evs");
  ASSERT_EQ(r.status, 0) << r.err;
  // The session brings its own data path, hyperparameters and step.
  r = train(dir, "--resume " + dir + "/half.evs --steps 180 --save-session " + dir + "/resumed.evs");
  ASSERT_EQ(r.status, 0) << r.err;

  const Session full = load_session(dir + "/full.evs");
  const Session resumed = load_session(dir + "/resumed.evs");
  EXPECT_EQ(resumed.step, 300);
  EXPECT_EQ(resumed.config.lr_decay_step, 200);
  EXPECT_EQ(resumed.params, full.params);  // float ==, element by element
  EXPECT_EQ(resumed.rng.s, full.rng.s);
  ASSERT_EQ(resumed.loss.size(), full.loss.size());
  for (std::size_t i = 0; i < full.loss.size(); ++i) {
    EXPECT_EQ(resumed.loss[i].step, full.loss[i].step);
    EXPECT_EQ(resumed.loss[i].loss, full.loss[i].loss);
  }
  // Each run records the validation loss where it ends.
  ASSERT_EQ(resumed.val.size(), 2u);
  EXPECT_EQ(resumed.val[0].step, 120);
  EXPECT_EQ(resumed.val[1].step, 300);
  EXPECT_EQ(resumed.val[1].loss, full.val.back().loss);
}

TEST_F(TrainTeachCli, ExportsTsvWord2VecAndCsv) {
  const Outcome r = train(dir, model() + "--steps 50 --export-tsv " + dir + "/projector --export-word2vec " + dir +
                                 "/vectors.txt --export-loss-csv " + dir + "/loss.csv --save-session " + dir +
                                 "/s.evs");
  ASSERT_EQ(r.status, 0) << r.err;
  const Session s = load_session(dir + "/s.evs");
  Model<float> m(s.spec());
  m.params = s.params;
  const Mat<float> C = m.p("C");
  EXPECT_EQ(parse_vectors_tsv(read_file_bytes(dir + "/projector/vectors.tsv", 1 << 20)), C);
  EXPECT_EQ(read_file_bytes(dir + "/projector/metadata.tsv", 1 << 20), projector_metadata_tsv(*load_session_data(s)));
  const std::string w2v = read_file_bytes(dir + "/vectors.txt", 1 << 20);
  EXPECT_EQ(w2v.substr(0, w2v.find('\n')), std::to_string(s.vocab.size()) + " 4");
  const std::string csv = read_file_bytes(dir + "/loss.csv", 1 << 20);
  // The neighbour shares (vowels, on characters) follow the losses.
  EXPECT_EQ(csv.rfind("step,train_loss,val_loss,share_vowels\n0,", 0), 0u) << csv.substr(0, 80);
  EXPECT_NE(csv.find("\n50,,"), std::string::npos) << "the final validation row is missing";
}

TEST_F(TrainTeachCli, BadSessionsAreOneLineErrors) {
  std::ofstream(dir + "/junk.evs") << "not a session";
  Outcome r = train(dir, "--resume " + dir + "/junk.evs --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("not an embedviz session"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  r = train(dir, "--resume " + dir + "/missing.evs --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.evs"), std::string::npos) << r.err;

  // A session resumed on other data is refused, naming the mismatch.
  ASSERT_EQ(train(dir, model() + "--steps 5 --save-session " + dir + "/s.evs").status, 0);
  std::ofstream(dir + "/other.txt") << "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
  r = train(dir, "--resume " + dir + "/s.evs --data " + dir + "/other.txt --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("different data"), std::string::npos) << r.err;

  // An export into a folder that cannot be made (under a file) fails cleanly, naming it.
  r = train(dir, model() + "--steps 1 --export-word2vec " + dir + "/other.txt/dir/v.txt");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("other.txt/dir"), std::string::npos) << r.err;
}

TEST(TrainTeachOptions, ResumeKeepsTheSessionsHyperparameters) {
  const char* ok[] = {"embedviz-train", "--resume", "a.evs", "--steps", "10", "--save-session", "b.evs",
                      "--export-tsv", "dir", "--export-word2vec", "w.txt", "--export-loss-csv", "l.csv"};
  const auto r = cli::parse_train_options(13, ok);
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(r.options.resume, "a.evs");
  EXPECT_EQ(r.options.save_session, "b.evs");
  EXPECT_EQ(r.options.export_tsv, "dir");
  EXPECT_EQ(r.options.export_word2vec, "w.txt");
  EXPECT_EQ(r.options.export_loss_csv, "l.csv");
  const char* bad[] = {"embedviz-train", "--resume", "a.evs", "--hidden", "64"};
  const auto e = cli::parse_train_options(5, bad);
  EXPECT_FALSE(e.run);
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.message.find("--hidden cannot be given with --resume"), std::string::npos) << e.message;
}

// A session near the largest step: continuing past it is refused up front, so
// no run ever writes a session it would then refuse to load; up to it is fine.
TEST_F(TrainTeachCli, ContinuationNeverPassesTheLargestStep) {
  ASSERT_EQ(train(dir, model() + "--steps 5 --save-session " + dir + "/s.evs").status, 0);
  Session s = load_session(dir + "/s.evs");
  s.step = Limits::kMaxStep - 3;
  save_session(s, dir + "/far.evs");
  Outcome r = train(dir, "--resume " + dir + "/far.evs --steps 10 -q --save-session " + dir + "/far.evs");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("the most a session can hold"), std::string::npos) << r.err;
  r = train(dir, "--resume " + dir + "/far.evs --steps 3 -q --save-session " + dir + "/far.evs");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(load_session(dir + "/far.evs").step, Limits::kMaxStep);
}

// The data's split has a seed of its own: a run whose initialisation seed
// changed in the window (SetSeed restarts it on the same split), saved and
// resumed by another process, continues exactly as the unbroken run.
TEST_F(TrainTeachCli, ResumeAfterASeedChangeSplitsTheDataAsBefore) {
  DataSpec spec;
  spec.source = data;
  spec.split_seed = 5;
  TrainConfig cfg = testdata::small_config(4, 24, 16);
  cfg.seed = 5;
  Worker w(1, load_data(spec), cfg);
  w.post(cmd::Step{50});
  w.post(cmd::SetSeed{9});
  w.post(cmd::Step{60});
  w.post(cmd::SaveSession{dir + "/a.evs"});
  ASSERT_TRUE(w.wait_idle(std::chrono::seconds(60)));
  const Session saved = load_session(dir + "/a.evs");
  EXPECT_EQ(saved.split_seed, 5u);
  EXPECT_EQ(saved.config.seed, 9u);
  EXPECT_EQ(saved.step, 60);

  w.post(cmd::Step{40});  // the unbroken run goes on here...
  w.want_model();
  ASSERT_TRUE(w.wait_idle(std::chrono::seconds(60)));
  const SnapshotPtr s = w.snapshot();
  ASSERT_TRUE(s->model);

  // ...and the saved one in another process.
  const std::string err = dir + "/stderr.txt";
  const ev::testing::Outcome r = ev::testing::run_command(
      std::string(EMBEDVIZ_TRAIN_EXE) + " -q --resume " + dir + "/a.evs --steps 40 --json --save-session " + dir +
          "/b.evs",
      err);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string last = r.out.substr(0, r.out.find_last_not_of('\n') + 1);
  const auto j = nlohmann::json::parse(last.substr(last.rfind('\n') + 1));
  const Session resumed = load_session(dir + "/b.evs");
  EXPECT_EQ(resumed.step, 100);
  EXPECT_EQ(resumed.params, s->model->params);  // bit-identical
  EXPECT_EQ(float(j.at("val_loss").get<double>()), s->val_loss);
}
