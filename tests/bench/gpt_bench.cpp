// gpt_bench: training steps per second of the transformer at microgpt's
// sizes on names.txt (V 27, d 16, block 16, 4 heads, 1 layer) with a batch of
// 32 items and Adam, a whole step as the trainer takes it: the batch, forward,
// backward, the update. gpt_speed.sh runs it beside the PyTorch peer.
// Also: 2 layers, and the forward and backward alone.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/data/dataset.h"
#include "core/train/trainer.h"

namespace {

std::shared_ptr<const ev::Dataset> names() {
  static const auto d = std::make_shared<const ev::Dataset>(ev::load_dataset(EMBEDVIZ_NAMES, ev::Tokenizer::Char, 42));
  return d;
}

ev::TrainConfig config(int layers) {
  ev::TrainConfig c;
  c.family = "gpt";
  c.block = 16;
  c.emb = 16;
  c.heads = 4;
  c.layers = layers;
  c.batch = 32;
  c.optimizer = "adam";
  c.lr = 0.01;
  c.lr_linear_steps = std::int64_t(1) << 40;  // the rate stays near 0.01 for as long as the benchmark runs
  return c;
}

void BM_GptStep(benchmark::State& state) {
  ev::Trainer t(names(), config(int(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(t.step().loss);
  state.counters["steps_per_s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GptStep)->Arg(1)->Arg(2)->ArgName("layers")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
