// session.h: saving a training run to a file and coming back to it later.
// A session holds everything that decides the next step: the data it trained
// on (path and checksum, to find and recognise it again), the vocabulary, the
// hyperparameters, the parameters, the step, the loss history and the batch
// generator's state, so a resumed run continues bit-identically.
//
// File format (all integers little-endian), version 5 (versions 1 to 4 still load):
//   8 bytes magic "EVSESSN\0", u32 version, u64 payload length,
//   u64 FNV-1a checksum of the payload, then the payload (see session.cpp).
// Every length is checked against a limit and against the bytes that remain
// before anything is allocated, so a hostile file cannot make us allocate much.
// Not for: the data itself (only its path and checksum are stored).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/train/config.h"
#include "core/data/data.h"
#include "core/data/dataset.h"
#include "core/train/loss_history.h"
#include "core/base/rng.h"
#include "core/train/timeline.h"
#include "core/train/trainer.h"

namespace ev {

struct Session {
  std::string data_source;               // Dataset::source: a file's absolute path or a built-in data set's name
  std::uint64_t data_checksum = 0;       // Dataset::checksum of that data
  Tokenizer tokenizer = Tokenizer::Char; // how its lines became tokens
  std::uint64_t split_seed = 42;         // the seed its items were split with (Dataset::split_seed)
  std::vector<std::string> vocab;        // tokens in id order; token 0 is the boundary
  TrainConfig config;                    // the hyperparameters in force
  std::vector<float> params;             // laid out as spec()'s parameter table says
  std::vector<float> optimizer_state;    // the optimizer's buffers (none for SGD; Adam's m, v)
  std::int64_t step = 0;                 // SGD updates done
  std::vector<LossPoint> loss;           // LossHistory::points()
  std::int64_t loss_stride = 1;          // LossHistory::stride()
  std::uint64_t loss_capacity = 0;       // LossHistory::capacity()
  LossHistory::Pending loss_pending;     // the partial bucket of the loss curve
  std::vector<LossPoint> val;            // validation losses
  Rng::Saved rng{};                      // the batch generator
  int max_vocab = kDefaultWordVocab;     // word data: the vocabulary's size limit (DataSpec::max_vocab)
  TimelineFrames timeline;               // the embedding tables at earlier steps (timeline.h), the last at `step`

  ModelSpec spec() const { return config.spec(int(vocab.size())); }
  DataSpec data() const { return {data_source, tokenizer, split_seed, max_vocab}; }
};

constexpr std::uint32_t kSessionVersion = 5;                        // bumped on any format change (1 to 4 still load)
constexpr std::uint64_t kMaxSessionBytes = std::uint64_t(1) << 34;  // 16 GiB: above the largest valid model
constexpr std::uint32_t kMaxSessionTokenBytes = 1u << 16;            // longest token a session holds

// Everything a Trainer holds that the next step depends on.
Session capture_session(const Trainer& t);

// The file's bytes for a session. Throws ev::Error for a session that
// parse_session would refuse (a token or path over its limit, a step out of range).
std::string encode_session(const Session& s);

// Parses a whole session file from memory. Throws ev::Error with one line
// naming `name` and the problem (wrong magic, version, checksum, truncation,
// sizes out of range, inconsistent fields). Safe on any input.
Session parse_session(std::string_view bytes, const std::string& name = "session");

// Throws the ev::Error saving a session of a run on `d` at `step` would
// throw (a token or the data's path longer than a session holds, a step past
// its limit), so a run that is to be saved refuses before its work.
void check_session_fits(const Dataset& d, std::int64_t step);

// Saves atomically: a crash at any moment leaves the old or the new file.
// Refuses (ev::Error) to write over the session's own data file.
void save_session(const Session& s, const std::string& path);
// Reads and parses a session file (ev::Error on any problem).
Session load_session(const std::string& path);

// Throws ev::Error when the session was not trained on this data (checksum,
// tokenizer or vocabulary differ).
void check_session_data(const Session& s, const Dataset& data);

// Loads the data a session names: a built-in data set by its name, else the
// file at data_source; then checks it is the same data (ev::Error if not).
std::shared_ptr<const Dataset> load_session_data(const Session& s);

// A new Trainer on `data` in exactly the session's state. Throws ev::Error when
// the data do not match or the session's sizes are invalid.
Trainer resume_session(const Session& s, std::shared_ptr<const Dataset> data);

// Replaces `t` by the session's run on t's data. Everything is checked and
// built first: on any error `t` is left exactly as it was.
void apply_session(const Session& s, Trainer& t);

}  // namespace ev
