// dataset_test: tokens, vocabulary, split and (context -> next token) examples
// built from text. Not for line reading itself (text_test covers that).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "process.h"

using namespace ev;

namespace {

using ev::testing::TempDir;  // a fresh directory per test, removed afterwards

std::vector<std::string> numbered_names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s = "n";
    for (int v = i; v > 0; v /= 26) s.push_back(char('a' + v % 26));
    out.push_back(s);
  }
  return out;
}

std::string text_of(const Dataset& d, const std::vector<int>& item) {
  std::string s;
  for (int id : item) s += d.vocab.token(id);
  return s;
}

}  // namespace

TEST(Dataset, MultiByteCodePointsAreSingleTokens) {
  std::vector<std::string> items = numbered_names(12);
  items.push_back("zo\xC3\xAB");                  // zoë: ë is 2 bytes
  items.push_back("\xE6\x97\xA5\xE6\x9C\xAC");    // 日本: 3 bytes each
  items.push_back("a\xF0\x9F\x98\x80" "b");        // an emoji: 4 bytes
  const Dataset d = make_dataset(items, Tokenizer::Char, 1, "mb");
  for (const char* tok : {"\xC3\xAB", "\xE6\x97\xA5", "\xE6\x9C\xAC", "\xF0\x9F\x98\x80"})
    EXPECT_GE(d.vocab.id(tok), 1) << tok;
  // No stray bytes of a multi-byte character became tokens of their own.
  for (const auto& t : d.vocab.tokens()) EXPECT_FALSE(t.size() == 1 && (unsigned char)t[0] >= 0x80) << int(t[0]);
  bool found = false;
  for (const auto& it : d.items)
    if (text_of(d, it) == "zo\xC3\xAB") {
      found = true;
      EXPECT_EQ(it.size(), 3u);
    }
  EXPECT_TRUE(found);
}

TEST(Dataset, VocabIsSortedWithBoundaryFirst) {
  const Dataset d = make_dataset({"emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia",
                                  "harper", "evelyn", "zo\xC3\xAB"},
                                 Tokenizer::Char, 3, "names");
  const auto& t = d.vocab.tokens();
  ASSERT_GE(t.size(), 2u);
  EXPECT_EQ(t[0], ".");
  EXPECT_EQ(Vocab::kBoundary, 0);
  EXPECT_TRUE(std::is_sorted(t.begin() + 1, t.end()));  // byte order = code point order for UTF-8
  EXPECT_EQ(std::set<std::string>(t.begin(), t.end()).size(), t.size()) << "duplicate tokens";
  EXPECT_EQ(t[1], "a");
  EXPECT_EQ(t.back(), "\xC3\xAB");  // ë sorts after every ASCII letter
  for (int i = 0; i < d.vocab.size(); ++i) EXPECT_EQ(d.vocab.id(t[std::size_t(i)]), i);
  EXPECT_EQ(d.vocab.id("q"), -1);
}

TEST(Dataset, DotInTextIsTheBoundaryToken) {
  std::vector<std::string> items = numbered_names(10);
  items.push_back("a.b");
  const Dataset d = make_dataset(items, Tokenizer::Char, 1, "dots");
  EXPECT_EQ(d.boundary_chars, 1u);
  EXPECT_EQ(std::count(d.vocab.tokens().begin(), d.vocab.tokens().end(), "."), 1);
}

TEST(Dataset, BomAndCrlfDoNotBecomeTokens) {
  TempDir dir;
  std::string bytes = "\xEF\xBB\xBF";
  for (const auto& n : numbered_names(20)) bytes += n + "\r\n";
  const Dataset d = load_dataset(dir.write("names.txt", bytes), Tokenizer::Char, 1);
  EXPECT_EQ(d.items.size(), 20u);
  EXPECT_EQ(d.vocab.id("\r"), -1);
  EXPECT_EQ(d.vocab.id("\xEF\xBB\xBF"), -1);
  for (const auto& t : d.vocab.tokens()) EXPECT_TRUE(t == "." || (t.size() == 1 && t[0] >= 'a' && t[0] <= 'z')) << t;
  // The first line keeps its text: "n" without the BOM.
  bool first = false;
  for (const auto& it : d.items) first |= text_of(d, it) == "n";
  EXPECT_TRUE(first);
}

TEST(Dataset, SplitIsDeterministicPerSeed) {
  const auto names = numbered_names(200);
  const Dataset a = make_dataset(names, Tokenizer::Char, 42, "a");
  const Dataset b = make_dataset(names, Tokenizer::Char, 42, "b");
  const Dataset c = make_dataset(names, Tokenizer::Char, 43, "c");
  EXPECT_EQ(a.items, b.items);
  EXPECT_NE(a.items, c.items);
  EXPECT_EQ(a.checksum, c.checksum);  // the checksum is of the text, not its order
  // A shuffle, not a change: the same items in both.
  auto sa = a.items, sc = c.items;
  std::sort(sa.begin(), sa.end());
  std::sort(sc.begin(), sc.end());
  EXPECT_EQ(sa, sc);
  // And a real shuffle: not the input order.
  std::vector<std::string> in_order;
  for (const auto& it : a.items) in_order.push_back(text_of(a, it));
  EXPECT_NE(in_order, names);
}

TEST(Dataset, SplitsAre80_10_10) {
  struct Case {
    int n;
    std::size_t train, val, test;
  };
  for (const Case& c : {Case{100, 80, 10, 10}, Case{10, 8, 1, 1}, Case{15, 12, 1, 2}, Case{1000, 800, 100, 100}}) {
    const Dataset d = make_dataset(numbered_names(c.n), Tokenizer::Char, 7, "n");
    EXPECT_EQ(d.n_train, c.train) << c.n;
    EXPECT_EQ(d.n_val, c.val) << c.n;
    EXPECT_EQ(d.n_test(), c.test) << c.n;
    EXPECT_EQ(d.range(Split::Train), std::make_pair(std::size_t(0), c.train));
    EXPECT_EQ(d.range(Split::Val), std::make_pair(c.train, c.train + c.val));
    EXPECT_EQ(d.range(Split::Test), std::make_pair(c.train + c.val, std::size_t(c.n)));
  }
}

TEST(Dataset, TooFewItemsIsAnError) {
  EXPECT_THROW(make_dataset(numbered_names(9), Tokenizer::Char, 1, "nine"), Error);
  EXPECT_NO_THROW(make_dataset(numbered_names(10), Tokenizer::Char, 1, "ten"));
  // Items with no tokens do not count.
  std::vector<std::string> items = numbered_names(9);
  items.push_back("   ");
  try {
    make_dataset(items, Tokenizer::Word, 1, "blank.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("blank.txt"), std::string::npos) << m;
    EXPECT_NE(m.find("9 items"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

// emma with block 3: ... -> e, ..e -> m, .em -> m, emm -> a, mma -> .
TEST(Dataset, ContextsOfFirstAndLastCharacters) {
  const Vocab v(std::vector<std::string>{"e", "m", "a"});
  const int a = v.id("a"), e = v.id("e"), m = v.id("m");
  Examples ex;
  ex.in = 3;
  append_examples({e, m, m, a}, 3, &ex);
  ASSERT_EQ(ex.size(), 5u);  // one per character, plus the closing boundary
  const std::vector<std::vector<std::int32_t>> ctx = {{0, 0, 0}, {0, 0, e}, {0, e, m}, {e, m, m}, {m, m, a}};
  const std::vector<std::int32_t> tgt = {e, m, m, a, 0};
  for (std::size_t i = 0; i < ex.size(); ++i) {
    EXPECT_EQ(std::vector<std::int32_t>(ex.context(i), ex.context(i) + 3), ctx[i]) << i;
    EXPECT_EQ(ex.Y[i], tgt[i]) << i;
  }
  // Contexts longer than the item stay padded; a one-character item has two examples.
  Examples one;
  one.in = 5;
  append_examples({a}, 5, &one);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(std::vector<std::int32_t>(one.context(1), one.context(1) + 5), (std::vector<std::int32_t>{0, 0, 0, 0, a}));
  EXPECT_EQ(one.Y[1], 0);
}

TEST(Dataset, ExamplesCoverTheirSplitOnly) {
  const Dataset d = make_dataset(numbered_names(50), Tokenizer::Char, 5, "n");
  std::size_t total = 0;
  for (Split s : {Split::Train, Split::Val, Split::Test}) {
    const Examples ex = build_examples(d, s, 4);
    const auto [b, e] = d.range(s);
    std::size_t n = 0, ends = 0;
    for (std::size_t i = b; i < e; ++i) n += d.items[i].size() + 1;
    for (auto y : ex.Y) ends += y == 0;
    EXPECT_EQ(ex.size(), n) << split_name(s);
    EXPECT_EQ(ex.X.size(), n * 4);
    EXPECT_EQ(ends, e - b) << "one closing boundary per item";
    total += ex.size();
  }
  EXPECT_GT(total, 0u);
}

TEST(Dataset, WordTokenizer) {
  EXPECT_EQ(tokenize("the cat  sat\ton the\tmat ", Tokenizer::Word),
            (std::vector<std::string>{"the", "cat", "sat", "on", "the", "mat"}));
  EXPECT_TRUE(tokenize("  \t ", Tokenizer::Word).empty());
  std::vector<std::string> lines;
  for (int i = 0; i < 10; ++i) lines.push_back("the dog saw a cat");
  lines.push_back("a caf\xC3\xA9 opened");
  const Dataset d = make_dataset(lines, Tokenizer::Word, 1, "words");
  EXPECT_EQ(d.tokenizer, Tokenizer::Word);
  // Words of the training split, the boundary and <unk>; "café" and "opened"
  // are known only when their line fell in the training split.
  const auto& t = d.vocab.tokens();
  EXPECT_EQ(std::vector<std::string>(t.begin(), t.begin() + 3), (std::vector<std::string>{".", "<unk>", "a"}));
  for (const char* w : {"cat", "dog", "saw", "the"}) EXPECT_GE(d.vocab.id(w), 0) << w;
  for (const auto& it : d.items) EXPECT_TRUE(it.size() == 5 || it.size() == 3);
}

TEST(Dataset, DefaultWordsLowercaseLettersOnlyDeduplicated) {
  TempDir dir;
  const std::string p = dir.write("words", "Apple\napple\nO'Brien\nzo\xC3\xAB\n123\nAPPLE's\nbanana\n\n");
  EXPECT_EQ(default_words(p), (std::vector<std::string>{"apple", "obrien", "zo", "apples", "banana"}));
  EXPECT_THROW(default_words(dir.write("none", "")), Error);
}

// Reading a file as a stream of ids gives the same data set as building it
// from its lines: same vocabulary, items, split and checksum (sessions saved
// before still recognise their data), with the boundary tokens counted.
TEST(Dataset, StreamedFileEqualsBuiltFromLines) {
  const std::string path = std::filesystem::temp_directory_path() / "embedviz_stream_test.txt";
  std::vector<std::string> lines;
  for (int i = 0; i < 500; ++i)
    lines.push_back(std::string(1 + i % 7, char('a' + i % 26)) + (i % 50 == 0 ? "." : "") + "\xC3\xA9");
  {
    std::ofstream f(path, std::ios::binary);
    f << "\xEF\xBB\xBF";
    for (const auto& l : lines) f << l << "\r\n\n";
  }
  const Dataset a = load_dataset(path, Tokenizer::Char, 5);
  const Dataset b = make_dataset(lines, Tokenizer::Char, 5, path);
  EXPECT_EQ(a.vocab.tokens(), b.vocab.tokens());
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.n_train, b.n_train);
  EXPECT_EQ(a.checksum, b.checksum);
  std::uint64_t h = 0xcbf29ce484222325ull;  // the checksum as sessions have always stored it
  for (const auto& l : lines) h = fnv1a("\n", 1, fnv1a(l.data(), l.size(), h));
  EXPECT_EQ(a.checksum, h);
  EXPECT_EQ(a.boundary_chars, 10u);
  EXPECT_NE(boundary_note(a).find("10 '.'"), std::string::npos) << boundary_note(a);
  EXPECT_GT(dataset_bytes(a), 4.0 * double(a.n_tokens));
  std::filesystem::remove(path);
}

// A file so small that validation holds a handful of items says so; one of a
// few hundred lines does not.
TEST(Dataset, SmallValidationIsNoted) {
  std::vector<std::string> ten, many;
  for (int i = 0; i < 10; ++i) ten.push_back("name" + std::string(1, char('a' + i)));
  for (int i = 0; i < 400; ++i) many.push_back("name" + std::string(1, char('a' + i % 26)) + char('a' + i / 26));
  const Dataset small = make_dataset(ten, Tokenizer::Char, 5, "ten.txt");
  ASSERT_EQ(small.n_val, 1u);
  const std::string note = boundary_note(small);
  EXPECT_NE(note.find("validation holds only 1 item (a tenth of 10)"), std::string::npos) << note;
  EXPECT_EQ(note.find('\n'), std::string::npos);
  const Dataset large = make_dataset(many, Tokenizer::Char, 5, "many.txt");
  EXPECT_GE(large.n_val, kFewValidationItems);
  EXPECT_EQ(boundary_note(large), "");
}
