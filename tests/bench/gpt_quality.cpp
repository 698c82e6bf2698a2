// gpt_quality: the transformer at its defaults on names.txt for N steps, with
// what the PyTorch peer needs to train the same model from the same start:
// writes into DIR the initial parameters (float32, in the parameter table's
// order), the table, and the training and validation rows (int32 X and Y,
// (rows, block) each); then trains and prints one JSON line with the
// validation loss. gpt_quality.sh runs it and tests/bench/gpt_torch_peer.py.
// Usage: gpt_quality names.txt DIR [steps] [seed]
#include <cstdio>
#include <fstream>
#include <string>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/train/trainer.h"

namespace {

template <class T>
void write_raw(const std::string& path, const std::vector<T>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  if (!f) throw ev::Error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gpt_quality names.txt DIR [steps] [seed]\n");
    return 2;
  }
  try {
    const std::string dir = argv[2];
    const long steps = argc > 3 ? std::stol(argv[3]) : 1000;
    ev::TrainConfig c;  // embedviz-train --model gpt's defaults
    c.family = "gpt";
    c.block = 16;
    c.emb = 16;
    c.batch = 32;
    c.optimizer = "adam";
    c.lr = 0.01;
    c.lr_linear_steps = steps;
    c.seed = argc > 4 ? std::stoull(argv[4]) : 42;
    auto data = std::make_shared<const ev::Dataset>(ev::load_dataset(argv[1], ev::Tokenizer::Char, 42));
    ev::Trainer t(data, c);
    write_raw(dir + "/params.f32", t.model().params);
    std::ofstream table(dir + "/table.txt");
    for (const ev::TensorInfo& ti : t.model().table.tensors()) table << ti.name << " " << ti.rows << " " << ti.cols << "\n";
    for (ev::Split s : {ev::Split::Train, ev::Split::Val}) {
      const std::string name = s == ev::Split::Train ? "train" : "val";
      write_raw(dir + "/" + name + "_X.i32", t.examples(s).X);
      write_raw(dir + "/" + name + "_Y.i32", t.examples(s).Y);
    }
    const double before = t.evaluate(ev::Split::Val);
    for (long i = 0; i < steps; ++i)
      if (!t.step().finite) throw ev::Error("diverged");
    std::printf("{\"steps\": %ld, \"seed\": %llu, \"val_before\": %.6f, \"val_loss\": %.6f, \"block\": %d, \"vocab\": %d}\n",
                steps, (unsigned long long)c.seed, before, t.evaluate(ev::Split::Val), c.block, data->vocab.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpt_quality: %s\n", e.what());
    return 1;
  }
}
