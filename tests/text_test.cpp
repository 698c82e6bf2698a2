// text_test: UTF-8 decoding, BOM/CRLF handling and rejection of bad files.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/base/error.h"
#include "core/base/text.h"

using namespace ev;

TEST(Text, SplitsMultiByteCodePoints) {
  std::vector<std::string> cps;
  ASSERT_TRUE(split_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", &cps, nullptr));  // a é € 😀
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[1], "\xC3\xA9");
  EXPECT_EQ(cps[2], "\xE2\x82\xAC");
  EXPECT_EQ(cps[3], "\xF0\x9F\x98\x80");
}

TEST(Text, RejectsInvalidUtf8) {
  std::size_t bad = 0;
  EXPECT_FALSE(split_utf8("ab\xC0\xAF", nullptr, &bad));  // overlong '/'
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(split_utf8("\xED\xA0\x80", nullptr, &bad));  // surrogate
  EXPECT_FALSE(split_utf8("\xE2\x82", nullptr, &bad));      // truncated
}

TEST(Text, BomAndCrlf) {
  auto lines = parse_lines("\xEF\xBB\xBF" "emma\r\nolivia\r\n\r\nava", "t");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "emma");
  EXPECT_EQ(lines[1].text, "olivia");
  EXPECT_EQ(lines[2].text, "ava");
  EXPECT_EQ(lines[2].number, 4u);
}

// Classic Mac OS files end their lines with a lone \r: each is a line, and
// \r\n stays one line end wherever it falls.
TEST(Text, CrOnlyLineEndingsSplitLines) {
  const auto lines = parse_lines("emma\rolivia\r\rava\r\nmia\n\rzoe\r", "mac.txt");
  std::vector<std::string> texts;
  std::vector<std::size_t> numbers;
  for (const Line& l : lines) texts.push_back(l.text), numbers.push_back(l.number);
  EXPECT_EQ(texts, (std::vector<std::string>{"emma", "olivia", "ava", "mia", "zoe"}));
  EXPECT_EQ(numbers, (std::vector<std::size_t>{1, 2, 4, 5, 7}));
}

TEST(Text, ErrorsNameTheLine) {
  try {
    parse_lines("ok\nfine\nbad\xFF\n", "f.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_lines("", "f"), Error);
  EXPECT_THROW(parse_lines("\n\r\n", "f"), Error);
  EXPECT_THROW(parse_lines(std::string("ab\0cd", 5), "f"), Error);
  EXPECT_THROW(read_lines("/nonexistent/file.txt"), Error);
  EXPECT_THROW(read_lines("/tmp"), Error);
}

// Streams end: a NUL is refused as soon as it arrives, even with no line end
// in sight (/dev/zero), and a folder or a missing file says which it is.
TEST(Text, EndlessOrOddFilesAreRefusedAtOnce) {
  const auto message = [](const std::string& path) {
    try {
      for_each_line(path, [](std::string_view, std::size_t) {});
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("/dev/zero").find("line 1 has a NUL byte"), std::string::npos);
  EXPECT_NE(message("/").find("is a folder"), std::string::npos);
  EXPECT_NE(message("/no/such/file").find("No such file"), std::string::npos);
  EXPECT_NE(message("").find("empty path"), std::string::npos);
  EXPECT_NE(message("/dev/null").find("empty"), std::string::npos);
}

TEST(Text, NamesAreShownOnOneHarmlessLine) {
  EXPECT_EQ(shown("names.txt"), "names.txt");
  EXPECT_EQ(shown("caf\xC3\xA9 \xE2\x86\x92 x"), "caf\xC3\xA9 \xE2\x86\x92 x");  // UTF-8 kept
  EXPECT_EQ(shown("a\nb"), "a\\x0ab");
  EXPECT_EQ(shown("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(shown("bad\xFF\xC3"), "bad\\xff\\xc3");
  EXPECT_EQ(shown("back\\slash"), "back\\\\slash");
}

// A file read in 1 MiB chunks gives the lines parsing it whole gives, with
// lines, LF, CRLF and CR endings and multi-byte characters across the chunk boundaries.
TEST(Text, ChunkedReadingEqualsWholeParsing) {
  std::string text = "\xEF\xBB\xBF";
  unsigned x = 7;
  const std::size_t chunk = std::size_t(1) << 20;
  bool split = false;
  while (text.size() < 3 * chunk) {
    // A \r\n split by the first chunk's end: one line end, not two.
    if (!split && text.size() > chunk - 200) {
      text.append(chunk - 1 - text.size(), 'p');
      text += "\r\n";
      split = true;
    }
    x = x * 1103515245u + 12345u;
    const int n = int((x >> 16) % 40);
    for (int i = 0; i < n; ++i) text += (i % 5 == 4) ? "\xE2\x86\x92" : std::string(1, char('a' + i % 26));
    text += (x & 3) == 0 ? "\r" : (x & 1) ? "\r\n" : "\n";
  }
  const std::string path = "/tmp/embedviz_text_chunks.txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const std::vector<Line> whole = parse_lines(text, path), chunked = read_lines(path);
  ASSERT_EQ(whole.size(), chunked.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    ASSERT_EQ(whole[i].text, chunked[i].text) << i;
    ASSERT_EQ(whole[i].number, chunked[i].number) << i;
  }
  std::remove(path.c_str());
}
