// limits.h: the valid ranges of a run's settings, and the most memory a run
// may take. Not for: checking them (config.h validates a TrainConfig; each
// family's table of hyperparameters names its ranges from these).
#pragma once

#include <cstdint>

namespace ev {

// Valid ranges: the one set used by the CLI's options, the app's flags, the
// window's sliders and session loading.
struct Limits {
  static constexpr int kMaxBlock = 64;
  static constexpr int kMaxEmb = 1024;
  static constexpr int kMaxHidden = 65536;
  static constexpr int kMaxBatch = 1 << 20;
  static constexpr int kMaxHeads = 64;
  static constexpr int kMaxLayers = 64;
  static constexpr int kMaxVocab = 1 << 24;
  static constexpr double kMinLr = 1e-8;
  static constexpr double kMaxLr = 1e6;
  static constexpr double kMaxBytes = 8.0 * (1ull << 30);  // refuse runs needing more than 8 GiB
  static constexpr std::int64_t kMaxStep = std::int64_t(1) << 62;  // training stops here; sessions hold no more
};

}  // namespace ev
