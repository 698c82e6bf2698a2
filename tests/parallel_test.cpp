// parallel_test: parallel_ranges covers its range once, in aligned parts, and
// an exception from any part reaches the caller after every part has ended.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <stdexcept>
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
