// timeline_test.cpp: the timeline's schedule, budget and thinning, its place in
// a run (first and latest frames, Restore), and its round trip through a session.
#include "core/data/data.h"
#include "core/train/timeline.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/live/run.h"
#include "core/io/session.h"
#include "core/teach/teach.h"

using namespace ev;

namespace {

// A frame of one table (rows, d) filled with `value`.
TimelineFrame frame(std::int64_t step, int rows, int d, float value = 0) {
  auto t = std::make_shared<std::vector<NamedTable>>();
  t->push_back({"C", Mat<float>::Constant(rows, d, value)});
  return {step, float(step), t};
}

// Feeds a timeline the steps its schedule asks for, up to `last`; returns the last step added.
std::int64_t run_schedule(Timeline& tl, std::int64_t last, int rows, int d) {
  std::int64_t added = -1;
  for (std::int64_t s = 0; s <= last; ++s)
    if (tl.due(s)) tl.add(frame(s, rows, d)), added = s;
  return added;
}

}  // namespace

TEST(Timeline, DenseAtTheStartThenLogSpaced) {
  Timeline tl;
  run_schedule(tl, 100000, 27, 2);
  const TimelineFrames& f = *tl.frames();
  for (std::int64_t s = 0; s <= Timeline::kDenseUntil; ++s) EXPECT_EQ(f[std::size_t(s)].step, s);
  for (std::size_t i = std::size_t(Timeline::kDenseUntil) + 1; i < f.size(); ++i) {
    const double ratio = double(f[i].step) / double(f[i - 1].step);
    EXPECT_GE(ratio, Timeline::kRatio - 1e-9) << "at " << f[i].step;
    EXPECT_LT(ratio, Timeline::kRatio + 0.06) << "at " << f[i].step;
  }
  // log(100000 / 20) / log(1.05) ~ 175 log-spaced frames after the dense ones.
  EXPECT_GT(f.size(), 180u);
  EXPECT_LT(f.size(), 215u);
}

// The bar: at the word model's size (17,000 x 30) the budget holds at least
// 100 frames, and a long run stays within it, keeping the first and the latest.
TEST(Timeline, BudgetHoldsAHundredWordTablesAndKeepsTheEnds) {
  Timeline tl;
  const int rows = 17000, d = 30;
  const std::size_t frame_bytes = std::size_t(rows) * d * sizeof(float);
  EXPECT_GE(Timeline::kBudgetBytes / frame_bytes, 100u);
  const std::int64_t latest = run_schedule(tl, 3000000, rows, d);
  EXPECT_GT(latest, 2800000);
  EXPECT_LE(tl.bytes(), tl.budget());
  EXPECT_GE(tl.size(), 100u);
  EXPECT_EQ(tl.frames()->front().step, 0);
  EXPECT_EQ(tl.frames()->back().step, latest);
}

// Over the budget, the middle frame with the closest neighbours goes first,
// the oldest of equals; the first and the latest never.
TEST(Timeline, ThinsTheCrowdedMiddleOldestFirst) {
  const std::size_t one = frame(0, 10, 2).bytes();
  Timeline tl(4 * one);
  for (std::int64_t s : {0, 1, 3, 7}) tl.add(frame(s, 10, 2));
  ASSERT_EQ(tl.size(), 4u);
  tl.add(frame(15, 10, 2));  // every middle frame's neighbours are ln 4 apart on a log1p scale: the oldest goes
  std::vector<std::int64_t> steps;
  for (const auto& f : *tl.frames()) steps.push_back(f.step);
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0, 3, 7, 15}));
  tl.add(frame(16, 10, 2));  // 7's neighbours (3, 15) are far; 15's (7, 16) the closest
  steps.clear();
  for (const auto& f : *tl.frames()) steps.push_back(f.step);
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0, 3, 7, 16}));
  EXPECT_LE(tl.bytes(), 4 * one);
}

TEST(Timeline, AStepAskedForIsCapturedAndTruncateGoesBack) {
  Timeline tl;
  tl.also_capture({5000, 777});
  EXPECT_TRUE(tl.due(777));
  EXPECT_TRUE(tl.due(5000));
  tl.add(frame(700, 3, 2));
  EXPECT_FALSE(tl.due(701));
  for (std::int64_t s : {100, 200, 300}) tl.add(frame(s, 3, 2));  // an earlier step replaces what follows
  EXPECT_EQ(tl.frames()->back().step, 300);
  EXPECT_EQ(tl.size(), 3u);
  tl.truncate(150);
  EXPECT_EQ(tl.size(), 1u);
  EXPECT_EQ(frame_at(*tl.frames(), 99), 0);
  EXPECT_EQ(frame_at(*tl.frames(), 1000), 0);
}

TEST(Timeline, FilmStepsAreDenserAtTheStart) {
  const auto s = film_steps(20000, 200);
  ASSERT_EQ(s.size(), 200u);
  EXPECT_EQ(s.front(), 0);
  EXPECT_EQ(s.back(), 20000);
  for (std::size_t i = 1; i < s.size(); ++i) EXPECT_GT(s[i], s[i - 1]);
  EXPECT_LT(s[10] - s[9], s[190] - s[189]);
  EXPECT_EQ(film_steps(5, 200), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  const auto tight = film_steps(210, 200);  // barely more steps than frames: still strictly increasing
  for (std::size_t i = 1; i < tight.size(); ++i) EXPECT_GT(tight[i], tight[i - 1]);
  EXPECT_EQ(tight.back(), 210);
}

// A run keeps its first table, every scheduled one, the lesson's last step;
// a session carries the timeline, and the resumed run goes on with it.
TEST(Timeline, ARunKeepsItAndASessionCarriesIt) {
  auto toy = std::make_shared<const Dataset>(toy_lesson_dataset(5));
  TrainConfig c = presets()[2].config;
  c.seed = 5;
  ev::Run run(1, toy, c);
  run.apply(cmd::SetStop{437});
  while (run.step() == ev::Run::Outcome::Trained) {
  }
  const Timeline& tl = run.trainer().timeline();
  ASSERT_GT(tl.size(), 30u);
  EXPECT_EQ(tl.frames()->front().step, 0);
  EXPECT_TRUE(std::isnan(tl.frames()->front().loss));
  EXPECT_EQ(tl.frames()->back().step, 437);
  EXPECT_FLOAT_EQ(tl.frames()->back().loss, run.smooth_loss());
  // The first frame is the initial table, not the trained one.
  const Mat<float>& first = tl.frames()->front().tables->front().values;
  const Mat<float>& last = tl.frames()->back().tables->front().values;
  EXPECT_EQ(tl.frames()->front().tables->front().name, run.trainer().embedding_tables()->front().name);
  EXPECT_GT((first - last).norm(), 1e-3);
  EXPECT_EQ((last - run.trainer().embedding_tables()->front().values).norm(), 0);

  const Session s = parse_session(encode_session(capture_session(run.trainer())));
  ASSERT_EQ(s.timeline.size(), tl.size());
  for (std::size_t i = 0; i < s.timeline.size(); ++i) {
    const TimelineFrame& a = (*tl.frames())[i];
    const TimelineFrame& b = s.timeline[i];
    EXPECT_EQ(a.step, b.step);
    EXPECT_TRUE(a.loss == b.loss || (std::isnan(a.loss) && std::isnan(b.loss)));
    ASSERT_EQ(a.tables->size(), b.tables->size());
    for (std::size_t k = 0; k < a.tables->size(); ++k) EXPECT_EQ((*a.tables)[k].values, (*b.tables)[k].values);
  }
  ev::Run resumed(2, resume_session(s, toy));
  EXPECT_EQ(resumed.trainer().timeline().size(), tl.size());
  resumed.apply(cmd::SetStop{1000});
  while (resumed.step() == ev::Run::Outcome::Trained) {
  }
  EXPECT_EQ(resumed.trainer().timeline().frames()->front().step, 0);
  EXPECT_EQ(resumed.trainer().timeline().frames()->back().step, 1000);
  EXPECT_GT(resumed.trainer().timeline().size(), tl.size());
}

// A Step command trains through the step inspector: the timeline keeps where it ended.
TEST(Timeline, AStepCommandKeepsItsLastStep) {
  auto toy = std::make_shared<const Dataset>(toy_lesson_dataset(5));
  ev::Run run(1, toy, presets()[2].config);
  run.apply(cmd::Step{7});
  ASSERT_EQ(run.trainer().step_count(), 7);
  EXPECT_EQ(run.trainer().timeline().size(), 2u);
  EXPECT_EQ(run.trainer().timeline().frames()->back().step, 7);
  EXPECT_EQ(run.trainer().timeline().frames()->back().tables->front().values,
            run.trainer().embedding_tables()->front().values);
}

// A file whose timeline is cut short or out of order is refused with a message.
TEST(Timeline, ABadTimelineInASessionIsRefused) {
  auto toy = std::make_shared<const Dataset>(toy_lesson_dataset(5));
  Trainer t(toy, presets()[2].config);
  t.capture_frame(1.0f);
  Session s = capture_session(t);
  ASSERT_EQ(s.timeline.size(), 1u);
  s.timeline.push_back(s.timeline.front());  // the same step twice
  EXPECT_THROW(parse_session(encode_session(s)), Error);
}
