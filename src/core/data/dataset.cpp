// dataset.cpp: loading, shuffling, splitting and example construction.
#include "core/data/dataset.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "core/base/error.h"
#include "core/base/limits.h"
#include "core/base/rng.h"
#include "core/base/text.h"

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

double dataset_bytes(std::size_t items, std::size_t tokens, std::size_t vocab, std::size_t vocab_text_bytes) {
  // An item: its vector (24 bytes, and twice as much again while the list of
  // them grows), its heap block (32 bytes at least); a token id: 4 bytes. A
  // vocabulary entry: the string, its hash-map node and bucket, its bytes twice.
  return 104.0 * double(items) + 4.0 * double(tokens) + 128.0 * double(vocab) + 2.0 * double(vocab_text_bytes);
}

double dataset_bytes(const Dataset& d) {
  std::size_t text = 0;
  for (const auto& t : d.vocab.tokens()) text += t.size();
  return dataset_bytes(d.items.size(), d.n_tokens, std::size_t(d.vocab.size()), text);
}

std::string boundary_note(const Dataset& d) {
  std::string out;
  if (d.boundary_chars > 0)
    out = "note: " + std::to_string(d.boundary_chars) + " '" + Vocab::kBoundaryText + "' in " + shown(d.source) +
          " read as the boundary token";
  const auto add = [&](const std::string& what) { out += (out.empty() ? "note: " : "; ") + what; };
  if (d.lossy_lines > 0)
    add(std::to_string(d.lossy_lines) + (d.lossy_lines == 1 ? " line" : " lines") +
        " lost characters that no word holds (line " + std::to_string(d.first_lossy_line) + ": " +
        shown(d.lost_sample) + ")");
  if (d.wordless_lines > 0)
    add(std::to_string(d.wordless_lines) + (d.wordless_lines == 1 ? " line holds" : " lines hold") +
        " no word and " + (d.wordless_lines == 1 ? "was" : "were") + " left out (the first: line " +
        std::to_string(d.first_wordless_line) + ")");
  if (d.n_val < kFewValidationItems)
    out += std::string(out.empty() ? "note: " : "; ") + "validation holds only " + std::to_string(d.n_val) +
           (d.n_val == 1 ? " item" : " items") + " (a tenth of " + std::to_string(d.items.size()) +
           "): its loss is a rough guide; a file of a few hundred lines gives a steadier one";
  return out;
}

namespace {

// Builds a data set one item at a time, keeping token ids only: each distinct
// token's text is held once, in the vocabulary.
class DatasetBuilder {
 public:
  DatasetBuilder(Tokenizer tokenizer, std::string source, int max_vocab) {
    d_.source = std::move(source);
    d_.tokenizer = tokenizer;
    if (tokenizer == Tokenizer::Word) {
      if (max_vocab < 3)
        throw Error("a word vocabulary of " + std::to_string(max_vocab) +
                    " tokens is too small: it needs the boundary, <unk> and at least one word");
      d_.max_vocab = max_vocab;
    }
    names_.emplace_back(Vocab::kBoundaryText);
    ids_.emplace(Vocab::kBoundaryText, Vocab::kBoundary);
    ascii_.fill(-1);
    ascii_[std::size_t(Vocab::kBoundaryText[0])] = Vocab::kBoundary;
  }

  void add(std::string_view text, std::size_t number) {
    h_ = fnv1a(text.data(), text.size(), h_);
    h_ = fnv1a("\n", 1, h_);
    item_.clear();
    if (d_.tokenizer == Tokenizer::Char) {
      for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = std::max<std::size_t>(1, utf8_length(text, i));
        item_.push_back(id(text.substr(i, n)));
        i += n;
        if (!item_.empty() && (item_.size() & 0xFFFFF) == 0) check_memory();  // one line can be a whole file
      }
    } else {
      lost_.clear();
      for (std::size_t pos = 0; next_word(text, &pos, &word_, &lost_);) {
        item_.push_back(word_id());
        if ((item_.size() & 0xFFFFF) == 0) check_memory();
      }
      note_losses(number);
    }
    if (item_.empty()) return;
    for (int t : item_) d_.boundary_chars += t == Vocab::kBoundary;
    d_.items.emplace_back(item_.begin(), item_.end());  // exactly sized: no growth slack per item
    d_.n_tokens += item_.size();
    if ((d_.items.size() & 4095) == 0) check_memory();
  }

  Dataset finish(std::uint64_t seed) {
    check_memory();
    d_.checksum = h_;
    d_.split_seed = seed;
    if (d_.items.size() < 10)
      throw Error(shown(d_.source) + ": " + std::to_string(d_.items.size()) +
                  " items is too few to split 80/10/10; at least 10 are needed" +
                  (d_.wordless_lines > 0 ? " (" + std::to_string(d_.wordless_lines) + " lines held no word)" : ""));
    ids_.clear();

    // Fisher-Yates with our own generator: the same split on every platform.
    Rng rng(seed ^ 0x5EED5A17ull);
    for (std::size_t i = d_.items.size(); i > 1; --i) std::swap(d_.items[i - 1], d_.items[rng.below(i)]);
    const std::size_t n = d_.items.size();
    d_.n_train = n * 8 / 10;
    d_.n_val = n * 9 / 10 - d_.n_train;

    // Provisional ids to the vocabulary's, which depends on the training split for words.
    std::vector<std::uint32_t> count(names_.size(), 0);
    for (std::size_t i = 0; i < d_.n_train; ++i)
      for (int t : d_.items[i]) ++count[std::size_t(t)];
    const std::vector<int> to_final = d_.tokenizer == Tokenizer::Word ? word_vocab(count) : char_vocab();
    names_.clear();
    names_.shrink_to_fit();
    for (auto& item : d_.items)
      for (int& t : item) t = to_final[std::size_t(t)];
    d_.counts.assign(std::size_t(d_.vocab.size()), 0);
    for (std::size_t i = 0; i < count.size(); ++i) d_.counts[std::size_t(to_final[i])] += count[i];
    for (std::size_t i = 0; i < d_.n_train; ++i) d_.train_tokens += d_.items[i].size();
    const int unk = d_.vocab.id(Vocab::kUnknownText);
    if (d_.tokenizer == Tokenizer::Word && unk >= 0) d_.train_unknown = d_.counts[std::size_t(unk)];
    return std::move(d_);
  }

 private:
  int id(std::string_view tok) {
    const bool ascii = tok.size() == 1 && static_cast<unsigned char>(tok[0]) < 128;
    if (ascii && ascii_[std::size_t(tok[0])] >= 0) return ascii_[std::size_t(tok[0])];
    key_.assign(tok);
    auto [it, added] = ids_.emplace(key_, int(names_.size()));
    if (added) {
      names_.push_back(key_);
      text_bytes_ += key_.size();
    }
    if (ascii) ascii_[std::size_t(tok[0])] = it->second;
    return it->second;
  }

  // Word data: what the line just read lost, for boundary_note.
  void note_losses(std::size_t number) {
    if (!lost_.empty() && d_.lossy_lines++ == 0) {
      d_.first_lossy_line = number;
      std::size_t cut = 0;  // a few whole characters
      for (int k = 0; k < 8 && cut < lost_.size(); ++k) cut += std::max<std::size_t>(1, utf8_length(lost_, cut));
      d_.lost_sample = lost_.substr(0, cut) + (cut < lost_.size() ? "..." : "");
    }
    if (item_.empty() && d_.wordless_lines++ == 0) d_.first_wordless_line = number;
  }

  // Every distinct token, sorted, the boundary first (makemore's order).
  std::vector<int> char_vocab() {
    d_.vocab = Vocab(names_);
    std::vector<int> to_sorted(names_.size());
    for (std::size_t i = 0; i < names_.size(); ++i) to_sorted[i] = d_.vocab.id(names_[i]);
    return to_sorted;
  }

  // The boundary, <unk> and the most frequent words of the training split,
  // sorted; `count` holds each provisional id's occurrences in that split.
  std::vector<int> word_vocab(const std::vector<std::uint32_t>& count) {
    std::vector<int> seen;
    for (std::size_t i = 1; i < names_.size(); ++i)  // 0 is the boundary, which no word is
      if (count[i] > 0) seen.push_back(int(i));
    d_.train_types = seen.size();
    const std::size_t keep = std::min(seen.size(), std::size_t(d_.max_vocab - 2));
    std::partial_sort(seen.begin(), seen.begin() + std::ptrdiff_t(keep), seen.end(), [&](int a, int b) {
      const auto ia = std::size_t(a), ib = std::size_t(b);
      return count[ia] != count[ib] ? count[ia] > count[ib] : names_[ia] < names_[ib];
    });
    std::vector<std::string> tokens{Vocab::kUnknownText};
    for (std::size_t i = 0; i < keep; ++i) tokens.push_back(names_[std::size_t(seen[i])]);
    d_.vocab = Vocab(std::move(tokens));
    const int unk = d_.vocab.id(Vocab::kUnknownText);
    std::vector<int> to_final(names_.size(), unk);
    to_final[0] = Vocab::kBoundary;
    for (std::size_t i = 0; i < keep; ++i) to_final[std::size_t(seen[i])] = d_.vocab.id(names_[std::size_t(seen[i])]);
    return to_final;
  }

  // The provisional id of word_: looked up first, since most words are seen
  // before and building a map entry to find that out costs an allocation.
  int word_id() {
    if (auto it = ids_.find(word_); it != ids_.end()) return it->second;
    names_.push_back(word_);
    text_bytes_ += word_.size();
    return ids_.emplace(word_, int(names_.size() - 1)).first->second;
  }

  // The data alone, with the smallest examples any model builds from it
  // (block 1: two ids per token), must fit in the memory limit.
  void check_memory() const {
    const double examples = 8.0 * double(d_.n_tokens + d_.items.size());
    const double bytes = dataset_bytes(d_.items.size(), d_.n_tokens, names_.size(), text_bytes_) + examples +
                         16.0 * double(item_.capacity());  // the line being read: ids, copy, examples

    if (bytes > Limits::kMaxBytes) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "the data read so far (%zu lines) would already need about %.1f GiB of memory; the limit is %.0f GiB",
                    d_.items.size(), bytes / double(1ull << 30), Limits::kMaxBytes / double(1ull << 30));
      throw Error(shown(d_.source) + ": " + buf);
    }
  }

  Dataset d_;
  std::vector<std::string> names_;               // token texts by provisional id
  std::unordered_map<std::string, int> ids_;     // token text -> provisional id
  std::array<int, 128> ascii_{};                 // provisional ids of one-byte tokens (-1: not seen)
  std::vector<int> item_;                        // the item being read
  std::string word_;                             // the word being read, for the word tokenizer
  std::string lost_;                             // the characters of the line that no word holds
  std::string key_;
  std::size_t text_bytes_ = 0;
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace

Dataset make_dataset(const std::vector<std::string>& texts, Tokenizer tokenizer, std::uint64_t seed,
                     std::string source, int max_vocab) {
  DatasetBuilder b(tokenizer, std::move(source), max_vocab);
  for (std::size_t i = 0; i < texts.size(); ++i) b.add(texts[i], i + 1);
  return b.finish(seed);
}

Dataset load_dataset(const std::string& path, Tokenizer tokenizer, std::uint64_t seed, int max_vocab) {
  DatasetBuilder b(tokenizer, path, max_vocab);
  for_each_line(path, [&](std::string_view line, std::size_t number) { b.add(line, number); });
  return b.finish(seed);
}

std::vector<std::string> default_words(const std::string& path) {
  std::set<std::string> seen;
  std::vector<std::string> words;
  for_each_line(path, [&](std::string_view line, std::size_t) {
    std::string w;
    for (char c : line) {
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') w.push_back(c);
    }
    if (!w.empty() && seen.insert(w).second) words.push_back(std::move(w));
  });
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
  ex.in = block;
  ex.out = 1;
  const auto [b, e] = data.range(split);
  std::size_t n = 0;
  for (std::size_t i = b; i < e; ++i) n += data.items[i].size() + 1;
  ex.X.reserve(n * std::size_t(block));
  ex.Y.reserve(n);
  for (std::size_t i = b; i < e; ++i) append_examples(data.items[i], block, &ex);
  return ex;
}

}  // namespace ev
