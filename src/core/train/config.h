// config.h: the hyperparameters of a training run, their valid ranges, and a
// memory estimate so absurd sizes are refused before anything is allocated.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/base/limits.h"
#include "core/models/model.h"

namespace ev {

struct TrainConfig {
  std::string family = "mlp";           // the model family (models/registry.cpp)
  int block = 3;                        // context length: how many tokens predict the next
  int emb = 10;                         // embedding dimension: numbers per token in C
  int hidden = 200;                     // neurons in the tanh hidden layer
  bool direct = false;                  // direct connections from the context to the logits (Bengio et al. 2003)
  int heads = 4;                        // attention heads (transformer families)
  int layers = 1;                       // transformer blocks (transformer families)
  std::string init = "normal";          // the MLP's initialisation: normal (the lecture's) or scaled (mlp.h)
  std::string softmax = "full";         // the MLP's output layer: full, or classes (class-factored, class_softmax.h)
  int classes = 0;                      // classes of the factored softmax; 0: round(sqrt(V))
  double dropout = 0;                   // the MLP: share of hidden units zeroed at each training step (Srivastava et al. 2014)
  double weight_decay = 0;              // each step, weights (not biases) shrink by lr * weight_decay (decoupled, AdamW)
  int batch = 32;                       // examples per SGD step
  double lr = 0.1;                      // learning rate until lr_decay_step
  std::int64_t lr_decay_step = 100000;  // from this step on the rate is lr * lr_decay
  double lr_decay = 0.1;                // factor applied at lr_decay_step
  std::int64_t lr_linear_steps = 0;     // > 0: instead, the rate falls linearly from lr to 0 over these steps (microgpt)
  std::string optimizer = "sgd";        // sgd, adam or sparse-adam (optim.h)
  std::int64_t val_every = 10000;       // steps between validation losses while training (0: none)
  std::uint64_t seed = 42;              // seeds the initial parameters and the batches (the split has its own)
  bool freeze_embeddings = false;       // the token table (C, wte) keeps its values: no update touches it
  std::map<std::string, double> extra;  // a family's hyperparameters no field above holds (ModelSpec::extra)

  // The model these hyperparameters describe on a vocabulary of `vocab` tokens.
  ModelSpec spec(int vocab) const;
  // Takes the model's hyperparameters from a spec (all but the vocabulary).
  void set_spec(const ModelSpec& s);
  double lr_at(std::int64_t step) const {
    if (lr_linear_steps > 0) return step < lr_linear_steps ? lr * (1.0 - double(step) / double(lr_linear_steps)) : 0.0;
    return step < lr_decay_step ? lr : lr * lr_decay;
  }
};

// A family's usual settings over TrainConfig{}: those its table names for
// characters (the lecture's for the MLP, microgpt's for the transformer:
// block 16, emb 16, Adam at 0.01), then, for a word vocabulary, those it names
// for words (the MLP: Bengio et al.'s model with the settings measured on
// WordNet's glosses, docs/trainer.md).
TrainConfig family_defaults(const std::string& family, bool words = false);

// Resolves a run's settings, the one way both programs, the window's switches
// and the experiments do, in one order: TrainConfig{}, the family's defaults,
// the word defaults (`words`), then what the user set. `given(flag)` says
// whether the user set a setting's flag ("--block", ...): those keep the
// value `c` holds; every other setting either list names takes the family's.
// A validation interval of 0 (validate at the end only) is kept. An optimizer
// given without a rate, of another kind than the family's (SGD against
// Adam), starts at that optimizer's usual rate.
void apply_defaults(TrainConfig& c, bool words, const std::function<bool(const char* flag)>& given);
// `c` as a run of another family would be resolved with the same flags given:
// TrainConfig{} with the family and the settings given taken from `c`, then
// apply_defaults (a sweep over families, experiment.h).
TrainConfig with_family(const TrainConfig& c, const std::string& family, bool words,
                        const std::function<bool(const char* flag)>& given);
// For apply_defaults when the flags given are not known (a run of the window's):
// a setting counts as given when `c` holds another value than its family's default.
std::function<bool(const char* flag)> differs_from_defaults(const TrainConfig& c, bool words);

// Sets one setting by its flag's name without "--" (a family's
// hyperparameter, or the trainer's: optimizer, lr, batch, weight-decay,
// dropout, val-every) from its value as typed; ev::Error when out of range.
void set_setting(TrainConfig& c, const std::string& name, const std::string& value);

// Bytes a run would allocate: five copies of the parameters (parameters,
// gradients, the checkpoint, and a snapshot or a session being saved with its
// encoded bytes), the optimizer's state twice (the run's and the
// checkpoint's), the batch's activations, the examples built from n_tokens
// tokens (boundaries included), `data_bytes` held by the data set itself
// (dataset_bytes()) and the working set of `threads` evaluation threads.
double estimate_bytes(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes = 0,
                      int threads = 1);

// Throws ev::Error naming the first field out of range, or the memory
// estimate when the sizes are in range but together too large.
void validate(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes = 0, int threads = 1);

// Runs that train at once: `each` holds every run's estimate_bytes() (with
// the data set the runs share, `shared_bytes`, in each), `jobs` of them train
// together beside `already` bytes held (the window's own run). Throws
// ev::Error naming the total and the --jobs that fits when the `jobs` largest
// together pass the limit.
void validate_at_once(std::vector<double> each, int jobs, double shared_bytes, double already = 0);

std::string describe(const TrainConfig& c);

}  // namespace ev
