// layout_bench: a cold-start t-SNE (tsne.h) of every row of a word2vec text
// file (a "n d" line, then "token v1 ... vd" per line), timed in its two
// parts: the input affinities (neighbour search and Gaussians) and the
// iterations. tsne_speed.sh sets it beside scikit-learn's Barnes-Hut t-SNE.
//
// Usage: layout_bench FILE [--iterations 1000] [--perplexity 30] [--threads 1]
//                          [--theta 0.5] [--metric euclidean|cosine] [--seed 1]
// The last line of output is a JSON summary.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/layout/tsne.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The vectors of a word2vec text file (n, d); the tokens are skipped.
ev::Mat<float> read_word2vec(const std::string& path) {
  std::ifstream in(path);
  int n = 0, d = 0;
  if (!(in >> n >> d) || n <= 0 || d <= 0) {
    std::fprintf(stderr, "layout_bench: %s: no \"n d\" header\n", path.c_str());
    std::exit(1);
  }
  ev::Mat<float> X(n, d);
  std::string token;
  for (int i = 0; i < n; ++i) {
    in >> token;
    for (int j = 0; j < d; ++j) in >> X(i, j);
    if (!in) {
      std::fprintf(stderr, "layout_bench: %s: row %d is short\n", path.c_str(), i + 1);
      std::exit(1);
    }
  }
  return X;
}

struct Args {
  std::string file;
  int iterations = 1000;
  ev::TsneOptions tsne;
};

Args parse(int argc, char** argv) {
  Args a;
  a.tsne.perplexity = 30;
  a.tsne.metric = ev::Metric::Euclidean;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (flag.rfind("--", 0) != 0) {
      a.file = flag;
      continue;
    }
    if (!value) {
      std::fprintf(stderr, "layout_bench: %s needs a value\n", flag.c_str());
      std::exit(2);
    }
    ++i;
    if (flag == "--iterations") a.iterations = std::atoi(value);
    else if (flag == "--perplexity") a.tsne.perplexity = std::atof(value);
    else if (flag == "--threads") a.tsne.threads = std::atoi(value);
    else if (flag == "--theta") a.tsne.theta = std::atof(value);
    else if (flag == "--seed") a.tsne.seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--metric") a.tsne.metric = std::strcmp(value, "cosine") == 0 ? ev::Metric::Cosine : ev::Metric::Euclidean;
    else {
      std::fprintf(stderr, "layout_bench: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (a.file.empty()) {
    std::fprintf(stderr, "usage: layout_bench FILE [--iterations N] [--perplexity P] [--threads N] [--theta T] "
                         "[--metric euclidean|cosine] [--seed S]\n");
    std::exit(2);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const ev::Mat<float> X = read_word2vec(a.file);
  ev::Tsne tsne(a.tsne);
  const auto t0 = Clock::now();
  tsne.set_table(X);
  const double affinities = seconds_since(t0);
  const auto t1 = Clock::now();
  tsne.run(a.iterations);
  const double descent = seconds_since(t1);
  const double total = seconds_since(t0);
  const double kl = tsne.kl_divergence();
  const char* metric = a.tsne.metric == ev::Metric::Cosine ? "cosine" : "euclidean";
  std::printf("t-SNE of %d x %d (%s, perplexity %g, theta %g, %d threads): affinities %.2f s, "
              "%d iterations %.2f s (%.1f it/s), total %.2f s, KL %.4f\n",
              int(X.rows()), int(X.cols()), metric, a.tsne.perplexity, a.tsne.theta, a.tsne.threads, affinities,
              a.iterations, descent, a.iterations / descent, total, kl);
  std::printf("{\"n\":%d,\"d\":%d,\"metric\":\"%s\",\"threads\":%d,\"iterations\":%d,\"affinities_s\":%.3f,"
              "\"descent_s\":%.3f,\"seconds\":%.3f,\"iterations_per_s\":%.2f,\"kl\":%.5f}\n",
              int(X.rows()), int(X.cols()), metric, a.tsne.threads, a.iterations, affinities, descent, total,
              a.iterations / descent, kl);
  return 0;
}
