// training_thread_test: the trainer thread's contract. Commands are applied in
// order and none is lost; Step{n} is exactly n updates; live changes keep the
// step; shape changes restart; divergence pauses and can be undone; and a
// storm of random commands while training leaves the state each one asked for.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/base/error.h"
#include "core/base/rng.h"
#include "core/teach/teach.h"
#include "core/live/worker.h"
#include "process.h"
#include "test_data.h"
#include "test_util.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

// 2-D, so each table is the picture itself.
TrainConfig small_config() {
  TrainConfig c = testdata::small_config(2);
  c.seed = 3;
  return c;
}

using ev::testing::settle;

const std::vector<float>& params_of(const SnapshotPtr& s) {
  static const std::vector<float> none;
  EXPECT_TRUE(s->model) << "the snapshot has no parameters";
  return s->model ? s->model->params : none;
}

}  // namespace

TEST(TrainingThread, StartsPausedAtStepZero) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  auto s = t.snapshot();  // the run is still being made on the worker's thread
  ASSERT_TRUE(s);
  EXPECT_EQ(s->step, 0);
  EXPECT_FALSE(s->playing);
  s = settle(t);  // made, with the parameters once asked for
  EXPECT_TRUE(s->preparing.empty());
  EXPECT_EQ(s->step, 0);
  EXPECT_FALSE(s->playing);
  EXPECT_EQ(s->table.count(), param_table(s->spec).count());
  EXPECT_EQ(params_of(s).size(), s->table.count());
}

TEST(TrainingThread, StepDoesExactlyNUpdatesThenPauses) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{1});
  EXPECT_EQ(settle(t)->step, 1);
  t.post(cmd::Step{10});
  EXPECT_EQ(settle(t)->step, 11);
  t.post(cmd::Step{100});
  auto s = settle(t);
  EXPECT_EQ(s->step, 111);
  EXPECT_FALSE(s->playing);
  EXPECT_EQ(std::int64_t(s->batch_Y.size()), s->config.batch);
  EXPECT_EQ(s->batch_X.size(), s->batch_Y.size() * std::size_t(s->config.block));
}

TEST(TrainingThread, SameStepsSameParametersAsATrainer) {
  auto data = testdata::synthetic_dataset();
  Worker t(1, data, small_config());
  t.post(cmd::Step{37});
  auto s = settle(t);
  Trainer direct(data, small_config());
  for (int i = 0; i < 37; ++i) direct.step();
  EXPECT_EQ(params_of(s), direct.model().params);
}

TEST(TrainingThread, LearningRateChangesLiveWithoutReset) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{20});
  t.post(cmd::SetLr{0.02});
  auto s = settle(t);
  EXPECT_EQ(s->step, 20);
  EXPECT_DOUBLE_EQ(s->config.lr, 0.02);
  t.post(cmd::SetBatch{5});
  t.post(cmd::Step{1});
  s = settle(t);
  EXPECT_EQ(s->step, 21);
  EXPECT_EQ(s->batch_Y.size(), 5u);
}

TEST(TrainingThread, ShapeChangeRestartsFromTheSeed) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{5});
  t.post(cmd::SetModel{testdata::resized(t.snapshot()->spec, 4, 3, 20)});
  auto s = settle(t);
  EXPECT_EQ(s->step, 0);
  EXPECT_EQ(s->spec.block, 4);
  EXPECT_EQ(s->spec.emb, 3);
  EXPECT_EQ(s->spec.hidden, 20);
  EXPECT_EQ(s->table.count(), param_table(s->spec).count());
  s = settle(t);  // the parameters, once asked for
  EXPECT_EQ(params_of(s).size(), s->table.count());
  EXPECT_FALSE(s->message.empty());
}

TEST(TrainingThread, ResetReturnsToTheInitialParameters) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  const auto initial = params_of(settle(t));
  t.post(cmd::Step{25});
  EXPECT_NE(params_of(settle(t)), initial);
  t.post(cmd::Reset{});
  auto s = settle(t);
  EXPECT_EQ(s->step, 0);
  EXPECT_EQ(params_of(s), initial);
  EXPECT_TRUE(s->loss.empty());
}

TEST(TrainingThread, PlayTrainsAndPauseStops) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Play{true});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (t.snapshot()->step < 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_GE(t.snapshot()->step, 200);
  t.post(cmd::Play{false});
  auto s = settle(t);
  EXPECT_FALSE(s->playing);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(t.snapshot()->step, s->step);
}

TEST(TrainingThread, SpeedLimitIsRespected) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::SetSpeed{50});
  const auto t0 = std::chrono::steady_clock::now();
  t.post(cmd::Play{true});
  std::this_thread::sleep_for(300ms);
  t.post(cmd::Play{false});
  // Bounded by the time that really passed, so a loaded machine that oversleeps cannot fail it.
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto s = settle(t);
  // 50 steps/s: about 15 in 0.3 s; unlimited would be thousands.
  EXPECT_GE(s->step, 1);
  EXPECT_LE(double(s->step), 50 * secs + 5);
}

TEST(TrainingThread, DivergencePausesAndCanBeUndone) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{600});  // past the first checkpoint
  settle(t);
  t.post(cmd::SetLr{1e5});
  t.post(cmd::Step{1000});
  auto s = settle(t);
  EXPECT_TRUE(s->diverged);
  EXPECT_FALSE(s->playing);
  EXPECT_LT(s->step, 1600);
  EXPECT_NE(s->message.find("diverged"), std::string::npos) << s->message;
  t.post(cmd::SetLr{0.1});
  t.post(cmd::RestoreCheckpoint{});
  s = settle(t);
  EXPECT_FALSE(s->diverged);
  EXPECT_EQ(s->step, s->checkpoint_step);
  for (float v : params_of(s)) ASSERT_TRUE(std::isfinite(v));
}

TEST(TrainingThread, BadDataFileKeepsTheRun) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{7});
  t.post(cmd::LoadData{"/nonexistent/names.txt"});
  auto s = settle(t);
  EXPECT_EQ(s->step, 7);
  EXPECT_NE(s->message.find("/nonexistent/names.txt"), std::string::npos) << s->message;
  t.post(cmd::SetModel{testdata::resized(t.snapshot()->spec, 3, 2, 1 << 20)});  // absurd: refused before allocating
  s = settle(t);
  EXPECT_EQ(s->step, 7);
  EXPECT_EQ(s->spec.hidden, 16);
  EXPECT_FALSE(s->message.empty());
}

// File > Train on a text file with a tokenizer: the data is read with it, and
// another kind of token brings its initialisation; without one, the current
// data's tokenizer is kept.
TEST(TrainingThread, LoadDataWithATokenizer) {
  ev::testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 30; ++i) text += "the cat sat on mat " + std::to_string(i % 5) + "\n";
  const std::string path = dir.write("prose.txt", text);
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::LoadData{path, Tokenizer::Word});
  auto s = settle(t);
  EXPECT_EQ(s->data->tokenizer, Tokenizer::Word) << s->message;
  EXPECT_GE(s->data->vocab.id("cat"), 0);
  EXPECT_EQ(s->spec.init, "small");
  t.post(cmd::LoadData{path});
  s = settle(t);
  EXPECT_EQ(s->data->tokenizer, Tokenizer::Word);
  EXPECT_EQ(s->spec.init, "small");
  t.post(cmd::LoadData{path, Tokenizer::Char});
  s = settle(t);
  EXPECT_EQ(s->data->tokenizer, Tokenizer::Char);
  EXPECT_GE(s->data->vocab.id("c"), 0);
  EXPECT_EQ(s->spec.init, "normal");
}

// Thousands of random commands while training. After each, the state is what
// the command asked for, and the number applied equals the number posted.
TEST(TrainingThread, RandomCommandStorm) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  Rng rng(12345);
  std::int64_t step = 0;  // the step after the last check, known while paused
  bool playing = false;
  int block = 3, emb = 2, hidden = 16, batch = 8;
  double lr = 0.1;
  const int kCommands = 10000;
  for (int i = 0; i < kCommands; ++i) {
    const bool was_playing = playing;
    const int kind = int(rng.below(8));
    int n = 0;
    switch (kind) {
      case 0: t.post(cmd::Play{true}); playing = true; break;
      case 1: t.post(cmd::Play{false}); playing = false; break;
      case 2:
        n = 1 + int(rng.below(5));
        t.post(cmd::Step{n});
        playing = false;
        break;
      case 3: t.post(cmd::Reset{}); playing = false; break;
      case 4: lr = 0.01 + 0.2 * rng.uniform(); t.post(cmd::SetLr{lr}); break;
      case 5: batch = 1 + int(rng.below(16)); t.post(cmd::SetBatch{batch}); break;
      case 6:
        block = 1 + int(rng.below(4));
        emb = 1 + int(rng.below(4));
        hidden = 4 + int(rng.below(16));
        t.post(cmd::SetModel{testdata::resized(ModelSpec{}, block, emb, hidden)});
        break;
      default: t.post(cmd::SetSpeed{rng.below(2) ? 0.0 : 1000.0}); break;
    }
    // While playing, check every 16th command (after pausing): waiting for
    // idle while playing would never return.
    if (playing && i % 16) continue;
    if (playing) {
      t.post(cmd::Play{false});
      playing = false;
    }
    ASSERT_TRUE(t.wait_idle(30s)) << "deadlock or lost command at command " << i;
    auto s = t.snapshot();
    ASSERT_EQ(s->commands_applied, t.commands_posted()) << "command " << i;
    ASSERT_FALSE(s->playing);
    ASSERT_EQ(s->spec.block, block);
    ASSERT_EQ(s->spec.emb, emb);
    ASSERT_EQ(s->spec.hidden, hidden);
    ASSERT_EQ(s->config.batch, batch);
    ASSERT_DOUBLE_EQ(s->config.lr, lr);
    ASSERT_FALSE(s->diverged);
    if (!was_playing && kind != 0) {
      // A paused run moves only as the command says.
      const std::int64_t want = kind == 2 ? step + n : (kind == 3 || kind == 6) ? 0 : step;
      ASSERT_EQ(s->step, want) << "command " << i << " of kind " << kind;
    }
    step = s->step;
  }
}

// At large sizes a step takes long: a command (or a stop) is taken up after
// the step under way, never after a batch of further steps.
TEST(TrainingThread, CommandsWaitForOneStepAtMost) {
  TrainConfig c = small_config();
  c.hidden = 2048;
  c.batch = 2048;  // tens of milliseconds a step: far over the 4 ms slice
  Worker t(1, testdata::synthetic_dataset(), c);
  t.post(cmd::Play{true});
  const auto started = [&] { return t.snapshot()->step >= 2; };
  for (int i = 0; i < 2000 && !started(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(started());
  for (int round = 0; round < 3; ++round) {
    const std::int64_t before = t.snapshot()->step;  // published after its step: at most one is under way
    t.post(cmd::SetLr{0.05});
    const std::uint64_t want = t.commands_posted();
    SnapshotPtr s = t.snapshot();
    for (int i = 0; i < 4000 && s->commands_applied < want; ++i) {
      std::this_thread::sleep_for(1ms);
      s = t.snapshot();
    }
    ASSERT_GE(s->commands_applied, want);
    EXPECT_LE(s->step - before, 2) << "steps run while the command waited";
  }
  const auto t0 = std::chrono::steady_clock::now();
  t.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

// Too high a rate: the smoothed loss rises well above a uniform guess and the
// snapshot says so; Restore brings back the parameters and the rate from just
// before the rate changed, not parameters that were already broken.
TEST(TrainingThread, RestoreGoesBackToBeforeTheRateChanged) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{300});
  const SnapshotPtr before = settle(t);
  EXPECT_FALSE(before->rising) << "a healthy run must not warn";
  t.post(cmd::SetLr{50});
  t.post(cmd::Step{400});
  auto s = settle(t);
  EXPECT_TRUE(s->rising || s->diverged) << "smoothed loss " << s->smooth_loss;
  EXPECT_GT(s->smooth_loss, Run::kWarnFactor * std::log(double(s->spec.vocab)));
  EXPECT_EQ(s->checkpoint_step, 300);
  EXPECT_DOUBLE_EQ(s->checkpoint_lr, before->config.lr);
  t.post(cmd::RestoreCheckpoint{});
  s = settle(t);
  EXPECT_EQ(s->step, 300);
  EXPECT_EQ(params_of(s), params_of(before));
  EXPECT_DOUBLE_EQ(s->config.lr, before->config.lr);
  EXPECT_FALSE(s->rising);
  EXPECT_FALSE(s->diverged);
  ASSERT_FALSE(s->loss.empty());
  EXPECT_LT(s->loss.back().step, 300) << "the broken steps stay in the loss history";
  EXPECT_NE(s->message.find("before the learning rate changed"), std::string::npos) << s->message;
}

// A drag of the rate slider posts the rates it passes (dragging) while
// training goes on, past a known-good step too; Restore brings back the rate
// from before the drag began, never one passed on the way.
TEST(TrainingThread, RestoreAfterADragGoesBackToBeforeTheDrag) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::Step{300});
  const SnapshotPtr before = settle(t);
  for (double lr : {0.2, 0.5, 1.0}) {
    t.post(cmd::SetLr{lr, true});
    t.post(cmd::Step{150});  // through step 500, where a healthy run keeps a known-good point
  }
  t.post(cmd::SetLr{50, true});
  t.post(cmd::SetLr{50, false});  // the release
  t.post(cmd::Step{400});
  auto s = settle(t);
  EXPECT_TRUE(s->rising || s->diverged) << "smoothed loss " << s->smooth_loss;
  EXPECT_DOUBLE_EQ(s->checkpoint_lr, before->config.lr);
  EXPECT_EQ(s->checkpoint_step, 300);
  t.post(cmd::RestoreCheckpoint{});
  s = settle(t);
  EXPECT_EQ(s->step, 300);
  EXPECT_DOUBLE_EQ(s->config.lr, before->config.lr);
  EXPECT_EQ(params_of(s), params_of(before));
}

// The speed shown is steps over wall-clock time, waits for the limit included.
TEST(TrainingThread, SpeedShownIsTheRateTrainedAt) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  t.post(cmd::SetSpeed{20});
  t.post(cmd::Play{true});
  std::this_thread::sleep_for(1500ms);
  const double shown = t.snapshot()->steps_per_s;
  t.post(cmd::Play{false});
  settle(t);
  EXPECT_GT(shown, 10.0);
  EXPECT_LT(shown, 25.0);
}

// Every replacement of the run is announced (the views drop their trails), and
// the toy lesson starts from the table it shows.
TEST(TrainingThread, NewRunsAreNumberedAndTheToyLessonStartsFromItsTable) {
  Worker t(1, testdata::synthetic_dataset(), small_config());
  const std::uint64_t run0 = t.snapshot()->restarts;
  t.post(cmd::Reset{});
  EXPECT_GT(settle(t)->restarts, run0);
  const auto all = presets();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].toy_data) t.post(cmd::ApplyPreset{int(i)});
  auto s = settle(t);
  EXPECT_EQ(Mat<float>(s->C()), toy_lesson().C);
  t.post(cmd::Step{5});
  t.post(cmd::Reset{});
  s = settle(t);
  EXPECT_EQ(s->step, 0);
  EXPECT_EQ(Mat<float>(s->C()), toy_lesson().C);
  EXPECT_GT(s->bigram_loss, 0.0f);
  EXPECT_LT(s->bigram_loss, std::log(5.0f));  // the toy data's rule is learnable by counting
}

// The validation loss a snapshot reports is the last point of its history:
// after a loaded session (which brings its history back) the status line and
// the loss plot's header agree.
TEST(TrainingThread, ValidationLossIsTheHistorysLastAfterLoadingASession) {
  ev::testing::TempDir dir;
  TrainConfig c = small_config();
  c.val_every = 50;
  Worker t(1, testdata::synthetic_dataset(), c);
  t.post(cmd::Step{120});
  SnapshotPtr s = settle(t);
  ASSERT_FALSE(s->val.empty());
  EXPECT_EQ(s->val_loss, float(s->val.back().loss));
  const std::string path = dir.file("s.evs");
  t.post(cmd::SaveSession{path});
  t.post(cmd::Reset{});
  s = settle(t);
  EXPECT_EQ(s->val_loss, 0.0f) << "a new run: no validation yet";
  t.post(cmd::LoadSession{path});
  s = settle(t);
  ASSERT_EQ(s->step, 120);
  ASSERT_FALSE(s->val.empty());
  EXPECT_GT(s->val_loss, 0.0f);
  EXPECT_EQ(s->val_loss, float(s->val.back().loss));
}

// A session whose linear schedule (embedviz-train's Adam) has reached 0 does
// not train on at rate 0 in the window: the rate is held, and said.
TEST(TrainingThread, ALoadedSessionsEndedScheduleTrainsAtAStatedRate) {
  ev::testing::TempDir dir;
  TrainConfig c = small_config();
  c.optimizer = "adam";
  c.lr = 0.01;
  c.lr_linear_steps = 40;
  Worker t(1, testdata::synthetic_dataset(), c);
  t.post(cmd::Step{40});
  SnapshotPtr s = settle(t);
  ASSERT_EQ(s->step, 40);
  const std::string path = dir.file("adam.evs");
  t.post(cmd::SaveSession{path});
  t.post(cmd::LoadSession{path});
  s = settle(t);
  EXPECT_NE(s->message.find("holds it at 0.005"), std::string::npos) << s->message;
  const Mat<float> before = s->C();
  t.post(cmd::Step{5});
  s = settle(t);
  ASSERT_EQ(s->step, 45);
  EXPECT_GT((Mat<float>(s->C()) - before).cwiseAbs().maxCoeff(), 0.0f) << "the loaded run trained at rate 0";
}

namespace {

// A DataReader whose read waits until the test opens its gate, on the thread
// that called it (recorded), then returns the synthetic names with a note.
struct GatedReader {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::thread::id reader_thread;

  DataReader reader(const std::string& source) {
    return {source, [this](std::string* note) {
              std::unique_lock<std::mutex> lk(mu);
              reader_thread = std::this_thread::get_id();
              cv.wait(lk, [&] { return open; });
              *note = "fell back";
              return testdata::synthetic_dataset();
            }};
  }
  void let_through() {
    {
      std::lock_guard<std::mutex> lk(mu);
      open = true;
    }
    cv.notify_all();
  }
};

}  // namespace

// A run given a reader reads its data on the worker's thread: the
// constructor returns while the read waits, the snapshots say "reading the
// data: <source>" with an empty data set of that name, commands posted
// meanwhile apply once the run is made, and the reader's note is kept.
TEST(TrainingThread, DataIsReadOnTheWorkersThread) {
  GatedReader gate;
  Worker t(1, gate.reader("test names"), small_config());
  SnapshotPtr s = t.snapshot();
  EXPECT_EQ(s->preparing, "reading the data: test names");
  EXPECT_FALSE(s->ready());
  EXPECT_EQ(s->data->source, "test names");
  EXPECT_EQ(s->data->items.size(), 0u);
  t.post(cmd::Step{3});
  EXPECT_FALSE(t.wait_idle(50ms)) << "idle before the data was read";
  EXPECT_EQ(t.read_note(), "");
  gate.let_through();
  s = settle(t);
  EXPECT_TRUE(s->ready());
  EXPECT_EQ(s->step, 3) << "the step posted while reading";
  EXPECT_EQ(s->data->source, "synthetic names");
  EXPECT_EQ(t.read_note(), "fell back");
  std::lock_guard<std::mutex> lk(gate.mu);
  EXPECT_NE(gate.reader_thread, std::this_thread::get_id());
}

// Data that cannot be read, or settings that do not fit it, end in a failed
// snapshot saying why; nothing trains and wait_idle returns.
TEST(TrainingThread, UnreadableDataIsAFailedSnapshot) {
  Worker bad(1, DataReader{"bad.txt", [](std::string*) -> std::shared_ptr<const Dataset> { throw Error("bad.txt: not text"); }},
             small_config());
  EXPECT_TRUE(bad.wait_idle(ev::testing::kIdleTimeout));
  SnapshotPtr s = bad.snapshot();
  EXPECT_TRUE(s->failed);
  EXPECT_FALSE(s->ready());
  EXPECT_EQ(s->message, "bad.txt: not text");
  EXPECT_EQ(s->data->source, "bad.txt");

  TrainConfig c = small_config();
  c.block = 100000;  // longer than any context the data allows
  Worker unfit(2, DataReader{"names", [](std::string*) { return testdata::synthetic_dataset(); }}, c);
  EXPECT_TRUE(unfit.wait_idle(ev::testing::kIdleTimeout));
  s = unfit.snapshot();
  EXPECT_TRUE(s->failed);
  EXPECT_FALSE(s->message.empty());
  EXPECT_EQ(s->data->source, "synthetic names") << "the data read is kept in the failed snapshot";
}

// A stop asked for while the data is read ends the thread after the read:
// the run is never made.
TEST(TrainingThread, StopWhileReadingNeverMakesTheRun) {
  GatedReader gate;
  Worker t(1, gate.reader("test names"), small_config());
  t.request_stop();
  gate.let_through();
  ASSERT_TRUE(ev::testing::wait_until([&] { return t.finished(); }));
  EXPECT_FALSE(t.snapshot()->ready());
  EXPECT_EQ(t.snapshot()->preparing, "reading the data: test names");
}
