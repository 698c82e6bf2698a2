// inspect.h: what one SGD update (or N of them) did, for the step inspector:
// each batch (context -> target, its probability and loss), the loss on those
// batches before and after, every row of C before and after, and the tokens
// whose rows could not move because they were in no context: the lookup's
// gradient is sparse, so rows that were not looked up get exactly zero.
// Not for: drawing the arrows (that is the UI's job, from this record).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/model.h"
#include "trainer.h"

namespace ev {

// One training example of a batch, scored by the parameters before the update.
struct InspectedExample {
  std::vector<int> context;  // (block) token ids
  int target = 0;            // the token that follows
  float prob = 0;            // p(target | context)
  float loss = 0;            // -log p(target | context), from the logits (finite even when prob underflows)
};

// One update.
struct InspectedStep {
  std::int64_t step = 0;                 // the step number of this update (0 = the first ever)
  double lr = 0;                         // the learning rate it used
  float loss_before = 0;                 // mean loss on its batch before the update
  float loss_after = 0;                  // mean loss on the same batch after it
  std::vector<InspectedExample> batch;   // the batch, in drawing order
};

struct StepInspection {
  std::vector<InspectedStep> steps;  // the updates done, in order
  bool diverged = false;             // stopped early: a loss or gradient was not finite
  float loss_before = 0;  // mean loss over every example of every batch, before the first update
  float loss_after = 0;   // the same examples after the last update
  Mat<float> C_before;    // (V, d) the table before the first update
  Mat<float> C_after;     // (V, d) after the last
  Mat<float> delta;       // (V, d) C_after - C_before: the arrows
  Mat<float> grad_C;      // (V, d) dLoss/dC of the last update (one step: delta == -lr * grad_C)
  std::vector<float> movement;  // (V) length of each row's arrow
  std::vector<bool> in_batch;   // (V) the token was in some context, so its row got a gradient
  std::vector<int> unmoved;     // ids in no context: zero gradient, zero movement

  int moved_count() const { return int(movement.size()) - int(unmoved.size()); }
};

constexpr int kMaxInspectSteps = 10000;  // every example of every batch is kept

// Runs n (1..kMaxInspectSteps) SGD steps on `t`, exactly as t.step() would,
// recording what they did. Throws ev::Error for n out of range.
// Stops early (diverged) at a step whose batch loss is above max_loss: a run that
// has blown up while staying finite.
StepInspection inspect_steps(Trainer& t, int n, double max_loss = std::numeric_limits<double>::infinity());

}  // namespace ev
