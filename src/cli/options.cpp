// options.cpp: embedviz-train's flags with CLI11. Every CLI11 exception is
// turned into a ParseResult here so the caller decides what to print and when
// to exit.
#include "options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>

#include "cli/validators.h"
#include "core/error.h"
#include "core/experiment.h"
#include "core/models/mlp.h"
#include "core/models/model.h"  // family(): the shape a family takes
#include "core/optim.h"

namespace ev::cli {

namespace {

// CLI11 quotes the offending argument in its messages; an argument can hold a
// newline or a terminal escape, so control bytes are shown as \xHH to keep the
// message on one harmless line.
std::string one_line(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7F) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[ch >> 4];
      out += hex[ch & 15];
    } else {
      out += char(ch);
    }
  }
  return out;
}

}  // namespace

ParseResult parse_train_options(int argc, const char* const* argv) {
  ParseResult r;
  Options& o = r.options;
  ev::TrainConfig& cfg = o.config;
  cfg.val_every = 0;
  CLI::App app{"embedviz-train: train the makemore MLP (Bengio et al. 2003) or microgpt's transformer on a text "
               "file, headlessly."};
  app.add_option("--data", o.data, "Text file or pipe, one item per line (UTF-8). Default: /usr/share/dict/words, "
                                    "lowercased, letters a-z only, duplicates removed; with --tokenizer word, the "
                                    "glosses of WordNet 3.0 (Debian's wordnet-base)")
      ->check(non_empty_path());
  app.add_option("--tokenizer", o.tokenizer, "Tokens: 'char' (code points) or 'word' (lowercased words of prose, "
                                             "digit runs apart; defaults: --block 8 --emb 30 --hidden 100 "
                                             "--softmax classes --init small --optimizer sparse-adam --lr 0.02 --batch 1024)")
      ->check(CLI::IsMember({"char", "word"}));
  app.add_option("--vocab", o.vocab, "Word runs: vocabulary size, the most frequent words of the training split "
                                     "with the boundary and <unk> (default 17000)")
      ->check(CLI::Range(3, ev::Limits::kMaxVocab));
  std::vector<std::string> family_names;
  for (const ev::Family* f : ev::families()) family_names.push_back(f->name);
  app.add_option("--model", cfg.family, "Model family: " + CLI::detail::join(family_names, ", ") + " (default mlp)")
      ->check(CLI::IsMember(family_names));
  app.add_flag("--direct", cfg.direct, "Direct connections from the context to the output (Bengio et al. 2003)");
  app.add_option("--init", cfg.init, "Initial parameters (mlp): 'normal', every one from N(0,1) as the makemore "
                                     "lecture; 'scaled', W1 by (5/3)/sqrt(block*emb), the output layer by 0.01, as "
                                     "makemore part 3; 'small', scaled with C's rows from N(0, 0.1^2) (default: "
                                     "normal for characters, small for words)")
      ->check(CLI::IsMember(ev::init_names()));
  app.add_option("--softmax", cfg.softmax, "The MLP's output layer: 'full', a softmax over every token; 'classes', "
                                           "factored into a softmax over frequency classes and one over the words "
                                           "of a class (Goodman 2001; Mikolov et al. 2011), exact and far cheaper "
                                           "at a large vocabulary (default: full for characters, classes for words)")
      ->check(CLI::IsMember(ev::softmax_names()));
  app.add_option("--classes", cfg.classes, "Classes of --softmax classes (default: the root of the vocabulary's size)")
      ->check(CLI::Range(1, ev::Limits::kMaxVocab));
  app.add_option("--weight-decay", cfg.weight_decay, "Each step, weights and embeddings (not biases) shrink by "
                                                     "lr * this (Bengio et al. 2003; decoupled as AdamW; default 0)")
      ->check(finite_range(0.0, 0.5));
  app.add_option("--dropout", cfg.dropout, "The MLP: share of hidden units zeroed at each training step, the "
                                           "others scaled up (Srivastava et al. 2014; default 0)")
      ->check(finite_range(0.0, 0.9));
  app.add_option("--steps", o.steps, "SGD steps")->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--block", cfg.block, "Context length (default 3; gpt: 16, the longest item it trains on)")
      ->check(CLI::Range(1, ev::Limits::kMaxBlock));
  app.add_option("--emb", cfg.emb, "Embedding dimension (default 10; gpt: 16)")->check(CLI::Range(1, ev::Limits::kMaxEmb));
  app.add_option("--hidden", cfg.hidden, "Hidden layer size (mlp)")->check(CLI::Range(1, ev::Limits::kMaxHidden));
  app.add_option("--heads", cfg.heads, "Attention heads (gpt; they divide --emb)")
      ->check(CLI::Range(1, ev::Limits::kMaxHeads));
  app.add_option("--layers", cfg.layers, "Transformer blocks (gpt)")->check(CLI::Range(1, ev::Limits::kMaxLayers));
  app.add_option("--batch", cfg.batch, "Minibatch size: contexts (mlp) or whole items (gpt)")
      ->check(CLI::Range(1, ev::Limits::kMaxBatch));
  app.add_option("--optimizer", cfg.optimizer,
                 "sgd, adam, or sparse-adam (Adam that leaves the rows of C and of the output no batch row reached as they are, as PyTorch's SparseAdam; default: sgd for mlp, adam for gpt)")
      ->check(CLI::IsMember(ev::optimizer_names()));
  app.add_option("--lr", cfg.lr, "Learning rate (default 0.1; with adam or sparse-adam 0.01)")
      ->check(finite_range(ev::Limits::kMinLr, ev::Limits::kMaxLr));
  app.add_option("--lr-decay-step", o.lr_decay_step, "Step from which the rate is lr*lr-decay (default: steps/2; with "
                                                     "adam or sparse-adam and neither decay flag, the rate falls linearly to 0 over "
                                                     "the steps instead, as microgpt)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--lr-decay", cfg.lr_decay, "Learning-rate factor after the decay step")->check(finite_range(0.0, 1e6));
  app.add_option("--seed", cfg.seed, "Seed for the initial parameters and the batches (and the split, unless "
                                     "--split-seed is given)")
      ->transform(seed_value());
  app.add_option("--split-seed", o.split_seed, "Seed that shuffles the data into its training, validation and test "
                                               "splits (default: --seed)")
      ->transform(seed_value());
  app.add_option("--val-every", cfg.val_every, "Record the validation loss every N steps (default 0: at the end only)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--threads", o.threads, "Threads for evaluating the splits, and for each step's output layer at a word-level vocabulary")->check(CLI::Range(1, 256));
  app.add_flag("--eval-train", o.eval_train, "At the end, score the whole training split (default: the training loss "
                                             "is the mean batch loss of the last 200 steps)");
  app.add_flag("--json", o.json, "Print a JSON summary as the last line of stdout");
  app.add_flag("-q,--quiet", o.quiet, "No progress on stderr");
  app.add_option("--resume", o.resume, "Continue a saved session: its data (unless --data is given), its "
                                        "hyperparameters and its state; --steps counts further steps")
      ->check(non_empty_path());
  app.add_option("--save-session", o.save_session, "Save the run as a session file at the end (atomically)")
      ->check(non_empty_path());
  app.add_option("--export-tsv", o.export_tsv, "Write vectors.tsv and metadata.tsv for the TensorFlow Embedding "
                                                "Projector into this directory (created if missing)")
      ->check(non_empty_path());
  app.add_option("--export-word2vec", o.export_word2vec, "Write the embeddings in word2vec text format")
      ->check(non_empty_path());
  app.add_option("--export-loss-csv", o.export_loss_csv, "Write the loss history as CSV (step,train_loss,val_loss)")
      ->check(non_empty_path());
  std::vector<std::string> projection;
  app.add_option("--export-projection", projection, "KIND FILE: at the end, map the token table to 2-D (tsne, umap "
                                                    "or pca) and write token,x,y,class as CSV, with progress on a "
                                                    "terminal")
      ->expected(2)
      ->allow_extra_args(false);
  app.add_option("--perplexity", o.perplexity, "t-SNE's perplexity: how many neighbours each point keeps close "
                                               "(default 30)")
      ->check(finite_range(2.0, 1000.0));
  app.add_option("--umap-neighbours", o.umap_neighbours, "UMAP's neighbourhood size (default 15)")
      ->check(CLI::Range(2, 1000));
  app.add_option("--map-distance", o.map_distance, "The maps' distance between rows: cosine or euclidean (default "
                                                   "cosine)")
      ->check(CLI::IsMember({"cosine", "euclidean"}));
  app.add_option("--sweep", o.sweep, "An experiment: train one run per value of one parameter, side by side, e.g. "
                                      "hidden=50,100,200 (hidden, emb, lr, batch, block, seed, direct; model=mlp,gpt for the families)");
  app.add_option("--sweep-out", o.sweep_out, "Write the experiment's results table to FILE.csv and FILE.json")
      ->check(non_empty_path());
  app.add_option("--jobs", o.jobs, "Runs of an experiment that train at once (default: one per core)")
      ->check(CLI::Range(1, 256));
  app.add_option("--budget", o.budget, "Seconds the run takes in all, loading and the final evaluation included "
                                       "(an experiment: per run); with Adam's linear schedule the rate falls to 0 "
                                       "over the budget (default 0: no limit; --steps still caps the steps)")
      ->check(finite_range(0.0, 1e9));
  app.add_flag("--find-lr", o.find_lr, "Find a learning rate: 1,000 steps with the rate rising from 0.001 to 1, "
                                       "loss against rate (with --sweep-out FILE: FILE.csv)");
  app.add_option("--init-vectors", o.init_vectors, "Before training, set the rows of the token table (C; gpt: wte) "
                                                    "of the tokens a file knows: word2vec text (as --export-word2vec "
                                                    "writes) or the Projector's vectors.tsv + metadata.tsv (either "
                                                    "file, or the folder --export-tsv wrote); says how many matched")
      ->check(non_empty_path());
  app.add_flag("--freeze-embeddings", cfg.freeze_embeddings, "Keep the token table fixed: training updates every other "
                                                             "parameter (kept in sessions; with --resume, freezes "
                                                             "a session that was not)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    r.message = app.help();
    return r;
  } catch (const CLI::CallForAllHelp&) {
    r.message = app.help("", CLI::AppFormatMode::All);
    return r;
  } catch (const CLI::Error& e) {
    r.exit_code = 2;
    r.message = one_line(e.what());
    return r;
  } catch (const std::exception& e) {  // CLI11 converters may throw standard exceptions on odd input
    r.exit_code = 2;
    r.message = one_line(std::string("bad command line: ") + e.what());
    return r;
  }
  if (!projection.empty()) {
    o.projection_kind = projection[0];
    o.export_projection = projection[1];
    if (o.projection_kind != "tsne" && o.projection_kind != "umap" && o.projection_kind != "pca") {
      r.exit_code = 2;
      r.message = "--export-projection: the method is tsne, umap or pca, not '" + one_line(o.projection_kind) + "'";
      return r;
    }
    if (o.export_projection.empty()) {
      r.exit_code = 2;
      r.message = "--export-projection: the file name is empty";
      return r;
    }
  }
  // A resumed run keeps the hyperparameters it was saved with: flags that would
  // change them are refused rather than silently ignored.
  if (!o.resume.empty())
    for (const char* flag : {"--tokenizer", "--vocab", "--model", "--direct", "--init", "--softmax", "--classes", "--weight-decay", "--dropout", "--block", "--emb", "--hidden", "--heads",
                             "--layers", "--optimizer", "--batch", "--lr", "--lr-decay-step", "--lr-decay", "--seed",
                             "--split-seed", "--val-every"})
      if (app.count(flag) > 0) {
        r.exit_code = 2;
        r.message = std::string(flag) + " cannot be given with --resume: the session keeps its own hyperparameters";
        return r;
      }
  // An experiment or the finder trains several fresh models: a session to
  // resume, save or export is one run's.
  if (!o.sweep.empty() || o.find_lr)
    for (const char* flag :
         {"--resume", "--save-session", "--export-tsv", "--export-word2vec", "--export-loss-csv", "--init-vectors",
          "--export-projection"})
      if (app.count(flag) > 0) {
        r.exit_code = 2;
        r.message = std::string(flag) + " cannot be given with " + (o.find_lr ? "--find-lr" : "--sweep") +
                    ": they make several runs; train the chosen one on its own";
        return r;
      }
  if (!o.sweep.empty() && o.find_lr) {
    r.exit_code = 2;
    r.message = "--sweep and --find-lr cannot be given together";
    return r;
  }
  for (const char* flag : {"--sweep-out", "--jobs"})
    if (app.count(flag) > 0 && o.sweep.empty() && !(o.find_lr && std::string(flag) == "--sweep-out")) {
      r.exit_code = 2;
      r.message = std::string(flag) + " needs --sweep";
      return r;
    }
  if (!o.sweep.empty()) {
    try {
      ev::parse_sweep(o.sweep);
    } catch (const ev::Error& e) {
      r.exit_code = 2;
      r.message = one_line(std::string("--sweep: ") + e.what());
      return r;
    }
  }
  // The transformer's defaults are microgpt's: block 16, emb 16, Adam at 0.01.
  const ev::TrainConfig usual = ev::family_defaults(cfg.family);
  if (cfg.family == "gpt") {
    if (app.count("--block") == 0) cfg.block = usual.block;
    if (app.count("--emb") == 0) cfg.emb = usual.emb;
  }
  if (app.count("--optimizer") == 0) cfg.optimizer = usual.optimizer;
  if (cfg.optimizer != "sgd" && app.count("--lr") == 0) cfg.lr = ev::default_lr(cfg.optimizer);
  // Word runs of the MLP: the measured defaults (config.h).
  if (o.tokenizer == "word") ev::apply_word_defaults(cfg, [&](const char* flag) { return app.count(flag) > 0; });
  cfg.lr_decay_step = o.lr_decay_step >= 0 ? o.lr_decay_step : o.steps / 2;
  if (cfg.optimizer != "sgd" && app.count("--lr-decay-step") == 0 && app.count("--lr-decay") == 0)
    cfg.lr_linear_steps = std::max<std::int64_t>(o.steps, 1);
  if (app.count("--split-seed") == 0) o.split_seed = cfg.seed;
  // The transformer's heads split the embedding: a shape no run can take is an option error.
  try {
    ev::family(cfg.family).table(cfg.spec(2));
  } catch (const ev::Error& e) {
    r.exit_code = 2;
    r.message = one_line(std::string("--emb, --heads: ") + e.what());
    return r;
  }
  // Flags the run would not use are named, not silently dropped (a sweep of
  // models uses both families' flags).
  const bool both_families = !o.sweep.empty() && ev::parse_sweep(o.sweep).param == "model";
  const auto unused = [&](std::initializer_list<const char*> flags, const std::string& why) {
    for (const char* flag : flags)
      if (app.count(flag) > 0) r.notes.push_back(std::string(flag) + " is not used " + why);
  };
  if (!both_families && cfg.family != "mlp")
    unused({"--hidden", "--direct", "--init", "--softmax", "--classes", "--dropout"}, "by the " + cfg.family + " model");
  if (!both_families && cfg.family != "gpt") unused({"--heads", "--layers"}, "by the " + cfg.family + " model");
  if (o.tokenizer != "word" && o.resume.empty()) unused({"--vocab"}, "with characters (it sizes word vocabularies)");
  if (cfg.family == "mlp" && cfg.softmax != "classes") unused({"--classes"}, "without --softmax classes");
  r.run = true;
  return r;
}

}  // namespace ev::cli
