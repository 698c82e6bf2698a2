// metrics.h: what a person measures of a next-token model beyond its loss:
// perplexity (exp of the mean cross-entropy, the measure Bengio et al. 2003
// report), top-1 and top-5 accuracy of the next token, and the loss of the
// paper's mixture, the network's probabilities averaged with another model's
// (their trigram's). Not for: training (the loss there is trainer.h's).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/train/trainer.h"  // kRankedRows

namespace ev {

struct NextTokenScores {
  std::size_t n = 0;          // targets scored
  double loss = 0;            // mean cross-entropy, nats
  double perplexity = 0;      // exp(loss)
  double top1 = 0;            // share of targets that are the most probable token (a tie is a miss)
  double top5 = 0;            // share of targets among the five most probable tokens
  std::size_t ranked = 0;     // targets top1 and top5 count: all, or the first kRankedRows of a factored softmax
  double mixture_loss = 0;    // mean -ln((p_net + p_other) / 2), when other probabilities are given
  double mixture_perplexity = 0;
};


// Scores a model on the rows of `ex`. `other`, when not null, holds another
// model's probability of each row's target (ex.out must be 1), in row order;
// a token as probable as the target ranks above it (all-equal outputs score 0). Runs on up to `threads` threads.
NextTokenScores score_next_tokens(const Model<float>& m, const Examples& ex, const std::vector<double>* other = nullptr,
                                  int threads = 1);

// A perplexity for people: two decimals ("9.31"), or three digits and an
// exponent once it is large ("1.58e+210" for a run that diverged, not 211 digits).
std::string perplexity_text(double perplexity);

}  // namespace ev
