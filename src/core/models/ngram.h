// ngram.h: the baseline Bengio et al. (2003) measured their network against,
// an interpolated Kneser-Ney trigram (Kneser and Ney 1995, in the form of Chen
// and Goodman 1998), counted on the same training split and vocabulary as the
// network and framed as the MLP frames its data: each item is preceded by two
// boundary tokens and followed by one, so the trigram predicts exactly the
// tokens the network predicts. Not for: vocabularies over kMaxVocab tokens.
//
//   P3(w|u v) = (max(c(u v w) - D3, 0) + D3 N1+(u v .) P2(w|v)) / c(u v .)
//   P2(w|v)   = (max(N1+(. v w) - D2, 0) + D2 N1+(v .) P1(w)) / N1+(. v .)
//   P1(w)     = (max(N1+(. w) - D1, 0) + D1 N1+(.) / V) / N1+(. .)
// where c counts occurrences, N1+(. v w) the distinct u before "v w" (the
// continuation counts), N1+(v .) the distinct w after v, N1+(.) the words
// with any continuation; a context never seen falls back to the next order.
// Each order's discount is D = n1 / (n1 + 2 n2) from its count-of-counts.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/data/dataset.h"

namespace ev {

class KneserNey {
 public:
  static constexpr int kMaxVocab = 1 << 21;  // three ids pack into one 64-bit key

  // Counts the training split of `data`.
  explicit KneserNey(const Dataset& data);
  // Counts `items` (token ids below `vocab`, the boundary excluded from them).
  KneserNey(const std::vector<std::vector<int>>& items, int vocab);

  // P(w | u v): u and v the two tokens before w, the boundary for missing ones.
  double prob(int u, int v, int w) const;
  // P(target) of every example of a split, in build_examples' order.
  std::vector<double> target_probs(const Dataset& data, Split split) const;
  // exp of the mean negative log-probability of a split's targets.
  double perplexity(const Dataset& data, Split split) const;

  int vocab() const { return V_; }
  const std::array<double, 3>& discounts() const { return D_; }  // D1, D2, D3
  std::size_t distinct_trigrams() const { return tri_.size(); }

 private:
  void count(const std::vector<std::vector<int>>& items, std::size_t n_items);
  static std::uint64_t key(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) { return a << 42 | b << 21 | c; }

  int V_ = 0;
  std::array<double, 3> D_{};
  std::vector<std::uint64_t> tri_;          // distinct (u, v, w), sorted
  std::vector<std::uint32_t> tri_count_;    // c(u v w)
  std::vector<std::uint64_t> ctx_;          // distinct (u, v, 0) contexts, sorted
  std::vector<std::uint32_t> ctx_count_;    // c(u v .)
  std::vector<std::uint32_t> ctx_types_;    // N1+(u v .)
  std::vector<std::uint64_t> bi_;           // distinct (0, v, w), sorted
  std::vector<std::uint32_t> bi_cont_;      // N1+(. v w)
  std::vector<std::uint32_t> mid_cont_;     // (V) N1+(. v .)
  std::vector<std::uint32_t> mid_types_;    // (V) N1+(v .)
  std::vector<std::uint32_t> uni_cont_;     // (V) N1+(. w)
  std::size_t bigram_types_ = 0;            // N1+(. .)
  std::size_t unigram_types_ = 0;           // N1+(.)
};

// The landmark of Karpathy's makemore lecture 1: the mean negative log
// likelihood of a counting bigram model (counts of each token pair on the
// training split, plus one for smoothing, as in the lecture) on the items of
// `split`, each framed by the boundary token. About 2.45 on names.txt.
double bigram_loss(const Dataset& d, Split split);

}  // namespace ev
