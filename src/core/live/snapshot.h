// snapshot.h: an immutable picture of a training run at one step. The trainer
// thread builds one, publishes it, and never touches it again; each UI frame
// loads the latest once and every panel draws from that same const object, so
// no panel ever sees a half-updated table and no lock is held while drawing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/config.h"
#include "core/train/inspect.h"
#include "core/data/dataset.h"
#include "core/train/loss_history.h"
#include "core/models/model.h"
#include "core/train/timeline.h"

namespace ev {

using RunId = std::uint64_t;

struct Snapshot {
  RunId run_id = 0;                      // which run this is a picture of
  // The run is still being made on its thread (its examples framed, its
  // baselines counted): what it is doing now, as "counting the trigram"; ""
  // once it is ready. A preparing snapshot has its config and data, no tables
  // (while the data is still being read: an empty data set naming its source).
  std::string preparing;
  bool failed = false;                   // the run could not be made (message says why); it never trains
  std::uint64_t version = 0;             // increases with every publish
  std::uint64_t commands_applied = 0;    // commands the trainer had applied when this was built
  std::int64_t step = 0;                 // SGD updates done
  double epoch = 0;                      // training examples seen / training examples
  TrainConfig config;                    // the hyperparameters in force
  std::shared_ptr<const Dataset> data;   // vocabulary and items (shared, immutable)
  ModelSpec spec;                        // the model's family and hyperparameters
  ParamTable table;                      // its tensors by name
  // The embedding tables at `step`, token table first: copied at every
  // publish, shared while they do not change.
  std::shared_ptr<const std::vector<NamedTable>> embeddings;
  // The tables at earlier steps (timeline.h), shared; never null.
  std::shared_ptr<const TimelineFrames> timeline;
  // Every parameter, copied only while a view asks for them (Worker::want_model),
  // at most a few times a second: may be from an earlier step, `model_step`.
  std::shared_ptr<const Model<float>> model;
  std::int64_t model_step = -1;

  LossSpan loss;                         // training loss, downsampled (see LossHistory), shared append-only
  std::int64_t loss_stride = 1;          // steps per point in `loss`
  LossSpan val;                          // validation loss every config.val_every steps
  float last_loss = 0;                   // loss of the last batch
  float smooth_loss = 0;                 // exponential moving average of the batch loss
  float val_loss = 0;                    // latest validation loss (0 before the first)
  float val_top1 = 0;                    // and the share of its targets ranked first
  // The token table's neighbour shares at each validation (structure.h): one
  // curve per probe, with its name and the chance rate.
  struct ShareCurve {
    std::string name;
    double chance = 0;
    std::vector<LossPoint> points;  // `loss` is the share
  };
  std::vector<ShareCurve> shares;

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
  float trigram_loss = 0;                // word data: the Kneser-Ney trigram's validation loss (0: none)
  std::size_t distinct_trigrams = 0;     // word data: distinct trigrams of the training split (the n-gram blow-up)
  std::uint64_t restarts = 0;            // increases whenever the run restarts (reset, new data, session, lesson)
  std::string message;                   // latest error or notice for the user ("" when none)
  std::shared_ptr<const StepInspection> inspection;  // what the last Step command did (null after other changes)
  std::int64_t stop_at = -1;             // playing pauses at this step (a lesson's length; -1: never)
  int preset = -1;                       // index into ev::presets() of the lesson in force (-1: none)

  // An embedding table by name (an empty matrix when the model has none of that name).
  const Mat<float>& embedding(std::string_view name) const;
  // The token table: the MLP's C, a transformer's wte. (V, d)
  const Mat<float>& C() const;
  // The token table's name: "C" for the MLP, "wte" for a transformer.
  std::string token_table_name() const;
  // What the family is (models/model.h): views ask this, never a name.
  const FamilyTraits& traits() const;
  // The table of positions, where the family has one (traits().position_table;
  // a transformer's wpe), else an empty matrix. (block, d)
  const Mat<float>& positions() const;
  // True when `name` is the position table's.
  bool is_position_table(std::string_view name) const;
  std::size_t param_count() const { return table.count(); }
  // The run is made: its tables are here (neither preparing nor failed).
  bool ready() const { return preparing.empty() && !failed; }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace ev
