// inspect.h: what one optimizer update (or N of them) did, for the step
// inspector: the batch (the MLP's contexts -> targets, or a transformer's
// whole items and the positions they train), each with its probability and
// loss, the loss on those batches before and after, and every row of the
// family's embedding tables before and after (C; or wte and wpe).
// The lookups' gradients are sparse: a row no batch looked up gets exactly
// zero gradient. Under SGD it does not move; under Adam it still moves when
// its running average of earlier gradients is not zero.
// Not for: drawing the arrows (that is the UI's job, from this record).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/models/model.h"
#include "core/train/trainer.h"

namespace ev {

// One MLP training example of a batch, scored by the parameters before the update.
struct InspectedExample {
  std::vector<int> context;  // (block) token ids
  int target = 0;            // the token that follows
  float prob = 0;            // p(target | context)
  float loss = 0;            // -log p(target | context), from the logits (finite even when prob underflows)
};

// One item of a transformer's batch: the boundary, the item, the boundary,
// cut at block + 1 tokens. Position t reads tokens[0..t] and is trained to
// predict tokens[t + 1]; scored by the parameters before the update.
struct InspectedItem {
  std::vector<int> tokens;  // (n + 1) ids, boundaries included
  std::vector<float> prob;  // (n) p(tokens[t + 1] | tokens[0..t]) at each position t trained
  std::vector<float> loss;  // (n) -log of it, from the logits
  float mean_loss = 0;      // mean of `loss`
  int positions() const { return int(prob.size()); }
};

// One update.
struct InspectedStep {
  std::int64_t step = 0;                 // the step number of this update (0 = the first ever)
  double lr = 0;                         // the learning rate it used
  float loss_before = 0;                 // mean loss on its batch before the update
  float loss_after = 0;                  // mean loss on the same batch after it
  std::vector<InspectedExample> batch;   // the MLP's batch, in drawing order (empty for a transformer)
  std::vector<InspectedItem> items;      // a transformer's batch of items, in drawing order (empty for the MLP)
  int positions = 0;                     // a transformer's positions computed: 0..positions-1 (wpe rows used)
};

// The rows of one embedding table, before and after.
struct TableMoves {
  std::string name;              // "C", "wte" or "wpe"
  Mat<float> before;             // (R, d) the table before the first update
  Mat<float> after;              // (R, d) after the last
  Mat<float> delta;              // (R, d) after - before: the arrows
  Mat<float> grad;               // (R, d) the last update's gradient (one SGD step: delta == -lr * grad)
  std::vector<float> movement;   // (R) length of each row's arrow
  std::vector<bool> in_batch;    // (R) some batch looked the row up, so it got a gradient
  std::vector<bool> carried;     // (R) looked up by no batch, but Adam's running average for it was not zero
  std::vector<int> unmoved;      // rows neither looked up nor carried: exactly zero movement
  bool frozen = false;           // the token table was kept fixed (freeze embeddings): no row moved

  int rows() const { return int(movement.size()); }
  int moved_count() const { return frozen ? 0 : rows() - int(unmoved.size()); }
};

struct StepInspection {
  std::vector<InspectedStep> steps;  // the updates done, in order
  bool diverged = false;             // stopped early: a loss or gradient was not finite
  float loss_before = 0;  // mean loss over every target of every batch, before the first update
  float loss_after = 0;   // the same targets after the last update
  std::string optimizer;  // the optimizer that made the updates ("sgd", "adam")
  std::vector<TableMoves> tables;  // the family's embedding tables, the token table first (C; wte, wpe)

  const TableMoves& tokens() const { return tables.front(); }
  // A transformer's positions (wpe); null for the MLP.
  const TableMoves* positions() const { return tables.size() > 1 ? &tables[1] : nullptr; }
};

constexpr int kMaxInspectSteps = 10000;  // every example of every batch is kept

// Runs n (1..kMaxInspectSteps) optimizer steps on `t`, exactly as t.step()
// would, recording what they did. Throws ev::Error for n out of range.
// Stops early (diverged) at a step whose batch loss is above max_loss: a run that
// has blown up while staying finite.
StepInspection inspect_steps(Trainer& t, int n, double max_loss = std::numeric_limits<double>::infinity());

}  // namespace ev
