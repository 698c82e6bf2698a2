// mlp.h: the makemore MLP (Bengio et al. 2003): a context of `block` token ids
// -> rows of the embedding table C -> concatenated -> tanh hidden layer ->
// logits over the vocabulary -> mean cross-entropy. With `direct`, the
// paper's direct connections add a linear map from the concatenated context
// straight to the logits: y = b2 + x Wd + tanh(b1 + x W1) W2.
//
// Forward and backward are written by hand with Eigen, a pair of templates on
// the scalar: float for training, double for gradient checks. Shapes: B batch
// rows, k = block, d = emb, H = hidden, V = vocab.
#pragma once

#include "core/models/model.h"

namespace ev {

// The tensors, in allocation order (Wd only with direct connections). With
// the class-factored softmax, Wo (V, H), bo (1, V), Wc (K, H), bc (1, K) take
// the places of W2 and b2 (and there are no direct connections).
enum MlpTensor { kMlpC, kMlpW1, kMlpb1, kMlpW2, kMlpb2, kMlpWd };
enum MlpClassTensor { kMlpWo = 3, kMlpbo, kMlpWc, kMlpbc };

// C (V, d) [embedding], W1 (k*d, H), b1 (1, H), W2 (H, V), b2 (1, V), Wd (k*d, V).
ParamTable mlp_table(const ModelSpec& s);

// The output layers spec.softmax may name, and the check (ev::Error otherwise,
// or for classes with direct connections or a class count out of range).
const std::vector<std::string>& softmax_names();
void check_softmax(const ModelSpec& s);
// The classes of a spec with softmax "classes": its word_classes, or K
// classes of consecutive ids where it has none.
const WordClasses& mlp_classes(const ModelSpec& s);
int mlp_class_count(const ModelSpec& s);

// Buffers for one batch, reused from step to step.
template <class T>
struct MlpActivations {
  int rows = 0;
  Mat<T> emb;     // (B, k*d) the looked-up rows of C, concatenated
  Mat<T> h;       // (B, H) tanh(emb W1 + b1), with dropout the kept units scaled and the others 0
  Mat<T> gate;    // (B, H) with dropout: d(h)/d(pre-activation), the mask times 1 - tanh^2
  Mat<T> logits;  // (B, V) h W2 + b2 (+ emb Wd)
  Mat<T> probs;   // (B, V) softmax(logits)
  Mat<T> dlogits; // (B, V)
  Mat<T> dh;      // (B, H) gradient at the hidden layer, then at its pre-activation
  Mat<T> demb;    // (B, k*d)
  std::vector<T> dlogits_t;  // (V, B rounded up to whole vectors) dlogits transposed, for threads to share
  // Per chunk of the vocabulary's columns (kernels::kChunk): the rows' maxima,
  // sums and scale factors of the softmax, and SGD's partial sums of dh (H by
  // B rounded up).
  std::vector<T> chunk_max, chunk_sum, chunk_factor, dh_chunks;
  // The rows of C's gradient the last backward pass wrote, and the gradient
  // buffer it wrote them into: the next step zeroes just those rows.
  ClassSoftmax<T> cls;  // the class-factored output's buffers
  std::vector<std::int32_t> touched;
  const T* touched_in = nullptr;
  std::vector<char> seen;  // (V) zero but while an update marks the rows it has made
  // The small step's blocks (mlp_sgd_train_step, lanes.h): emb, h, logits,
  // probs, dlogits, dh, demb transposed, (features, B rounded up to whole
  // vectors); dlogits and dh by rows too (B, V or H rounded up), and each
  // column's softmax maximum and sum.
  struct Lanes {
    std::vector<float> emb, h, logits, probs, dlogits, dh, demb, dlogits_rows, dh_rows, maxes, sums;
  } lanes;
  // Threads for the output layer where the float kernels run (a vocabulary
  // of hundreds and up): its rows, then its columns, are split between them,
  // and every number comes out the same as on one thread.
  int threads = 1;
  void resize(const ModelSpec& s, int B);
};

// Every parameter from a standard normal, as the lecture does (seeded). With
// spec.init "scaled", the same draws are then scaled as in makemore part 3
// (Karpathy, "Building makemore Part 3: Activations & Gradients, BatchNorm"):
// W1 by the tanh gain over the root of its fan-in, (5/3)/sqrt(k*d), so the
// hidden layer starts unsaturated; b1 by 0.01; W2 and Wd by 0.01 and b2 by 0,
// so the first logits are near zero and the first loss is near log V (a
// uniform guess) instead of tens of nats at a vocabulary of thousands. C
// keeps its unit normal rows. With spec.init "small", the same as "scaled"
// but C's rows from N(0, 0.1^2): at a vocabulary of thousands a word is looked
// up a few hundred times an epoch, and Adam moves each number about lr a
// step, so rows of unit size would stay mostly their random start.
template <class T>
void mlp_init(Model<T>& m, std::uint64_t seed);

// The initialisations spec.init may name, and the check (ev::Error otherwise).
const std::vector<std::string>& init_names();
void check_init(const std::string& name);

// With b.dropout > 0 (training), the hidden units are dropped by a mask drawn
// from b.dropout_seed: the same seed, the same mask.
// Forward pass on b.B contexts (X: B*block ids) with targets Y (B), which may
// be null: then no loss is computed and the return value is 0. Returns the mean
// cross-entropy; fills a.emb, a.h, a.logits, a.probs.
template <class T>
T mlp_forward(const Model<T>& m, const Batch& b, MlpActivations<T>& a);

// Backward pass after mlp_forward(): overwrites m.grads with d(loss)/d(params).
template <class T>
void mlp_backward(Model<T>& m, const Batch& b, MlpActivations<T>& a);

// One SGD step after mlp_forward(), fused: the updates of W2 (and Wd), the
// (H, V) and (k*d, V) matrices that dominate at a large vocabulary, are
// matrix products accumulated straight into the parameters, and only the rows
// of C in the batch move. m.grads then holds every gradient but those two.
// The `frozen` tensor (null: none; C when the embeddings are frozen) is not
// touched. Returns false, changing no parameter, when a gradient is not finite.
bool mlp_sgd_step(Model<float>& m, const Batch& b, MlpActivations<float>& a, float lr, const TensorInfo* frozen);

// mlp_forward() then mlp_sgd_step() on one training batch, the loss returned
// and in *updated whether the parameters moved. At the lecture's sizes (a
// vocabulary of tens, the full softmax, no dropout, no direct connections) in
// one pass with the batch along the vector lanes (lanes.h), which leaves
// a.logits, a.probs, C's, W1's, b1's and b2's gradients as the two calls
// would, but not a.emb, a.h or the other gradients; otherwise the two calls.
float mlp_sgd_train_step(Model<float>& m, const Batch& b, MlpActivations<float>& a, float lr, const TensorInfo* frozen,
                         bool* updated);

// Multiply-adds of one row's forward pass, by layer (the backward pass costs
// about twice as much again): the tanh layer's k*d*H, the output's H*V with
// the full softmax, or H*(K + V/K) with classes binned by frequency (K class
// logits and, on average over the targets, V/K word logits).
struct MlpRowCost {
  double hidden = 0, output = 0, output_full = 0, output_classes = 0;
};
MlpRowCost mlp_row_cost(const ModelSpec& s);

// The family, for the registry.
extern const Family kMlpFamily;

extern template struct MlpActivations<float>;
extern template struct MlpActivations<double>;

}  // namespace ev
