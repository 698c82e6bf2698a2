// plot.h: a small 2-D plot widget for Dear ImGui 1.86, which has no plotting
// of its own. A plot is drawn in one shape, reused by every view:
//
//   if (plot::BeginPlot("loss", state)) {       // a frame, input (zoom, pan, fit)
//     plot::SetupAxes("step", "loss", 0, plot::kAxisLog);
//     plot::SetupFit(x0, x1, y0, y1);            // what auto-fit shows (optional)
//     plot::PlotLine("train", xs, ys, n, stride, colour);  // items
//     plot::EndPlot();                           // axes, legend
//   }
//
// Data is passed as pointer + count + byte stride, so a vector of structs
// plots without copying. Lines are thinned to the pixel columns they cover
// (visible range found by binary search, then min/max per column), so a
// million points cost about as much as a thousand. Not a general chart
// library: one x axis, one y axis, lines, markers and a legend.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ev::ui::plot {

// ---- Pure logic: no ImGui context needed (unit-tested) ----

// A "nice" tick spacing (1, 2 or 5 times a power of ten) giving about
// `target` intervals over [lo, hi].
double nice_step(double lo, double hi, int target);
// Tick values: the multiples of nice_step inside [lo, hi], ascending.
std::vector<double> linear_ticks(double lo, double hi, int target);
// Ticks for a log axis over [lo, hi] (both > 0): powers of ten, with 2 and 5
// times them when few decades show, or linear ticks inside one decade.
std::vector<double> log_ticks(double lo, double hi, int target);
// A tick label with as many decimals as the spacing needs (k/M for large numbers).
std::string format_tick(double v, double step);

// A read-only strided series of (x, y) numbers of any arithmetic type.
struct Series {
  const void* xs = nullptr;      // first x (nullptr: x is the index)
  const void* ys = nullptr;      // first y
  std::size_t count = 0;
  std::size_t stride = 0;        // bytes between consecutive points
  double (*read_x)(const void*) = nullptr;
  double (*read_y)(const void*) = nullptr;
  double x(std::size_t i) const {
    return xs ? read_x(static_cast<const char*>(xs) + i * stride) : double(i);
  }
  double y(std::size_t i) const { return read_y(static_cast<const char*>(ys) + i * stride); }
};

template <class T>
double read_as_double(const void* p) {
  return double(*static_cast<const T*>(p));
}

// Builds a Series; stride 0 means tightly packed ys.
template <class TX, class TY>
Series make_series(const TX* xs, const TY* ys, std::size_t count, std::size_t stride = 0) {
  Series s;
  s.xs = xs;
  s.ys = ys;
  s.count = count;
  s.stride = stride ? stride : sizeof(TY);
  s.read_x = &read_as_double<TX>;
  s.read_y = &read_as_double<TY>;
  return s;
}
template <class TY>
Series make_series(const TY* ys, std::size_t count, std::size_t stride = 0) {
  return make_series(static_cast<const TY*>(nullptr), ys, count, stride);
}

// The index range [first, last) of a series sorted by x that covers
// [x0, x1], widened by one point on each side so lines reach the edges.
// Binary search: O(log n).
std::pair<std::size_t, std::size_t> visible_range(const Series& s, double x0, double x1);

struct Point2 {
  double x, y;
};

// Thins the visible part of a series sorted by x to at most four points per
// pixel column (first, min, max, last, in index order), so the drawn polyline
// covers the same pixels as the full one. Cost grows with the pixel width,
// not the point count: columns of more than 64 points are sampled at a
// stride (exact up to 64 points per column). Points whose y is not finite
// (or <= 0 with log_y) are dropped. Output in data units.
void thin_to_pixels(const Series& s, double x0, double x1, int pixel_width, bool log_y, std::vector<Point2>* out);

// Removes points of a pixel-space polyline that lie within `tolerance` pixels
// of the simplified line (Ramer-Douglas-Peucker), keeping the first and the
// last. A smooth curve drawn at pixel resolution shrinks to a few dozen
// segments; every kept point is one of the input points, in order. Returns the
// indices kept (ascending) in *kept, and the points in place.
void simplify_polyline(std::vector<ImVec2>* points, float tolerance, std::vector<int>* kept = nullptr);

// ---- The widget ----

enum AxisFlags : int {
  kAxisNone = 0,
  kAxisLog = 1 << 0,  // logarithmic (values <= 0 are not drawn)
};

// What a plot keeps between frames; owned by the caller.
struct PlotState {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // visible limits in data units
  bool auto_fit = true;                    // follow SetupFit until the user zooms or pans
  bool equal_aspect = false;               // one data unit is as long on x as on y
  // Auto-fit keeps its limits while the data stays inside them and fills most
  // of them on one axis: a map whose extent breathes with every layout then
  // stays put, and its points, grid and cached layers move only when they must.
  bool steady_fit = false;
  bool refit = false;  // the next frame fits afresh, steady or not (a fit button, new axes)
  bool show_legend = true;
  bool legend_below = false;               // the legend in a band under the axes, never over the data
  // Drawn by the last frame (screen pixels): the widget, the plotting
  // rectangle and the legend's box (empty when no legend was drawn).
  ImVec2 frame_min, frame_max, plot_min, plot_max, legend_min, legend_max;
  float legend_band = 0;                   // legend_below: the band's height the entries needed last frame
};

// Starts a plot filling `size` (<= 0: the remaining space). Returns false when
// there is no room; then do not call EndPlot.
bool BeginPlot(const char* id, PlotState& state, ImVec2 size = ImVec2(-1, -1));
// Axis labels and flags (AxisFlags). Call once, right after BeginPlot.
void SetupAxes(const char* x_label, const char* y_label, int x_flags = kAxisNone, int y_flags = kAxisNone);
// The data extent auto-fit shows (with a margin); ignored once the user has zoomed or panned.
void SetupFit(double x0, double x1, double y0, double y1);

// A line through a series sorted by x, thinned to pixel resolution.
// Whole-pixel thicknesses are cheapest to draw (two triangles per segment).
void PlotLine(const char* label, const Series& s, ImU32 colour, float thickness = 1.0f);
// Markers at each point (for short series such as validation losses).
void PlotScatter(const char* label, const Series& s, ImU32 colour, float radius = 3.5f);
// Marks a pixel as showing data, for things drawn by the caller: the legend
// goes to the corner of the plot that covers the fewest such pixels (lines and
// markers mark theirs themselves).
void Occupy(ImVec2 pixel);
// How many pixels marked as showing data lie in the rectangle a..b.
std::size_t CountOccupied(ImVec2 a, ImVec2 b);
// A legend entry without an item (for things drawn by the caller).
void LegendEntry(const char* label, ImU32 colour);

// Mapping between data units and screen pixels for the current plot.
ImVec2 ToPixels(double x, double y);
Point2 FromPixels(ImVec2 p);
// The inner plotting rectangle (screen pixels), after the axis margins.
ImVec2 PlotMin();
ImVec2 PlotMax();
// The linear map px = data * scale + offset (valid for linear axes), for GPU drawing.
void LinearMap(float scale[2], float offset[2]);
// The draw list to draw custom items into, clipped to the plot rectangle.
ImDrawList* DrawList();
// True when the mouse is over the plot rectangle; then *mouse is in data units.
bool IsHovered(Point2* mouse = nullptr);
// True on the frame a click (press and release without dragging) happened on the plot.
bool WasClicked();

// Ends the plot: axes, ticks and labels, legend.
void EndPlot();

}  // namespace ev::ui::plot
