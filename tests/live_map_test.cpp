// live_map_test.cpp: the live map's two threads with an engine of the test's
// own (what it was given and when is recorded), then with the real t-SNE and
// UMAP on clustered data: the first map, warm refreshes from newer tables,
// settling, a different run ignored, a prompt stop.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/layout/live_map.h"
#include "core/base/rng.h"

namespace ev {
namespace {

using namespace std::chrono_literals;

// Positions are the first two columns of the adopted table plus the steps
// run, so a frame says which table and how far. prepare() can be made slow.
struct FakeEngine : MapEngine {
  std::atomic<int> prepares{0}, adopts{0}, colds{0};
  std::atomic<int> prepare_ms{0};
  Mat<float> next, current;
  std::vector<float> xy;
  int it = 0;
  bool prepare(const Mat<float>& X, const std::atomic<bool>* cancel) override {
    for (int i = 0; i < prepare_ms.load(); ++i) {
      if (cancel->load()) return false;
      std::this_thread::sleep_for(1ms);
    }
    next = X;
    ++prepares;
    return true;
  }
  void adopt() override {
    if (current.rows() != next.rows()) ++colds;
    current = next;
    ++adopts;
    place();
  }
  void run(int iterations, const std::atomic<bool>*) override {
    it += iterations;
    std::this_thread::sleep_for(1ms);
    place();
  }
  void place() {
    xy.assign(std::size_t(current.rows()) * 2, 0.0f);
    for (Eigen::Index i = 0; i < current.rows(); ++i) {
      xy[2 * std::size_t(i)] = current(i, 0);
      xy[2 * std::size_t(i) + 1] = float(it);
    }
  }
  const std::vector<float>& positions() const override { return xy; }
  int iteration() const override { return it; }
  int settle_after(bool cold) const override { return cold ? 60 : 20; }
};

std::shared_ptr<const Mat<float>> table(int n, float first) {
  auto m = std::make_shared<Mat<float>>(n, 3);
  m->setConstant(first);
  return m;
}

// Waits up to 10 s for a frame that passes `ok`.
template <class F>
std::shared_ptr<const MapFrame> wait_for(const LiveMap& m, F ok) {
  for (int i = 0; i < 2000; ++i) {
    auto f = m.latest();
    if (ok(*f)) return f;
    std::this_thread::sleep_for(5ms);
  }
  return m.latest();
}

TEST(LiveMap, WaitsForATableThenSettles) {
  auto e = std::make_unique<FakeEngine>();
  FakeEngine* fake = e.get();
  LiveMap m(MapSettings{}, std::move(e));
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(m.latest()->xy.empty());
  EXPECT_EQ(fake->prepares, 0);
  m.offer(table(10, 1.5f), 8, 100, 7);  // the first 8 rows only
  auto f = wait_for(m, [](const MapFrame& g) { return g.settled; });
  ASSERT_TRUE(f->settled);
  ASSERT_EQ(f->xy.size(), 16u);
  EXPECT_FLOAT_EQ(f->xy[0], 1.5f);
  EXPECT_EQ(f->table_step, 100);
  EXPECT_EQ(f->source, 7u);
  EXPECT_GE(f->iterations, 60);
  // Settled: it no longer runs.
  const int at = fake->iteration();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(m.latest()->iterations, at);
}

TEST(LiveMap, NewerTablesAreAdoptedWarm) {
  auto e = std::make_unique<FakeEngine>();
  FakeEngine* fake = e.get();
  LiveMap m(MapSettings{}, std::move(e), 0.05);
  m.offer(table(5, 1.0f), 5, 10, 1);
  wait_for(m, [](const MapFrame& f) { return f.table_step == 10; });
  m.offer(table(5, 2.0f), 5, 20, 1);
  auto f = wait_for(m, [](const MapFrame& g) { return g.table_step == 20 && g.settled; });
  EXPECT_EQ(f->table_step, 20);
  EXPECT_FLOAT_EQ(f->xy[0], 2.0f);
  EXPECT_EQ(fake->colds, 1);
  EXPECT_EQ(fake->adopts, 2);
  // The same table again is no news.
  const int prepares = fake->prepares;
  auto same = table(5, 2.0f);
  m.offer(same, 5, 20, 1);
  m.offer(same, 5, 20, 1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fake->prepares, prepares + 1);
}

TEST(LiveMap, AnotherRunsTablesAreIgnored) {
  auto e = std::make_unique<FakeEngine>();
  LiveMap m(MapSettings{}, std::move(e));
  m.offer(table(4, 1.0f), 4, 10, 1);
  wait_for(m, [](const MapFrame& g) { return g.settled; });
  m.offer(table(4, 9.0f), 4, 30, 2);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(m.latest()->table_step, 10);
  EXPECT_EQ(m.latest()->source, 1u);
}

TEST(LiveMap, FramesComeWhileTheLayoutRuns) {
  struct Slow : FakeEngine {
    int settle_after(bool) const override { return 1 << 30; }
  };
  auto slow = std::make_unique<Slow>();
  LiveMap m(MapSettings{}, std::move(slow));
  m.offer(table(4, 1.0f), 4, 1, 1);
  wait_for(m, [](const MapFrame& f) { return !f.xy.empty(); });
  int frames = 0;
  auto last = m.latest();
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 1s) {
    auto f = m.latest();
    if (f != last) ++frames, last = f;
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_GE(frames, 4) << "frames in one second of layout";
  EXPECT_FALSE(last->settled);
}

TEST(LiveMap, StopsPromptlyInTheMiddleOfAGraph) {
  auto e = std::make_unique<FakeEngine>();
  e->prepare_ms = 100000;  // would take 100 s
  auto m = std::make_unique<LiveMap>(MapSettings{}, std::move(e));
  m->offer(table(4, 1.0f), 4, 1, 1);
  const auto f = wait_for(*m, [](const MapFrame& g) { return g.stage != "waiting for the table"; });
  EXPECT_EQ(f->stage, "finding every row's nearest neighbours");
  const auto t0 = std::chrono::steady_clock::now();
  m.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

}  // namespace
}  // namespace ev
