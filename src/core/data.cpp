// data.cpp: the one place data sets are loaded from their description.
#include "data.h"

#include "teach.h"

namespace ev {

std::string default_words_source() { return std::string(kDefaultWordList) + " (a-z words)"; }

DataSpec default_data(std::uint64_t split_seed) {
  DataSpec d;
  d.source = default_words_source();
  d.split_seed = split_seed;
  return d;
}

std::shared_ptr<const Dataset> load_data(const DataSpec& spec) {
  if (spec.source == kToyLessonSource) return std::make_shared<const Dataset>(toy_lesson_dataset(spec.split_seed));
  if (spec.source == default_words_source())
    return std::make_shared<const Dataset>(make_dataset(default_words(), spec.tokenizer, spec.split_seed, spec.source));
  return std::make_shared<const Dataset>(load_dataset(spec.source, spec.tokenizer, spec.split_seed));
}

DataSpec spec_of(const Dataset& d) {
  DataSpec s;
  s.source = d.source;
  s.tokenizer = d.tokenizer;
  s.split_seed = d.split_seed;
  return s;
}

}  // namespace ev
