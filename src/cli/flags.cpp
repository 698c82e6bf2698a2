// flags.cpp: the flags both programs share, from the families' tables.
#include "cli/flags.h"

#include <algorithm>
#include <vector>

#include "cli/validators.h"
#include "core/base/error.h"
#include "core/live/experiment.h"

namespace ev::cli {

namespace {

// "(mlp, gpt; default: mlp 3, gpt 16)": which families read a hyperparameter
// and where each starts, from their tables and defaults.
std::string family_note(const ev::Hyperparameter& h) {
  std::string users, starts;
  std::size_t n = 0;
  for (const ev::Family* f : ev::families()) {
    if (!f->hyperparameter(h.name)) continue;
    ++n;
    users += (users.empty() ? "" : ", ") + std::string(f->name);
    const ev::TrainConfig usual = ev::family_defaults(f->name);
    starts += (starts.empty() ? "" : ", ") + std::string(f->name) + " " + h.text(usual.spec(2));
  }
  return " (" + (n < ev::families().size() ? users + "; " : std::string()) + "default: " + starts + ")";
}

// The word defaults of each family: "mlp: block 8, emb 30, ...".
std::string word_defaults_note() {
  std::string out;
  for (const ev::Family* f : ev::families()) {
    std::string settings;
    for (const auto& [name, value] : f->defaults(true)) settings += (settings.empty() ? " " : ", ") + name + " " + value;
    if (!settings.empty()) out += (out.empty() ? "" : "; ") + std::string(f->name) + ":" + settings;
  }
  return out;
}

// A check that sets the value on a scratch spec: the table's range and message.
CLI::Validator hyperparameter_check(const ev::Hyperparameter* h) {
  return CLI::Validator(
      [h](std::string& s) -> std::string {
        try {
          ev::ModelSpec scratch;
          h->set(scratch, s);
          return "";
        } catch (const ev::Error& e) {
          return e.what();
        }
      },
      h->kind == ev::Hyperparameter::Kind::Choice ? "NAME" : "NUMBER");
}

void add_hyperparameter_flags(CLI::App& app, SharedFlags& flags) {
  for (const ev::Hyperparameter* h : ev::all_hyperparameters()) {
    const std::string flag = "--" + std::string(h->name);
    const std::string help = h->help + family_note(*h);
    if (h->kind == ev::Hyperparameter::Kind::Bool)
      app.add_flag(flag, flags.switches[h->name], help);
    else
      app.add_option(flag, flags.typed[h->name], help)->check(hyperparameter_check(h));
  }
}

}  // namespace

bool given(const CLI::App& app, const char* flag) {
  try {
    return app.count(flag) > 0;
  } catch (const CLI::OptionNotFound&) {
    return false;  // a flag this program does not have
  }
}

void add_shared_flags(CLI::App& app, SharedFlags& flags, ev::TrainConfig& config) {
  std::vector<std::string> family_names;
  for (const ev::Family* f : ev::families()) family_names.push_back(f->name);
  app.add_option("--model", config.family, "Model family: " + CLI::detail::join(family_names, ", ") + " (default " +
                                               family_names.front() + ")")
      ->check(CLI::IsMember(family_names));
  app.add_option("--tokenizer", flags.tokenizer, "Tokens: 'char' (code points) or 'word' (lowercased words of prose, "
                                                 "digit runs apart; default data: WordNet's glosses; word defaults: " +
                                                     word_defaults_note() + ")")
      ->check(CLI::IsMember({"char", "word"}));
  add_hyperparameter_flags(app, flags);
  app.add_option("--batch", config.batch, "Minibatch size: contexts, or whole items for a family that trains on them")
      ->check(CLI::Range(1, ev::Limits::kMaxBatch));
  app.add_option("--lr", config.lr, "Learning rate (default 0.1; with adam or sparse-adam 0.01)")
      ->check(finite_range(ev::Limits::kMinLr, ev::Limits::kMaxLr));
  app.add_option("--seed", config.seed, "Seed for the initial parameters and the batches, and for the split unless "
                                        "a split seed is given")
      ->transform(seed_value());
  std::string params;
  for (const std::string& p : ev::sweep_params()) params += (params.empty() ? "" : ", ") + p;
  app.add_option("--sweep", flags.sweep, "An experiment: train one run per value of one parameter, side by side, e.g. "
                                         "hidden=50,100,200 (" + params + "; model=" +
                                             CLI::detail::join(family_names, ",") + " for the families)")
      ->check([](const std::string& v) {
        try {
          ev::parse_sweep(v);
          return std::string();
        } catch (const ev::Error& e) {
          return std::string(e.what());
        }
      });
  app.add_option("--jobs", flags.jobs, "Runs of an experiment that train at once (default: one per core; the "
                                       "window keeps one for itself)")
      ->check(CLI::Range(1, 64));
}

void resolve_shared_flags(const CLI::App& app, const SharedFlags& flags, ev::TrainConfig& config) {
  // Every hyperparameter given is set, read by this family or not (a sweep of
  // families reads another's), but for one no spec field holds.
  for (const ev::Hyperparameter* h : ev::all_hyperparameters()) {
    const std::string flag = "--" + std::string(h->name);
    const bool field = h->int_field || h->bool_field || h->text_field;
    if (!given(app, flag.c_str()) || (!field && !ev::family(config.family).hyperparameter(h->name))) continue;
    ev::ModelSpec spec = config.spec(2);
    h->set(spec, h->kind == ev::Hyperparameter::Kind::Bool ? "1" : flags.typed.at(h->name));
    config.set_spec(spec);
  }
  ev::apply_defaults(config, flags.tokenizer == "word", [&](const char* flag) { return given(app, flag); });
}

}  // namespace ev::cli
