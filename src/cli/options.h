// options.h: embedviz-train's command line, parsed into a struct without side
// effects (no exit(), no printing), so it can be unit-tested and fuzzed.
// Not for: running anything; train_main.cpp acts on the result.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/train/config.h"
#include "core/data/vocab.h"  // kDefaultWordVocab

namespace ev::cli {

// Everything embedviz-train's flags can set.
struct Options {
  std::string data;                 // training text, one item per line; empty: the system word list
                                    // (char) or WordNet's glosses (word)
  std::string tokenizer = "char";   // char or word
  int vocab = ev::kDefaultWordVocab;  // word runs: the vocabulary's size, boundary and <unk> included
  std::int64_t steps = 200000;      // SGD updates
  std::int64_t lr_decay_step = -1;  // -1: half of steps (already applied to config.lr_decay_step)
  std::uint64_t split_seed = 42;    // shuffles the data before the split (default: --seed)
  int threads = 1;                  // threads for evaluation
  bool json = false;                // print a JSON summary as the last line of stdout
  bool quiet = false;               // no progress on stderr
  std::string resume;               // session file to continue (its data, hyperparameters and state); "" = fresh
  std::string save_session;         // write the run as a session file here at the end; "" = none
  std::string export_tsv;           // directory for the Projector's vectors.tsv + metadata.tsv; "" = none
  std::string export_word2vec;      // file for C in word2vec text format; "" = none
  std::string export_loss_csv;      // file for the loss history as CSV; "" = none
  std::string projection_kind;      // --export-projection's method: tsne, umap or pca ("" = none)
  std::string export_projection;    // and its CSV file (token,x,y,class)
  double perplexity = 30;           // t-SNE's perplexity for --export-projection tsne
  int umap_neighbours = 15;         // UMAP's neighbourhood for --export-projection umap
  std::string map_distance = "cosine";  // the maps' distance: cosine or euclidean
  std::string sweep;                // an experiment, PARAM=V1,V2,...; "" = one run
  std::string sweep_out;            // the experiment's results as FILE.csv and FILE.json; "" = none
  int jobs = 0;                     // runs of an experiment training at once; 0 = one per core
  bool eval_train = false;          // score the whole training split at the end (else: the last batches' mean loss)
  double budget = 0;                // an experiment run's wall-time limit in seconds; 0 = none
  bool find_lr = false;             // run the learning-rate finder instead of training
  std::string init_vectors;         // word2vec text or the Projector's TSV pair setting rows of C first; "" = none
  ev::TrainConfig config;           // the hyperparameters, lr_decay_step resolved
  // A config whose family was changed (a model= sweep's run) resolved as
  // `--model FAMILY` with the same flags would be: the defaults, then the schedule.
  std::function<void(ev::TrainConfig&)> resolve_family;
};

// What parsing decided: run with `options`, or stop with `exit_code` and `message`.
struct ParseResult {
  bool run = false;      // true: options are valid, go on
  int exit_code = 0;     // when !run: 0 for --help, 2 for bad options
  std::string message;   // when !run: the help text (exit 0) or a one-line error (exit 2)
  std::vector<std::string> notes;  // when run: one line each, flags given that this run does not use
  Options options;       // the parsed options (meaningful when run)
};

// Parses argv (argv[0] is the program name). Never throws for any input,
// never exits and never prints.
ParseResult parse_train_options(int argc, const char* const* argv);

}  // namespace ev::cli
