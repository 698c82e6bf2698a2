// embedding_panel.h: the embedding view. Every row of the table C is a point
// labelled with its token, placed by a Projector (the table itself when d = 2,
// its two principal axes, or any two chosen dimensions). Points go through
// the GPU (gfx::PointRenderer); labels, axes, trails and the legend through ImGui.
// Draws the contents of the current ImGui window; the window is the caller's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "gfx/point_layer.h"
#include "gfx/text_layer.h"
#include "gfx/point_renderer.h"
#include "ui/plot.h"
#include "ui/projector.h"
#include "ui/trails.h"
#include "ui/map_view.h"
#include "ui/ui_context.h"
#include "ui/word_search.h"

namespace ev::ui {

// Token classes, each with its own colour and legend entry: characters are
// vowels or consonants; words with WordNet classes (Dataset::classes) are
// their parts of speech, and the rest (<unk> among them) "none".
enum class TokenClass { Boundary, Vowel, Consonant, Other, Noun, Verb, Adjective, Adverb, Several, kCount };
TokenClass classify_token(const std::string& token, int id);
TokenClass classify_word(WordClass c, int id);
ImU32 class_colour(TokenClass c);

// What the view keeps between frames. Owns GL objects: create and destroy it
// with the GL context current.
// A pinned step drawn faintly under the one shown (the timeline bar's Pin,
// ui/ghost.h). The caller sets `tables` and `step` each frame; the rest is
// derived from them and the view's projection.
struct GhostState {
  std::shared_ptr<const std::vector<NamedTable>> tables;  // the pinned step's tables; null: no ghost
  std::int64_t step = -1;                 // the pinned step
  std::vector<float> xy;                  // (V, 2) the pinned token table in the view's projection
  const void* xy_of = nullptr;            // the tables xy was projected from
  std::uint64_t xy_projection = ~0ull;    // the view's `projections` when xy was made
  std::uint64_t xy_made = 0;              // counts the times xy was made
  int lines = 0;                          // lines from pinned to shown drawn in the last frame
  int points = 0;                         // ghost points drawn in the last frame
  std::string label;                      // the legend's "ghost: step 200 -> 5,000" ("" when none)
  gfx::PointRenderer renderer;            // a small vocabulary's ghost points
  gfx::PointLayer layer;                  // a large one's, as the view's own layer
  std::uint64_t layer_made = ~0ull;       // xy_made when the layer last got positions
  std::vector<gfx::PointInstance> instances;
};

struct EmbeddingPanelState {
  plot::PlotState plot;                  // limits, auto-fit, equal aspect
  Projection projection = Projection::Auto;
  int dim_x = 0, dim_y = 1;              // columns shown in Projection::Dims
  bool show_labels = true;
  bool show_trails = true;
  bool show_positions = true;            // a transformer's wpe as a numbered path (position_path.h)
  WordSearch search;                     // word data: the search box and its neighbours
  GhostState ghost;                      // a pinned step under the shown one
  MapViewState map;                      // Projection::Tsne, Umap: the live map and its settings
  // Drawing a timeline frame (timeline_panel.h): steps may go back without a
  // new run, and the PCA basis is held so points move rather than jump; a map
  // lays out the frame's table, warm-started from where its points are.
  bool replay = false;
  float reserve_below = 0;               // height left under the plot (the timeline bar)
  bool film = false;                     // a film's frame: the plot alone, without the controls above it, maps as PCA

  // Derived from the last snapshot seen (recomputed when its version changes).
  std::uint64_t version = ~0ull;
  std::uint64_t run = 0;                 // Snapshot::run of the last snapshot seen
  std::int64_t step = -1;                // step of that snapshot (a smaller one means a reset)
  ModelSpec spec{};
  Projector projector;                   // how `xy` was made, and makes positions of other tables
  std::vector<float> xy;                 // (V, 2) projected positions; NaN where not finite
  std::vector<float> positions_xy;       // (block, 2): wpe under the same fit; empty without wpe
  Trails trails;                         // recent positions of every token
  double last_projection_time = -1e9;   // large tables are re-projected at most 10 times a second

  std::uint64_t projections = 0;         // update_projection calls so far (xy changed)
  std::shared_ptr<const Dataset> classes_of;  // the data set `classes` was worked out for
  std::vector<TokenClass> classes;       // each token's class
  bool classes_present[int(TokenClass::kCount)] = {};
  bool word_classes = false;             // the classes are parts of speech
  std::vector<int> label_order;          // word data: tokens from the most frequent in training down

  gfx::PointRenderer points;             // initialised on first draw
  std::vector<gfx::PointInstance> instances;
  // Vocabularies from layer_from tokens up are drawn through a cached layer,
  // refreshed progressively (see gfx::PointLayer); the boundary, selected and
  // hovered tokens are drawn on top of it directly.
  int layer_from = 4000;
  gfx::PointLayer layer;
  std::uint64_t layer_positions = 0;     // changes of the positions the layer draws (xy's, or a held layout's)
  std::uint64_t layer_projection = ~0ull;  // `layer_positions` when the layer last got them
  // A map's new layout waits for the layer's picture of it: the labels,
  // trails and points on top move in the frame the discs do (one redraw of
  // the map a layout, not two).
  std::vector<float> next_xy;            // the newest layout while it waits
  std::size_t next_finite = 0;           // its points that are drawn
  std::vector<float> layer_xy;           // the positions last given to the layer, while one waits
  bool holding = false;
  double holding_since = 0;              // and frames held
  int holding_frames = 0;
  std::vector<gfx::PointInstance> layer_instances;
  gfx::TextLayer label_layer;            // a crowded view's labels as one cached image (gfx::TextLayer)
  int labels_drawn = 0;                  // labels shown in the last frame (large vocabularies hide overlaps)
  std::vector<int> labelled;             // and their tokens
  int token_arrows = 0, position_arrows = 0;  // step arrows drawn in the last frame (step_arrows.h)
  std::vector<ImVec4> position_numbers;  // the boxes of wpe's numbers drawn in the last frame
  std::vector<ImVec4> position_squares;  // and of its squares, which no token label covers
  std::vector<ImVec4> label_boxes;       // the boxes of the token labels drawn in the last frame
  gfx::DataToPixels last_map;            // data -> pixels of the last frame drawn (linear axes)
  // The hover readout's neighbours, for a token, a metric and a table: while
  // the table trains they are found again at most four times a second
  // (searching every row each frame costs the frame loop a millisecond).
  struct HoverNeighbours {
    int token = -1;
    bool cosine = false, map = false;
    RunId run = 0;
    std::uint64_t restarts = ~0ull;
    std::int64_t step = -1;
    std::uint64_t projections = ~0ull;
    double at = -1e9;
    std::vector<Neighbour> near;  // in all d dimensions
    std::vector<int> in_map;      // in the map
  } hover;
  std::string gl_error;                  // why points cannot be drawn ("" when fine)

  EmbeddingPanelState() {
    plot.equal_aspect = true;
    plot.steady_fit = true;
    plot.legend_below = true;  // the legend never covers a point
  }
};

// Projects the snapshot's table into st.xy as st's settings say (no drawing);
// under a map, offers the table to the live map and takes its newest positions.
// Exposed for tests: the pixel test checks points land where this says.
void update_projection(const Snapshot& s, EmbeddingPanelState& st);

// Draws the view into the current ImGui window.
void draw_embedding_panel(const Snapshot& s, UiContext& ctx, EmbeddingPanelState& st);

}  // namespace ev::ui
