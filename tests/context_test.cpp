// context_test.cpp: typed contexts become the ids a model reads.
#include "core/data/context.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace {

TEST(Context, IdsArePaddedWithTheBoundaryOnTheLeft) {
  const auto data = ev::testdata::alphabet_dataset();
  const ev::Vocab& v = data->vocab;
  ev::ParsedContext p = ev::parse_context("emm", *data, 3);
  ASSERT_TRUE(p.error.empty());
  EXPECT_EQ(p.ids, (std::vector<int>{v.id("e"), v.id("m"), v.id("m")}));
  p = ev::parse_context("m", *data, 3);
  EXPECT_EQ(p.ids, (std::vector<int>{ev::Vocab::kBoundary, ev::Vocab::kBoundary, v.id("m")}));
  p = ev::parse_context("", *data, 2);
  EXPECT_EQ(p.ids, (std::vector<int>{ev::Vocab::kBoundary, ev::Vocab::kBoundary}));
  p = ev::parse_context("abc", *data, 0);
  EXPECT_TRUE(p.error.empty());
  EXPECT_TRUE(p.ids.empty());
}

TEST(Context, OnlyTheLastBlockTokensCount) {
  const auto data = ev::testdata::alphabet_dataset();
  const ev::Vocab& v = data->vocab;
  const ev::ParsedContext p = ev::parse_context("olivia", *data, 3);
  EXPECT_EQ(p.ids, (std::vector<int>{v.id("v"), v.id("i"), v.id("a")}));
}

TEST(Context, UnknownTokensAndBadTextAreOneLineErrors) {
  const auto data = ev::testdata::alphabet_dataset();
  ev::ParsedContext p = ev::parse_context("e!", *data, 3);
  EXPECT_NE(p.error.find("'!'"), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("not in the vocabulary"), std::string::npos) << p.error;
  EXPECT_TRUE(p.ids.empty());
  p = ev::parse_context("e\xff", *data, 3);  // invalid UTF-8: refused or skipped, never a crash
  EXPECT_TRUE(!p.error.empty() || p.ids.size() == 3u);
  EXPECT_EQ(p.error.find('\n'), std::string::npos);
}

}  // namespace
