// dataset.cpp: loading, shuffling, splitting and example construction.
#include "dataset.h"

#include <algorithm>
#include <set>

#include "error.h"
#include "rng.h"
#include "text.h"

namespace ev {

const char* split_name(Split s) {
  switch (s) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
  }
  return "?";
}

std::pair<std::size_t, std::size_t> Dataset::range(Split s) const {
  switch (s) {
    case Split::Train: return {0, n_train};
    case Split::Val: return {n_train, n_train + n_val};
    case Split::Test: return {n_train + n_val, items.size()};
  }
  return {0, 0};
}

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

Dataset make_dataset(const std::vector<std::string>& texts, Tokenizer tokenizer, std::uint64_t seed,
                     std::string source) {
  Dataset d;
  d.source = std::move(source);
  d.tokenizer = tokenizer;

  std::vector<std::vector<std::string>> tokenized;
  tokenized.reserve(texts.size());
  std::vector<std::string> all;
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& t : texts) {
    h = fnv1a(t.data(), t.size(), h);
    h = fnv1a("\n", 1, h);
    auto toks = tokenize(t, tokenizer);
    if (toks.empty()) continue;
    for (const auto& tok : toks) d.boundary_chars += tok == Vocab::kBoundaryText;
    tokenized.push_back(std::move(toks));
  }
  d.checksum = h;
  if (tokenized.size() < 10)
    throw Error(d.source + ": " + std::to_string(tokenized.size()) +
                " items is too few to split 80/10/10; at least 10 are needed");

  {
    std::set<std::string> distinct;
    for (const auto& toks : tokenized) distinct.insert(toks.begin(), toks.end());
    d.vocab = Vocab(std::vector<std::string>(distinct.begin(), distinct.end()));
  }

  d.items.reserve(tokenized.size());
  for (const auto& toks : tokenized) {
    std::vector<int> ids;
    ids.reserve(toks.size());
    for (const auto& tok : toks) ids.push_back(d.vocab.id(tok));
    d.items.push_back(std::move(ids));
  }

  // Fisher-Yates with our own generator: the same split on every platform.
  Rng rng(seed ^ 0x5EED5A17ull);
  for (std::size_t i = d.items.size(); i > 1; --i) std::swap(d.items[i - 1], d.items[rng.below(i)]);

  const std::size_t n = d.items.size();
  d.n_train = n * 8 / 10;
  d.n_val = n * 9 / 10 - d.n_train;
  return d;
}

Dataset load_dataset(const std::string& path, Tokenizer tokenizer, std::uint64_t seed) {
  std::vector<Line> lines = read_lines(path);
  std::vector<std::string> texts;
  texts.reserve(lines.size());
  for (auto& l : lines) texts.push_back(std::move(l.text));
  return make_dataset(texts, tokenizer, seed, path);
}

std::vector<std::string> default_words(const std::string& path) {
  std::vector<Line> lines = read_lines(path);
  std::set<std::string> seen;
  std::vector<std::string> words;
  for (const auto& l : lines) {
    std::string w;
    for (char c : l.text) {
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') w.push_back(c);
    }
    if (!w.empty() && seen.insert(w).second) words.push_back(std::move(w));
  }
  return words;
}

void append_examples(const std::vector<int>& item, int block, Examples* out) {
  std::vector<std::int32_t> ctx(std::size_t(block), Vocab::kBoundary);
  auto emit = [&](int target) {
    out->X.insert(out->X.end(), ctx.begin(), ctx.end());
    out->Y.push_back(target);
    if (block > 0) {
      std::rotate(ctx.begin(), ctx.begin() + 1, ctx.end());
      ctx.back() = target;
    }
  };
  for (int t : item) emit(t);
  emit(Vocab::kBoundary);
}

Examples build_examples(const Dataset& data, Split split, int block) {
  Examples ex;
  ex.block = block;
  const auto [b, e] = data.range(split);
  std::size_t n = 0;
  for (std::size_t i = b; i < e; ++i) n += data.items[i].size() + 1;
  ex.X.reserve(n * std::size_t(block));
  ex.Y.reserve(n);
  for (std::size_t i = b; i < e; ++i) append_examples(data.items[i], block, &ex);
  return ex;
}

}  // namespace ev
