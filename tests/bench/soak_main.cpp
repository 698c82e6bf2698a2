// embedviz-soak: a long training run shaped like the app's trainer thread, for
// tests/bench/soak.sh to watch the resident memory of. It steps, publishes a
// Snapshot (parameters, loss curve, last batch) every 1000 steps and records
// the validation loss every 20000, as the app does; readers drop old snapshots.
// Not a test: it asserts nothing; soak.sh judges the memory it sees.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/dataset.h"
#include "core/error.h"
#include "core/snapshot.h"
#include "core/trainer.h"

int main(int argc, char** argv) {
  std::int64_t steps = 2'000'000;
  std::string data_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--steps") {
      steps = std::atoll(argv[i + 1]);
    } else if (flag == "--data") {
      data_path = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: embedviz-soak [--steps N] [--data FILE]\n");
      return 2;
    }
  }
  try {
    std::shared_ptr<const ev::Dataset> data =
        data_path.empty() ? std::make_shared<const ev::Dataset>(ev::make_dataset(
                                ev::default_words(), ev::Tokenizer::Char, 42, ev::kDefaultWordList))
                          : std::make_shared<const ev::Dataset>(ev::load_dataset(data_path, ev::Tokenizer::Char, 42));
    ev::TrainConfig cfg;
    cfg.lr_decay_step = steps / 2;
    ev::Trainer t(data, cfg);
    std::shared_ptr<const ev::Snapshot> latest;  // what a UI frame would hold
    std::uint64_t version = 0;
    float smooth = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < steps; ++i) {
      const ev::StepResult r = t.step();
      if (!r.finite) {
        std::fprintf(stderr, "embedviz-soak: diverged at step %lld\n", (long long)t.step_count());
        return 1;
      }
      smooth = i == 0 ? r.loss : 0.99f * smooth + 0.01f * r.loss;
      if (t.step_count() % 20000 == 0) t.record_val();
      if (t.step_count() % 1000 == 0) {
        auto s = std::make_shared<ev::Snapshot>();
        s->version = ++version;
        s->step = t.step_count();
        s->config = t.config();
        s->data = data;
        s->shape = t.model().shape;
        s->params = t.model().params;
        s->loss = t.history().points();
        s->loss_stride = t.history().stride();
        s->val = t.history().val;
        s->last_loss = r.loss;
        s->smooth_loss = smooth;
        std::atomic_store(&latest, std::shared_ptr<const ev::Snapshot>(std::move(s)));
      }
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("steps %lld  loss %.4f  loss points %zu (stride %lld)  val points %zu  %.0f steps/s\n",
                (long long)steps, smooth, t.history().points().size(), (long long)t.history().stride(),
                t.history().val.size(), double(steps) / sec);
    return 0;
  } catch (const ev::Error& e) {
    std::fprintf(stderr, "embedviz-soak: %s\n", e.what());
    return 1;
  }
}
