// class_softmax.h: a class-factored softmax over a large vocabulary (Goodman
// 2001, "Classes for fast maximum entropy training"; Mikolov et al. 2011,
// "Extensions of recurrent neural network language model"): the words are
// binned into K classes by frequency, and
//
//   p(w | h) = p(class(w) | h) * p(w | class(w), h),
//
// each factor a softmax: over the K classes (logits h Wc^T + bc), and over the
// words of one class (logits h Wo[w]^T + bo[w] for the class's words only).
// The product is an exact, normalised distribution over the vocabulary, so a
// loss or a perplexity means what it means with the full softmax; a training
// row costs K + |class(target)| dot products of length H instead of V. Binned
// so each class holds about 1/K of the running words, the expected class size
// is V/K, and K = sqrt(V) makes a row cost about 2 sqrt(V): 260 against 17,000.
//
// The output layer only: it takes the hidden layer h (B, H) and gives its
// gradient. Templates on the scalar: float for training, double for checks.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/models/params.h"

namespace ev {

// A vocabulary's words in K classes. Class c holds members[start[c] ..
// start[c+1]); a word's class is of[w] and its place in the class at[w].
struct WordClasses {
  int K = 0;
  std::vector<std::int32_t> of, at, start, members;
  int largest() const;  // the most words one class holds
};

// K classes for a vocabulary of `counts.size()` words by frequency binning
// (Mikolov et al. 2011): the words in falling order of count (ties by id),
// cut where the running share of the counts passes 1/K, 2/K, ...; every class
// gets at least one word. Deterministic for the same counts.
std::shared_ptr<const WordClasses> frequency_classes(const std::vector<double>& counts, int K);
// Without counts: K classes of consecutive ids, of sizes as equal as they go.
std::shared_ptr<const WordClasses> id_classes(int V, int K);
// The usual number of classes for a vocabulary: round(sqrt(V)), at least 1.
int default_class_count(int V);

// Buffers of one batch, reused from call to call.
template <class T>
struct ClassSoftmax {
  Mat<T> pc;                  // (B, K) class probabilities
  std::vector<T> pw;          // per row, the probabilities of the target class's words (row b at b * largest)
  std::vector<T> loss;        // (B) each row's -log p(target)
  // The rows in order of their target's class, so rows of one class follow
  // each other and read its words' weights while they are in cache.
  std::vector<std::int32_t> order;
  // Threads for the rows (forward) and for the rows, then ranges of words
  // (backward); every number comes out the same as on one.
  int threads = 1;
};

// The output weights: Wo (V, H) a row per word, bo (1, V), Wc (K, H) a row per
// class, bc (1, K); their gradients likewise.
template <class T>
struct ClassWeights {
  ConstMatMap<T> Wo, Wc;
  ConstVecMap<T> bo, bc;
};
template <class T>
struct ClassGrads {
  MatMap<T> Wo, Wc;
  VecMap<T> bo, bc;
};

// The mean loss over the rows of Y (B targets, none -1) given h (B, H); fills
// the buffers backward needs. With `logp` (not null), also every word's
// log-probability (B, V), which costs a full H x V product per row.
template <class T>
T class_forward(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, const std::int32_t* Y,
                ClassSoftmax<T>& s, Mat<T>* logp);
// Every word's log-probability (B, V) given h, no targets needed.
template <class T>
void class_log_probs(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, Mat<T>& logp);
// After class_forward on the same rows: overwrites the weights' gradients of
// the mean loss and sets dh (B, H) to the gradient at h.
template <class T>
void class_backward(const Mat<T>& h, const ClassWeights<T>& w, const WordClasses& cl, const std::int32_t* Y,
                    const ClassSoftmax<T>& s, ClassGrads<T>& g, Mat<T>& dh);

}  // namespace ev
