// init_vectors_test: the token table initialised from a file of vectors and
// kept frozen. word2vec text and the Projector's TSV pair, written here and by
// our own exporters, read back to the same floats for the tokens the
// vocabulary knows; every bad file is one line of error and changes nothing;
// a frozen table stays bit-identical while the rest trains, for the MLP (SGD,
// fused) and the transformer (Adam); sessions keep the flag; the Projector's
// metadata has its header and columns.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>
#include <sys/stat.h>

#include <cstring>
#include <sstream>

#include "core/base/error.h"
#include "core/io/export.h"
#include "core/models/init_vectors.h"
#include "core/live/run.h"
#include "core/io/session.h"
#include "process.h"
#include "test_data.h"

using namespace ev;

namespace {

// Tokens: ".", "<unk>", "a", "b", "two words" (the boundary first, the rest sorted).
Vocab small_vocab() { return Vocab({"a", "b", "two words", "<unk>"}); }

TokenVectors w2v(const std::string& text, const Vocab& v, int dim = 3) {
  std::istringstream in(text);
  return parse_word2vec(in, v, dim, "v.txt");
}

TokenVectors tsv(const std::string& vectors, const std::string& metadata, const Vocab& v, int dim = 3) {
  std::istringstream vin(vectors), min(metadata);
  return parse_projector_tsv(vin, min, v, dim, "vectors.tsv", "metadata.tsv");
}

// The error a call throws: one line, non-empty ("" when it throws nothing).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
    EXPECT_FALSE(what.empty());
    return what;
  }
  return "";
}

// The vector a token got (empty when it got none).
std::vector<float> row_of(const TokenVectors& t, const Vocab& v, const std::string& token) {
  for (std::size_t i = 0; i < t.ids.size(); ++i)
    if (t.ids[i] == v.id(token))
      return {t.values.begin() + std::ptrdiff_t(i) * t.dim, t.values.begin() + std::ptrdiff_t(i + 1) * t.dim};
  return {};
}

Mat<float> token_table(const Trainer& t) { return Mat<float>(tensor(t.model().params.data(), t.token_table())); }

}  // namespace

TEST(InitVectors, ReadsWord2vecTextForTheTokensItKnows) {
  const Vocab v = small_vocab();
  // Our exporter's escaped space, a token the vocabulary lacks, a trailing
  // blank as word2vec's own tool writes, and Windows line ends.
  const TokenVectors t = w2v("4 3\r\n. 1 2 3\na 4 5 6 \ntwo\\swords -7.5 8e-3 9\r\nzebra 1 1 1\n", v);
  EXPECT_EQ(t.format, "word2vec text");
  EXPECT_EQ(t.file_vectors, 4u);
  EXPECT_EQ(t.vocab, 5u);
  ASSERT_EQ(t.ids.size(), 3u);
  EXPECT_EQ(row_of(t, v, "."), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(row_of(t, v, "a"), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(row_of(t, v, "two words"), (std::vector<float>{-7.5f, 8e-3f, 9}));
  EXPECT_TRUE(row_of(t, v, "b").empty());
  EXPECT_EQ(t.summary(), "3 of 5 tokens matched (60.0%)");
}

TEST(InitVectors, ReadsGloveStyleFilesWithoutAHeaderAndKeepsATokensFirstVector) {
  const Vocab v = small_vocab();
  const TokenVectors t = w2v("\xEF\xBB\xBF" "a 1 2 3\nb\t4\t5\t6\na 7 8 9\n\n", v);
  EXPECT_EQ(t.file_vectors, 3u);
  EXPECT_EQ(row_of(t, v, "a"), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(row_of(t, v, "b"), (std::vector<float>{4, 5, 6}));
}

TEST(InitVectors, SummaryGroupsThousands) {
  TokenVectors t;
  t.vocab = 17000;
  t.ids.resize(15872);
  EXPECT_EQ(t.summary(), "15,872 of 17,000 tokens matched (93.4%)");
}

TEST(InitVectors, ReadsTheProjectorPairWithOrWithoutAHeader) {
  const Vocab v = small_vocab();
  const std::string vectors = "1\t2\t3\n4\t5\t6\n7\t8\t9\n";
  const TokenVectors one = tsv(vectors, "a\nnope\nb\n", v);
  EXPECT_EQ(one.format, "Projector TSV");
  EXPECT_EQ(one.ids.size(), 2u);
  EXPECT_EQ(row_of(one, v, "b"), (std::vector<float>{7, 8, 9}));
  // Several columns: a header row first, the token in the first column.
  const TokenVectors cols = tsv(vectors, "word\tfrequency\tpart of speech\ntwo words\t3\tnone\na\t1\tnoun\nx\t0\tnone\n", v);
  EXPECT_EQ(cols.ids.size(), 2u);
  EXPECT_EQ(row_of(cols, v, "two words"), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(row_of(cols, v, "a"), (std::vector<float>{4, 5, 6}));
}

TEST(InitVectors, EveryBadFileIsOneLineOfError) {
  const Vocab v = small_vocab();
  const std::string huge(kMaxVectorLineBytes + 10, '1');
  struct Case {
    const char* what;
    std::string text;
    const char* says;
  } cases[] = {
      {"empty", "", "no vectors"},
      {"only a header", "0 3\n", "no vectors"},
      {"header of another size", "2 4\na 1 2 3 4\n", "--emb"},
      {"a row of another size", "a 1 2\n", "--emb"},
      {"a row of another size after a header", "2 3\na 1 2 3\nb 1 2 3 4\n", "--emb"},
      {"NaN", "a 1 nan 3\n", "not a finite number"},
      {"infinity", "a 1 2 -inf\n", "not a finite number"},
      {"overflow", "a 1 2 1e39\n", "not a finite number"},
      {"a word", "a 1 two 3\n", "not a finite number"},
      {"a token alone", "a\n", "without a vector"},
      {"binary", std::string("2 3\na ") + std::string("\x00\x00\x80\x3f\x01\x02", 6) + "\n", "binary"},
      {"a huge line", "a " + huge + "\n", "bytes long"},
      {"fewer rows than the header says", "3 3\na 1 2 3\nb 1 2 3\n", "announces 3"},
      {"more rows than the header says", "1 3\na 1 2 3\nb 1 2 3\n", "announces"},
      {"a row after a blank line", "a 1 2 3\n\nb 1 2 3\n", "blank line"},
      {"no token known", "x 1 2 3\ny 1 2 3\n", "none of the 2 tokens"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of([&] { w2v(c.text, v); });
    EXPECT_NE(e.find(c.says), std::string::npos) << c.what << ": " << e;
    EXPECT_NE(e.find("v.txt"), std::string::npos) << c.what << " does not name the file: " << e;
  }
  // The pair: rows that do not line up, and bad numbers.
  EXPECT_NE(error_of([&] { tsv("1\t2\t3\n4\t5\t6\n", "a\n", v); }).find("more vectors"), std::string::npos);
  EXPECT_NE(error_of([&] { tsv("1\t2\t3\n", "a\nb\n", v); }).find("more rows"), std::string::npos);
  EXPECT_NE(error_of([&] { tsv("1\t2\t3\n", "word\tfrequency\n", v); }).find("after its header"), std::string::npos);
  EXPECT_NE(error_of([&] { tsv("1\t2\n", "a\n", v); }).find("--emb"), std::string::npos);
  EXPECT_NE(error_of([&] { tsv("1\tinf\t3\n", "a\n", v); }).find("finite"), std::string::npos);
  EXPECT_NE(error_of([&] { tsv("1\t2\t3\n\n4\t5\t6\n", "a\n\nb\n", v); }).find("blank line"), std::string::npos);
}

TEST(InitVectors, FindsThePairFromAFolderAPrefixOrEitherFile) {
  ev::testing::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  const Vocab v = small_vocab();
  ::mkdir(tmp.file("proj").c_str(), 0755);
  tmp.write("proj/vectors.tsv", "1\t2\t3\n4\t5\t6\n");
  tmp.write("proj/metadata.tsv", "a\nb\n");
  tmp.write("run_vectors.tsv", "1\t2\t3\n");
  tmp.write("run_metadata.tsv", "a\n");
  tmp.write("w.vec", "1 3\nb 1 2 3\n");
  for (const std::string p : {"proj", "proj/", "proj/vectors.tsv", "proj/metadata.tsv"})
    EXPECT_EQ(read_init_vectors(tmp.file(p), v, 3).ids.size(), 2u) << p;
  EXPECT_EQ(read_init_vectors(tmp.file("run_"), v, 3).ids.size(), 1u) << "a prefix";
  EXPECT_EQ(read_init_vectors(tmp.file("run_metadata.tsv"), v, 3).format, "Projector TSV");
  EXPECT_EQ(read_init_vectors(tmp.file("w.vec"), v, 3).format, "word2vec text");

  // What cannot be read: each one line naming the problem.
  ::mkdir(tmp.file("empty").c_str(), 0755);
  ::mkdir(tmp.file("lonely").c_str(), 0755);
  tmp.write("lonely/vectors.tsv", "1\t2\t3\n");
  ASSERT_EQ(::mkfifo(tmp.file("fifo").c_str(), 0600), 0);
  const std::pair<std::string, const char*> bad[] = {
      {tmp.file("missing.txt"), "no such file"},
      {tmp.file("empty"), "folder without vectors.tsv"},
      {tmp.file("lonely"), "metadata.tsv"},
      {tmp.file("lonely/vectors.tsv"), "are missing"},
      {"/dev/null", "a device"},
      {"", "empty path"},
  };
  for (const auto& [path, says] : bad) {
    const std::string e = error_of([&] { read_init_vectors(path, v, 3); });
    EXPECT_NE(e.find(says), std::string::npos) << path << ": " << e;
  }
  // A pipe is read as a stream, as --data reads one.
  std::thread writer([&] { std::ofstream(tmp.file("fifo")) << "2 3\na 1 2 3\nb 4 5 6\n"; });
  const TokenVectors piped = read_init_vectors(tmp.file("fifo"), v, 3);
  writer.join();
  EXPECT_EQ(piped.ids.size(), 2u);
}

// A header's count of any size is a header, never a token and its vector; a
// token given twice keeps its first vector, and the summary says so.
TEST(InitVectors, LongHeadersAndRepeatedTokens) {
  const Vocab v = small_vocab();
  EXPECT_NE(error_of([&] { w2v("1234567890123 3\na 1 2 3\n", v); }).find("announces 1,234,567,890,123 vectors"),
            std::string::npos);
  EXPECT_NE(error_of([&] { w2v("1234567890123456789012 3\na 1 2 3\n", v); }).find("too large"), std::string::npos);
  const TokenVectors twice = w2v("a 1 2 3\nb 4 5 6\na 7 8 9\na 0 0 0\n", v);
  ASSERT_EQ(twice.ids.size(), 2u);
  EXPECT_EQ(twice.values[0], 1.0f) << "the first vector of a is kept";
  EXPECT_EQ(twice.repeated, 2u);
  EXPECT_NE(twice.summary().find("2 vectors of a token already read (a the first) left out"), std::string::npos)
      << twice.summary();
}

// Our own exports read back into a fresh run's table, bit for bit: word2vec
// text and the Projector pair, the MLP's C and the transformer's wte.
TEST(InitVectors, OurExportsRoundTripIntoAFreshRun) {
  ev::testing::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  const auto data = testdata::synthetic_dataset(300);
  for (const char* fam : {"mlp", "gpt"}) {
    TrainConfig cfg = family_defaults(fam);
    cfg.emb = 8;
    cfg.hidden = 16;
    cfg.block = 8;
    cfg.batch = 8;
    ev::Run trained(1, data, cfg);
    for (int i = 0; i < 50; ++i) ASSERT_EQ(trained.step(), ev::Run::Outcome::Trained);
    const Mat<float> C = token_table(trained.trainer());
    write_word2vec(tmp.file(std::string(fam) + ".txt"), data->vocab.tokens(), C);
    write_projector_tsv(tmp.file(std::string(fam) + "_proj"), *data, C);
    for (const std::string& file : {std::string(fam) + ".txt", std::string(fam) + "_proj"}) {
      cfg.seed = 99;
      ev::Run fresh(2, data, cfg);
      const std::vector<float> before = fresh.trainer().model().params;
      ASSERT_NE(token_table(fresh.trainer()), C);
      const std::string said = fresh.init_vectors(tmp.file(file));
      EXPECT_EQ(said, std::to_string(data->vocab.size()) + " of " + std::to_string(data->vocab.size()) +
                          " tokens matched (100.0%)");
      EXPECT_EQ(token_table(fresh.trainer()), C) << fam << " " << file;
      // Nothing but the token table changed.
      const TensorInfo& t = fresh.trainer().token_table();
      const std::vector<float>& after = fresh.trainer().model().params;
      for (std::size_t i = 0; i < after.size(); ++i) {
        const bool in_table = i >= t.offset && i < t.offset + t.size();
        EXPECT_TRUE(in_table || after[i] == before[i]) << fam << " parameter " << i;
      }
    }
  }
}

// A bad file leaves the run as it was, through the command queue too (the
// window's path), with the error as the run's message.
TEST(InitVectors, ABadFileChangesNothing) {
  ev::testing::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  const auto data = testdata::synthetic_dataset(300);
  ev::Run run(1, data, testdata::small_config());
  const std::vector<float> before = run.trainer().model().params;
  const std::string token = data->vocab.token(3);
  // A good first row, then a bad one: nothing may be set half-way.
  tmp.write("half.txt", token + " 1 2 3 4\n" + data->vocab.token(4) + " 1 2 nan 4\n");
  tmp.write("wide.txt", token + " 1 2 3 4 5\n");
  for (const char* f : {"half.txt", "wide.txt", "absent.txt"}) {
    EXPECT_THROW(run.init_vectors(tmp.file(f)), Error) << f;
    run.apply(cmd::InitVectors{tmp.file(f)});
    EXPECT_EQ(run.trainer().model().params, before) << f;
    EXPECT_FALSE(run.message().empty());
    EXPECT_EQ(run.message().find("Initialised"), std::string::npos) << run.message();
  }
  tmp.write("good.txt", token + " 1 2 3 4\n");
  run.apply(cmd::InitVectors{tmp.file("good.txt")});
  EXPECT_NE(run.message().find("1 of " + std::to_string(data->vocab.size()) + " tokens matched"), std::string::npos)
      << run.message();
  EXPECT_EQ(token_table(run.trainer()).row(3), (Eigen::RowVector4f(1, 2, 3, 4)));
}

// Frozen, the token table stays bit-identical over many steps while every
// other tensor moves: the MLP's fused SGD step (with direct connections), and
// the transformer under Adam and plain SGD, frozen from the start or part-way.
TEST(FreezeEmbeddings, TheTokenTableStaysBitIdenticalWhileTheRestTrains) {
  const auto data = testdata::synthetic_dataset(300);
  TrainConfig mlp = testdata::small_config();
  mlp.direct = true;
  TrainConfig gpt = family_defaults("gpt");
  gpt.emb = 8;
  gpt.block = 8;
  gpt.batch = 4;
  TrainConfig gpt_sgd = gpt;  // the generic SGD step (Net::sgd_step)
  gpt_sgd.optimizer = "sgd";
  gpt_sgd.lr = 0.1;
  gpt_sgd.lr_linear_steps = 0;
  for (TrainConfig cfg : {mlp, gpt, gpt_sgd}) {
    for (int unfrozen_steps : {0, 20}) {
      Trainer t(data, cfg);
      for (int i = 0; i < unfrozen_steps; ++i) ASSERT_TRUE(t.step().finite);
      t.set_freeze_embeddings(true);
      const Model<float> before = t.model();
      for (int i = 0; i < 200; ++i) ASSERT_TRUE(t.step().finite);
      for (const TensorInfo& ti : t.model().table.tensors()) {
        const bool same = t.model().p(ti.name) == before.p(ti.name);
        if (ti.name == t.token_table().name)
          EXPECT_TRUE(same) << cfg.family << ": the frozen " << ti.name << " moved";
        else
          EXPECT_FALSE(same) << cfg.family << ": " << ti.name << " did not train";
      }
      // Unfrozen again, it trains.
      t.set_freeze_embeddings(false);
      for (int i = 0; i < 20; ++i) ASSERT_TRUE(t.step().finite);
      EXPECT_NE(token_table(t), Mat<float>(before.p(t.token_table().name))) << cfg.family;
    }
  }
}

// The command the window's checkbox posts, and describe() says so.
TEST(FreezeEmbeddings, TheCommandFreezesALiveRun) {
  const auto data = testdata::synthetic_dataset(300);
  ev::Run run(1, data, testdata::small_config());
  for (int i = 0; i < 10; ++i) run.step();
  run.apply(cmd::FreezeEmbeddings{true});
  EXPECT_TRUE(run.trainer().config().freeze_embeddings);
  EXPECT_NE(describe(run.trainer().config()).find("embeddings frozen"), std::string::npos);
  const Mat<float> C = token_table(run.trainer());
  for (int i = 0; i < 50; ++i) run.step();
  EXPECT_EQ(token_table(run.trainer()), C);
  run.apply(cmd::FreezeEmbeddings{false});
  for (int i = 0; i < 50; ++i) run.step();
  EXPECT_NE(token_table(run.trainer()), C);
}

// Sessions keep the flag; a file from before it (version 3 without the last
// byte) reads as not frozen; a resumed frozen run goes on frozen.
TEST(FreezeEmbeddings, SessionsKeepTheFlag) {
  const auto data = testdata::synthetic_dataset(300);
  for (bool frozen : {false, true}) {
    TrainConfig cfg = testdata::small_config();
    cfg.freeze_embeddings = frozen;
    Trainer t(data, cfg);
    for (int i = 0; i < 10; ++i) t.step();
    Session saved = capture_session(t);
    saved.timeline.clear();  // the flag byte is then followed only by the timeline's count (0)
    const std::string bytes = encode_session(saved);
    const Session s = parse_session(bytes);
    EXPECT_EQ(s.config.freeze_embeddings, frozen);
    Trainer resumed = resume_session(s, data);
    EXPECT_EQ(resumed.config().freeze_embeddings, frozen);
    const Mat<float> C = token_table(resumed);
    for (int i = 0; i < 20; ++i) resumed.step();
    EXPECT_EQ(token_table(resumed) == C, frozen);

    // The same file as an older build wrote it: no flag byte (nor timeline) at the end.
    std::string payload = bytes.substr(28, bytes.size() - 28 - 1 - 4);
    std::string old = bytes.substr(0, 12);
    for (std::uint64_t v : {std::uint64_t(payload.size()), fnv1a(payload.data(), payload.size())})
      for (int i = 0; i < 8; ++i) old.push_back(char((v >> (8 * i)) & 0xFF));
    old += payload;
    EXPECT_FALSE(parse_session(old).config.freeze_embeddings);
  }
  // A flag byte that is neither 0 nor 1 is refused.
  Trainer t(data, testdata::small_config());
  Session saved = capture_session(t);
  saved.timeline.clear();
  std::string bytes = encode_session(saved);
  std::string payload = bytes.substr(28);
  payload[payload.size() - 5] = 2;  // the flag, before the timeline's count
  std::string bad = bytes.substr(0, 20);
  const std::uint64_t sum = fnv1a(payload.data(), payload.size());
  for (int i = 0; i < 8; ++i) bad.push_back(char((sum >> (8 * i)) & 0xFF));
  EXPECT_THROW(parse_session(bad + payload), Error);
}

// The Projector's metadata for a word run: a header row, then each word, its
// count in the training split and its part of speech.
TEST(ProjectorMetadata, WordRunsHaveWordFrequencyAndPartOfSpeech) {
  std::vector<std::string> lines;
  for (int i = 0; i < 30; ++i) lines.push_back(i % 3 ? "the cat sat" : "a dog ran quickly");
  Dataset d = make_dataset(lines, Tokenizer::Word, 1, "words", 100);
  d.classes.assign(std::size_t(d.vocab.size()), WordClass::None);
  d.classes[std::size_t(d.vocab.id("cat"))] = WordClass::Noun;
  d.classes[std::size_t(d.vocab.id("quickly"))] = WordClass::Adverb;
  const std::string meta = projector_metadata_tsv(d);
  std::istringstream in(meta);
  std::string row;
  std::getline(in, row);
  EXPECT_EQ(row, "word\tfrequency\tpart of speech");
  int rows = 0;
  while (std::getline(in, row)) {
    const int id = rows++;
    const std::string expect = d.vocab.token(id) + "\t" + std::to_string(d.counts[std::size_t(id)]) + "\t" +
                               (id == 0 ? "boundary" : word_class_name(d.classes[std::size_t(id)]));
    EXPECT_EQ(row, expect);
  }
  EXPECT_EQ(rows, d.vocab.size());
  EXPECT_NE(meta.find("\ncat\t" + std::to_string(d.counts[std::size_t(d.vocab.id("cat"))]) + "\tnoun\n"),
            std::string::npos);
  EXPECT_GT(d.counts[std::size_t(d.vocab.id("cat"))], 0u);
  // Without WordNet's classes the column is left out, the header with it.
  d.classes.clear();
  EXPECT_EQ(projector_metadata_tsv(d).substr(0, 15), "word\tfrequency\n");
  // And the file reads back as the Projector pair it is.
  const Mat<float> C = Mat<float>::Random(d.vocab.size(), 3);
  std::istringstream v(projector_vectors_tsv(C)), m(projector_metadata_tsv(d));
  EXPECT_EQ(parse_projector_tsv(v, m, d.vocab, 3, "v", "m").ids.size(), std::size_t(d.vocab.size()));
}
