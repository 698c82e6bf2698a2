// commands.h: what the UI asks of a run. Commands are posted to the worker
// that trains the run (by its id) and applied between steps, in order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/models/model.h"

namespace ev::cmd {

struct Play { bool on; };                   // start or pause continuous training
struct Step { int n; };                     // exactly n SGD updates, then pause; recorded for the step inspector
struct Reset {};                            // re-initialise from the seed, step 0
// Applied live, no reset. `dragging`: the slider is still held, so the rate
// is in passing; Restore keeps the rate from before the drag began.
struct SetLr { double lr; bool dragging = false; };
struct SetLrDecay { std::int64_t step; double factor; };
struct SetBatch { int batch; };             // applied live, no reset
struct SetModel { ModelSpec spec; };        // another family or size (vocab ignored): restarts from the seed
struct SetSeed { std::uint64_t seed; };     // restarts from the new seed
struct SetSpeed { double steps_per_s; };    // 0 = as fast as possible
// Train on another text file (errors reach Snapshot::message), read with the
// tokenizer given, else with the current data's.
struct LoadData { std::string path; std::optional<Tokenizer> tokenizer = std::nullopt; };
struct RestoreCheckpoint {};                // go back to the last finite parameters after divergence
struct SaveSession { std::string path; };   // atomic save of the whole run (errors reach Snapshot::message)
struct LoadSession { std::string path; };   // replaces the run; a bad file leaves it untouched
struct ApplyPreset { int index; };          // one of ev::presets(): sets the configuration, paused at step 0
struct SetStop { std::int64_t step; };      // playing pauses at this step (-1: never), as a lesson's stop does
// Sets the token table's rows from a file of vectors (init_vectors.h) at the
// current step; the message says how many tokens matched, or why none was set.
struct InitVectors { std::string path; };
struct FreezeEmbeddings { bool on; };       // the token table stops (or starts again) training, live
struct KeepSteps { std::vector<std::int64_t> steps; };  // the timeline keeps these steps too (a recording's)

}  // namespace ev::cmd

namespace ev {
using Command = std::variant<cmd::Play, cmd::Step, cmd::Reset, cmd::SetLr, cmd::SetLrDecay, cmd::SetBatch,
                             cmd::SetModel, cmd::SetSeed, cmd::SetSpeed, cmd::LoadData, cmd::RestoreCheckpoint,
                             cmd::SaveSession, cmd::LoadSession, cmd::ApplyPreset, cmd::SetStop, cmd::InitVectors,
                             cmd::FreezeEmbeddings, cmd::KeepSteps>;
}  // namespace ev
