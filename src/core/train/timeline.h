// timeline.h: a run's embedding tables kept at chosen steps, so the window can
// scrub back through training and play it as a film. Captures are dense at the
// start, where the tables change fastest, and log-spaced after (each step a
// factor kRatio past the last), plus any steps asked for (a recording's). The
// frames stay within kBudgetBytes: over it, the middle frame whose neighbours
// are closest on a log scale of steps is dropped (the oldest of equals), never
// the first or the latest. Frames are immutable and shared: a snapshot holds
// the list as it was when published. Not for: anything but the tables the
// embedding view draws (no other parameters, no optimizer state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/models/params.h"

namespace ev {

// A table whose rows are tokens or positions (the MLP's C; wte, wpe), by name.
struct NamedTable {
  std::string name;
  Mat<float> values;  // (rows, d)
};

// The embedding tables at one step.
struct TimelineFrame {
  std::int64_t step = 0;
  float loss = 0;  // the smoothed training loss at that step; NaN when none yet (step 0)
  std::shared_ptr<const std::vector<NamedTable>> tables;
  std::size_t bytes() const;
};

using TimelineFrames = std::vector<TimelineFrame>;

class Timeline {
 public:
  static constexpr std::size_t kBudgetBytes = std::size_t(256) << 20;  // 256 MiB: 131 frames of 17,000 x 30
  static constexpr std::int64_t kDenseUntil = 20;  // every step up to here
  static constexpr double kRatio = 1.05;           // then each capture 5% past the last

  explicit Timeline(std::size_t budget_bytes = kBudgetBytes) : budget_(budget_bytes) {}

  // Whether `step` is a step to capture (the schedule, or a step asked for).
  bool due(std::int64_t step) const;
  // Adds a frame (steps increase; an earlier or equal step replaces the frames
  // from it on, as after a Restore), then thins to the budget.
  void add(TimelineFrame f);
  // Drops the frames after `step` (a run that went back to it).
  void truncate(std::int64_t step);
  // Steps to capture besides the schedule (sorted by the call), e.g. a film's.
  void also_capture(std::vector<std::int64_t> steps);
  void clear();

  // The frames, oldest first, shared: the list changes only by replacement.
  std::shared_ptr<const TimelineFrames> frames() const { return frames_; }
  std::size_t size() const { return frames_->size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t budget() const { return budget_; }

 private:
  void thin();
  std::size_t budget_;
  std::shared_ptr<const TimelineFrames> frames_ = std::make_shared<TimelineFrames>();
  std::size_t bytes_ = 0;
  std::vector<std::int64_t> extra_;  // sorted
};

// `n` steps between 0 and `last` for a film, strictly increasing, denser at the
// start as the timeline is (steps grow as e^(a t) - 1 over the frames t); all
// of 0..last when last + 1 <= n.
std::vector<std::int64_t> film_steps(std::int64_t last, int n);

// The frame at or before `step` (the first frame when step is earlier); -1 when empty.
int frame_at(const TimelineFrames& f, std::int64_t step);

}  // namespace ev
