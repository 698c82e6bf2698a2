// publish_bench: what publishing snapshots costs the trainer at the size of
// Bengio et al.'s (2003) word model: a 17,000-word table C of 17,000 x 30, a
// context of 3, hidden 100, batch 32.
//
// Two ways to train the same run, alternated several times:
//   bare:      a Run stepped on this thread; no snapshot is ever made.
//   published: a Worker (its thread, queue and snapshots about 60 times a
//              second) while this thread plays the UI at 60 Hz: loads the
//              latest snapshot, reads the table and asks for the full
//              parameters every frame (as the sampling view does), which is
//              the worst case.
// Speed is steps per CPU second of the training thread (the worker's CPU time
// is the process's minus the reader's), so other load on the machine changes
// little; steps per wall second are printed too. The bar: publishing costs at
// most 5% of the trainer's steps/s.
// Usage: publish_bench [seconds per trial, default 4] [trials, default 3]
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/base/rng.h"
#include "core/live/run.h"
#include "core/live/worker.h"

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Sentences over `words` distinct words: each word once (so the vocabulary
// holds them all), then Zipf-distributed text, as word frequencies are.
std::vector<std::string> zipf_text(int words, int sentences, int length) {
  std::vector<std::string> lines;
  std::string line;
  for (int w = 0; w < words; ++w) {
    line += "w" + std::to_string(w) + " ";
    if (w % length == length - 1) lines.push_back(std::move(line)), line.clear();
  }
  if (!line.empty()) lines.push_back(line);
  std::vector<double> cdf(static_cast<std::size_t>(words));
  double sum = 0;
  for (int w = 0; w < words; ++w) cdf[std::size_t(w)] = sum += 1.0 / (w + 1);
  ev::Rng rng(7);
  for (int s = 0; s < sentences; ++s) {
    line.clear();
    for (int i = 0; i < length; ++i) {
      const double u = rng.uniform() * sum;
      const auto w = std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
      line += "w" + std::to_string(w) + " ";
    }
    lines.push_back(line);
  }
  return lines;
}

struct Trial {
  double cpu_sps, wall_sps;
};

Trial bare(std::shared_ptr<const ev::Dataset> data, const ev::TrainConfig& cfg, double seconds) {
  ev::Run run(1, std::move(data), cfg);
  run.apply(ev::cmd::Play{true});
  const std::int64_t s0 = run.trainer().step_count();
  const double c0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  const auto t0 = Clock::now();
  run.train_for(t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)), nullptr,
                nullptr);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
  const double steps = double(run.trainer().step_count() - s0);
  return {steps / cpu, steps / wall};
}

Trial published(std::shared_ptr<const ev::Dataset> data, const ev::TrainConfig& cfg, double seconds) {
  ev::Worker worker(1, std::move(data), cfg);
  double checksum = 0;
  const double p0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID), r0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  const std::int64_t s0 = worker.snapshot()->step;
  const auto t0 = Clock::now();
  worker.post(ev::cmd::Play{true});
  while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
    std::this_thread::sleep_for(std::chrono::microseconds(16667));
    worker.want_model();
    const ev::SnapshotPtr s = worker.snapshot();
    checksum += s->C()(s->C().rows() - 1, 0);
    if (s->model) checksum += s->model->params.back();
  }
  const ev::SnapshotPtr last = worker.snapshot();
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double reader = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - r0;
  const double cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - p0 - reader;
  worker.stop();
  const double steps = double(last->step - s0);
  if (checksum == 12345.678) std::printf(" ");  // keeps the reads
  return {steps / cpu, steps / wall};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 4.0;
  const int trials = argc > 2 ? std::atoi(argv[2]) : 3;
  if (seconds <= 0 || trials <= 0) {
    std::fprintf(stderr, "usage: publish_bench [seconds per trial > 0] [trials > 0]\n");
    return 2;
  }
  try {
    const int V = 17000;
    auto data = std::make_shared<const ev::Dataset>(
        ev::make_dataset(zipf_text(V - 1, 60000, 12), ev::Tokenizer::Word, 42, "Zipf-distributed words"));
    ev::TrainConfig cfg;
    cfg.block = 3;
    cfg.emb = 30;
    cfg.hidden = 100;
    cfg.batch = 32;
    cfg.lr = 0.05;
    cfg.val_every = 0;  // validation is the same work either way; leave it out
    std::printf("publish_bench: V %d, C %d x %d, block %d, hidden %d, batch %d; %d trials of %.1f s each way\n",
                data->vocab.size(), data->vocab.size(), cfg.emb, cfg.block, cfg.hidden, cfg.batch, trials, seconds);
    std::vector<double> bare_cpu, pub_cpu, bare_wall, pub_wall;
    for (int t = 0; t < trials; ++t) {
      const Trial b = bare(data, cfg, seconds);
      const Trial p = published(data, cfg, seconds);
      std::printf("  trial %d: bare %.1f steps/cpu-s (%.1f wall), published %.1f steps/cpu-s (%.1f wall)\n", t + 1,
                  b.cpu_sps, b.wall_sps, p.cpu_sps, p.wall_sps);
      bare_cpu.push_back(b.cpu_sps), pub_cpu.push_back(p.cpu_sps);
      bare_wall.push_back(b.wall_sps), pub_wall.push_back(p.wall_sps);
    }
    const double cost = 1.0 - median(pub_cpu) / median(bare_cpu);
    std::printf("publish_bench: median bare %.1f, published %.1f steps per CPU second: publishing costs %.1f%% "
                "(bar 5%%); wall %.1f vs %.1f steps/s\n",
                median(bare_cpu), median(pub_cpu), 100 * cost, median(bare_wall), median(pub_wall));
    std::printf("publish_bench: %s\n", cost <= 0.05 ? "PASS" : "FAIL");
    return cost <= 0.05 ? 0 : 1;
  } catch (const ev::Error& e) {
    std::fprintf(stderr, "publish_bench: %s\n", e.what());
    return 1;
  }
}
