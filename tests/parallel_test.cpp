// parallel_test: parallel_ranges covers its range once, in aligned parts, and
// an exception from any part reaches the caller after every part has ended;
// the WorkerPool keeps its workers from call to call, runs what it has no
// worker for on the caller, does not nest, and ends its threads when destroyed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/base/parallel.h"

using namespace ev;

TEST(ParallelRanges, CoversEveryIndexOnceAtAlignedBoundaries) {
  for (const int parts : {1, 2, 3, 7}) {
    std::vector<std::atomic<int>> hits(1000);
    std::vector<int> begins;
    std::mutex lock;
    parallel_ranges(1000, parts, 16, [&](int a, int b) {
      for (int i = a; i < b; ++i) ++hits[std::size_t(i)];
      const std::lock_guard<std::mutex> hold(lock);
      begins.push_back(a);
    });
    for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
    for (const int a : begins) EXPECT_TRUE(a % 16 == 0 || a == 1000) << a;
  }
}

TEST(ParallelRanges, AnExceptionInAnyPartReachesTheCallerAfterTheOthersEnd) {
  for (const int thrower : {0, 1, 3}) {
    std::atomic<int> finished{0};
    try {
      parallel_ranges(400, 4, 1, [&](int a, int) {
        if (a / 100 == thrower) throw std::runtime_error("part " + std::to_string(thrower));
        ++finished;
      });
      FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "part " + std::to_string(thrower));
    }
    EXPECT_EQ(finished.load(), 3);
  }
}

namespace {

// Threads of this process now (Linux: one entry each in /proc/self/task).
int process_threads() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) n += entry.is_directory();
  return n;
}

// Runs `parts` ranges of 1000 on `pool`; each index's count, and each part's thread.
std::vector<int> run_counting(WorkerPool& pool, int parts, std::vector<std::thread::id>* threads) {
  std::vector<std::atomic<int>> hits(1000);
  threads->assign(std::size_t(parts), std::thread::id());
  pool.run(1000, parts, 1, [&](int a, int b) {
    for (int i = a; i < b; ++i) ++hits[std::size_t(i)];
    (*threads)[std::size_t((a * parts + 500) / 1000)] = std::this_thread::get_id();  // the part that begins at a
  });
  std::vector<int> out;
  for (const auto& h : hits) out.push_back(h.load());
  return out;
}

}  // namespace

TEST(WorkerPool, RunsTheFirstRangeHereAndTheOthersOnWorkersKeptFromCallToCall) {
  WorkerPool pool;
  std::vector<std::thread::id> first, second;
  for (const int h : run_counting(pool, 3, &first)) ASSERT_EQ(h, 1);
  EXPECT_EQ(first[0], std::this_thread::get_id());
  EXPECT_NE(first[1], std::this_thread::get_id());
  EXPECT_NE(first[1], first[2]);
  EXPECT_EQ(pool.workers(), 2);
  for (int i = 0; i < 50; ++i)
    for (const int h : run_counting(pool, 3, &second)) ASSERT_EQ(h, 1);
  EXPECT_EQ(pool.workers(), 2);  // the same two, not new ones
  EXPECT_TRUE((second[1] == first[1] && second[2] == first[2]) || (second[1] == first[2] && second[2] == first[1]));
}

TEST(WorkerPool, WithoutWorkersEveryRangeRunsOnTheCaller) {
  WorkerPool none(0);  // as when no thread can be started
  std::vector<std::thread::id> threads;
  for (const int h : run_counting(none, 4, &threads)) ASSERT_EQ(h, 1);
  for (const std::thread::id& t : threads) EXPECT_EQ(t, std::this_thread::get_id());
  EXPECT_EQ(none.workers(), 0);
}

TEST(WorkerPool, ARegionStartedInsideAPartRunsOnThatPartsThread) {
  WorkerPool pool;
  std::vector<std::atomic<int>> hits(400);
  std::atomic<int> elsewhere{0};
  pool.run(4, 4, 1, [&](int a, int b) {
    for (int outer = a; outer < b; ++outer) {
      const std::thread::id here = std::this_thread::get_id();
      parallel_ranges(100, 4, 1, [&](int i, int j) {
        if (std::this_thread::get_id() != here) ++elsewhere;
        for (int k = i; k < j; ++k) ++hits[std::size_t(outer * 100 + k)];
      });
    }
  });
  for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
  EXPECT_EQ(elsewhere.load(), 0);
}

TEST(WorkerPool, CallsFromTwoThreadsAtOnceEachRunEveryRangeOnce) {
  WorkerPool pool(3);
  std::atomic<int> bad{0};
  const auto caller = [&] {
    std::vector<std::thread::id> threads;
    for (int i = 0; i < 200; ++i)
      for (const int h : run_counting(pool, 3, &threads))
        if (h != 1) ++bad;
  };
  std::thread other(caller);
  caller();
  other.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(pool.workers(), 3);
}

TEST(WorkerPool, AnExceptionOnAWorkerIsRethrownHereAfterEveryPartEnds) {
  WorkerPool pool;
  std::atomic<int> finished{0};
  EXPECT_THROW(pool.run(300, 3, 1,
                        [&](int a, int) {
                          if (a == 200) throw std::invalid_argument("last part");
                          std::this_thread::sleep_for(std::chrono::milliseconds(20));
                          ++finished;
                        }),
               std::invalid_argument);
  EXPECT_EQ(finished.load(), 2);
  std::vector<std::thread::id> threads;  // the workers are usable again
  for (const int h : run_counting(pool, 3, &threads)) ASSERT_EQ(h, 1);
}

TEST(WorkerPool, DestructionEndsEveryWorkerThread) {
  const int before = process_threads();
  {
    WorkerPool pool;
    std::vector<std::thread::id> threads;
    run_counting(pool, 4, &threads);
    EXPECT_EQ(process_threads(), before + 3);
  }  // destroyed while its workers may still be spinning
  EXPECT_EQ(process_threads(), before);
}
