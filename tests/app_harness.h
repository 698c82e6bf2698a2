// app_harness.h: what the tests that drive the whole app headlessly share:
// opening it (or learning that this machine has no headless GL), waiting for
// the trainer thread to apply every command, and reading the text the fit
// check found cut off. Test support only, not part of the program.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/headless_ui.h"
#include "core/error.h"

namespace ev::testing {

// The app with two frames drawn; null when no headless GL context can be made.
inline std::unique_ptr<app::HeadlessUi> open_app(const app::AppOptions& o) {
  try {
    auto ui = std::make_unique<app::HeadlessUi>(o);
    ui->frame();
    ui->frame();
    return ui;
  } catch (const Error&) {
    return nullptr;
  }
}

// Waits until the trainer has applied every command (and sent the model's
// parameters), then draws two frames; the latest snapshot, or null on a timeout.
inline SnapshotPtr settle(app::HeadlessUi& ui, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  ui.app().trainer().want_model();
  if (!ui.app().trainer().wait_idle(timeout)) return nullptr;
  ui.frame();
  ui.frame();
  return ui.app().trainer().snapshot();
}

// Everything the last frame's fit check found cut off, a line each ("" when nothing).
inline std::string clipped_text(app::HeadlessUi& ui) {
  std::string all;
  for (const std::string& c : ui.app().context().clipped) all += c + "\n";
  return all;
}

}  // namespace ev::testing
