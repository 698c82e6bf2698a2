// embedviz-words: the default word corpus's figures and the time to load it:
// reading WordNet's glosses, building the data set (tokens, split, vocabulary),
// the parts of speech, the Kneser-Ney trigram and its validation perplexity,
// and the n-gram blow-up beside the network's parameter count. Run by words.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/train/config.h"
#include "core/data/data.h"
#include "core/base/error.h"
#include "core/models/ngram.h"
#include "core/data/wordnet.h"

namespace {

using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  try {
    // The fastest of several loads: the others are the same work with a colder or busier machine.
    double best_read = 1e9, best_build = 1e9, best_classes = 1e9, best_total = 1e9;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = clock_type::now();
      const std::vector<std::string> glosses = ev::wordnet_glosses();
      const double read = since(t0);
      const auto t1 = clock_type::now();
      const ev::Dataset d = ev::make_dataset(glosses, ev::Tokenizer::Word, 42, ev::wordnet_source());
      const double build = since(t1);
      const auto t2 = clock_type::now();
      const std::vector<ev::WordClass> classes = ev::wordnet_classes(d.vocab);
      best_classes = std::min(best_classes, since(t2));
      best_read = std::min(best_read, read);
      best_build = std::min(best_build, build);
      const auto t3 = clock_type::now();
      const auto kept = ev::load_data(ev::default_word_data());  // freed after the clock stops
      best_total = std::min(best_total, since(t3));
    }
    std::printf("load: %.3f s in all (glosses %.3f s, tokens and vocabulary %.3f s, parts of speech %.3f s), best of %d\n",
                best_total, best_read, best_build, best_classes, repeats);

    const auto data = ev::load_data(ev::default_word_data());
    const ev::Dataset& d = *data;
    std::size_t classes[ev::kWordClasses] = {};
    for (ev::WordClass c : d.classes) ++classes[int(c)];
    std::printf("corpus: %zu glosses, %zu words, %zu distinct in the training split; vocabulary %d covers %.2f%%\n",
                d.items.size(), d.n_tokens, d.train_types, d.vocab.size(), 100 * d.coverage());
    std::printf("parts of speech:");
    for (int c = 0; c < ev::kWordClasses; ++c) std::printf(" %s %zu", ev::word_class_name(ev::WordClass(c)), classes[c]);
    std::printf("\n");

    const auto t4 = clock_type::now();
    const ev::KneserNey kn(d);
    const double count = since(t4);
    const auto t5 = clock_type::now();
    const double ppl = kn.perplexity(d, ev::Split::Val);
    std::printf("Kneser-Ney trigram: val perplexity %.2f, test %.2f (discounts %.3f %.3f %.3f; counted in %.3f s, "
                "validation scored in %.3f s)\n",
                ppl, kn.perplexity(d, ev::Split::Test), kn.discounts()[0], kn.discounts()[1], kn.discounts()[2], count,
                since(t5));
    ev::TrainConfig cfg;
    cfg.block = 3;
    cfg.emb = 30;
    cfg.hidden = 100;
    const std::size_t params = ev::param_table(cfg.spec(d.vocab.size())).count();
    cfg.direct = true;
    const std::size_t direct = ev::param_table(cfg.spec(d.vocab.size())).count();
    const double V = d.vocab.size();
    std::printf("n-gram blow-up: %zu distinct trigrams seen; a full table needs V^3 = %.3g entries; the network "
                "has %zu parameters (%zu with direct connections)\n",
                kn.distinct_trigrams(), V * V * V, params, direct);
    return 0;
  } catch (const ev::Error& e) {
    std::fprintf(stderr, "embedviz-words: %s\n", e.what());
    return 1;
  }
}
