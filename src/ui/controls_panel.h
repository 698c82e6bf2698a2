// controls_panel.h: the run's controls: play/pause, step 1/10/100, reset,
// speed, learning rate (live), decay, batch, model family and shape (restarts), seed, and
// the divergence banner. Widgets post a command when they change; the sliders
// show the trainer's actual settings whenever the user is not dragging them.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct ControlsState {
  float lr = 0.1f;               // log slider
  float lr_decay = 0.1f;         // factor after the decay step
  int lr_decay_step = 100000;    // step at which the decay applies
  int batch = 32;
  std::map<std::string, int> shape;  // the family's sizes by hyperparameter name: applied on release, restarts
  int seed = 42;
  float speed = 0;               // steps/s; 0 (or the slider's top) = as fast as possible
  std::uint64_t synced_version = ~0ull;
  // Until when (ImGui time) Restore stays offered after the trouble that
  // showed it ends: a loss hovering at the warning's threshold must not take
  // the button away under the pointer between a click's press and release.
  double restore_until = -1;
};

// Steps per second at the top of the speed slider, shown as "max".
constexpr float kMaxSpeedSlider = 100000.f;
// The learning-rate slider's range: its top end makes the loss blow up
// visibly (and, on names, pauses training as diverged).
constexpr float kMinLr = 1e-4f, kMaxLr = 100.0f;

void draw_controls_panel(const Snapshot& s, UiContext& ctx, ControlsState& st);

// One-line status: step, epoch, losses, speed, frame time.
void draw_status_line(const Snapshot& s, const UiContext& ctx);

}  // namespace ev::ui
