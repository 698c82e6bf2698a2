// word_filter_test: the teacher's list of words kept off the projector: how
// a typed list is read, its file, and how samples are masked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "core/data/word_filter.h"

using namespace ev;

TEST(WordFilter, ReadsAListTypedWithCommasSpacesAndLines) {
  EXPECT_EQ(parse_word_list("Damn, hell  damn\nCrap,,"), (std::vector<std::string>{"damn", "hell", "crap"}));
  EXPECT_TRUE(parse_word_list(" , \n").empty());
  EXPECT_EQ(word_list_text({"damn", "hell"}), "damn, hell");
}

TEST(WordFilter, MasksWholeListedWordsInAnyCaseKeepingPunctuation) {
  const std::vector<std::string> words = {"damn", "hell"};
  EXPECT_EQ(mask_words("what the Hell, damn it", words), "what the ***, *** it");
  EXPECT_EQ(mask_words("\"DAMN!\" said shell", words), "\"***!\" said shell");  // shell is a word of its own
  EXPECT_EQ(mask_words("hello", words), "hello");
  EXPECT_EQ(mask_words("emma", {}), "emma");
  EXPECT_EQ(mask_words("emma", {"emma"}), "***");  // a sampled name is a word too
}

TEST(WordFilter, TheListSurvivesInItsFile) {
  const std::string dir = ::testing::TempDir() + "/embedviz-filter-" + std::to_string(::getpid());
  const std::string file = dir + "/config/word-filter.txt";
  EXPECT_TRUE(read_word_list(file).empty()) << "a missing file is the empty list";
  write_word_list(file, {"damn", "hell"});  // creates the folder
  EXPECT_EQ(read_word_list(file), (std::vector<std::string>{"damn", "hell"}));
  write_word_list(file, {});
  EXPECT_TRUE(read_word_list(file).empty());
  std::remove(file.c_str());
}
