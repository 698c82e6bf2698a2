// fuzz_common.h: the small data set the session fuzzer resumes sessions on,
// shared with the program that writes its seed files.
#pragma once

#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace ev::fuzz {

inline Dataset session_dataset() {
  const std::vector<std::string> names{"emma", "olivia", "ava",   "isabella", "sophia", "mia",
                                       "amelia", "harper", "evelyn", "abigail", "emily", "ella"};
  return make_dataset(names, Tokenizer::Char, 7, "fuzz names");
}

// The seed's configuration: tiny, so each resume is cheap.
inline TrainConfig session_config() {
  TrainConfig c;
  c.block = 3;
  c.emb = 2;
  c.hidden = 8;
  c.batch = 4;
  c.seed = 7;
  return c;
}

}  // namespace ev::fuzz
