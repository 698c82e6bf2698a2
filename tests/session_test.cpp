// session_test: saving and resuming a run: bit-identical continuation, atomic
// saves, and rejection of corrupt, truncated or mismatched files without
// touching the current run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/data/data.h"
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/io/session.h"
#include "core/teach/teach.h"
#include "test_data.h"
#include "test_util.h"

using namespace ev;

namespace {

TrainConfig small_config() {
  TrainConfig c = testdata::small_config();
  c.block = 3;
  c.lr = 0.2;
  c.lr_decay_step = 120;  // the decay falls inside the resumed part
  c.seed = 11;
  return c;
}

// A fresh trainer whose loss history is small enough to merge points (stride > 1).
Trainer make_trainer(std::shared_ptr<const Dataset> d) {
  Trainer t(std::move(d), small_config());
  t.mutable_history() = LossHistory(16);
  return t;
}

void run(Trainer& t, int steps) {
  for (int i = 0; i < steps; ++i) {
    ASSERT_TRUE(t.step().finite);
    if (t.step_count() % 40 == 0) t.record_val();
  }
}

bool same_points(const std::vector<LossPoint>& a, const std::vector<LossPoint>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].step != b[i].step || std::memcmp(&a[i].loss, &b[i].loss, sizeof(float)) != 0) return false;
  return true;
}

void expect_same_run(const Trainer& a, const Trainer& b) {
  EXPECT_EQ(a.step_count(), b.step_count());
  ASSERT_EQ(a.model().params.size(), b.model().params.size());
  EXPECT_EQ(std::memcmp(a.model().params.data(), b.model().params.data(), a.model().params.size() * sizeof(float)), 0)
      << "parameters differ";
  EXPECT_TRUE(same_points(a.history().points(), b.history().points()));
  EXPECT_TRUE(same_points(a.history().val, b.history().val));
  EXPECT_EQ(a.history().stride(), b.history().stride());
  EXPECT_EQ(a.history().pending().count, b.history().pending().count);
  EXPECT_EQ(a.history().pending().sum, b.history().pending().sum);
  EXPECT_EQ(a.rng_state().s, b.rng_state().s);
}

std::string temp_dir() { return ev::testing::temp_dir("embedviz_session"); }

// Rewrites the payload checksum so a test can reach the checks behind it.
void reseal(std::string& bytes) {
  const std::uint64_t h = fnv1a(bytes.data() + 28, bytes.size() - 28);
  for (int i = 0; i < 8; ++i) bytes[std::size_t(20 + i)] = char((h >> (8 * i)) & 0xFF);
}

std::string error_of(std::string_view bytes) {
  try {
    parse_session(bytes, "s.evs");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Session, ResumeContinuesBitIdentically) {
  auto data = testdata::synthetic_dataset();
  Trainer unbroken = make_trainer(data);
  run(unbroken, 100 + 150);
  ASSERT_GT(unbroken.history().stride(), 1) << "the test should cover merged loss points";

  Trainer first = make_trainer(data);
  run(first, 100);
  const std::string bytes = encode_session(capture_session(first));

  // Resume on a data set built again from the same text, as a later process would.
  auto data_again = testdata::synthetic_dataset();
  Trainer resumed = resume_session(parse_session(bytes), data_again);
  EXPECT_EQ(resumed.step_count(), 100);
  run(resumed, 150);
  expect_same_run(resumed, unbroken);
}

// The transformer with Adam and the linear rate: Adam's averages are saved,
// so the resumed run is the unbroken one to the last bit; without them it is not.
TEST(Session, AdamResumesBitIdentically) {
  auto data = testdata::synthetic_dataset();
  TrainConfig c;
  c.family = "gpt";
  c.block = 8;
  c.emb = 8;
  c.heads = 2;
  c.layers = 2;
  c.batch = 4;
  c.lr = 0.01;
  c.optimizer = "adam";
  c.lr_linear_steps = 200;
  c.seed = 5;
  Trainer unbroken(data, c);
  run(unbroken, 60 + 40);

  Trainer first(data, c);
  run(first, 60);
  const Session saved = capture_session(first);
  ASSERT_EQ(saved.optimizer_state.size(), 2 * saved.params.size());
  const Session loaded = parse_session(encode_session(saved));
  EXPECT_EQ(loaded.config.optimizer, "adam");
  EXPECT_EQ(loaded.config.lr_linear_steps, 200);
  EXPECT_EQ(loaded.optimizer_state, saved.optimizer_state);
  Trainer resumed = resume_session(loaded, testdata::synthetic_dataset());
  run(resumed, 40);
  expect_same_run(resumed, unbroken);

  Session no_state = loaded;
  no_state.optimizer_state.clear();  // Adam restarting its averages: another run
  Trainer restarted = resume_session(no_state, data);
  run(restarted, 40);
  EXPECT_NE(std::memcmp(restarted.model().params.data(), unbroken.model().params.data(),
                        unbroken.model().params.size() * sizeof(float)),
            0);

  Session wrong = loaded;
  wrong.optimizer_state.resize(wrong.params.size());  // one buffer where Adam keeps two
  EXPECT_NE(error_of(encode_session(wrong)).find("optimizer state has"), std::string::npos)
      << error_of(encode_session(wrong));
}

TEST(Session, SaveLoadFileRoundTrip) {
  auto data = testdata::synthetic_dataset();
  Trainer t = make_trainer(data);
  run(t, 60);
  const std::string dir = temp_dir();
  const std::string path = dir + "/run.evs";
  save_session(capture_session(t), path);
  const Session s = load_session(path);
  EXPECT_EQ(s.data_source, "synthetic names");
  EXPECT_EQ(s.data_checksum, data->checksum);
  EXPECT_EQ(s.vocab, data->vocab.tokens());
  EXPECT_EQ(s.step, 60);
  EXPECT_EQ(s.config.hidden, 16);
  EXPECT_EQ(s.config.lr_decay_step, 120);
  EXPECT_EQ(s.params, t.model().params);
  EXPECT_EQ(encode_session(s), encode_session(capture_session(t)));
  // Saving again replaces the file and leaves no temporary behind.
  run(t, 5);
  save_session(capture_session(t), path);
  EXPECT_EQ(load_session(path).step, 65);
  std::remove(path.c_str());
  EXPECT_EQ(rmdir(dir.c_str()), 0) << "a temporary file was left in the directory";
}

TEST(Session, ApplyReplacesTheRun) {
  auto data = testdata::synthetic_dataset();
  Trainer saved = make_trainer(data);
  run(saved, 30);
  const Session s = capture_session(saved);
  Trainer t(data, TrainConfig{});  // another shape entirely
  apply_session(s, t);
  expect_same_run(t, saved);
  EXPECT_EQ(t.config().hidden, 16);
}

TEST(Session, RejectsWrongMagicAndVersion) {
  auto data = testdata::synthetic_dataset();
  Trainer t = make_trainer(data);
  std::string bytes = encode_session(capture_session(t));
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_NE(error_of(bad).find("not an embedviz session"), std::string::npos) << error_of(bad);
  EXPECT_NE(error_of("hello").find("not an embedviz session"), std::string::npos);
  bad = bytes;
  bad[8] = 9;  // version 9
  EXPECT_NE(error_of(bad).find("version 9 is not supported"), std::string::npos) << error_of(bad);
}

TEST(Session, RejectsEveryTruncationAndCorruption) {
  auto data = testdata::synthetic_dataset(40);
  TrainConfig c = small_config();
  c.hidden = 4;
  Trainer t(data, c);
  run(t, 10);
  const std::string bytes = encode_session(capture_session(t));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string e = error_of(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(e.empty()) << "truncated to " << n << " bytes was accepted";
    ASSERT_EQ(e.find('\n'), std::string::npos);
  }
  EXPECT_NE(error_of(std::string_view(bytes).substr(0, bytes.size() - 1)).find("truncated"), std::string::npos);
  // Any single flipped bit in the payload fails the checksum.
  for (std::size_t i = 28; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] = char(bad[i] ^ 0x10);
    ASSERT_NE(error_of(bad).find("checksum"), std::string::npos) << "byte " << i;
  }
  EXPECT_NE(error_of(bytes + "x").find("payload should be"), std::string::npos);
}

TEST(Session, LengthsAreCheckedBeforeAllocating) {
  auto data = testdata::synthetic_dataset(40);
  Trainer t(data, small_config());
  const std::string bytes = encode_session(capture_session(t));
  // The first payload field is the source string; after it come the checksum,
  // the tokenizer, the split seed and the vocabulary count.
  const std::size_t src_len = std::string("synthetic names").size();
  const std::size_t vocab_count_at = 28 + 4 + src_len + 8 + 1 + 8;

  std::string bad = bytes;
  bad[28 + 3] = char(0x7F);  // source length ~2 GB
  reseal(bad);
  EXPECT_NE(error_of(bad).find("data source is"), std::string::npos) << error_of(bad);

  bad = bytes;
  bad[vocab_count_at + 2] = char(0x7F);  // a vocabulary of millions
  reseal(bad);
  EXPECT_NE(error_of(bad).find("vocabulary"), std::string::npos) << error_of(bad);

  // A valid-looking configuration with an enormous hidden layer is refused by the
  // memory limit, not attempted.
  Session s = capture_session(t);
  s.config.hidden = Limits::kMaxHidden;
  s.config.emb = Limits::kMaxEmb;
  s.config.block = Limits::kMaxBlock;
  s.params.clear();
  EXPECT_NE(error_of(encode_session(s)).find("memory"), std::string::npos) << error_of(encode_session(s));

  // Parameter count that disagrees with the shape.
  s = capture_session(t);
  s.params.pop_back();
  EXPECT_NE(error_of(encode_session(s)).find("parameters"), std::string::npos) << error_of(encode_session(s));

  // An unsorted vocabulary is not one ev::Vocab could have built.
  s = capture_session(t);
  std::swap(s.vocab[1], s.vocab[2]);
  EXPECT_NE(error_of(encode_session(s)).find("sorted"), std::string::npos);
}

TEST(Session, CorruptOrMismatchedFileLeavesTheRunUntouched) {
  auto data = testdata::synthetic_dataset();
  Trainer t = make_trainer(data);
  run(t, 50);
  const Session before = capture_session(t);
  const std::string before_bytes = encode_session(before);

  // Another data set: the same shape of config, different text.
  auto other = std::make_shared<const Dataset>(
      make_dataset(testdata::synthetic_names(200, 99), Tokenizer::Char, 7, "other names"));
  Trainer elsewhere(other, small_config());
  const Session foreign = capture_session(elsewhere);
  try {
    apply_session(foreign, t);
    FAIL() << "a session from other data was applied";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different data"), std::string::npos) << e.what();
  }
  EXPECT_EQ(encode_session(capture_session(t)), before_bytes);

  // Same data, but the vocabulary was tampered with.
  Session tampered = before;
  tampered.vocab.back() = "zz";
  EXPECT_THROW(apply_session(tampered, t), Error);
  EXPECT_EQ(encode_session(capture_session(t)), before_bytes);

  // A corrupt file never reaches the trainer: loading throws first.
  const std::string dir = temp_dir();
  const std::string path = dir + "/bad.evs";
  std::string bad = before_bytes;
  bad[bad.size() / 2] = char(bad[bad.size() / 2] ^ 1);
  write_file_atomic(path, bad);
  try {
    apply_session(load_session(path), t);
    FAIL() << "a corrupt file was loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_EQ(encode_session(capture_session(t)), before_bytes);
  EXPECT_THROW(load_session(dir + "/missing.evs"), Error);
  EXPECT_THROW(load_session(dir), Error);  // a directory
  std::remove(path.c_str());
  rmdir(dir.c_str());

  // And the run goes on as if nothing happened.
  Trainer twin = make_trainer(data);
  run(twin, 50);
  run(t, 10);
  run(twin, 10);
  expect_same_run(t, twin);
}

TEST(Session, BuiltInDataIsFoundAgain) {
  auto toy = std::make_shared<const Dataset>(toy_lesson_dataset(5));
  TrainConfig c = presets()[2].config;
  c.seed = 5;
  Trainer t(toy, c);
  run(t, 20);
  const Session s = capture_session(t);
  auto again = load_session_data(s);
  EXPECT_EQ(again->checksum, toy->checksum);
  EXPECT_EQ(again->items, toy->items);

  Session elsewhere = s;
  elsewhere.data_source = "/nonexistent/names.txt";
  EXPECT_THROW(load_session_data(elsewhere), Error);
}

// What is saved must load: a session the parser would refuse is refused at
// save time, and everything up to the limits round-trips.
TEST(Session, WhatIsSavedLoadsOrTheSaveRefuses) {
  std::vector<std::string> items;
  for (int i = 0; i < 12; ++i) items.push_back("w" + std::to_string(i) + " " + std::string(2000 + i, 'a'));
  auto words = std::make_shared<const Dataset>(make_dataset(items, Tokenizer::Word, 1, "long words"));
  Trainer t(words, small_config());
  Session s = capture_session(t);
  EXPECT_EQ(parse_session(encode_session(s)).vocab, s.vocab);  // 2000-byte tokens are fine

  Session huge = s;
  huge.vocab.back() = std::string(kMaxSessionTokenBytes + 1, 'z');
  try {
    encode_session(huge);
    FAIL() << "a token over the limit was saved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokens of up to"), std::string::npos) << e.what();
  }
  Session far = s;
  far.step = Limits::kMaxStep + 1;
  EXPECT_THROW(encode_session(far), Error);
  far.step = Limits::kMaxStep;
  EXPECT_EQ(parse_session(encode_session(far)).step, Limits::kMaxStep);
  Session path = s;
  path.data_source = std::string(5000, 'p');
  EXPECT_THROW(encode_session(path), Error);
}

// A session names its data: saving it over that file is refused, and the data stays.
TEST(Session, SavingOverItsOwnDataIsRefused) {
  const std::string dir = temp_dir();
  const std::string data_path = dir + "/names.txt";
  {
    std::ofstream f(data_path);
    for (const auto& n : testdata::synthetic_names(50)) f << n << "\n";
  }
  const std::string before = read_file_bytes(data_path, 1 << 20);
  auto data = std::make_shared<const Dataset>(load_dataset(data_path, Tokenizer::Char, 3));
  Trainer t(data, small_config());
  EXPECT_THROW(save_session(capture_session(t), data_path), Error);
  EXPECT_THROW(save_session(capture_session(t), dir + "/../" + dir.substr(dir.rfind('/') + 1) + "/names.txt"), Error);
  EXPECT_EQ(read_file_bytes(data_path, 1 << 20), before);
  std::remove(data_path.c_str());
  EXPECT_EQ(rmdir(dir.c_str()), 0);
}

// A file posing as a session is judged by its 28-byte header, never read whole.
TEST(Session, AHugeForeignFileIsRefusedByItsHeader) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/big.evs";
  { std::ofstream(path) << "not a session at all, and long"; }
  ASSERT_EQ(truncate(path.c_str(), off_t(6) << 30), 0);  // sparse: no disk used
  try {
    load_session(path);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wrong magic"), std::string::npos) << e.what();
  }
  // A real header announcing more than the limit is refused before the payload is read.
  std::string header = encode_session(capture_session(make_trainer(testdata::synthetic_dataset()))).substr(0, 28);
  for (int i = 0; i < 8; ++i) header[12 + i] = char(0xFF);
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << header; }
  ASSERT_EQ(truncate(path.c_str(), off_t(6) << 30), 0);
  try {
    load_session(path);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the limit"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
  EXPECT_EQ(rmdir(dir.c_str()), 0);
}

// A file whose step is past the largest a run reaches is refused on load
// (its checksum made right, so the step check itself is what refuses it).
TEST(Session, AStepPastTheLimitIsRefused) {
  Session s = capture_session(make_trainer(testdata::synthetic_dataset()));
  s.step = Limits::kMaxStep;
  std::string bytes = encode_session(s);
  // header, source, checksum, tokenizer, split seed, V
  std::size_t at = 28 + 4 + s.data_source.size() + 8 + 1 + 8 + 4;
  for (const auto& tok : s.vocab) at += 4 + tok.size();
  // family, block, emb, hidden, direct, heads, layers, batch, rates, val_every, seed, optimizer, linear steps
  at += 4 + s.config.family.size() + 3 * 4 + 1 + 2 * 4 + 4 + 8 + 8 + 8 + 8 + 8 + 4 + s.config.optimizer.size() + 8;
  at += 4 + s.config.softmax.size() + 4 + 8 + 8;  // softmax, classes, weight decay, dropout
  at += 4;  // version 5: the count of hyperparameters kept by name (none here)
  at += 4;  // the table: its count, then each tensor's name and shape
  const ParamTable table = param_table(s.spec());
  for (const TensorInfo& t : table.tensors()) at += 4 + t.name.size() + 8;
  at += 8 + 4 * s.params.size() + 8 + 4 * s.optimizer_state.size();  // n_params, params, n_state, state
  const std::uint64_t past = std::uint64_t(Limits::kMaxStep) + 1;
  for (int i = 0; i < 8; ++i) bytes[at + std::size_t(i)] = char((past >> (8 * i)) & 0xFF);
  const std::uint64_t sum = fnv1a(bytes.data() + 28, bytes.size() - 28);
  for (int i = 0; i < 8; ++i) bytes[20 + std::size_t(i)] = char((sum >> (8 * i)) & 0xFF);
  try {
    parse_session(bytes);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 4611686018427387905 is out of range"), std::string::npos) << e.what();
  }
}

namespace {

// The bytes of a session in format version 1, written field by field as that
// version laid them out (no split seed, family, table or optimizer state).
std::string encode_v1(const Session& s) {
  std::string p;
  auto le = [&p](std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) p.push_back(char((v >> (8 * i)) & 0xFF));
  };
  auto f32 = [&](float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    le(b, 4);
  };
  auto f64 = [&](double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    le(b, 8);
  };
  auto str = [&](const std::string& t) {
    le(t.size(), 4);
    p += t;
  };
  auto points = [&](const std::vector<LossPoint>& ps) {
    le(ps.size(), 8);
    for (const LossPoint& q : ps) le(std::uint64_t(q.step), 8), f32(q.loss);
  };
  str(s.data_source);
  le(s.data_checksum, 8);
  le(s.tokenizer == Tokenizer::Word ? 1 : 0, 1);
  le(s.vocab.size(), 4);
  for (const auto& t : s.vocab) str(t);
  for (int v : {s.config.block, s.config.emb, s.config.hidden, s.config.batch}) le(std::uint32_t(v), 4);
  f64(s.config.lr);
  le(std::uint64_t(s.config.lr_decay_step), 8);
  f64(s.config.lr_decay);
  le(s.config.seed, 8);
  le(s.params.size(), 8);
  for (float v : s.params) f32(v);
  le(std::uint64_t(s.step), 8);
  le(std::uint64_t(s.loss_stride), 8);
  le(s.loss_capacity, 8);
  points(s.loss);
  le(std::uint64_t(s.loss_pending.step), 8);
  f64(s.loss_pending.sum);
  le(std::uint64_t(s.loss_pending.count), 8);
  points(s.val);
  for (std::uint64_t w : s.rng.s) le(w, 8);
  le(s.rng.has_spare ? 1 : 0, 1);
  f64(s.rng.spare);
  std::string h = std::string("EVSESSN", 8);
  for (std::uint64_t v : {std::uint64_t(1)}) for (int i = 0; i < 4; ++i) h.push_back(char((v >> (8 * i)) & 0xFF));
  for (std::uint64_t v : {std::uint64_t(p.size()), fnv1a(p.data(), p.size())})
    for (int i = 0; i < 8; ++i) h.push_back(char((v >> (8 * i)) & 0xFF));
  return h + p;
}

}  // namespace

// Files written before the format recorded the family, the table and the
// split seed still load: an MLP whose data was split with its one seed.
TEST(Session, VersionOneFilesStillLoad) {
  auto data = testdata::synthetic_dataset(60, 11);  // split with seed 11
  TrainConfig c = small_config();
  c.seed = 11;  // version 1 had one seed for both
  Trainer t(data, c);
  for (int i = 0; i < 25; ++i) t.step();
  t.record_val();
  const Session now = capture_session(t);
  const Session old = parse_session(encode_v1(now), "old.evs");
  EXPECT_EQ(old.config.family, "mlp");
  EXPECT_EQ(old.split_seed, 11u);
  EXPECT_EQ(old.params, now.params);
  EXPECT_EQ(old.step, 25);
  EXPECT_TRUE(old.optimizer_state.empty());
  // It resumes exactly where it was, and saves as the current version.
  Trainer resumed = resume_session(old, data);
  EXPECT_EQ(resumed.model().params, t.model().params);
  EXPECT_EQ(resumed.step().loss, t.step().loss);
  const std::string again = encode_session(capture_session(resumed));
  EXPECT_EQ(std::uint8_t(again[8]), kSessionVersion);
  EXPECT_EQ(parse_session(again).split_seed, 11u);
}

// Version 2 had no optimizer and no linear schedule: SGD with the step decay.
// Its bytes are the current ones without those two fields.
TEST(Session, VersionTwoFilesStillLoad) {
  Trainer t = make_trainer(testdata::synthetic_dataset());
  run(t, 30);
  Session now = capture_session(t);
  now.timeline.clear();  // version 5's timeline: its count (0) ends the payload
  std::string bytes = encode_session(now);
  bytes.resize(bytes.size() - 4);
  std::size_t at = 28 + 4 + now.data_source.size() + 8 + 1 + 8 + 4;
  for (const auto& tok : now.vocab) at += 4 + tok.size();
  at += 4 + now.config.family.size() + 3 * 4 + 1 + 2 * 4 + 4 + 8 + 8 + 8 + 8 + 8;  // up to the seed
  ASSERT_EQ(bytes.substr(at + 4, 3), "sgd");
  // the optimizer's name, lr_linear_steps, version 4's softmax, classes and weight decay, and version 5's
  // count of hyperparameters by name
  bytes.erase(at, 4 + 3 + 8 + 4 + now.config.softmax.size() + 4 + 8 + 8 + 4);
  bytes.resize(bytes.size() - (4 + now.config.init.size()) - 1);  // and the initialisation and freeze flag at the end
  bytes[8] = 2;
  const std::uint64_t length = bytes.size() - 28;
  for (int i = 0; i < 8; ++i) bytes[12 + std::size_t(i)] = char((length >> (8 * i)) & 0xFF);
  reseal(bytes);
  const Session old = parse_session(bytes, "v2.evs");
  EXPECT_EQ(old.config.optimizer, "sgd");
  EXPECT_EQ(old.config.lr_linear_steps, 0);
  Trainer resumed = resume_session(old, testdata::synthetic_dataset());
  Trainer twin = make_trainer(testdata::synthetic_dataset());
  run(twin, 30);
  run(resumed, 20);
  run(twin, 20);
  expect_same_run(resumed, twin);
}

// A version 3 file (no output layer or weight decay) reads as the full
// softmax without decay; version 4 keeps both, and a class-factored run
// resumes bit for bit.
TEST(Session, VersionThreeFilesStillLoadAndTheOutputLayerIsKept) {
  Trainer t = make_trainer(testdata::synthetic_dataset());
  run(t, 10);
  Session now = capture_session(t);
  now.timeline.clear();  // version 5's timeline: its count (0) ends the payload
  std::string bytes = encode_session(now);
  bytes.resize(bytes.size() - 4);
  std::size_t at = 28 + 4 + now.data_source.size() + 8 + 1 + 8 + 4;
  for (const auto& tok : now.vocab) at += 4 + tok.size();
  at += 4 + now.config.family.size() + 3 * 4 + 1 + 2 * 4 + 4 + 8 + 8 + 8 + 8 + 8 + 4 + now.config.optimizer.size() + 8;
  ASSERT_EQ(bytes.substr(at + 4, 4), "full");
  bytes.erase(at, 4 + 4 + 4 + 8 + 8 + 4);  // version 4's fields and version 5's count of hyperparameters by name
  bytes[8] = 3;
  const std::uint64_t length = bytes.size() - 28;
  for (int i = 0; i < 8; ++i) bytes[12 + std::size_t(i)] = char((length >> (8 * i)) & 0xFF);
  reseal(bytes);
  const Session old = parse_session(bytes, "v3.evs");
  EXPECT_EQ(old.config.softmax, "full");
  EXPECT_EQ(old.config.weight_decay, 0.0);

  TrainConfig c = t.config();
  c.softmax = "classes";
  c.classes = 4;
  c.weight_decay = 0.01;
  c.dropout = 0.2;
  c.optimizer = "adam";
  c.lr = 0.01;
  Trainer factored(testdata::synthetic_dataset(), c);
  run(factored, 15);
  const Session saved = parse_session(encode_session(capture_session(factored)), "v4.evs");
  EXPECT_EQ(saved.config.softmax, "classes");
  EXPECT_EQ(saved.config.classes, 4);
  EXPECT_EQ(saved.config.weight_decay, 0.01);
  EXPECT_EQ(saved.config.dropout, 0.2);
  Trainer resumed = resume_session(saved, testdata::synthetic_dataset());
  run(resumed, 10);
  run(factored, 10);
  expect_same_run(resumed, factored);
}
