// ngram.cpp: counting and querying the Kneser-Ney trigram with sorted arrays
// (a sort and a binary search beat hash maps at a million keys, in time and memory).
#include "core/models/ngram.h"

#include <algorithm>
#include <cmath>

#include "core/base/error.h"

namespace ev {

namespace {

// D = n1 / (n1 + 2 n2) over the counts given; kept inside (0, 1) so that every
// order leaves some mass to the next and no seen event loses all of its own.
double discount(const std::vector<std::uint32_t>& counts) {
  double n1 = 0, n2 = 0;
  for (std::uint32_t c : counts) {
    n1 += c == 1;
    n2 += c == 2;
  }
  const double d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return std::clamp(d, 0.05, 0.95);
}

// Index of `k` in the sorted `keys`, or -1.
std::ptrdiff_t find(const std::vector<std::uint64_t>& keys, std::uint64_t k) {
  const auto it = std::lower_bound(keys.begin(), keys.end(), k);
  return it != keys.end() && *it == k ? it - keys.begin() : -1;
}

}  // namespace

KneserNey::KneserNey(const Dataset& data) : V_(data.vocab.size()) { count(data.items, data.n_train); }

KneserNey::KneserNey(const std::vector<std::vector<int>>& items, int vocab) : V_(vocab) { count(items, items.size()); }

void KneserNey::count(const std::vector<std::vector<int>>& items, std::size_t n_items) {
  if (V_ < 2 || V_ > kMaxVocab)
    throw Error("a trigram model takes vocabularies of 2 to " + std::to_string(kMaxVocab) + " tokens, not " +
                std::to_string(V_));
  // Every trigram occurrence, then runs of equal keys.
  std::vector<std::uint64_t> all;
  std::size_t n = 0;
  for (std::size_t i = 0; i < n_items; ++i) n += items[i].size() + 1;
  all.reserve(n);
  for (std::size_t i = 0; i < n_items; ++i) {
    std::uint64_t u = Vocab::kBoundary, v = Vocab::kBoundary;
    auto add = [&](int w) {
      if (w < 0 || w >= V_) throw Error("token id " + std::to_string(w) + " is outside the trigram's vocabulary");
      all.push_back(key(u, v, std::uint64_t(w)));
      u = v;
      v = std::uint64_t(w);
    };
    for (int w : items[i]) add(w);
    add(Vocab::kBoundary);
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    tri_.push_back(all[i]);
    tri_count_.push_back(std::uint32_t(j - i));
    i = j;
  }
  all.clear();
  all.shrink_to_fit();

  // Contexts (u, v): the trigrams are sorted by them, so each is one run.
  const std::uint64_t w_mask = (std::uint64_t(1) << 21) - 1;
  for (std::size_t i = 0; i < tri_.size(); ++i) {
    const std::uint64_t c = tri_[i] & ~w_mask;
    if (ctx_.empty() || ctx_.back() != c) {
      ctx_.push_back(c);
      ctx_count_.push_back(0);
      ctx_types_.push_back(0);
    }
    ctx_count_.back() += tri_count_[i];
    ++ctx_types_.back();
  }

  // Bigrams (v, w) with their continuation counts: one per distinct u.
  std::vector<std::uint64_t> vw;
  vw.reserve(tri_.size());
  const std::uint64_t vw_mask = (std::uint64_t(1) << 42) - 1;
  for (std::uint64_t t : tri_) vw.push_back(t & vw_mask);
  std::sort(vw.begin(), vw.end());
  mid_cont_.assign(std::size_t(V_), 0);
  mid_types_.assign(std::size_t(V_), 0);
  uni_cont_.assign(std::size_t(V_), 0);
  for (std::size_t i = 0; i < vw.size();) {
    std::size_t j = i;
    while (j < vw.size() && vw[j] == vw[i]) ++j;
    bi_.push_back(vw[i]);
    bi_cont_.push_back(std::uint32_t(j - i));
    const std::size_t v = std::size_t(vw[i] >> 21), w = std::size_t(vw[i] & w_mask);
    mid_cont_[v] += std::uint32_t(j - i);
    ++mid_types_[v];
    ++uni_cont_[w];
    i = j;
  }
  bigram_types_ = bi_.size();
  unigram_types_ = std::size_t(std::count_if(uni_cont_.begin(), uni_cont_.end(), [](std::uint32_t c) { return c > 0; }));
  std::vector<std::uint32_t> seen_uni;
  for (std::uint32_t c : uni_cont_)
    if (c > 0) seen_uni.push_back(c);
  D_ = {discount(seen_uni), discount(bi_cont_), discount(tri_count_)};
}

double KneserNey::prob(int u, int v, int w) const {
  const auto W = std::size_t(w), Vm = std::size_t(v);
  double p = 1.0 / V_;  // an empty training split knows nothing better
  if (bigram_types_ > 0)
    p = (std::max(double(uni_cont_[W]) - D_[0], 0.0) + D_[0] * double(unigram_types_) / V_) / double(bigram_types_);
  if (mid_cont_[Vm] > 0) {
    const std::ptrdiff_t b = find(bi_, key(0, std::uint64_t(v), std::uint64_t(w)));
    const double c = b >= 0 ? bi_cont_[std::size_t(b)] : 0.0;
    p = (std::max(c - D_[1], 0.0) + D_[1] * mid_types_[Vm] * p) / mid_cont_[Vm];
  }
  const std::ptrdiff_t x = find(ctx_, key(std::uint64_t(u), std::uint64_t(v)));
  if (x >= 0) {
    const std::ptrdiff_t t = find(tri_, key(std::uint64_t(u), std::uint64_t(v), std::uint64_t(w)));
    const double c = t >= 0 ? tri_count_[std::size_t(t)] : 0.0;
    p = (std::max(c - D_[2], 0.0) + D_[2] * ctx_types_[std::size_t(x)] * p) / ctx_count_[std::size_t(x)];
  }
  return p;
}

std::vector<double> KneserNey::target_probs(const Dataset& data, Split split) const {
  if (data.vocab.size() != V_) throw Error("the trigram was counted on another vocabulary");
  std::vector<double> out;
  const auto [b, e] = data.range(split);
  for (std::size_t i = b; i < e; ++i) {
    int u = Vocab::kBoundary, v = Vocab::kBoundary;
    auto add = [&](int w) {
      out.push_back(prob(u, v, w));
      u = v;
      v = w;
    };
    for (int w : data.items[i]) add(w);
    add(Vocab::kBoundary);
  }
  return out;
}

double KneserNey::perplexity(const Dataset& data, Split split) const {
  const std::vector<double> p = target_probs(data, split);
  double nll = 0;
  for (double x : p) nll -= std::log(x);
  return p.empty() ? 0.0 : std::exp(nll / double(p.size()));
}

double bigram_loss(const Dataset& d, Split split) {
  // Counts are kept sparse: a word-level vocabulary's (V, V) table would not
  // fit in memory (17,000 words: 289 million cells). Each cell is its count
  // plus one, so a row sums to V plus the row's count.
  const std::uint64_t V = std::uint64_t(d.vocab.size());
  auto pairs = [&](Split s, auto&& f) {
    const auto [b, e] = d.range(s);
    for (std::size_t i = b; i < e; ++i) {
      std::uint64_t prev = 0;  // the boundary starts every item and ends it
      for (int t : d.items[i]) f(prev, std::uint64_t(t)), prev = std::uint64_t(t);
      f(prev, 0);
    }
  };
  std::vector<std::uint64_t> seen;  // a * V + b of every training pair, sorted
  std::vector<double> row_sum(V, double(V));
  pairs(Split::Train, [&](std::uint64_t a, std::uint64_t b) {
    seen.push_back(a * V + b);
    row_sum[a] += 1;
  });
  std::sort(seen.begin(), seen.end());
  double nll = 0;
  std::size_t n = 0;
  pairs(split, [&](std::uint64_t a, std::uint64_t b) {
    const auto [lo, hi] = std::equal_range(seen.begin(), seen.end(), a * V + b);
    nll -= std::log((1.0 + double(hi - lo)) / row_sum[a]);
    ++n;
  });
  return n ? nll / double(n) : 0.0;
}

}  // namespace ev
