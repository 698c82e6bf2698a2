// embedviz-soak: a long run of the app's engine without a window, for
// tests/bench/soak.sh to watch the resident memory of. A Worker trains
// as fast as it can (publishing snapshots and recording validation losses as
// in the app) while this thread plays the UI: it loads the latest snapshot 60
// times a second and reads its parameters and loss curve, as the panels do.
// Not a test: it asserts nothing; soak.sh judges the memory it sees.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/data/data.h"
#include "core/live/worker.h"

int main(int argc, char** argv) {
  std::int64_t steps = 2'000'000;
  std::string data_path;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 < argc && flag == "--steps") {
      steps = std::atoll(argv[i + 1]);
    } else if (i + 1 < argc && flag == "--data") {
      data_path = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: embedviz-soak [--steps N] [--data FILE]\n");
      return 2;
    }
  }
  try {
    ev::DataSpec spec = ev::default_data(42);
    if (!data_path.empty()) spec.source = data_path;
    const std::shared_ptr<const ev::Dataset> data = ev::load_data(spec);
    ev::TrainConfig cfg;
    cfg.lr_decay_step = steps / 2;
    ev::Worker tt(1, data, cfg);
    tt.post(ev::cmd::Play{true});
    const auto t0 = std::chrono::steady_clock::now();
    ev::SnapshotPtr s = tt.snapshot();
    double checksum = 0;  // keeps the reads below from being optimised away
    while (s->step < steps) {
      std::this_thread::sleep_for(std::chrono::milliseconds(16));
      s = tt.snapshot();
      if (s->diverged) {
        std::fprintf(stderr, "embedviz-soak: diverged at step %lld: %s\n", (long long)s->step, s->message.c_str());
        return 1;
      }
      // As the app does: the embedding table every frame, every parameter
      // while a view (sampling) asks for them.
      tt.want_model();
      if (s->C().size()) checksum += s->C()(0, 0);
      if (s->model) checksum += s->model->params[s->model->params.size() / 2];
      if (!s->loss.empty()) checksum += s->loss.back().loss;
    }
    tt.post(ev::cmd::Play{false});
    tt.stop();
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("steps %lld  loss %.4f  val %.4f  loss points %zu (stride %lld)  val points %zu  %.0f steps/s%s\n",
                (long long)s->step, s->smooth_loss, s->val_loss, s->loss.size(), (long long)s->loss_stride,
                s->val.size(), double(s->step) / sec, checksum == 12345.678 ? " " : "");
    return 0;
  } catch (const ev::Error& e) {
    std::fprintf(stderr, "embedviz-soak: %s\n", e.what());
    return 1;
  }
}
