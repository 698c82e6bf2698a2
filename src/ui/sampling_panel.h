// sampling_panel.h: what the model has learned, in its own words: new items
// sampled from the current parameters at a chosen temperature (those already in
// the training set marked), and the next-token distribution for a typed
// context as a bar chart that moves as training runs. A word filter the
// teacher edits masks listed words in the samples shown.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/models/model.h"
#include "core/base/rng.h"
#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct SamplingPanelState {
  int count = 12;              // items to sample
  float temperature = 1.0f;
  std::uint64_t seed = 1;      // advanced on each "Sample" press
  bool live = true;            // resample as training runs (4 times a second)
  char context[128] = "em";    // for the next-token chart
  std::vector<std::string> samples;
  std::vector<bool> known;     // sample i is in the training split
  std::vector<std::string> shown;  // the samples as the last frame showed them (listed words masked)
  double last_sample_time = -1e9;
  std::shared_ptr<const Model<float>> sampled_model;  // the parameters the samples came from
  const Dataset* indexed = nullptr;        // the data the set below was built from
  std::unordered_set<std::string> train_items;
  // The word filter (core/word_filter.h): words masked in the samples shown.
  std::vector<std::string> hidden_words;
  std::string filter_file;     // where the list is kept between runs ("": in memory only)
  char filter_text[2048] = ""; // the field as typed
  std::string filter_error;    // why the list could not be kept ("" when fine)
};

// Sets the word filter from its file (missing: empty), for the field to show.
void load_word_filter(SamplingPanelState& st, const std::string& file);

// The training split's items as strings (tokens joined as the tokenizer split them).
std::unordered_set<std::string> training_items(const Dataset& d);

void draw_sampling_panel(const Snapshot& s, UiContext& ctx, SamplingPanelState& st);

}  // namespace ev::ui
