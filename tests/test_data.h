// test_data.h: a small synthetic data set the teaching tests share, so they
// run without the names file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/rng.h"

namespace ev::testdata {

// `n` short pseudo-names built from syllables, fixed by `seed`.
inline std::vector<std::string> synthetic_names(int n, std::uint64_t seed = 7) {
  static const char* syllables[] = {"an", "na", "el", "li", "mo", "ra", "sa", "ta", "ke", "vi", "jo", "ha"};
  Rng rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    const int parts = 1 + int(rng.below(3));
    for (int p = 0; p < parts; ++p) s += syllables[rng.below(12)];
    out.push_back(s);
  }
  return out;
}

inline std::shared_ptr<const Dataset> synthetic_dataset(int n = 200, std::uint64_t seed = 7) {
  return std::make_shared<const Dataset>(make_dataset(synthetic_names(n), Tokenizer::Char, seed, "synthetic names"));
}

}  // namespace ev::testdata
