// optim.h: the optimizers a run can use. SGD (the makemore lectures') keeps
// no state; Adam (Kingma & Ba 2015) with microgpt's settings keeps two
// buffers the size of the parameters: the running means of the gradient (m)
// and of its square (v). Its step count t is the trainer's step: a run uses one
// optimizer from its first step on (changing it restarts the run).
//
// sparse-adam is Adam as PyTorch's torch.optim.SparseAdam applies it to an
// embedding's sparse gradient: in a tensor the family says it wrote only some
// rows of (Net::sparse_rows), the other rows keep their values and their
// moments, instead of drifting on momentum alone; every other tensor gets
// Adam. At a vocabulary of 17,000 words a batch looks up a few hundred rows
// of C, and Adam's pass over every row of every table is most of a step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/models/model.h"

namespace ev {

// microgpt's Adam: beta1 0.85, beta2 0.99, eps 1e-8.
struct AdamSettings {
  static constexpr double kBeta1 = 0.85;
  static constexpr double kBeta2 = 0.99;
  static constexpr double kEps = 1e-8;
};

// The optimizers by name, as typed (--optimizer) and saved in sessions.
const std::vector<std::string>& optimizer_names();
// Throws ev::Error naming the choices for an unknown optimizer.
void check_optimizer(const std::string& name);
// The usual learning rate of an optimizer: 0.01 for Adam (microgpt), 0.1 for SGD (makemore).
double default_lr(const std::string& optimizer);

// Floats of state the optimizer keeps for n parameters: 0 for SGD, 2n for
// Adam (m, then v).
std::size_t optimizer_state_size(const std::string& name, std::size_t n_params);

// One update of m.params from m.grads with rate lr; `t` counts updates from 1
// (Adam's bias correction). `state` has optimizer_state_size() floats, zero
// at the start of a run. The `frozen` tensor (null: none) keeps its values and
// its part of the state, as if its rows were not there. Large models are
// updated on up to `threads` threads, with the same numbers as on one.
// sparse-adam takes the rows from `sparse` (null: every tensor dense) and
// applies decoupled weight decay in the same pass, p *= 1 - lr * weight_decay,
// to the weights it updates (tensors of more than one row, not the biases);
// the others leave weight decay to the caller.
template <class T>
void optimizer_update(const std::string& name, Model<T>& m, std::vector<T>& state, T lr, std::int64_t t,
                      const TensorInfo* frozen = nullptr, int threads = 1,
                      const std::vector<SparseRows>* sparse = nullptr, T weight_decay = 0);
// True when the optimizer applies weight decay itself (sparse-adam).
bool optimizer_decays(const std::string& name);

}  // namespace ev
