// init_test: the MLP's two initialisations (the lecture's unit normals and
// makemore part 3's scaled ones), their first loss at a large vocabulary,
// their place in sessions, and the training command line's defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cli/options.h"
#include "core/base/error.h"
#include "core/models/mlp.h"
#include "core/base/rng.h"
#include "core/io/session.h"
#include "core/train/trainer.h"
#include "test_data.h"

namespace ev {
namespace {

// The mean cross-entropy of a fresh model on 256 random contexts and targets.
float first_loss(const ModelSpec& s, std::uint64_t seed) {
  Model<float> m(s);
  mlp_init(m, seed);
  Rng rng(99);
  const int B = 256;
  std::vector<std::int32_t> X(std::size_t(B) * std::size_t(s.block)), Y(static_cast<std::size_t>(B));
  for (auto& x : X) x = std::int32_t(rng.next_u64() % std::uint64_t(s.vocab));
  for (auto& y : Y) y = std::int32_t(rng.next_u64() % std::uint64_t(s.vocab));
  Batch b;
  b.B = B;
  b.in = s.block;
  b.X = X.data();
  b.Y = Y.data();
  MlpActivations<float> a;
  return mlp_forward(m, b, a);
}

// At 5,000 words the lecture's unit normals start tens of nats above a uniform
// guess; the scaled draws start within a fraction of a nat of log V.
TEST(Init, ScaledStartsNearAUniformGuess) {
  for (bool direct : {false, true}) {
    ModelSpec s = testdata::mlp_spec(5000, 3, 30, 100);
    s.direct = direct;
    const float uniform = std::log(5000.0f);
    EXPECT_GT(first_loss(s, 3), uniform + 10) << "direct " << direct;
    s.init = "scaled";
    EXPECT_NEAR(first_loss(s, 3), uniform, 0.3) << "direct " << direct;
  }
}

// The scaled draws are the normal ones times one factor per tensor: C as is,
// W1 by (5/3)/sqrt(k*d), b1 by 0.01, W2 and Wd by 0.01, b2 zero.
TEST(Init, ScaledIsTheNormalDrawsScaled) {
  ModelSpec s = testdata::mlp_spec(40, 2, 8, 16);
  s.direct = true;
  Model<float> normal(s);
  mlp_init(normal, 7);
  s.init = "scaled";
  Model<float> scaled(s);
  mlp_init(scaled, 7);
  const float gain = (5.0f / 3.0f) / std::sqrt(16.0f);
  const std::vector<std::pair<const char*, float>> factors = {
      {"C", 1.0f}, {"W1", gain}, {"b1", 0.01f}, {"W2", 0.01f}, {"b2", 0.0f}, {"Wd", 0.01f}};
  for (const auto& [name, f] : factors) {
    const auto n = normal.p(name), c = scaled.p(name);
    ASSERT_EQ(n.size(), c.size());
    EXPECT_GT(n.cwiseAbs().maxCoeff(), 0.5f) << name;
    for (Eigen::Index i = 0; i < n.size(); ++i) ASSERT_FLOAT_EQ(c.data()[i], f * n.data()[i]) << name << " " << i;
  }
  s.init = "xavier";
  Model<float> bad(s);
  EXPECT_THROW(mlp_init(bad, 7), Error);
  TrainConfig c;
  c.init = "xavier";
  EXPECT_THROW(validate(c, 27, 0), Error);
}

// A session keeps its initialisation; one without the field (saved before it
// existed) reads as the lecture's normal draws; a bad name is refused.
TEST(Init, Sessions) {
  TrainConfig cfg = testdata::mlp_config(3, 4, 8, 4, 5);
  cfg.init = "scaled";
  Trainer t(testdata::synthetic_dataset(), cfg);
  for (int i = 0; i < 5; ++i) t.step();
  Session s = capture_session(t);
  s.timeline.clear();
  // A file without a timeline (its count of frames, 0, ends the payload; absent, it reads as none).
  std::string bytes = encode_session(s);
  bytes.resize(bytes.size() - 4);
  bytes = [&] {
    std::string b = bytes;
    const std::uint64_t len = b.size() - 28, sum = fnv1a(b.data() + 28, len);
    for (int i = 0; i < 8; ++i) {
      b[std::size_t(12 + i)] = char((len >> (8 * i)) & 0xFF);
      b[std::size_t(20 + i)] = char((sum >> (8 * i)) & 0xFF);
    }
    return b;
  }();
  EXPECT_EQ(parse_session(bytes).config.init, "scaled");
  EXPECT_EQ(parse_session(bytes).spec(), t.model().spec);

  // Rewrites the payload's tail and fixes the header's length and checksum.
  const auto with_tail = [&](std::size_t drop, const std::string& tail) {
    std::string b = bytes.substr(0, bytes.size() - drop) + tail;
    const std::uint64_t len = b.size() - 28, sum = fnv1a(b.data() + 28, len);
    for (int i = 0; i < 8; ++i) {
      b[std::size_t(12 + i)] = char((len >> (8 * i)) & 0xFF);
      b[std::size_t(20 + i)] = char((sum >> (8 * i)) & 0xFF);
    }
    return b;
  };
  const std::size_t field = 4 + std::string("scaled").size() + 1;  // with the frozen-embeddings flag after it
  EXPECT_EQ(parse_session(with_tail(field, "")).config.init, "normal");
  EXPECT_EQ(parse_session(with_tail(field, std::string("\x06\0\0\0scaled", 10))).config.init, "scaled");
  try {
    parse_session(with_tail(field, std::string("\x06\0\0\0xavier", 10)));
    FAIL() << "an unknown initialisation was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("xavier"), std::string::npos) << e.what();
  }
}

cli::ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "embedviz-train");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return cli::parse_train_options(int(argv.size()), argv.data());
}

// Characters keep the lecture's draws (and its losses); words start scaled, C small.
TEST(Init, CommandLineDefaults) {
  EXPECT_EQ(parse({}).options.config.init, "normal");
  EXPECT_EQ(parse({"--tokenizer", "word"}).options.config.init, "small");
  EXPECT_EQ(parse({"--tokenizer", "word", "--init", "normal"}).options.config.init, "normal");
  EXPECT_EQ(parse({"--init", "scaled"}).options.config.init, "scaled");
  const cli::ParseResult bad = parse({"--init", "xavier"});
  EXPECT_FALSE(bad.run);
  EXPECT_EQ(bad.exit_code, 2);
  const cli::ParseResult resumed = parse({"--resume", "x.evs", "--init", "scaled"});
  EXPECT_FALSE(resumed.run);
  EXPECT_NE(resumed.message.find("--init"), std::string::npos);
}

}  // namespace
}  // namespace ev
