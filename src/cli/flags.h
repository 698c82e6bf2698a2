// flags.h: the flags embedviz-train and embedviz share, declared once: the
// same names, ranges, help and messages in both programs. The model's flags
// come from the families' tables (src/core/models/): every hyperparameter of
// every family is a flag, and a family's defaults are named in its help.
// Not for: a program's own flags (options.cpp, main.cpp), or resolving the
// defaults (ev::apply_defaults in core, called after parsing).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "core/train/config.h"

namespace ev::cli {

// What the shared flags hold while CLI11 parses: each hyperparameter as typed,
// the flags of whole choices (--direct) apart.
struct SharedFlags {
  std::map<std::string, std::string> typed;  // a hyperparameter's value as given, by name
  std::map<std::string, bool> switches;      // a Bool hyperparameter given as a flag
  std::string tokenizer = "char";            // char or word
  std::string sweep;                         // an experiment, PARAM=V1,V2,...; "" = none
  int jobs = 0;                              // runs of an experiment at once; 0: the program's default
};

// Declares --model, every family's hyperparameters, --lr, --batch, --seed,
// --tokenizer, --sweep and --jobs on `app`, the model's and the trainer's
// into `config`, the others into `flags`.
void add_shared_flags(CLI::App& app, SharedFlags& flags, ev::TrainConfig& config);

// After parsing: the hyperparameters given on the command line set in
// `config`, then the defaults resolved (ev::apply_defaults) around what the
// user gave: TrainConfig{}, the family's, the word defaults, the flags.
void resolve_shared_flags(const CLI::App& app, const SharedFlags& flags, ev::TrainConfig& config);

// True when the user gave `flag` ("--block") on the command line.
bool given(const CLI::App& app, const char* flag);

}  // namespace ev::cli
