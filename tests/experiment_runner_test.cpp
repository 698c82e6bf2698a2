// experiment_runner_test.cpp: the window's live experiment without a window:
// real Workers made through the runner's Host, at most `jobs` of them training
// at once, queued runs started as others finish, each stopped at the same step
// or by the wall-clock budget, and a bad value refused before any run is made.
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
