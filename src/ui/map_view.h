// map_view.h: the embedding view's neighbour maps (t-SNE, UMAP). The view
// offers each new token table to a LiveMap (core/layout/live_map.h), whose
// threads lay it out, and takes the newest positions every frame; nothing of
// the map is computed on the UI thread. A new run, or new map settings,
// start a new map.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layout/live_map.h"
#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct MapViewState {
  MapSettings settings;                  // as the controls set them (kind from the projection)
  std::unique_ptr<LiveMap> map;          // null until a map is shown
  std::shared_ptr<const MapFrame> frame; // the frame whose positions the view shows
  std::uint64_t offered_version = ~0ull; // the snapshot version last offered
  std::int64_t offered_step = -1;        // and its step (a scrubbed one is earlier than the run's)
  std::uint64_t source = 0;              // the run (and its restarts) the map is of
  std::uint64_t started = 0;             // maps started so far (each new run or new settings)
  float perplexity_edit = 30;            // the sliders' values while dragged (applied on release)
  int neighbours_edit = 15;
};

// Keeps a live map of kind `kind` for the snapshot's token table (a new one for
// a new run or new settings), offers it the table when the snapshot differs
// from the last offered (a newer step, or a timeline frame's table: the map
// goes on from its current layout, so points move rather than jump), and
// copies the newest positions into *xy (V, 2). True when *xy changed.
bool update_map(const Snapshot& s, MapKind kind, MapViewState& mv, std::vector<float>* xy);
// Stops the map's threads (another projection is shown).
void stop_map(MapViewState& mv);

// Perplexity or neighbours, and the metric, on the controls row. True when
// they changed (applied on release of a slider, so a drag is one restart).
bool map_controls(MapViewState& mv, MapKind kind);

// The axis caption: the method, the step of the table it shows, its
// iterations and what it is doing ("t-SNE of step 12,000, 850 iterations;
// refreshing the neighbour graph"); `scrubbed` (a timeline frame shown): also
// the step it moves to while it still shows another ("; laying out step 200").
std::string map_caption(const MapViewState& mv, bool scrubbed = false);

// Where a map stands before its first layout ("finding every word's nearest
// neighbours..."); "" once it has positions.
std::string map_waiting_text(const MapViewState& mv);

// The k tokens nearest to token i in the map's positions (for the hover).
std::vector<int> map_neighbours(const std::vector<float>& xy, int i, int k);

}  // namespace ev::ui
