// words_test: the word tokenizer, the word vocabulary and its coverage, the
// WordNet reader on files in WordNet's format made here, and sessions of word runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/data.h"
#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/io/session.h"
#include "core/train/trainer.h"
#include "core/data/wordnet.h"
#include "process.h"
#include "test_data.h"

namespace ev {
namespace {

using testing::TempDir;
using Words = std::vector<std::string>;

TEST(WordTokenizer, LettersApostrophesAndDigits) {
  EXPECT_EQ(tokenize("Don't STOP: the 1990s' rock'n'roll -- 'tis O'Brien's 42nd, x''y", Tokenizer::Word),
            (Words{"don't", "stop", "the", "1990", "s", "rock'n'roll", "tis", "o'brien's", "42", "nd", "x", "y"}));
  // The typographic apostrophe (U+2019) between letters reads as "'"; elsewhere it separates.
  EXPECT_EQ(tokenize("it\xE2\x80\x99s \xE2\x80\x99quoted\xE2\x80\x99", Tokenizer::Word), (Words{"it's", "quoted"}));
  // Punctuation and blanks separate words; letters outside ASCII are letters.
  EXPECT_EQ(tokenize("caf\xC3\xA9 au-lait;(3.14)", Tokenizer::Word), (Words{"caf\xC3\xA9", "au", "lait", "3", "14"}));
  EXPECT_TRUE(tokenize(" -- ' . ", Tokenizer::Word).empty());
}

// Letters of any script are letters, lowercased by Unicode's simple mapping;
// marks stay on their letters, ideographs are words of their own (those
// scripts put no spaces between words), joiners neither break nor join.
TEST(WordTokenizer, LettersOfAnyScript) {
  EXPECT_EQ(tokenize("\xC3\x89" "cole \xC4\xB0stanbul Stra\xC3\x9F" "e \xEF\xAC\x81ne na\xC3\xAFve", Tokenizer::Word),
            (Words{"\xC3\xA9" "cole", "istanbul", "stra\xC3\x9F" "e", "\xEF\xAC\x81ne", "na\xC3\xAFve"}));
  EXPECT_EQ(tokenize("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\x9C\xD0\xB8\xD1\x80!", Tokenizer::Word),
            (Words{"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "\xD0\xBC\xD0\xB8\xD1\x80"}));  // Привет, Мир! -> привет, мир
  EXPECT_EQ(tokenize("\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1", Tokenizer::Word),
            (Words{"\xCE\xBA\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1"}));  // Καλημέρα -> καλημέρα
  EXPECT_EQ(tokenize("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xB9\xD8\xA7\xD9\x84\xD9\x85\xD9\x8C", Tokenizer::Word),
            (Words{"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85\xD9\x8C"}));  // a mark (tanwin) kept
  EXPECT_EQ(tokenize("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87", Tokenizer::Word),
            (Words{"\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87"}));  // नमस्ते, virama and vowel sign kept
  // 東京は晴れ: two ideographs, a kana, an ideograph, a kana.
  EXPECT_EQ(tokenize("\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAF\xE6\x99\xB4\xE3\x82\x8C", Tokenizer::Word),
            (Words{"\xE6\x9D\xB1", "\xE4\xBA\xAC", "\xE3\x81\xAF", "\xE6\x99\xB4", "\xE3\x82\x8C"}));
  EXPECT_EQ(tokenize("\xD9\xA3\xD9\xA4 km 12", Tokenizer::Word), (Words{"\xD9\xA3\xD9\xA4", "km", "12"}));  // ٣٤
  EXPECT_EQ(tokenize("a\xE2\x80\x8D" "b", Tokenizer::Word), (Words{"ab"}));  // a zero-width joiner inside
}

// What a line loses is said: the characters no word holds are handed back.
TEST(WordTokenizer, WhatALineLostIsHandedBack) {
  const std::string line = "I \xE2\x99\xA5 Paris \xF0\x9F\x98\x80 + 2\xC2\xBD";  // I ♥ Paris 😀 + 2½
  std::string word, lost;
  Words words;
  for (std::size_t pos = 0; next_word(line, &pos, &word, &lost);) words.push_back(word);
  EXPECT_EQ(words, (Words{"i", "paris", "2"}));
  EXPECT_EQ(lost, "\xE2\x99\xA5\xF0\x9F\x98\x80\xC2\xBD");
}

// A file in another script trains; lines that lose characters, or hold no
// word at all, are counted in the data's note with the first line's number.
TEST(WordVocab, AFileInAnotherScriptTrainsAndLossesAreNoted) {
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) lines.push_back("\xD0\x9A\xD0\xBE\xD1\x82 \xD0\xB8 \xD0\xBF\xD1\x91\xD1\x81");  // Кот и пёс
  lines[4] += " \xF0\x9F\x90\x88";  // 🐈
  lines.push_back("\xE2\x99\xA5\xE2\x99\xA5");  // ♥♥, line 31: no word
  const Dataset d = make_dataset(lines, Tokenizer::Word, 1, "cyrillic", 100);
  EXPECT_EQ(d.items.size(), 30u);
  EXPECT_EQ(d.vocab.size(), 5);  // the boundary, <unk>, кот, и, пёс
  EXPECT_GE(d.vocab.id("\xD0\xBF\xD1\x91\xD1\x81"), 0);
  EXPECT_EQ(d.lossy_lines, 2u);
  EXPECT_EQ(d.first_lossy_line, 5u);
  EXPECT_EQ(d.wordless_lines, 1u);
  EXPECT_EQ(d.first_wordless_line, 31u);
  const std::string note = boundary_note(d);
  EXPECT_NE(note.find("2 lines lost characters that no word holds (line 5: \xF0\x9F\x90\x88)"), std::string::npos) << note;
  EXPECT_NE(note.find("1 line holds no word and was left out (the first: line 31)"), std::string::npos) << note;
  // Characters: nothing is lost, and no note says so.
  const Dataset chars = make_dataset(lines, Tokenizer::Char, 1, "cyrillic", 100);
  EXPECT_EQ(boundary_note(chars).find("lost"), std::string::npos);
}

// Every line has the same words, so every split counts them alike: per line
// "the" 3 times, "cat" twice, "dog" and "a" once.
std::vector<std::string> same_lines(int n) { return std::vector<std::string>(std::size_t(n), "The cat, the dog: the cat a."); }

TEST(WordVocab, MostFrequentTrainingWordsAndUnknown) {
  const Dataset d = make_dataset(same_lines(20), Tokenizer::Word, 3, "same", 5);
  // The boundary, <unk> and the three most frequent words; "a" and "dog" tie
  // at one per line and "a" comes first by its bytes.
  EXPECT_EQ(d.vocab.tokens(), (Words{".", "<unk>", "a", "cat", "the"}));
  EXPECT_EQ(d.max_vocab, 5);
  const int unk = d.vocab.id("<unk>"), the = d.vocab.id("the"), cat = d.vocab.id("cat"), a = d.vocab.id("a");
  for (const auto& item : d.items) EXPECT_EQ(item, (std::vector<int>{the, cat, the, unk, the, cat, a}));
  ASSERT_EQ(d.n_train, 16u);
  EXPECT_EQ(d.train_tokens, 16u * 7);
  EXPECT_EQ(d.train_unknown, 16u);
  EXPECT_EQ(d.train_types, 4u);
  EXPECT_DOUBLE_EQ(d.coverage(), 6.0 / 7.0);
  EXPECT_EQ(d.counts, (std::vector<std::uint32_t>{0, 16, 16, 32, 48}));
  EXPECT_EQ(d.boundary_chars, 0u);
  // A vocabulary with room for every word covers all of them, <unk> unused.
  const Dataset all = make_dataset(same_lines(20), Tokenizer::Word, 3, "same", 100);
  EXPECT_EQ(all.vocab.tokens(), (Words{".", "<unk>", "a", "cat", "dog", "the"}));
  EXPECT_DOUBLE_EQ(all.coverage(), 1.0);
  EXPECT_THROW(make_dataset(same_lines(20), Tokenizer::Word, 3, "same", 2), Error);
}

// Words seen only in the validation and test splits are unknown.
TEST(WordVocab, ComesFromTheTrainingSplitOnly) {
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) lines.push_back("shared " + std::string(1 + std::size_t(i), 'w') + " " + std::to_string(i));
  const Dataset d = make_dataset(lines, Tokenizer::Word, 9, "unique", 1000);
  const int unk = d.vocab.id("<unk>");
  EXPECT_EQ(d.vocab.size(), 2 + 1 + 2 * 24);  // boundary, <unk>, "shared", each training line's word and number
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    ASSERT_EQ(d.items[i].size(), 3u);
    EXPECT_EQ(d.items[i][0], d.vocab.id("shared"));
    EXPECT_EQ(d.items[i][1] == unk, i >= d.n_train) << i;
    EXPECT_EQ(d.items[i][2] == unk, i >= d.n_train) << i;
  }
  EXPECT_EQ(d.train_unknown, 0u);
  // The same lines and seed give the same data.
  EXPECT_EQ(make_dataset(lines, Tokenizer::Word, 9, "again", 1000).items, d.items);
}

// A miniature WordNet: the licence header, synset lines with their glosses, index lines.
void write_wordnet(const TempDir& dir) {
  const std::string licence = "  1 This software and database is being provided to you, the LICENSEE | not a gloss\n"
                              "  2 WordNet 3.0 Copyright 2006 by Princeton University.\n";
  dir.write("data.noun", licence +
                             "02084071 05 n 02 dog 0 domestic_dog 0 001 @ 02083346 n 0000 | a member of the genus "
                             "Canis; \"the dog barked all night\"  \n"
                             "02121620 05 n 01 cat 0 000 | feline mammal usually having thick soft fur  \n");
  dir.write("data.verb", licence + "01047745 32 v 01 bark 0 000 | speak in an unfriendly tone  \n");
  dir.write("data.adj", licence + "01251128 00 a 01 cold 0 000 | having a low temperature  \n");
  dir.write("data.adv", licence + "00085811 02 r 01 quickly 0 000 | with rapid movements  \n");
  dir.write("index.noun", licence + "cat n 1 0 1 0 02121620\ndog n 1 1 @ 1 0 02084071\ndomestic_dog n 1 0 1 0 02084071\n");
  dir.write("index.verb", licence + "bark v 1 0 1 0 01047745\ndog v 1 0 1 0 02004874\n");
  dir.write("index.adj", licence + "cold a 1 0 1 0 01251128\n");
  dir.write("index.adv", licence + "quickly r 1 0 1 0 00085811\n");
}

TEST(WordNet, GlossesFollowTheBarAndSkipTheLicence) {
  TempDir dir;
  write_wordnet(dir);
  EXPECT_EQ(wordnet_glosses(dir.file("")),
            (Words{"a member of the genus Canis; \"the dog barked all night\"", "feline mammal usually having thick soft fur",
                   "speak in an unfriendly tone", "having a low temperature", "with rapid movements"}));
}

TEST(WordNet, PartsOfSpeechAsClasses) {
  TempDir dir;
  write_wordnet(dir);
  const Vocab v(Words{"dog", "dogs", "cat", "cats", "barked", "colder", "quickly", "the", "<unk>"});
  const std::vector<WordClass> c = wordnet_classes(v, dir.file(""));
  auto of = [&](const char* w) { return word_class_name(c[std::size_t(v.id(w))]); };
  EXPECT_STREQ(of("dog"), "several");   // noun and verb
  EXPECT_STREQ(of("dogs"), "several");  // both, through "dog"
  EXPECT_STREQ(of("cat"), "noun");
  EXPECT_STREQ(of("cats"), "noun");
  EXPECT_STREQ(of("barked"), "verb");
  EXPECT_STREQ(of("colder"), "adjective");
  EXPECT_STREQ(of("quickly"), "adverb");
  EXPECT_STREQ(of("the"), "none");
  EXPECT_STREQ(of("<unk>"), "none");
  EXPECT_STREQ(of("."), "none");
}

// Irregular forms come from WordNet's exception lists (verb.exc, noun.exc, ...).
TEST(WordNet, IrregularFormsFromTheExceptionLists) {
  TempDir dir;
  write_wordnet(dir);
  dir.write("index.verb", "bark v 1 0 1 0 01047745\ncome v 1 0 1 0 01849221\ngrow v 1 0 1 0 00230746\n");
  dir.write("index.noun", "cat n 1 0 1 0 02121620\nchild n 1 0 1 0 09917593\n");
  dir.write("verb.exc", "came come\ngrew grow\nbarked bark\n");
  dir.write("noun.exc", "children child\nmice mouse\n");
  const Vocab v(Words{"came", "grew", "children", "mice", "cat", "ran"});
  const std::vector<WordClass> c = wordnet_classes(v, dir.file(""));
  auto of = [&](const char* w) { return word_class_name(c[std::size_t(v.id(w))]); };
  EXPECT_STREQ(of("came"), "verb");
  EXPECT_STREQ(of("grew"), "verb");
  EXPECT_STREQ(of("children"), "noun");
  EXPECT_STREQ(of("mice"), "none");  // its lemma is not in the index
  EXPECT_STREQ(of("ran"), "none");   // not in the lists given here
  // The installed WordNet knows the irregular forms a class reads.
  if (!std::filesystem::exists(std::string(kWordNetDir) + "/verb.exc")) GTEST_SKIP() << "wordnet-base is not installed";
  const Vocab real(Words{"came", "grew", "ran", "slept", "told", "children"});
  const std::vector<WordClass> rc = wordnet_classes(real);
  for (const char* w : {"came", "grew", "ran", "slept", "told", "children"})
    EXPECT_NE(rc[std::size_t(real.id(w))], WordClass::None) << w;
}

TEST(WordNet, MissingPackageIsAClearError) {
  TempDir dir;
  for (auto call : {+[](const std::string& d) { wordnet_glosses(d); },
                    +[](const std::string& d) { wordnet_classes(Vocab(Words{"a"}), d); }}) {
    try {
      call(dir.file("wordnet"));
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("wordnet-base"), std::string::npos) << m;
      EXPECT_NE(m.find(dir.file("wordnet")), std::string::npos) << m;
    }
  }
}

// The installed WordNet gives the figures the corpus is known by.
TEST(WordNet, DefaultCorpusFigures) {
  if (!std::filesystem::exists(std::string(kWordNetDir) + "/data.noun")) GTEST_SKIP() << "wordnet-base is not installed";
  const auto d = load_data(default_word_data());
  EXPECT_EQ(d->items.size(), 117659u);
  EXPECT_EQ(d->vocab.size(), kDefaultWordVocab);
  EXPECT_GT(d->n_tokens, 1400000u);
  EXPECT_LT(d->n_tokens, 1550000u);
  EXPECT_NEAR(d->coverage(), 0.95, 0.01);
  ASSERT_EQ(d->classes.size(), std::size_t(d->vocab.size()));
  EXPECT_EQ(d->classes[std::size_t(d->vocab.id("dog"))], WordClass::Several);
  EXPECT_EQ(d->classes[std::size_t(d->vocab.id("the"))], WordClass::None);
}

// A word run saved and resumed: its data spec (tokenizer, vocabulary size) comes back.
TEST(WordSession, RoundTrip) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 40; ++i) text += "The " + std::to_string(i % 7) + " cats can't sleep, said dog " + std::to_string(i) + "\n";
  DataSpec spec{dir.write("prose.txt", text), Tokenizer::Word, 17, 8};
  auto data = load_data(spec);
  EXPECT_EQ(data->vocab.size(), 8);
  EXPECT_LT(data->coverage(), 1.0);
  Trainer t(data, testdata::mlp_config(3, 4, 8, 4, 5));
  for (int i = 0; i < 20; ++i) t.step();
  save_session(capture_session(t), dir.file("run.evs"));
  const Session s = load_session(dir.file("run.evs"));
  EXPECT_EQ(s.tokenizer, Tokenizer::Word);
  EXPECT_EQ(s.max_vocab, 8);
  EXPECT_EQ(s.data().max_vocab, 8);
  const auto again = load_session_data(s);
  EXPECT_EQ(again->items, data->items);
  EXPECT_EQ(again->vocab.tokens(), data->vocab.tokens());
  Trainer r = resume_session(s, again);
  EXPECT_EQ(r.step_count(), 20);
  EXPECT_EQ(r.model().params, t.model().params);
  r.step();
  t.step();
  EXPECT_EQ(r.model().params, t.model().params);

  // A version 2 file from before word data (no vocabulary limit,
  // initialisation nor frozen-embeddings flag at its end) still loads.
  Session plain = s;
  plain.timeline.clear();  // and no timeline: its count of frames (0) ends the payload
  std::string bytes = encode_session(plain);
  bytes.resize(bytes.size() - 4 - 4 - (4 + s.config.init.size()) - 1);
  const std::uint64_t len = bytes.size() - 28, sum = fnv1a(bytes.data() + 28, len);
  for (int i = 0; i < 8; ++i) {
    bytes[std::size_t(12 + i)] = char((len >> (8 * i)) & 0xFF);
    bytes[std::size_t(20 + i)] = char((sum >> (8 * i)) & 0xFF);
  }
  const Session old = parse_session(bytes);
  EXPECT_EQ(old.max_vocab, kDefaultWordVocab);
  EXPECT_EQ(old.params, s.params);
}

}  // namespace
}  // namespace ev
