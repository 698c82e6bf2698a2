// live_map.h: a neighbour map (t-SNE or UMAP) of a table that is still
// learning. Two threads of its own, neither the UI's nor the trainer's: one
// rebuilds the neighbour graph from the newest table it was offered (seconds
// at 17,000 rows), the other continues the layout from where it is and adopts
// each new graph as it arrives (a warm start), publishing positions several
// times a second. When no newer table comes (training paused) the layout runs
// on until it settles, then waits.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/layout/neighbours.h"
#include "core/models/params.h"

namespace ev {

enum class MapKind { Tsne, Umap };

struct MapSettings {
  MapKind kind = MapKind::Tsne;
  Metric metric = Metric::Cosine;
  double perplexity = 30;  // t-SNE: the effective number of neighbours each point's Gaussian spans
  int neighbours = 15;     // UMAP: the size of each point's neighbourhood
  std::uint64_t seed = 1;  // the first layout's random start
  bool operator==(const MapSettings& o) const;
  bool operator!=(const MapSettings& o) const { return !(*this == o); }
};

const char* map_name(MapKind k);  // "t-SNE", "UMAP"

// What the layout thread publishes: immutable once published.
struct MapFrame {
  MapSettings settings;
  std::vector<float> xy;          // (n, 2) positions; NaN for rows not finite; empty before the first graph
  std::uint64_t source = 0;       // the tag the table was offered with (a new run, a new source)
  std::int64_t table_step = -1;   // the training step of the table the current graph was made from
  int iterations = 0;             // descent steps (t-SNE) or epochs (UMAP) since the first layout
  bool settled = false;           // nothing newer to adopt, and the layout has run its course
  std::string stage;              // what the map is doing, for the view ("finding neighbours", ...)
};

// One method behind the live map: an input prepared aside (graph thread),
// adopted into the layout (layout thread), then descended.
class MapEngine {
 public:
  virtual ~MapEngine() = default;
  // The next input from the rows of X; false if cancelled. Graph thread only.
  virtual bool prepare(const Mat<float>& X, const std::atomic<bool>* cancel) = 0;
  // The prepared input replaces the current one: a cold start the first time
  // (or when the row count changed), a warm start after. Layout thread only.
  virtual void adopt() = 0;
  virtual void run(int iterations, const std::atomic<bool>* cancel) = 0;
  virtual const std::vector<float>& positions() const = 0;
  virtual int iteration() const = 0;
  // Steps to run after adopting an input before the layout counts as settled.
  virtual int settle_after(bool cold) const = 0;
};

// The engine for `s` (tsne.h, umap.h); the graph search on `threads`.
std::unique_ptr<MapEngine> make_map_engine(const MapSettings& s, int threads);

// A map of the rows of X (n, d) computed once on this thread, start to end: a
// cold start run its whole course (t-SNE 1,000 iterations, UMAP its epochs),
// progress(done, total) after each part. (n, 2), NaN for rows not finite.
std::vector<float> map_once(const Mat<float>& X, const MapSettings& s, int threads,
                            const std::function<void(int, int)>& progress = nullptr);
// The rows of X on their two principal axes: (n, 2), NaN for rows not finite.
std::vector<float> pca_positions(const Mat<float>& X);

class LiveMap {
 public:
  // Starts the two threads; nothing is computed before the first offer.
  // `engine` null: make_map_engine(settings, 1). While newer tables keep
  // coming, the graph is rebuilt at most every `refresh_every` seconds.
  explicit LiveMap(const MapSettings& settings, std::unique_ptr<MapEngine> engine = nullptr,
                   double refresh_every = kRefreshEvery);
  ~LiveMap();  // cancels the work under way and joins (promptly: both check often)
  LiveMap(const LiveMap&) = delete;
  LiveMap& operator=(const LiveMap&) = delete;

  // The newest table: rows [0, rows) of *table, made at `step`. Only a
  // pointer is kept (the table must not change: a snapshot's is immutable).
  // A different `source` than the first offer's is ignored: a new run needs a
  // new map.
  void offer(std::shared_ptr<const Mat<float>> table, int rows, std::int64_t step, std::uint64_t source);
  // The latest frame (never null; empty positions before the first graph).
  std::shared_ptr<const MapFrame> latest() const;
  const MapSettings& settings() const { return settings_; }

  // Seconds between graph rebuilds while newer tables keep coming.
  static constexpr double kRefreshEvery = 2.0;
  // Seconds between published frames while the layout moves.
  static constexpr double kPublishEvery = 0.1;

 private:
  struct Offer {
    std::shared_ptr<const Mat<float>> table;
    int rows = 0;
    std::int64_t step = -1;
    std::uint64_t source = 0;
  };
  void graph_loop();
  void layout_loop();
  void publish(const std::string& stage, bool settled);

  const MapSettings settings_;
  const double refresh_every_;
  std::unique_ptr<MapEngine> engine_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;       // offers, prepared inputs, stop
  Offer offered_;                    // the newest table offered (table null: none yet)
  std::int64_t graph_step_ = -1;     // step of the table the last prepared input came from
  std::uint64_t source_ = 0;
  bool have_source_ = false;
  bool prepared_ = false;            // an input waits for adoption
  std::int64_t prepared_step_ = -1;
  std::string graph_stage_;          // what the graph thread is doing
  std::shared_ptr<const MapFrame> frame_;
  // Layout-thread state.
  std::int64_t adopted_step_ = -1;
  int adopted_at_ = 0;               // engine iteration when the last input was adopted
  bool cold_ = true;
  std::thread graph_thread_, layout_thread_;
};

}  // namespace ev
