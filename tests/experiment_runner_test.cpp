// experiment_runner_test.cpp: the window's live experiment without a window:
// real Workers made through the runner's Host, at most `jobs` of them training
// at once, queued runs started as others finish, each stopped at the same step
// or by the wall-clock budget, and a bad value refused before any run is made.
// Each run is made on its own thread: adding one returns before its examples
// are framed or its trigram counted, and removing it then stops it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "core/base/error.h"
#include "core/live/experiment_runner.h"
#include "core/live/worker.h"
#include "test_data.h"
#include "test_util.h"

using namespace ev;
using namespace std::chrono_literals;

namespace {

// Owns the runs as the app does.
struct TestHost {
  std::shared_ptr<const Dataset> data = testdata::synthetic_dataset(200);
  std::vector<std::unique_ptr<Worker>> runs;
  RunId next = 1;
  ExperimentRunner::Host host{
      [this](const TrainConfig& c) {
        runs.push_back(std::make_unique<Worker>(next++, data, c));
        return runs.back()->id();
      },
      [this](RunId id, const Command& c) {
        for (auto& r : runs)
          if (r->id() == id) return r->post(c), true;
        return false;
      },
      [this](RunId id) {
        runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const auto& r) { return r->id() == id; }), runs.end());
      },
      nullptr};  // no memory check: these runs are small
  std::vector<SnapshotPtr> snaps() const {
    std::vector<SnapshotPtr> out;
    for (const auto& r : runs) out.push_back(r->snapshot());
    return out;
  }
};

TrainConfig tiny() {
  TrainConfig c;
  c.emb = 2;
  c.hidden = 8;
  c.batch = 8;
  c.val_every = 50;
  return c;
}

// Updates as a frame loop would until no run is still being made, holding
// the queue meanwhile, then once more: the first `jobs` runs start together.
bool until_ready(ExperimentRunner& x, TestHost& h) {
  x.pause(true, h.host);
  const bool ready = ev::testing::wait_until([&] {
    x.update(h.snaps(), h.host);
    const auto& e = x.entries();
    return std::none_of(e.begin(), e.end(), [](const auto& r) { return r.state == ExperimentRunner::State::Preparing; });
  });
  x.pause(false, h.host);
  x.update(h.snaps(), h.host);
  return ready;
}

// A word data set at the word model's size: 17,000 distinct words in 60,000
// sentences of 12, so a run's trigram counts 720,000 occurrences.
std::shared_ptr<const Dataset> words_17k() {
  const auto word = [](std::uint64_t id) {  // three letters: the tokenizer keeps runs of letters
    return std::string{char('a' + id / 676), char('a' + id / 26 % 26), char('a' + id % 26)};
  };
  Rng rng(3);
  std::vector<std::string> items;
  for (int i = 0; i < 24000; ++i) {  // each word about 17 times: all of them in the vocabulary
    std::string s;
    for (int k = 0; k < 12; ++k) s += (k ? " " : "") + word(rng.below(16998));
    items.push_back(std::move(s));
  }
  return std::make_shared<const Dataset>(make_dataset(items, Tokenizer::Word, 1, "17,000 words"));
}

// Updates as a frame loop would until the experiment is over; returns the
// most runs seen training at once, or -1 on the deadline.
int run_to_end(ExperimentRunner& x, TestHost& h) {
  int most = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (x.active()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    x.update(h.snaps(), h.host);
    const auto& e = x.entries();
    most = std::max(most, int(std::count_if(e.begin(), e.end(), [](const auto& r) {
                        return r.state == ExperimentRunner::State::Training;
                      })));
    std::this_thread::sleep_for(1ms);
  }
  x.update(h.snaps(), h.host);
  return most;
}

}  // namespace

TEST(ExperimentRunner, AtMostJobsTrainAndTheQueueMovesOn) {
  TestHost h;
  ExperimentRunner x;
  x.start(parse_sweep("seed=1,2,3"), tiny(), StopRule{200, 0}, 2, h.host);
  ASSERT_EQ(h.runs.size(), 3u);
  for (const auto& e : x.entries()) EXPECT_EQ(e.state, ExperimentRunner::State::Preparing);
  ASSERT_TRUE(until_ready(x, h));
  EXPECT_EQ(x.entries()[0].state, ExperimentRunner::State::Training);
  EXPECT_EQ(x.entries()[1].state, ExperimentRunner::State::Training);
  EXPECT_EQ(x.entries()[2].state, ExperimentRunner::State::Queued);
  const int most = run_to_end(x, h);
  EXPECT_GE(most, 1) << "the runs did not finish";
  EXPECT_LE(most, 2);
  for (const auto& e : x.entries()) {
    EXPECT_EQ(e.state, ExperimentRunner::State::Done) << e.value;
    EXPECT_EQ(e.last->step, 200) << e.value;
    EXPECT_EQ(e.last->val.size(), 4u) << e.value;  // the same validation steps: 50, 100, 150, 200
    EXPECT_EQ(e.config.seed, std::stoull(e.value));
  }
  const auto rows = x.results();
  EXPECT_GE(best_row(rows), 0);
  // Clearing forgets the runs.
  x.clear(h.host);
  EXPECT_TRUE(h.runs.empty());
  EXPECT_TRUE(x.entries().empty());
}

TEST(ExperimentRunner, TheBudgetStopsEachRun) {
  TestHost h;
  ExperimentRunner x;
  x.start(parse_sweep("hidden=8,16"), tiny(), StopRule{1000000000, 0.2}, 2, h.host);
  ASSERT_GE(run_to_end(x, h), 1);
  for (auto& r : h.runs) ASSERT_TRUE(r->wait_idle(20s));
  x.update(h.snaps(), h.host);
  for (const auto& e : x.entries()) {
    EXPECT_EQ(e.state, ExperimentRunner::State::Done);
    EXPECT_GE(e.seconds, 0.2);
    EXPECT_GT(e.last->step, 0);
    EXPECT_FALSE(e.last->playing);
  }
}

TEST(ExperimentRunner, PauseHoldsTheQueueAndStopEndsIt) {
  TestHost h;
  ExperimentRunner x;
  x.start(parse_sweep("hidden=8,16,32"), tiny(), StopRule{1000000000, 0}, 1, h.host);
  ASSERT_TRUE(until_ready(x, h));
  x.pause(true, h.host);
  EXPECT_EQ(x.entries()[0].state, ExperimentRunner::State::Paused);
  x.update(h.snaps(), h.host);
  EXPECT_EQ(x.entries()[1].state, ExperimentRunner::State::Queued);  // nothing starts while paused
  x.pause(false, h.host);
  EXPECT_EQ(x.entries()[0].state, ExperimentRunner::State::Training);
  x.stop(h.host);
  EXPECT_FALSE(x.active());
  for (auto& r : h.runs) {
    ASSERT_TRUE(r->wait_idle(20s));
    EXPECT_FALSE(r->snapshot()->playing);
  }
}

TEST(ExperimentRunner, ABadValueMakesNoRun) {
  TestHost h;
  ExperimentRunner x;
  EXPECT_THROW(x.start(parse_sweep("hidden=8,zero"), tiny(), StopRule{100, 0}, 2, h.host), Error);
  EXPECT_TRUE(h.runs.empty());
  EXPECT_THROW(x.start(parse_sweep("hidden=8"), tiny(), StopRule{0, 0}, 2, h.host), Error);
  EXPECT_TRUE(h.runs.empty());
}

// A run taken out of the experiment (opened as the main run) frees its job
// for the next one and keeps its row.
TEST(ExperimentRunner, AReleasedRunFreesItsJob) {
  TestHost h;
  ExperimentRunner x;
  x.start(parse_sweep("hidden=8,16"), tiny(), StopRule{1000000000, 0}, 1, h.host);
  ASSERT_TRUE(until_ready(x, h));
  ASSERT_EQ(x.entries()[0].state, ExperimentRunner::State::Training);
  const RunId id = x.entries()[0].id;
  x.release(id);
  x.update(h.snaps(), h.host);
  EXPECT_EQ(x.entries()[0].state, ExperimentRunner::State::Done);
  EXPECT_EQ(x.entries()[0].id, id);
  EXPECT_EQ(x.entries()[1].state, ExperimentRunner::State::Training);
  x.stop(h.host);
  h.host.post(id, cmd::Play{false});
}

// Adding a run at 17,000 words hands the work to the run's thread: the call
// returns with the run preparing (its examples and trigram not made yet), the
// snapshots say which stage it is at, and it becomes ready and trains later.
TEST(ExperimentRunner, AddingAWordRunReturnsBeforeItsPreparation) {
  TestHost h;
  h.data = words_17k();
  ASSERT_EQ(h.data->vocab.size(), 17000);
  TrainConfig c = tiny();
  c.block = 2;
  ExperimentRunner x;
  const auto t0 = std::chrono::steady_clock::now();
  x.start(parse_sweep("seed=1,2"), c, StopRule{20, 0}, 2, h.host);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(h.runs.size(), 2u);
  for (const SnapshotPtr& s : h.snaps()) {
    EXPECT_FALSE(s->preparing.empty()) << "the run was made in the call (" << ms << " ms)";
    EXPECT_EQ(s->trigram_loss, 0.f);
    EXPECT_EQ(s->step, 0);
  }
  x.update(h.snaps(), h.host);
  EXPECT_EQ(x.entries()[0].state, ExperimentRunner::State::Preparing);
  // The stages seen while waiting, in order.
  std::vector<std::string> stages;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (x.active() && std::chrono::steady_clock::now() < deadline) {
    const std::string now = h.runs[0]->snapshot()->preparing;
    if (!now.empty() && (stages.empty() || stages.back() != now)) stages.push_back(now);
    x.update(h.snaps(), h.host);
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_FALSE(x.active()) << "the runs did not finish";
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.front(), "framing the training examples");
  for (const auto& e : x.entries()) {
    EXPECT_EQ(e.state, ExperimentRunner::State::Done);
    EXPECT_TRUE(e.last->preparing.empty());
    EXPECT_GT(e.last->trigram_loss, 0.f) << "the trigram was counted";
    EXPECT_EQ(e.last->step, 20);
  }
}

// Removing runs while they are being made, or destroying a worker at once,
// stops their threads at the next stage and joins them; nothing trains.
TEST(ExperimentRunner, RemovingAPreparingRunJoinsCleanly) {
  TestHost h;
  h.data = words_17k();
  ExperimentRunner x;
  x.start(parse_sweep("seed=1,2,3"), tiny(), StopRule{1000, 0}, 3, h.host);
  ASSERT_EQ(h.runs.size(), 3u);
  EXPECT_FALSE(h.runs[0]->snapshot()->preparing.empty());
  const auto t0 = std::chrono::steady_clock::now();
  x.clear(h.host);  // removes each run: its destructor stops and joins it
  EXPECT_TRUE(h.runs.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  // Asked to stop without waiting: it says when its thread has returned.
  Worker w(9, h.data, tiny());
  w.request_stop();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!w.finished() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(w.finished());
  EXPECT_EQ(w.snapshot()->step, 0);
  EXPECT_FALSE(w.snapshot()->preparing.empty()) << "it stopped before the run was ready";
}

// Settings that do not fit are refused in the call, before a thread is started.
TEST(ExperimentRunner, BadSettingsAreRefusedBeforeAnyWork) {
  TrainConfig c = tiny();
  c.batch = 0;
  EXPECT_THROW(Worker(1, testdata::synthetic_dataset(200), c), Error);
}
