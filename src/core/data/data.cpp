// data.cpp: the one place data sets are loaded from their description.
#include "core/data/data.h"

#include "core/base/error.h"
#include "core/data/wordnet.h"

namespace ev {

std::string default_words_source() { return std::string(kDefaultWordList) + " (a-z words)"; }

DataSpec default_data(std::uint64_t split_seed) {
  DataSpec d;
  d.source = default_words_source();
  d.split_seed = split_seed;
  return d;
}

std::string wordnet_source() { return std::string(kWordNetDir) + " (WordNet 3.0 glosses)"; }

DataSpec default_word_data(std::uint64_t split_seed) {
  DataSpec d;
  d.source = wordnet_source();
  d.tokenizer = Tokenizer::Word;
  d.split_seed = split_seed;
  return d;
}

std::shared_ptr<const Dataset> load_data(const DataSpec& spec) {
  if (spec.source == kToyLessonSource) return std::make_shared<const Dataset>(toy_lesson_dataset(spec.split_seed));
  if (spec.source == default_words_source())
    return std::make_shared<const Dataset>(
        make_dataset(default_words(), spec.tokenizer, spec.split_seed, spec.source, spec.max_vocab));
  const bool wordnet = spec.source == wordnet_source();
  Dataset d = wordnet ? make_dataset(wordnet_glosses(), spec.tokenizer, spec.split_seed, spec.source, spec.max_vocab)
                      : load_dataset(spec.source, spec.tokenizer, spec.split_seed, spec.max_vocab);
  if (d.tokenizer == Tokenizer::Word) {
    try {
      d.classes = wordnet_classes(d.vocab);
    } catch (const Error&) {
      if (wordnet) throw;  // other text simply has no classes without WordNet
    }
  }
  return std::make_shared<const Dataset>(std::move(d));
}

DataSpec spec_of(const Dataset& d) {
  DataSpec s;
  s.source = d.source;
  s.tokenizer = d.tokenizer;
  s.split_seed = d.split_seed;
  if (d.max_vocab > 0) s.max_vocab = d.max_vocab;
  return s;
}

std::vector<std::string> toy_lesson_items() {
  std::vector<std::string> items;
  const std::string cycle = "abc";
  for (int start = 0; start < 3; ++start)
    for (int repeats = 0; repeats < 5; ++repeats) {
      // From the start letter through the first 'c', then whole cycles.
      std::string item = "@" + cycle.substr(std::size_t(start));
      for (int r = 0; r < repeats; ++r) item += cycle;
      items.push_back(item);
    }
  return items;
}

Dataset toy_lesson_dataset(std::uint64_t seed) {
  return make_dataset(toy_lesson_items(), Tokenizer::Char, seed, kToyLessonSource);
}

}  // namespace ev
