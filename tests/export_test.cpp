// export_test: the Projector TSV round-trips to the same floats, tokens with
// tabs, newlines and spaces survive, word2vec and CSV have their shapes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "core/base/text.h"
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/io/export.h"
#include "core/base/rng.h"

using namespace ev;

namespace {

// Values of every magnitude, including ones that need all 9 digits.
Mat<float> awkward_table(int V, int d) {
  Rng rng(1);
  Mat<float> C(V, d);
  for (int i = 0; i < V; ++i)
    for (int j = 0; j < d; ++j) C(i, j) = float(rng.normal() * std::pow(10.0, double(int(rng.below(13)) - 6)));
  C(0, 0) = 0.1f;
  C(0, 1) = -0.0f;
  C(1, 0) = 1e-40f;  // subnormal
  C(1, 1) = 3.4028235e38f;
  return C;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST(Export, ProjectorVectorsRoundTripExactly) {
  const Mat<float> C = awkward_table(30, 5);
  const std::string tsv = projector_vectors_tsv(C);
  EXPECT_EQ(split_lines(tsv).size(), 30u);
  const Mat<float> back = parse_vectors_tsv(tsv);
  ASSERT_EQ(back.rows(), 30);
  ASSERT_EQ(back.cols(), 5);
  // max_digits10 digits: every float reads back as itself.
  for (int i = 0; i < 30; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(back(i, j), C(i, j)) << i << "," << j;
  EXPECT_TRUE(std::signbit(back(0, 1)));
}

// A data set of just these tokens (sorted after the boundary, as Vocab does), counted 0, 1, 2, ...
Dataset tokens_only(const std::vector<std::string>& tokens) {
  Dataset d;
  d.vocab = Vocab(tokens);
  for (int i = 0; i < d.vocab.size(); ++i) d.counts.push_back(std::uint32_t(i));
  return d;
}

TEST(Export, MetadataEscapesTokens) {
  const Dataset d = tokens_only({".", "a", "tab\there", "new\nline", "back\\slash", "two words"});
  const std::string meta = projector_metadata_tsv(d);
  const auto lines = split_lines(meta);
  ASSERT_EQ(lines.size(), std::size_t(d.vocab.size()) + 1) << "a token split a line";
  EXPECT_EQ(lines[0], "token\tfrequency\tclass");  // the header row
  EXPECT_EQ(lines[1], ".\t0\tboundary");
  EXPECT_EQ(lines[2], "a\t1\tvowel");
  for (int i = 0; i < d.vocab.size(); ++i) {
    const std::string& row = lines[std::size_t(i) + 1];
    EXPECT_EQ(std::count(row.begin(), row.end(), '\t'), 2) << row;  // a token's tab is escaped
    EXPECT_EQ(unescape_token(row.substr(0, row.find('\t'))), d.vocab.token(i));
  }
  EXPECT_NE(meta.find("\ntwo words\t"), std::string::npos) << "spaces are fine inside a TSV field";
  EXPECT_NE(meta.find("\ntab\\there\t"), std::string::npos);
}

TEST(Export, WritesBothProjectorFiles) {
  char tmpl[] = "/tmp/embedviz_export_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const Mat<float> C = awkward_table(4, 3);
  const Dataset tokens = tokens_only({".", "a", "b", "c"});
  write_projector_tsv(dir, tokens, C);
  EXPECT_EQ(parse_vectors_tsv(read_file_bytes(dir + "/vectors.tsv", 1 << 20)), C);
  EXPECT_EQ(read_file_bytes(dir + "/metadata.tsv", 1 << 20),
            "token\tfrequency\tclass\n.\t0\tboundary\na\t1\tvowel\nb\t2\tconsonant\nc\t3\tconsonant\n");
  EXPECT_THROW(write_projector_tsv(dir, tokens_only({".", "a"}), C), Error);  // 2 tokens, 4 rows
  // A folder that does not exist yet is created; one under a file cannot be.
  write_projector_tsv(dir + "/new/folder", tokens, C);
  EXPECT_EQ(parse_vectors_tsv(read_file_bytes(dir + "/new/folder/vectors.tsv", 1 << 20)), C);
  EXPECT_THROW(write_projector_tsv(dir + "/vectors.tsv/sub", tokens, C), Error);
  for (const char* f : {"/new/folder/vectors.tsv", "/new/folder/metadata.tsv", "/new/folder", "/new", "/vectors.tsv",
                        "/metadata.tsv"})
    std::remove((dir + f).c_str());
  EXPECT_EQ(rmdir(dir.c_str()), 0);
}

TEST(Export, Word2VecText) {
  const Mat<float> C = awkward_table(3, 4);
  const std::string text = word2vec_text({".", "new york", "a\tb"}, C);
  const auto lines = split_lines(text);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "3 4");
  for (int r = 0; r < 3; ++r) {
    std::stringstream in(lines[std::size_t(r + 1)]);
    std::string token;
    in >> token;
    std::vector<float> v;
    for (std::string f; in >> f;) v.push_back(std::strtof(f.c_str(), nullptr));  // stof throws on subnormals
    ASSERT_EQ(v.size(), 4u) << "line " << r + 1 << ": " << lines[std::size_t(r + 1)];
    const char* expect[3] = {".", "new york", "a\tb"};
    EXPECT_EQ(unescape_token(token), expect[r]);
  }
  EXPECT_EQ(lines[1].rfind(".", 0), 0u);
}

TEST(Export, LossCsvMergesTrainAndValidation) {
  const std::vector<LossPoint> train = {{0, 3.5f}, {2, 3.0f}, {4, 2.5f}};
  const std::vector<LossPoint> val = {{2, 3.25f}, {5, 2.75f}};
  EXPECT_EQ(loss_csv(train, val),
            "step,train_loss,val_loss\n"
            "0,3.5,\n"
            "2,3,3.25\n"
            "4,2.5,\n"
            "5,,2.75\n");
  EXPECT_EQ(loss_csv({}, {}), "step,train_loss,val_loss\n");
}

TEST(Export, ParseRejectsRaggedOrNonNumericRows) {
  EXPECT_THROW(parse_vectors_tsv("1\t2\n3\n"), Error);
  EXPECT_THROW(parse_vectors_tsv("1\tx\n"), Error);
  EXPECT_EQ(parse_vectors_tsv("").rows(), 0);
}
