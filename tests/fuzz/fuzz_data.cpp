// fuzz_data: the data loader and tokenizer on arbitrary bytes. The first byte
// picks the tokenizer, the block size and the seed; the rest is the file.
// Any input must either be refused with ev::Error or give a consistent data set.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/data/dataset.h"
#include "core/base/error.h"
#include "core/base/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t ctl = data[0];
  const ev::Tokenizer tok = (ctl & 1) ? ev::Tokenizer::Word : ev::Tokenizer::Char;
  const int block = 1 + ((ctl >> 1) & 7);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const std::vector<ev::Line> lines = ev::parse_lines(bytes, "fuzz.txt");
    std::vector<std::string> items;
    for (const auto& l : lines) items.push_back(l.text);
    const ev::Dataset d = ev::make_dataset(items, tok, ctl >> 4, "fuzz.txt");
    // Invariants the trainer relies on: splits cover the items, ids are in the vocabulary.
    if (d.n_train + d.n_val > d.items.size()) std::abort();
    for (const auto& item : d.items)
      for (int id : item)
        if (id < 0 || id >= d.vocab.size()) std::abort();
    for (ev::Split s : {ev::Split::Train, ev::Split::Val, ev::Split::Test}) {
      const ev::Examples ex = ev::build_examples(d, s, block);
      if (ex.X.size() != ex.Y.size() * std::size_t(block)) std::abort();
      for (std::int32_t y : ex.Y)
        if (y < 0 || y >= d.vocab.size()) std::abort();
    }
  } catch (const ev::Error&) {
    // Refused with a message: the expected outcome for bad input.
  }
  return 0;
}
