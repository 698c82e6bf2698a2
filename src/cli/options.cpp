// options.cpp: embedviz-train's flags with CLI11. Every CLI11 exception is
// turned into a ParseResult here so the caller decides what to print and when
// to exit.
#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <set>

#include "cli/flags.h"
#include "cli/validators.h"
#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/models/mlp.h"
#include "core/models/model.h"  // family(): the shape a family takes
#include "core/models/optim.h"

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

namespace {

// The training run's own flags: its regularisation, optimizer, schedule, seeds and output.
void add_training_flags(CLI::App& app, Options& o) {
  app.add_option("--weight-decay", o.config.weight_decay, "Each step, weights and embeddings (not biases) shrink by "
                                                     "lr * this (Bengio et al. 2003; decoupled as AdamW; default 0)")
      ->check(finite_range(0.0, 0.5));
  app.add_option("--dropout", o.config.dropout, "The MLP: share of hidden units zeroed at each training step, the "
                                           "others scaled up (Srivastava et al. 2014; default 0)")
      ->check(finite_range(0.0, 0.9));
  app.add_option("--optimizer", o.config.optimizer,
                 "sgd, adam, or sparse-adam (Adam that leaves the rows of C and of the output no batch row reached as they are, as PyTorch's SparseAdam; default: sgd for mlp, adam for gpt)")
      ->check(CLI::IsMember(ev::optimizer_names()));
  app.add_option("--steps", o.steps, "SGD steps")->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--lr-decay-step", o.lr_decay_step, "Step from which the rate is lr*lr-decay (default: steps/2; with "
                                                     "adam or sparse-adam and neither decay flag, the rate falls linearly to 0 over "
                                                     "the steps instead, as microgpt)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--lr-decay", o.config.lr_decay, "Learning-rate factor after the decay step")->check(finite_range(0.0, 1e6));
  app.add_option("--split-seed", o.split_seed, "Seed that shuffles the data into its training, validation and test "
                                               "splits (default: --seed)")
      ->transform(seed_value());
  app.add_option("--val-every", o.config.val_every, "Record the validation loss every N steps (default 0: at the end only)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--threads", o.threads, "Threads for evaluating the splits, and for each step's output layer at a word-level vocabulary")->check(CLI::Range(1, 256));
  app.add_flag("--eval-train", o.eval_train, "At the end, score the whole training split (default: the training loss "
                                             "is the mean batch loss of the last 200 steps)");
  app.add_flag("--json", o.json, "Print a JSON summary as the last line of stdout");
  app.add_flag("-q,--quiet", o.quiet, "No progress on stderr");
}

// Sessions, exports and maps written at the end; the projection's two words land in `projection`.
void add_output_flags(CLI::App& app, Options& o, std::vector<std::string>& projection) {
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
  app.add_option("--init-vectors", o.init_vectors, "Before training, set the rows of the token table (C; gpt: wte) "
                                                    "of the tokens a file knows: word2vec text (as --export-word2vec "
                                                    "writes) or the Projector's vectors.tsv + metadata.tsv (either "
                                                    "file, or the folder --export-tsv wrote); says how many matched")
      ->check(non_empty_path());
  app.add_flag("--freeze-embeddings", o.config.freeze_embeddings, "Keep the token table fixed: training updates every other "
                                                             "parameter (kept in sessions; with --resume, freezes "
                                                             "a session that was not)");
}

// Experiments and the learning-rate finder.
void add_experiment_flags(CLI::App& app, Options& o) {
  app.add_option("--sweep-out", o.sweep_out, "Write the experiment's results table to FILE.csv and FILE.json")
      ->check(non_empty_path());
  app.add_option("--budget", o.budget, "Seconds the run takes in all, loading and the final evaluation included "
                                       "(an experiment: per run); with Adam's linear schedule the rate falls to 0 "
                                       "over the budget (default 0: no limit; --steps still caps the steps)")
      ->check(finite_range(0.0, 1e9));
  app.add_flag("--find-lr", o.find_lr, "Find a learning rate: 1,000 steps with the rate rising from 0.001 to 1, "
                                       "loss against rate (with --sweep-out FILE: FILE.csv)");
}

// Parses the command line; false with r's message (help, or an error) when the run stops here.
bool parse_flags(CLI::App& app, int argc, const char* const* argv, ParseResult& r) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    r.message = app.help();
    return false;
  } catch (const CLI::CallForAllHelp&) {
    r.message = app.help("", CLI::AppFormatMode::All);
    return false;
  } catch (const CLI::Error& e) {
    r.exit_code = 2;
    r.message = one_line(e.what());
    return false;
  } catch (const std::exception& e) {  // CLI11 converters may throw standard exceptions on odd input
    r.exit_code = 2;
    r.message = one_line(std::string("bad command line: ") + e.what());
    return false;
  }
  return true;
}

// Checks that need more than one flag; false with r's message at the first that fails.
bool check_flag_pairs(const CLI::App& app, const std::vector<std::string>& projection, ParseResult& r) {
  Options& o = r.options;
  if (!projection.empty()) {
    o.projection_kind = projection[0];
    o.export_projection = projection[1];
    if (o.projection_kind != "tsne" && o.projection_kind != "umap" && o.projection_kind != "pca") {
      r.exit_code = 2;
      r.message = "--export-projection: the method is tsne, umap or pca, not '" + one_line(o.projection_kind) + "'";
      return false;
    }
    if (o.export_projection.empty()) {
      r.exit_code = 2;
      r.message = "--export-projection: the file name is empty";
      return false;
    }
  }
  // A resumed run keeps the hyperparameters it was saved with: flags that would
  // change them are refused rather than silently ignored.
  std::vector<std::string> kept = {"--tokenizer", "--vocab", "--model", "--weight-decay", "--dropout", "--optimizer",
                                    "--batch", "--lr", "--lr-decay-step", "--lr-decay", "--seed", "--split-seed",
                                    "--val-every"};
  for (const ev::Hyperparameter* h : ev::all_hyperparameters()) kept.push_back("--" + std::string(h->name));
  if (!o.resume.empty())
    for (const std::string& flag : kept)
      if (app.count(flag) > 0) {
        r.exit_code = 2;
        r.message = flag + " cannot be given with --resume: the session keeps its own hyperparameters";
        return false;
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
        return false;
      }
  if (!o.sweep.empty() && o.find_lr) {
    r.exit_code = 2;
    r.message = "--sweep and --find-lr cannot be given together";
    return false;
  }
  for (const char* flag : {"--sweep-out", "--jobs"})
    if (app.count(flag) > 0 && o.sweep.empty() && !(o.find_lr && std::string(flag) == "--sweep-out")) {
      r.exit_code = 2;
      r.message = std::string(flag) + " needs --sweep";
      return false;
    }
  return true;
}

// The learning rate's schedule over the run's steps, once the optimizer is known.
void schedule(ev::TrainConfig& cfg, std::int64_t steps, std::int64_t decay_step, bool decay_given) {
  cfg.lr_decay_step = decay_step >= 0 ? decay_step : steps / 2;
  cfg.lr_linear_steps = cfg.optimizer != "sgd" && !decay_given ? std::max<std::int64_t>(steps, 1) : 0;
}

// How a model= sweep's runs resolve their family: with_family (the defaults
// around the flags given here), then the schedule, as parsing `--model FAMILY` does.
std::function<void(ev::TrainConfig&)> family_resolver(const CLI::App& app, const Options& o, bool words) {
  std::set<std::string> flags;
  for (const CLI::Option* opt : app.get_options())
    if (opt->count() > 0)
      for (const std::string& name : opt->get_lnames()) flags.insert("--" + name);
  const bool decay_given = flags.count("--lr-decay-step") > 0 || flags.count("--lr-decay") > 0;
  return [flags, steps = o.steps, decay_step = o.lr_decay_step, words, decay_given](ev::TrainConfig& c) {
    c = ev::with_family(c, c.family, words, [&](const char* flag) { return flags.count(flag) > 0; });
    schedule(c, steps, decay_step, decay_given);
  };
}

// Flags the run would not use are named, not silently dropped (a sweep of
// models uses both families' flags).
void note_unused(const CLI::App& app, ParseResult& r) {
  const Options& o = r.options;
  const ev::TrainConfig& cfg = o.config;
  const bool both_families = !o.sweep.empty() && ev::parse_sweep(o.sweep).param == "model";
  const auto unused = [&](std::initializer_list<const char*> flags, const std::string& why) {
    for (const char* flag : flags)
      if (app.count(flag) > 0) r.notes.push_back(std::string(flag) + " is not used " + why);
  };
  const ev::Family& f = ev::family(cfg.family);
  if (!both_families)
    for (const ev::Hyperparameter* h : ev::all_hyperparameters())
      if (!f.hyperparameter(h->name)) unused({("--" + std::string(h->name)).c_str()}, "by the " + cfg.family + " model");
  if (!both_families && !f.traits.hidden_layer) unused({"--dropout"}, "by the " + cfg.family + " model");
  if (o.tokenizer != "word" && o.resume.empty()) unused({"--vocab"}, "with characters (it sizes word vocabularies)");
  if (f.traits.class_softmax && cfg.softmax != "classes") unused({"--classes"}, "without --softmax classes");
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
  ev::cli::SharedFlags shared;
  add_shared_flags(app, shared, cfg);
  app.add_option("--vocab", o.vocab, "Word runs: vocabulary size, the most frequent words of the training split "
                                     "with the boundary and <unk> (default 17000)")
      ->check(CLI::Range(3, ev::Limits::kMaxVocab));
  add_training_flags(app, o);
  std::vector<std::string> projection;
  add_output_flags(app, o, projection);
  add_experiment_flags(app, o);
  if (!parse_flags(app, argc, argv, r)) return r;
  o.tokenizer = shared.tokenizer;
  o.sweep = shared.sweep;
  o.jobs = shared.jobs;
  if (!check_flag_pairs(app, projection, r)) return r;
  // The defaults in core's one order: TrainConfig{}, the family's, the word defaults, the flags.
  resolve_shared_flags(app, shared, cfg);
  o.resolve_family = family_resolver(app, o, shared.tokenizer == "word");
  schedule(cfg, o.steps, o.lr_decay_step, app.count("--lr-decay-step") > 0 || app.count("--lr-decay") > 0);
  if (app.count("--split-seed") == 0) o.split_seed = cfg.seed;
  // The transformer's heads split the embedding: a shape no run can take is an option error.
  try {
    ev::family(cfg.family).table(cfg.spec(2));
  } catch (const ev::Error& e) {
    r.exit_code = 2;
    r.message = one_line(std::string("--emb, --heads: ") + e.what());
    return r;
  }
  note_unused(app, r);
  r.run = true;
  return r;
}

}  // namespace ev::cli
