// snapshot.h: an immutable picture of a training run at one step. The trainer
// thread builds one, publishes it, and never touches it again; each UI frame
// loads the latest once and every panel draws from that same const object, so
// no panel ever sees a half-updated table and no lock is held while drawing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "inspect.h"
#include "dataset.h"
#include "loss_history.h"
#include "model.h"

namespace ev {

struct Snapshot {
  std::uint64_t version = 0;             // increases with every publish
  std::uint64_t commands_applied = 0;    // commands the trainer had applied when this was built
  std::int64_t step = 0;                 // SGD updates done
  double epoch = 0;                      // training examples seen / training examples
  TrainConfig config;                    // the hyperparameters in force
  std::shared_ptr<const Dataset> data;   // vocabulary and items (shared, immutable)
  ModelShape shape;                      // vocab, block, emb, hidden
  std::vector<float> params;             // a copy of every parameter, laid out as ModelShape says

  std::vector<LossPoint> loss;           // training loss, downsampled (see LossHistory)
  std::int64_t loss_stride = 1;          // steps per point in `loss`
  std::vector<LossPoint> val;            // validation loss at intervals
  float last_loss = 0;                   // loss of the last batch
  float smooth_loss = 0;                 // exponential moving average of the batch loss
  float val_loss = 0;                    // latest validation loss (0 before the first)

  std::vector<std::int32_t> batch_X;     // (B, block) contexts of the last batch
  std::vector<std::int32_t> batch_Y;     // (B) their targets

  bool playing = false;                  // training continuously
  double target_steps_per_s = 0;         // speed limit; 0 = as fast as possible
  double steps_per_s = 0;                // measured training speed
  bool diverged = false;                 // the last step's loss was not finite; training paused
  bool rising = false;                   // the smoothed loss rose well above a uniform guess (see TrainingThread)
  std::int64_t checkpoint_step = 0;      // the step Restore goes back to
  double checkpoint_lr = 0;              // the learning rate in force there, which Restore brings back too
  std::string checkpoint_why;            // why those parameters were kept ("before the learning rate changed", ...)
  float bigram_loss = 0;                 // a counting bigram model's loss on the training split (0: none)
  std::uint64_t run = 0;                 // increases whenever the run is replaced (reset, new data, session, lesson)
  std::string message;                   // latest error or notice for the user ("" when none)
  std::shared_ptr<const StepInspection> inspection;  // what the last Step command did (null after other changes)
  std::int64_t stop_at = -1;             // playing pauses at this step (a lesson's length; -1: never)
  int preset = -1;                       // index into ev::presets() of the lesson in force (-1: none)

  ConstTensors<float> tensors() const { return ConstTensors<float>(params.data(), shape); }
  Eigen::Map<const Mat<float>> C() const { return tensors().C; }  // (V, d)
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace ev
