// trails.h: where each token of the embedding view has been lately. A ring of
// recent positions recorded at a fixed pace in wall time, so trails look the
// same at any training speed. Each recorded position is a running average,
// so a trail shows where a token drifts rather than the step-to-step jitter
// of stochastic gradient descent.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <vector>

namespace ev::ui {

struct Trails {
  int length = 30;                          // positions kept per token
  double interval_s = 0.1;                  // seconds between recorded positions
  std::vector<std::vector<float>> ring;     // past positions (running averages of xy), oldest first; each (V, 2)
  std::vector<float> mean;                  // (V, 2) the running average the next record takes
  double last_time = -1e9;

  void clear() { ring.clear(); }
  // Records the running average of the positions xy (V, 2) when interval_s has passed.
  void record(const std::vector<float>& xy, double now);
  // Draws token i's trail in the current plot, from its oldest record to its
  // position xy now, fading from old to new; a non-finite position breaks it.
  void draw(ImDrawList* dl, std::size_t i, const std::vector<float>& xy, ImU32 colour) const;

 private:
  mutable std::vector<ImVec2> run_;  // scratch, kept between calls
  mutable std::vector<int> age_, kept_;
};

}  // namespace ev::ui
