// options.cpp: embedviz-train's flags with CLI11. Every CLI11 exception is
// turned into a ParseResult here so the caller decides what to print and when
// to exit.
#include "options.h"

#include <CLI/CLI.hpp>
#include <exception>

namespace ev::cli {

ParseResult parse_train_options(int argc, const char* const* argv) {
  ParseResult r;
  Options& o = r.options;
  ev::TrainConfig& cfg = o.config;
  CLI::App app{"embedviz-train: train the makemore MLP (Bengio et al. 2003) on a text file, headlessly."};
  app.add_option("--data", o.data, "Text file, one item per line (UTF-8). Default: /usr/share/dict/words, "
                                    "lowercased, letters a-z only, duplicates removed");
  app.add_option("--tokenizer", o.tokenizer, "Tokens: 'char' (code points) or 'word' (whitespace-separated)")
      ->check(CLI::IsMember({"char", "word"}));
  app.add_option("--steps", o.steps, "SGD steps")->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--block", cfg.block, "Context length")->check(CLI::Range(1, ev::Limits::kMaxBlock));
  app.add_option("--emb", cfg.emb, "Embedding dimension")->check(CLI::Range(1, ev::Limits::kMaxEmb));
  app.add_option("--hidden", cfg.hidden, "Hidden layer size")->check(CLI::Range(1, ev::Limits::kMaxHidden));
  app.add_option("--batch", cfg.batch, "Minibatch size")->check(CLI::Range(1, ev::Limits::kMaxBatch));
  app.add_option("--lr", cfg.lr, "Learning rate")->check(CLI::Range(ev::Limits::kMinLr, ev::Limits::kMaxLr));
  app.add_option("--lr-decay-step", o.lr_decay_step, "Step from which the rate is lr*lr-decay (default: steps/2)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  app.add_option("--lr-decay", cfg.lr_decay, "Learning-rate factor after the decay step")->check(CLI::Range(0.0, 1e6));
  app.add_option("--seed", cfg.seed, "Seed for the split, the initial parameters and the batches");
  app.add_option("--threads", o.threads, "Threads for evaluating the splits")->check(CLI::Range(1, 256));
  app.add_flag("--json", o.json, "Print a JSON summary as the last line of stdout");
  app.add_flag("-q,--quiet", o.quiet, "No progress on stderr");
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
    r.message = e.what();
    return r;
  } catch (const std::exception& e) {  // CLI11 converters may throw standard exceptions on odd input
    r.exit_code = 2;
    r.message = std::string("bad command line: ") + e.what();
    return r;
  }
  cfg.lr_decay_step = o.lr_decay_step >= 0 ? o.lr_decay_step : o.steps / 2;
  r.run = true;
  return r;
}

}  // namespace ev::cli
