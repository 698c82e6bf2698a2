// model.h: what every model family shares. A model is a spec (its family and
// hyperparameters), a parameter table (params.h) built from the spec, and one
// allocation of parameters with one of gradients laid out by that table. A
// family adds its forward and backward pair (a Net, with the buffers of one
// batch) and how it frames the data into rows of inputs and targets.
//
// The families live beside this file, one pair of files each:
//   mlp.*  the makemore MLP of Bengio et al. (2003), direct connections optional
//   gpt.*  the tiny transformer of Karpathy's microgpt
// and are listed once, in registry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/params.h"
#include "core/models/class_softmax.h"

namespace ev {

// A model's family and hyperparameters: everything that decides its table.
// A family reads the fields it needs and ignores the others.
struct ModelSpec {
  std::string family = "mlp";
  int vocab = 27;       // V: tokens, the boundary '.' included
  int block = 3;        // context length: tokens that predict the next
  int emb = 10;         // d: embedding dimension, the width of each table row
  int hidden = 200;     // H: neurons in the MLP's tanh hidden layer
  bool direct = false;  // the MLP's direct connections from its input to the logits (Bengio et al. 2003)
  int heads = 4;        // attention heads (transformer families)
  int layers = 1;       // transformer blocks (transformer families)
  std::string init = "normal";  // the MLP's initialisation: "normal", "scaled" or "small" (mlp.h)
  std::string softmax = "full"; // the MLP's output: "full", or "classes" (class_softmax.h)
  int classes = 0;              // K with softmax "classes"; 0: round(sqrt(vocab))
  // The words in classes by their frequency in the training data (the trainer
  // sets them); null: classes of consecutive ids. Not part of ==: they follow
  // from the data.
  std::shared_ptr<const WordClasses> word_classes;
  // Hyperparameters of a family that none of the fields above holds, by the
  // name in its table (Hyperparameter::name).
  std::map<std::string, double> extra;

  bool operator==(const ModelSpec& o) const;
  bool operator!=(const ModelSpec& o) const { return !(*this == o); }
};

// The parameter table of a spec, from its family (ev::Error for an unknown family).
ParamTable param_table(const ModelSpec& spec);

// Parameters and their gradients, in two allocations laid out by `table`.
template <class T>
struct Model {
  ModelSpec spec;
  ParamTable table;
  std::vector<T> params;
  std::vector<T> grads;  // same layout as params

  Model() = default;
  explicit Model(const ModelSpec& s) : spec(s), table(param_table(s)), params(table.count(), T(0)), grads(table.count(), T(0)) {}

  // Views of one tensor by name (ev::Error when the model has none of that name).
  MatMap<T> p(std::string_view name) { return tensor(params.data(), table.at(name)); }
  ConstMatMap<T> p(std::string_view name) const { return tensor(params.data(), table.at(name)); }
  MatMap<T> g(std::string_view name) { return tensor(grads.data(), table.at(name)); }
  ConstMatMap<T> g(std::string_view name) const { return tensor(grads.data(), table.at(name)); }
};

// Converts parameters between scalar types (float model -> double check).
template <class To, class From>
Model<To> cast_model(const Model<From>& m) {
  Model<To> out;
  out.spec = m.spec;
  out.table = m.table;
  out.params.assign(m.params.begin(), m.params.end());
  out.grads.assign(m.params.size(), To(0));
  return out;
}

// B rows of a batch: inputs X (B, in) and targets Y (B, out), row-major token
// ids. A target of -1 is padding and has no loss. Y may be null: forward only.
// The MLP reads a context of `block` ids and predicts one token (out = 1); a
// transformer reads `block` ids and predicts the next at every position.
struct Batch {
  int B = 0, in = 0, out = 1;
  const std::int32_t* X = nullptr;
  const std::int32_t* Y = nullptr;
  // The net fills logits() and probs() for every token; false: the loss (and
  // the backward pass) is all that is wanted, which a factored output layer
  // computes without scoring the whole vocabulary.
  bool full = true;
  // Training only: the share of the hidden units a family with dropout
  // (Srivastava et al. 2014) zeroes in this forward pass, the mask drawn from
  // `dropout_seed`; the others are scaled by 1 / (1 - dropout). 0: none.
  float dropout = 0;
  std::uint64_t dropout_seed = 0;
};

// A tensor whose gradient the last backward pass wrote in some of its rows
// only, every other row exactly zero: where those rows start in the
// allocation, ascending, each `width` numbers long. An optimizer may leave
// the other rows, and their moments, as they are (sparse-adam, optim.h).
struct SparseRows {
  std::size_t tensor_offset = 0;  // the tensor's TensorInfo::offset
  std::size_t width = 0;
  std::vector<std::size_t> starts;
};

// One family's forward and backward in float, with the buffers of one batch
// kept from call to call so a training step allocates nothing.
class Net {
 public:
  virtual ~Net() = default;
  // Mean cross-entropy over the targets of the batch that are not -1 (0 when
  // b.Y is null). Fills logits() and probs().
  virtual float forward(const Model<float>& m, const Batch& b) = 0;
  // After forward() on the same batch: overwrites m.grads with d(loss)/d(params).
  virtual void backward(Model<float>& m, const Batch& b) = 0;
  // After forward() on the same batch: one SGD step at rate lr. Returns false,
  // changing no parameter, when a gradient is not finite. This one runs
  // backward() and moves every parameter by its gradient, but those of the
  // `frozen` tensor (null: none), which keeps its values to the bit; a family
  // may fuse updates into its backward pass (and say which gradients it then
  // leaves out of m.grads).
  virtual bool sgd_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen);
  // forward() then sgd_step() on one training batch, which a family may make
  // one pass: the loss, and in *updated whether the parameters moved (false,
  // nothing changed, when the loss or a gradient is not finite). logits() and
  // probs() are then the batch's, as after forward().
  virtual float sgd_train_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen, bool* updated);
  // Threads a step may use where the family has work that splits (the MLP's
  // output layer at a large vocabulary); one unless set.
  virtual void set_threads(int) {}
  // After backward(): the tensors whose gradients are zero but in listed
  // rows (null: take every gradient as dense).
  virtual const std::vector<SparseRows>* sparse_rows() const { return nullptr; }
  // (B*out, V): the logits and probabilities of every target position of the last forward.
  virtual const Mat<float>& logits() const = 0;
  virtual const Mat<float>& probs() const = 0;
  // After a forward with targets and !b.full: each row's -log p(target), where
  // the family computes it without the whole distribution (null otherwise:
  // read probs()).
  virtual const std::vector<float>* target_losses() const { return nullptr; }
};

// One hyperparameter of a family, as its table lists it: the flag of both
// programs (--NAME), the slider, the sweep's name, the session's key, the
// range validation checks and the results table's column.
struct Hyperparameter {
  enum class Kind { Int, Real, Bool, Choice };
  const char* name;    // as typed: --NAME, NAME=V1,V2 in a sweep
  const char* label;   // for people: the slider's label ("embedding dim")
  Kind kind;
  double lo, hi;       // valid range (Int, Real); Bool: 0 to 1; Choice: unused
  const char* help;    // one line for --help and the slider's tooltip
  bool restarts;       // a change builds a new table: the run starts again
  // Where the value lives in a spec: one of its fields, or none, and then
  // spec.extra[name] (a hyperparameter no other family has).
  int ModelSpec::*int_field = nullptr;
  bool ModelSpec::*bool_field = nullptr;
  std::string ModelSpec::*text_field = nullptr;
  const std::vector<std::string>& (*choices)() = nullptr;  // the names a Choice takes

  // The value as a number (a Choice: its index among choices()).
  double get(const ModelSpec& s) const;
  // The value as typed ("3", "0.5", "classes").
  std::string text(const ModelSpec& s) const;
  // Sets the value from its typed form; ev::Error naming the flag and the
  // range (or the choices) when it is out of them.
  void set(ModelSpec& s, const std::string& typed) const;
  // Throws ev::Error when the spec's value is out of range.
  void check(const ModelSpec& s) const;
};

// What a family is, for views and tools that must not ask its name.
struct FamilyTraits {
  bool whole_items = false;     // trains on whole items, a prediction at every position (else fixed contexts)
  bool position_table = false;  // has a table of positions beside the token table
  bool attention = false;       // has attention weights to show
  bool hidden_layer = false;    // has one tanh hidden layer between the context and the output
  bool class_softmax = false;   // can factor its output layer into classes (class_softmax.h)
};

// Settings by name (a flag without "--", a hyperparameter's or the trainer's)
// and their values as typed: a family's defaults.
using NamedSettings = std::vector<std::pair<std::string, std::string>>;

// A model family: how to build, initialise and run it, and how it frames data.
struct Family {
  const char* name;   // as typed: --model NAME, and as saved in sessions
  const char* title;  // for people
  ParamTable (*table)(const ModelSpec&);
  void (*init)(Model<float>&, std::uint64_t seed);
  std::unique_ptr<Net> (*make_net)(const ModelSpec&);
  // The rows a split trains on.
  Examples (*examples)(const Dataset&, Split, const ModelSpec&);
  // One input row (in ids) for predicting the token after `context`; returns
  // the row's output position that holds that prediction.
  int (*context_row)(const ModelSpec&, const std::vector<int>& context, std::int32_t* row);
  // Floats of activations and gradients a batch of `rows` rows holds.
  double (*activation_floats)(const ModelSpec&, double rows);
  // Floating-point operations of one training step (forward and backward) on `batch` rows.
  double (*step_flops)(const ModelSpec&, int batch);
  // The names of the tables whose rows are tokens or positions, first the token table.
  std::vector<std::string> (*embeddings)(const ModelSpec&);
  // Its hyperparameters: the fields of a spec it reads, in the order flags and sliders show them.
  const std::vector<Hyperparameter>& (*hyperparameters)();
  FamilyTraits traits;
  // Its usual settings over TrainConfig{}, for characters (words false) or
  // for a word vocabulary (applied after those for characters).
  NamedSettings (*defaults)(bool words);
  // What one of its tensors is for, for people ("token embedding"; "" for none it names).
  const char* (*role)(const std::string& tensor);

  // A hyperparameter of this family by name (null: it has none of that name).
  const Hyperparameter* hyperparameter(const std::string& name) const;
};

// Every family, in menu order; the first is the default.
const std::vector<const Family*>& families();
// A family by name; ev::Error naming the choices for an unknown one.
const Family& family(const std::string& name);
// Adds a family to the list (a family of one's own, as a test defines); one of
// the same name is replaced.
void register_family(const Family* f);
// Every family's hyperparameters by name, each once (the first family's entry
// for a name several share), in the families' order: the flags of both programs.
std::vector<const Hyperparameter*> all_hyperparameters();

// Parameters from the family's initialisation, seeded and reproducible.
void init_model(Model<float>& m, std::uint64_t seed);

// params -= lr * grads, over the whole allocation but the `frozen` tensor (null: none).
template <class T>
void sgd_update(Model<T>& m, T lr, const TensorInfo* frozen = nullptr);

// True when `t` is the frozen tensor (the same block of the allocation).
inline bool is_frozen(const TensorInfo& t, const TensorInfo* frozen) {
  return frozen && frozen->offset == t.offset && frozen->size() == t.size() && t.size() > 0;
}

// Probabilities of the next token after a context of ids (the family decides
// how much of it it reads: the MLP its last `block`, padded with the boundary).
std::vector<float> next_token_probs(const Model<float>& m, const std::vector<int>& context);

}  // namespace ev
