// bounds_test: sizes that would exhaust memory are refused before anything is
// allocated, with the estimate in the message, on every way in (the Trainer,
// embedviz-train's flags, the app's shape changes, session files); and the loss history stays bounded.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/train/config.h"
#include "core/models/mlp.h"
#include "core/base/error.h"
#include "core/train/loss_history.h"
#include "core/io/session.h"
#include "core/train/trainer.h"
#include "core/live/worker.h"
#include "test_data.h"

using namespace ev;

namespace {

// A configuration inside every per-field limit whose total is far above 8 GiB.
TrainConfig huge_config() {
  TrainConfig c;
  c.block = Limits::kMaxBlock;
  c.emb = Limits::kMaxEmb;
  c.hidden = Limits::kMaxHidden;
  c.batch = Limits::kMaxBatch;
  return c;
}

// Runs a shell command; returns its exit status and output (stdout and stderr).
int run(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(Bounds, EstimateGrowsWithEverySize) {
  const TrainConfig base;
  const double b = estimate_bytes(base, 27, 200000);
  for (auto grow : {&TrainConfig::block, &TrainConfig::emb, &TrainConfig::hidden, &TrainConfig::batch}) {
    TrainConfig c = base;
    c.*grow *= 4;
    EXPECT_GT(estimate_bytes(c, 27, 200000), b);
  }
  EXPECT_GT(estimate_bytes(base, 1000, 200000), b);
  EXPECT_GT(estimate_bytes(base, 27, 2000000), b);
  // The parameters alone are a lower bound: 4 bytes each, three copies.
  EXPECT_GE(estimate_bytes(base, 27, 0), 12.0 * double(param_table(base.spec(27)).count()));
}

TEST(Bounds, EstimateCoversWhatATrainerHoldsOnTheNames) {
  EV_SKIP_WITHOUT_NAMES();
  auto data = testdata::names_dataset();
  TrainConfig c;
  c.block = 8;
  c.emb = 24;
  c.hidden = 300;
  c.batch = 64;
  Trainer t(data, c);
  t.step();
  std::size_t tokens = 0, floats = 3 * t.model().params.size();  // parameters, gradients, checkpoint
  for (const auto& item : data->items) tokens += item.size() + 1;
  for (Split s : {Split::Train, Split::Val, Split::Test}) floats += t.examples(s).X.size() + t.examples(s).Y.size();
  MlpActivations<float> a;  // the buffers a step of this shape holds
  a.resize(t.model().spec, c.batch);
  for (const auto* m : {&a.emb, &a.h, &a.logits, &a.probs, &a.dlogits, &a.dh, &a.demb}) floats += std::size_t(m->size());
  const double held = 4.0 * double(floats);
  const double estimate = estimate_bytes(c, data->vocab.size(), tokens);
  EXPECT_GE(estimate, held);
  // The estimate also counts evaluation's working set (4096-row chunks), which
  // a step does not hold; beyond that it must not be far above the truth, or
  // it would refuse runs that fit.
  EXPECT_LE(estimate, 4.0 * held);
}

TEST(Bounds, TrainerRefusesWithTheEstimate) {
  try {
    Trainer t(testdata::synthetic_dataset(50), huge_config());
    FAIL() << "accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("GiB of memory"), std::string::npos) << m;
    EXPECT_NE(m.find("hidden 65536"), std::string::npos) << m;
  }
}

TEST(Bounds, ShapeChangeRefusedLeavesTheTrainerAsItWas) {
  Trainer t(testdata::synthetic_dataset(50), TrainConfig{});
  for (int i = 0; i < 3; ++i) t.step();
  const auto params = t.model().params;
  EXPECT_THROW(t.set_config(huge_config()), Error);
  EXPECT_THROW(t.set_batch(Limits::kMaxBatch + 1), Error);
  EXPECT_EQ(t.step_count(), 3);
  EXPECT_EQ(t.model().params, params);
  EXPECT_EQ(t.config().hidden, TrainConfig{}.hidden);
  EXPECT_TRUE(t.step().finite);
}

TEST(Bounds, AppShapeChangeRefusedWithTheEstimate) {
  // The GUI's sliders reach the trainer as commands: a shape that does not fit
  // must leave the run as it was and tell the user why, in the snapshot.
  Worker tt(1, testdata::synthetic_dataset(50), TrainConfig{});
  tt.post(cmd::Step{5});
  ASSERT_TRUE(tt.wait_idle(std::chrono::seconds(60)));
  tt.want_model();
  ASSERT_TRUE(tt.wait_idle(std::chrono::seconds(60)));
  const auto before = tt.snapshot();
  tt.post(cmd::SetModel{testdata::resized(before->spec, Limits::kMaxBlock, Limits::kMaxEmb, Limits::kMaxHidden)});
  tt.want_model();
  ASSERT_TRUE(tt.wait_idle(std::chrono::seconds(60)));
  const auto after = tt.snapshot();
  EXPECT_NE(after->message.find("GiB of memory"), std::string::npos) << after->message;
  EXPECT_EQ(after->step, 5);
  EXPECT_EQ(after->spec, before->spec);
  ASSERT_TRUE(after->model && before->model);
  EXPECT_EQ(after->model->params, before->model->params);
}

TEST(Bounds, SessionFileRefusedBeforeItsParameters) {
  // A session whose header claims a huge model (and holds no parameters): the
  // loader must refuse it on the sizes, not by trying to read or allocate them.
  Session s;
  s.vocab = {".", "a", "b"};
  s.config = huge_config();
  s.loss_capacity = 16;
  s.rng.s[0] = 1;
  try {
    parse_session(encode_session(s), "huge.evs");
    FAIL() << "accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("GiB of memory"), std::string::npos) << m;
    EXPECT_NE(m.find("huge.evs"), std::string::npos) << m;
  }
}

TEST(Bounds, CommandLineRefusesBeforeAllocating) {
  const auto dir = std::filesystem::temp_directory_path() / ("bounds_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "words.txt");
    for (const auto& w : testdata::synthetic_names(100)) f << w << "\n";
  }
  std::string out;
  const int code = run(std::string(EMBEDVIZ_TRAIN_EXE) + " --data " + (dir / "words.txt").string() +
                           " --block 64 --emb 1024 --hidden 65536 --batch 1048576 --steps 1 -q",
                       &out);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("GiB of memory"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  // Had it allocated the model, the child's peak RSS would be gigabytes.
  rusage ru{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
  EXPECT_LT(ru.ru_maxrss, 1024L * 1024L) << "peak RSS of the child, KiB";
}

TEST(Bounds, LossHistoryStaysBoundedOverTenMillionSteps) {
  LossHistory h(1024);
  const std::int64_t n = 10'000'000;
  std::size_t most = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    h.add(i, 1.0f + float(i % 7));
    most = std::max(most, h.points().capacity());
  }
  EXPECT_LE(h.points().size(), h.capacity());
  EXPECT_LE(most, 2 * h.capacity());  // the vector never grew past the bound
  EXPECT_GE(h.points().size(), h.capacity() / 2);
  // The points still cover the whole run in order, each `stride` steps wide.
  ASSERT_FALSE(h.points().empty());
  EXPECT_EQ(h.points().front().step, 0);
  for (std::size_t i = 1; i < h.points().size(); ++i)
    EXPECT_EQ(h.points()[i].step - h.points()[i - 1].step, h.stride());
  EXPECT_EQ(h.points().back().step + h.stride() + h.pending().count, n);
}

namespace {

// A field of /proc/self/status in bytes (VmRSS, VmHWM); 0 when unknown.
double proc_status_bytes(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field + ":", 0) == 0) return 1024.0 * std::stod(line.substr(field.size() + 1));
  return 0;
}

}  // namespace

// The data is counted: memory grows with evaluation threads and with the
// bytes a data set holds, and the estimate in the refusal names both.
TEST(Bounds, EstimateCountsTheDataAndEvaluationThreads) {
  const TrainConfig c;
  EXPECT_GT(estimate_bytes(c, 27, 1000, 0, 64), estimate_bytes(c, 27, 1000, 0, 4));
  EXPECT_EQ(estimate_bytes(c, 27, 1000, 1e9), estimate_bytes(c, 27, 1000) + 1e9);
  EXPECT_GT(dataset_bytes(2000, 1000, 27, 27), dataset_bytes(1000, 1000, 27, 27));
  EXPECT_GT(dataset_bytes(1000, 2000, 27, 27), dataset_bytes(1000, 1000, 27, 27));
  try {
    TrainConfig big = c;
    big.hidden = 65536;
    validate(big, 27, 1000, 0, 256);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("256 evaluation threads"), std::string::npos) << e.what();
  }
}

// The promise measured: loading 20 MB of random printable lines and building
// a trainer on it raises the peak resident size by no more than the estimate,
// and by less than 30 bytes per byte of text (ids, not strings).
TEST(Bounds, MemoryPerByteOfTextIsSmallAndEstimated) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers add their own memory to every allocation";
#endif
  char tmpl[] = "/tmp/embedviz_bounds_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/random.txt";
  std::size_t text_bytes = 0;
  {
    Rng rng(17);
    std::string text;
    while (text.size() < (std::size_t(20) << 20)) {
      for (int j = 0, n = 1 + int(rng.below(30)); j < n; ++j) text += char(' ' + rng.below(95));
      text += '\n';
    }
    std::ofstream(path, std::ios::binary) << text;
    text_bytes = text.size();
  }
  std::ofstream("/proc/self/clear_refs") << "5";  // resets the peak to the current size
  const double before = proc_status_bytes("VmRSS");
  {
    auto data = std::make_shared<const Dataset>(load_dataset(path, Tokenizer::Char, 1));
    Trainer t(data, TrainConfig{});
    t.step();
    const double peak = proc_status_bytes("VmHWM") - before;
    const double estimate = estimate_bytes(t.config(), data->vocab.size(), data->n_tokens + data->items.size(),
                                           dataset_bytes(*data));
    EXPECT_LE(peak, estimate) << "the estimate must cover what a run holds";
    EXPECT_LT(peak / double(text_bytes), 30.0) << peak / double(text_bytes) << " bytes of memory per byte of text";
    std::printf("memory per byte of text: %.1f (estimate %.1f)\n", peak / double(text_bytes),
                estimate / double(text_bytes));
  }
  std::filesystem::remove_all(tmpl);
}

// Runs that train at once are checked together: the data set they share
// counted once, the message naming the --jobs that fits.
TEST(Bounds, RunsAtOnceAreCheckedTogether) {
  const double GiB = double(1ull << 30);
  const std::vector<double> four(4, 3 * GiB);
  EXPECT_NO_THROW(validate_at_once(four, 2, 0));  // 6 GiB
  try {
    validate_at_once(four, 4, 0);  // 12 GiB
    FAIL() << "four runs of 3 GiB at once accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("4 runs at once"), std::string::npos) << m;
    EXPECT_NE(m.find("--jobs 2"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(validate_at_once(four, 4, 2 * GiB));  // 2 GiB shared + 4 x 1 GiB of their own
  EXPECT_THROW(validate_at_once(four, 2, 0, 3 * GiB), Error);  // beside a 3 GiB run already there
  EXPECT_NO_THROW(validate_at_once({}, 8, 0));
}

TEST(Bounds, SweepRefusedWhenItsRunsAtOnceDoNotFit) {
  // Each run alone fits (about 4.7 GiB), four at once do not: refused before any trains.
  std::string out;
  const int code = run(std::string(EMBEDVIZ_TRAIN_EXE) +
                           " --block 8 --emb 256 --hidden 65536 --sweep seed=1,2,3,4 --jobs 4 --steps 1 -q",
                       &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("runs at once"), std::string::npos) << out;
  EXPECT_NE(out.find("--jobs 1"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  rusage ru{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
  EXPECT_LT(ru.ru_maxrss, 1024L * 1024L) << "peak RSS of the child, KiB";
}
