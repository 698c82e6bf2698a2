// timeline_panel.h: the bar under the embedding view that goes back through
// the run's timeline (core/timeline.h) while training goes on: a slider over
// the kept steps, the step and the loss at the one shown, Play to run them as
// a film at a chosen speed, Live to return to now, and Pin to keep one step
// to compare others with (drawn faintly under the view: ui/ghost.h). The view
// then draws a snapshot of that step: the live one with the frame's tables in place.
#pragma once

#include <cstdint>
#include <memory>

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct TimelineState {
  bool live = true;                // showing the run now
  int frame = 0;                   // the timeline frame shown when not live
  bool playing = false;            // the film runs
  float speed = 20;                // frames of the timeline per second of film
  double position = 0;             // playing: where the film is, in frames
  std::uint64_t restarts = 0;      // Snapshot::restarts the frame belongs to: a new run goes live
  // The snapshot drawn for `frame`, rebuilt only when the frame changes.
  std::shared_ptr<const Snapshot> view;
  const void* view_tables = nullptr;
  std::uint64_t views = 0;         // counts rebuilt views: each gets a version of its own
  // The pinned step (Pin, or P), kept through scrubbing and playing until
  // Unpin or a new run: its step and its tables (null: none pinned).
  std::int64_t pinned = -1;
  std::shared_ptr<const std::vector<NamedTable>> pinned_tables;
};

// Pins the step `shown` draws (live or a timeline frame), or unpins when one is pinned.
void toggle_pin(TimelineState& st, const Snapshot& shown);

// A copy of `live` showing a timeline frame: its tables, step and loss, no
// step record, and `version` (kept apart from every published one).
std::shared_ptr<const Snapshot> frame_snapshot(const Snapshot& live, const TimelineFrame& f, std::uint64_t version);

// Advances a playing film by dt seconds and returns the snapshot the view
// draws: `live` itself, or the frame's copy of it (its tables, step and loss).
SnapshotPtr timeline_view(const SnapshotPtr& live, TimelineState& st, float dt);

// Plays the film of `frames` kept steps from the frame shown (the first when
// live or on the last).
void play_film(TimelineState& st, int frames);

// Shows the timeline at `frame` (clamped), paused, or live again (frame < 0).
void show_frame(TimelineState& st, int frame);

// The bar: Live, Play/Pause, the speed, the slider, the step and the loss.
void draw_timeline_bar(const Snapshot& live, UiContext& ctx, TimelineState& st);

// The bar's height, reserved under the view.
float timeline_bar_height();

}  // namespace ev::ui
