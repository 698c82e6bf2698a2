// plot.cpp: the plot widget. One plot is open at a time (ImGui is single
// threaded), so its per-frame state lives in one static context, as ImGui's own.
#include "ui/plot.h"

#include <imgui_internal.h>  // SetItemUsingMouseWheel

#include <algorithm>
#include <cmath>
#include <cstdio>


namespace ev::ui::plot {

// ---------------------------------------------------------------- pure logic

double nice_step(double lo, double hi, int target) {
  const double range = hi - lo;
  if (!std::isfinite(range) || range <= 0) return 1.0;
  const double raw = range / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;  // in [1, 10)
  const double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return m * mag;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) return out;
  const double step = nice_step(lo, hi, target);
  const double first = std::ceil(lo / step - 1e-9);
  for (int i = 0; i < 1000; ++i) {
    double v = (first + i) * step;  // multiples, not repeated addition: no drift
    if (v > hi + step * 1e-9) break;
    if (std::fabs(v) < step * 1e-9) v = 0;  // no "-0" or 1e-17
    out.push_back(v);
  }
  return out;
}

std::vector<double> log_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(lo > 0) || !std::isfinite(hi) || hi <= lo) return out;
  const double decades = std::log10(hi / lo);
  if (decades < 1.0) return linear_ticks(lo, hi, target);
  const int e0 = int(std::floor(std::log10(lo))), e1 = int(std::ceil(std::log10(hi)));
  // With many decades, skip some so about `target` labels remain.
  const int every = std::max(1, int(std::ceil(decades / std::max(1, target))));
  for (int e = e0; e <= e1; ++e) {
    const double p = std::pow(10.0, e);
    if (decades <= 1.5) {  // where a loss curve lives (2 to 30): 3 between 2 and 5
      for (double m : {1.0, 2.0, 3.0, 5.0})
        if (m * p >= lo * (1 - 1e-12) && m * p <= hi * (1 + 1e-12)) out.push_back(m * p);
    } else if (decades <= 3) {
      for (double m : {1.0, 2.0, 5.0})
        if (m * p >= lo * (1 - 1e-12) && m * p <= hi * (1 + 1e-12)) out.push_back(m * p);
    } else if (e % every == 0 && p >= lo * (1 - 1e-12) && p <= hi * (1 + 1e-12)) {
      out.push_back(p);
    }
  }
  return out;
}

std::string format_tick(double v, double step) {
  if (!std::isfinite(v)) return "?";
  step = std::fabs(step);
  if (!(step > 0)) step = std::fabs(v) > 0 ? std::fabs(v) : 1;
  if (std::fabs(v) < step * 1e-9) return "0";
  char buf[64];
  const double a = std::fabs(v);
  auto decimals = [](double s) { return std::clamp(int(-std::floor(std::log10(s) + 1e-9)), 0, 12); };
  if (a >= 1e6 && step >= 1e5) {
    std::snprintf(buf, sizeof buf, "%.*fM", decimals(step / 1e6), v / 1e6);
  } else if (a >= 1e3 && step >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.*fk", decimals(step / 1e3), v / 1e3);
  } else if (a < 1e-4 || a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals(step), v);
  }
  return buf;
}

std::pair<std::size_t, std::size_t> visible_range(const Series& s, double x0, double x1) {
  const std::size_t n = s.count;
  // First index with x >= x0.
  std::size_t lo = 0, hi = n;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (s.x(mid) < x0) lo = mid + 1;
    else hi = mid;
  }
  const std::size_t first = lo > 0 ? lo - 1 : 0;
  // First index with x > x1.
  hi = n;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (s.x(mid) <= x1) lo = mid + 1;
    else hi = mid;
  }
  const std::size_t last = std::min(n, lo + 1);
  return {first, std::max(first, last)};
}

// First index in [lo, hi) with s.x >= x. Steps are usually evenly spaced,
// so the search starts from an interpolated guess and gallops outwards
// before bisecting: a few nearby reads instead of twenty scattered ones.
static std::size_t lower_index(const Series& s, std::size_t lo, std::size_t hi, double x) {
  if (lo >= hi) return lo;
  const double xl = s.x(lo), xh = s.x(hi - 1);
  if (x <= xl) return lo;
  if (x > xh) return hi;
  const double f = (x - xl) / (xh - xl);
  std::size_t g = lo + std::min(hi - 1 - lo, std::size_t(f * double(hi - 1 - lo)));
  std::size_t a = lo, b = hi;  // invariant: s.x(a - 1) < x (or a == lo), s.x(b) >= x (or b == hi)
  if (s.x(g) < x) {
    std::size_t step = 1;
    a = g + 1;
    while (a < hi && s.x(std::min(hi - 1, g + step)) < x) {
      a = g + step + 1;
      step *= 2;
    }
    b = std::min(hi, g + step);
    a = std::min(a, b);
  } else {
    std::size_t step = 1;
    b = g;
    while (b > lo && s.x(g - std::min(g - lo, step)) >= x) {
      b = g - std::min(g - lo, step);
      if (b == lo) break;
      step *= 2;
    }
    a = std::max(lo, g >= step ? g - step : lo);
    a = std::min(a, b);
  }
  while (a < b) {
    const std::size_t mid = a + (b - a) / 2;
    if (s.x(mid) < x) a = mid + 1;
    else b = mid;
  }
  return a;
}

void thin_to_pixels(const Series& s, double x0, double x1, int pixel_width, bool log_y, std::vector<Point2>* out) {
  out->clear();
  if (s.count == 0 || !(x1 > x0)) return;
  const auto [first, last] = visible_range(s, x0, x1);
  const int width = std::max(1, pixel_width);
  auto usable = [&](double y) { return std::isfinite(y) && (!log_y || y > 0); };
  if (last - first <= std::size_t(4) * std::size_t(width)) {
    for (std::size_t i = first; i < last; ++i) {
      const double y = s.y(i);
      if (usable(y)) out->push_back({s.x(i), y});
    }
    return;
  }
  // One bucket per pixel column: its first, lowest, highest and last point.
  // Column boundaries come from binary searches, so the cost depends on the
  // number of columns, not of points: a column holding more than
  // kReadsPerColumn points is sampled at an even stride (first and last
  // exact), which can miss a spike narrower than the stride but keeps a
  // million-point curve as cheap as a thousand-point one.
  constexpr std::size_t kReadsPerColumn = 64;
  const double col_w = (x1 - x0) / width;
  auto emit_bucket = [&](std::size_t a, std::size_t b) {  // points [a, b) of one column
    if (a >= b) return;
    const std::size_t step = std::max<std::size_t>(1, (b - a) / kReadsPerColumn);
    std::size_t f = b, l = b, mn = b, mx = b;
    auto visit = [&](std::size_t i) {
      const double y = s.y(i);
      if (!usable(y)) return;
      if (f == b) f = i;
      l = i;
      if (mn == b || y < s.y(mn)) mn = i;
      if (mx == b || y > s.y(mx)) mx = i;
    };
    for (std::size_t i = a; i < b; i += step) visit(i);
    if ((b - 1 - a) % step != 0) visit(b - 1);
    if (f == b) return;  // nothing finite in this column
    std::size_t idx[4] = {f, mn, mx, l};
    std::sort(idx, idx + 4);
    for (int k = 0; k < 4; ++k)
      if (k == 0 || idx[k] != idx[k - 1]) out->push_back({s.x(idx[k]), s.y(idx[k])});
  };
  // The neighbour left of the range, each column, then the neighbour right of it.
  std::size_t a = first;
  std::size_t b = lower_index(s, first, last, x0);
  emit_bucket(a, b);
  for (int c = 0; c < width; ++c) {
    a = b;
    b = c + 1 < width ? lower_index(s, a, last, x0 + (c + 1) * col_w)
                      : lower_index(s, a, last, std::nextafter(x1, 1e308));
    emit_bucket(a, b);
  }
  emit_bucket(b, last);
}

void simplify_polyline(std::vector<ImVec2>* points, float tolerance, std::vector<int>* kept) {
  std::vector<ImVec2>& p = *points;
  const int n = int(p.size());
  if (kept) kept->clear();
  if (n <= 2) {
    if (kept)
      for (int i = 0; i < n; ++i) kept->push_back(i);
    return;
  }
  std::vector<std::uint8_t> keep(std::size_t(n), 0);
  keep[0] = keep[std::size_t(n - 1)] = 1;
  const float tol2 = tolerance * tolerance;
  // An explicit stack of spans: deep recursion on a long zigzag would not fit
  // a thread's stack.
  std::vector<std::pair<int, int>> spans{{0, n - 1}};
  while (!spans.empty()) {
    const auto [a, b] = spans.back();
    spans.pop_back();
    if (b - a < 2) continue;
    const float dx = p[std::size_t(b)].x - p[std::size_t(a)].x, dy = p[std::size_t(b)].y - p[std::size_t(a)].y;
    const float len2 = dx * dx + dy * dy;
    int far = -1;
    float far_d2 = tol2;
    for (int i = a + 1; i < b; ++i) {
      const float ex = p[std::size_t(i)].x - p[std::size_t(a)].x, ey = p[std::size_t(i)].y - p[std::size_t(a)].y;
      // Squared distance to the segment (to the end point when a = b).
      float d2;
      if (len2 <= 0) {
        d2 = ex * ex + ey * ey;
      } else {
        const float t = std::clamp((ex * dx + ey * dy) / len2, 0.0f, 1.0f);
        const float fx = ex - t * dx, fy = ey - t * dy;
        d2 = fx * fx + fy * fy;
      }
      if (d2 > far_d2) far_d2 = d2, far = i;
    }
    if (far < 0) continue;
    keep[std::size_t(far)] = 1;
    spans.push_back({a, far});
    spans.push_back({far, b});
  }
  int w = 0;
  for (int i = 0; i < n; ++i) {
    if (!keep[std::size_t(i)]) continue;
    if (kept) kept->push_back(i);
    p[std::size_t(w++)] = p[std::size_t(i)];
  }
  p.resize(std::size_t(w));
}

// ---------------------------------------------------------------- the widget

namespace {

struct LegendItem {
  std::string label;
  ImU32 colour;
};

struct Context {
  bool open = false;
  bool ready = false;  // layout and input done for this frame
  PlotState* st = nullptr;
  ImVec2 frame_min, frame_max;  // the whole widget
  ImVec2 pmin, pmax;            // the plotting rectangle
  std::string x_label, y_label;
  int x_flags = 0, y_flags = 0;
  bool fit_given = false;
  double fx0 = 0, fx1 = 1, fy0 = 0, fy1 = 1;
  bool hovered = false, clicked = false, active = false;
  std::vector<LegendItem> legend;
  std::vector<Point2> thinned;
  std::vector<ImVec2> pixels, simplified;
  std::vector<ImVec2> occupied;  // pixels with data on them, which the legend avoids
};
Context g;

bool log_x() { return (g.x_flags & kAxisLog) != 0; }
bool log_y() { return (g.y_flags & kAxisLog) != 0; }
double tx(double x) { return log_x() ? std::log10(x) : x; }
double ty(double y) { return log_y() ? std::log10(y) : y; }
double itx(double t) { return log_x() ? std::pow(10.0, t) : t; }
double ity(double t) { return log_y() ? std::pow(10.0, t) : t; }

bool sane(double a, double b, bool is_log) {
  return std::isfinite(a) && std::isfinite(b) && b > a && (!is_log || a > 0) && (b - a) > 1e-300;
}

// Fits [a, b] with a 5% margin in axis space; widens a degenerate range.
void fit_axis(double a, double b, bool is_log, double* lo, double* hi) {
  if (is_log) {
    if (!(b > 0)) b = 1;
    if (!(a > 0)) a = b * 1e-3;
  }
  double ta = is_log ? std::log10(a) : a, tb = is_log ? std::log10(b) : b;
  if (!std::isfinite(ta) || !std::isfinite(tb)) ta = 0, tb = 1;
  if (tb < ta) std::swap(ta, tb);
  if (tb - ta < 1e-9 * std::max(1.0, std::fabs(ta))) {
    const double pad = std::max(0.5, std::fabs(ta) * 0.1);
    ta -= pad;
    tb += pad;
  }
  const double m = (tb - ta) * 0.05;
  ta -= m;
  tb += m;
  *lo = is_log ? std::pow(10.0, ta) : ta;
  *hi = is_log ? std::pow(10.0, tb) : tb;
}

std::vector<double> ticks_for(double lo, double hi, bool is_log, int target) {
  return is_log ? log_ticks(lo, hi, target) : linear_ticks(lo, hi, target);
}

// The spacing a tick label's decimals are chosen from.
double label_step(const std::vector<double>& ticks, std::size_t i, bool is_log) {
  if (ticks.size() < 2) return std::max(1e-12, std::fabs(ticks[i]));
  const double gap = i + 1 < ticks.size() ? ticks[i + 1] - ticks[i] : ticks[i] - ticks[i - 1];
  if (!is_log) return ticks[1] - ticks[0];
  return std::min(gap, std::fabs(ticks[i]));  // 1-2-5 ticks: decimals of the value itself
}

void apply_equal_aspect() {
  PlotState& st = *g.st;
  if (!st.equal_aspect || log_x() || log_y()) return;
  const double w = std::max(1.0f, g.pmax.x - g.pmin.x), h = std::max(1.0f, g.pmax.y - g.pmin.y);
  const double ux = (st.x1 - st.x0) / w, uy = (st.y1 - st.y0) / h;
  const double u = std::max(ux, uy);
  const double cx = 0.5 * (st.x0 + st.x1), cy = 0.5 * (st.y0 + st.y1);
  st.x0 = cx - u * w * 0.5;
  st.x1 = cx + u * w * 0.5;
  st.y0 = cy - u * h * 0.5;
  st.y1 = cy + u * h * 0.5;
}

// Lays out the plot, handles input and draws the background, grid and tick
// labels. Runs once per plot, at the first call that needs the mapping.
// Input: wheel zooms about the mouse, drag pans, double-click fits.
void zoom_and_pan() {
  PlotState& st = *g.st;
  const ImGuiIO& io = ImGui::GetIO();
  const float w = g.pmax.x - g.pmin.x, h = g.pmax.y - g.pmin.y;
  if (g.hovered && io.MouseWheel != 0) {
    const double f = std::pow(1.2, -double(io.MouseWheel));
    const double mx = tx(st.x0) + (io.MousePos.x - g.pmin.x) / w * (tx(st.x1) - tx(st.x0));
    const double my = ty(st.y0) + (g.pmax.y - io.MousePos.y) / h * (ty(st.y1) - ty(st.y0));
    const double nx0 = mx + (tx(st.x0) - mx) * f, nx1 = mx + (tx(st.x1) - mx) * f;
    const double ny0 = my + (ty(st.y0) - my) * f, ny1 = my + (ty(st.y1) - my) * f;
    if (sane(itx(nx0), itx(nx1), log_x()) && sane(ity(ny0), ity(ny1), log_y())) {
      st.x0 = itx(nx0), st.x1 = itx(nx1), st.y0 = ity(ny0), st.y1 = ity(ny1);
      st.auto_fit = false;
    }
  }
  if (g.active && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) &&
      (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
    const double dx = -io.MouseDelta.x / w * (tx(st.x1) - tx(st.x0));
    const double dy = io.MouseDelta.y / h * (ty(st.y1) - ty(st.y0));
    st.x0 = itx(tx(st.x0) + dx), st.x1 = itx(tx(st.x1) + dx);
    st.y0 = ity(ty(st.y0) + dy), st.y1 = ity(ty(st.y1) + dy);
    st.auto_fit = false;
  }
  if (g.hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) st.auto_fit = st.refit = true;
}

// Background, grid and tick labels, and the axes' labels.
void grid_and_labels(ImDrawList* dl) {
  const PlotState& st = *g.st;
  const float line = ImGui::GetTextLineHeight();
  const float pad = ImGui::GetStyle().ItemInnerSpacing.x;
  const float w = g.pmax.x - g.pmin.x, h = g.pmax.y - g.pmin.y;
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.45f);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const std::vector<double> xt = ticks_for(st.x0, st.x1, log_x(), std::max(2, int(w / 90)));
  const std::vector<double> yt = ticks_for(st.y0, st.y1, log_y(), std::max(2, int(h / 50)));
  for (std::size_t i = 0; i < xt.size(); ++i) {
    const float x = ToPixels(xt[i], st.y0).x;
    if (x < g.pmin.x - 0.5f || x > g.pmax.x + 0.5f) continue;
    dl->AddLine(ImVec2(x, g.pmin.y), ImVec2(x, g.pmax.y), grid);
    const std::string s = format_tick(xt[i], label_step(xt, i, log_x()));
    const float tw = ImGui::CalcTextSize(s.c_str()).x;
    const float lx = std::clamp(x - tw * 0.5f, g.frame_min.x, g.frame_max.x - tw);
    dl->AddText(ImVec2(lx, g.pmax.y + pad), text, s.c_str());
  }
  for (std::size_t i = 0; i < yt.size(); ++i) {
    const float y = ToPixels(st.x0, yt[i]).y;
    if (y < g.pmin.y - 0.5f || y > g.pmax.y + 0.5f) continue;
    dl->AddLine(ImVec2(g.pmin.x, y), ImVec2(g.pmax.x, y), grid);
    const std::string s = format_tick(yt[i], label_step(yt, i, log_y()));
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    const float ly = std::clamp(y - ts.y * 0.5f, g.frame_min.y, g.frame_max.y - ts.y);
    // Never left of the frame: after a zoom the labels can outgrow the margin for a frame.
    dl->AddText(ImVec2(std::max(g.frame_min.x, g.pmin.x - pad - ts.x), ly), text, s.c_str());
  }
  if (!g.x_label.empty()) {
    const float tw = ImGui::CalcTextSize(g.x_label.c_str()).x;
    dl->AddText(ImVec2(0.5f * (g.pmin.x + g.pmax.x) - 0.5f * tw, g.pmax.y + pad + line + pad), text,
                g.x_label.c_str());
  }
  if (!g.y_label.empty()) dl->AddText(ImVec2(g.frame_min.x, g.frame_min.y), text, g.y_label.c_str());
}

// steady_fit: the fitted extent still inside the limits, and filling at
// least kSteadyFill of them on one axis (equal axes widen the other), in axis
// space (decades on a log axis).
constexpr double kSteadyFill = 0.8;
bool still_fits(const PlotState& st) {
  if (!st.steady_fit || !sane(st.x0, st.x1, log_x()) || !sane(st.y0, st.y1, log_y())) return false;
  if ((log_x() && !(g.fx0 > 0)) || (log_y() && !(g.fy0 > 0))) return false;
  const double ax = tx(g.fx0), bx = tx(g.fx1), ay = ty(g.fy0), by = ty(g.fy1);
  const double lx = tx(st.x0), hx = tx(st.x1), ly = ty(st.y0), hy = ty(st.y1);
  if (!(ax >= lx && bx <= hx && ay >= ly && by <= hy)) return false;
  return bx - ax >= kSteadyFill * (hx - lx) || by - ay >= kSteadyFill * (hy - ly);
}

void prepare() {
  if (g.ready) return;
  g.ready = true;
  PlotState& st = *g.st;
  if (st.auto_fit && g.fit_given && (st.refit || !still_fits(st))) {
    fit_axis(g.fx0, g.fx1, log_x(), &st.x0, &st.x1);
    fit_axis(g.fy0, g.fy1, log_y(), &st.y0, &st.y1);
  }
  if (g.fit_given) st.refit = false;
  if (!sane(st.x0, st.x1, log_x())) fit_axis(g.fx0, g.fx1, log_x(), &st.x0, &st.x1);
  if (!sane(st.y0, st.y1, log_y())) fit_axis(g.fy0, g.fy1, log_y(), &st.y0, &st.y1);

  // Margins: the y tick labels on the left, x tick labels and the x label
  // below, the y label above (ImGui 1.86 cannot rotate text).
  const float line = ImGui::GetTextLineHeight();
  const float pad = ImGui::GetStyle().ItemInnerSpacing.x;
  // The y labels' margin is measured on the very ticks drawn below (same target count).
  const float h0 = (g.frame_max.y - 2 * line - 2 * pad) - (g.frame_min.y + line + pad);
  const std::vector<double> yt0 = ticks_for(st.y0, st.y1, log_y(), std::max(2, int(h0 / 50)));
  float label_w = ImGui::CalcTextSize("0.0").x;
  for (std::size_t i = 0; i < yt0.size(); ++i)
    label_w = std::max(label_w, ImGui::CalcTextSize(format_tick(yt0[i], label_step(yt0, i, log_y())).c_str()).x);
  g.pmin = ImVec2(g.frame_min.x + label_w + 2 * pad, g.frame_min.y + line + pad);
  const float band = st.legend_below ? st.legend_band : 0;
  g.pmax = ImVec2(g.frame_max.x - pad, g.frame_max.y - 2 * line - 2 * pad - band);
  if (g.pmax.x < g.pmin.x + 10) g.pmax.x = g.pmin.x + 10;
  if (g.pmax.y < g.pmin.y + 10) g.pmax.y = g.pmin.y + 10;
  apply_equal_aspect();

  zoom_and_pan();
  apply_equal_aspect();

  ImDrawList* dl = ImGui::GetWindowDrawList();
  grid_and_labels(dl);
  dl->PushClipRect(g.pmin, g.pmax, true);
}

// One legend entry: a solid swatch (faint items too) and its label.
void legend_entry(ImDrawList* dl, ImVec2 at, const LegendItem& it) {
  const float line = ImGui::GetTextLineHeight(), pad = ImGui::GetStyle().ItemInnerSpacing.x;
  const float sw = line * 0.6f;
  dl->AddRectFilled(ImVec2(at.x, at.y + (line - sw) * 0.5f), ImVec2(at.x + sw, at.y + (line + sw) * 0.5f),
                    it.colour | IM_COL32_A_MASK);
  dl->AddText(ImVec2(at.x + pad + line, at.y), ImGui::GetColorU32(ImGuiCol_Text), it.label.c_str());
}

// The legend inside the plot, in the corner whose box covers the fewest data
// points (top right on a tie).
void legend_in_corner(PlotState& st) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const float pad = ImGui::GetStyle().ItemInnerSpacing.x;
  float w = 0;
  for (const LegendItem& it : g.legend) w = std::max(w, ImGui::CalcTextSize(it.label.c_str()).x);
  const float box_w = w + line + 3 * pad, box_h = g.legend.size() * line + 2 * pad;
  const ImVec2 corners[] = {{g.pmax.x - box_w - pad, g.pmin.y + pad},
                            {g.pmin.x + pad, g.pmin.y + pad},
                            {g.pmax.x - box_w - pad, g.pmax.y - box_h - pad},
                            {g.pmin.x + pad, g.pmax.y - box_h - pad}};
  ImVec2 b0 = corners[0];
  std::size_t fewest = ~std::size_t(0);
  for (const ImVec2& c : corners) {
    std::size_t n = 0;
    for (const ImVec2& p : g.occupied)
      n += p.x >= c.x - pad && p.x <= c.x + box_w + pad && p.y >= c.y - pad && p.y <= c.y + box_h + pad;
    if (n < fewest) fewest = n, b0 = c;
  }
  const ImVec2 b1(b0.x + box_w, b0.y + box_h);
  dl->AddRectFilled(b0, b1, ImGui::GetColorU32(ImGuiCol_PopupBg, 0.85f));
  dl->AddRect(b0, b1, ImGui::GetColorU32(ImGuiCol_Border));
  for (std::size_t i = 0; i < g.legend.size(); ++i) legend_entry(dl, ImVec2(b0.x + pad, b0.y + pad + i * line), g.legend[i]);
  st.legend_min = b0, st.legend_max = b1;
}

// The legend in a band under the x axis's label, its entries in rows across
// the widget's width: it covers no data however the points lie. The band's
// height for the next frame is what these entries needed.
void legend_band(PlotState& st) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight(), pad = ImGui::GetStyle().ItemInnerSpacing.x;
  const float left = g.pmin.x, right = g.frame_max.x, top = g.pmax.y + 2 * line + 2 * pad;
  float x = left, y = top, widest = left;
  for (const LegendItem& it : g.legend) {
    const float w = line + pad + ImGui::CalcTextSize(it.label.c_str()).x;
    if (x > left && x + w > right) x = left, y += line;
    legend_entry(dl, ImVec2(x, y), it);
    widest = std::max(widest, x + w);
    x += w + 1.25f * line;
  }
  st.legend_band = y + line - top + pad;
  st.legend_min = ImVec2(left, top), st.legend_max = ImVec2(widest, y + line);
}

}  // namespace

bool BeginPlot(const char* id, PlotState& state, ImVec2 size) {
  IM_ASSERT(!g.open && "plot::BeginPlot inside another plot");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x;
  if (size.y <= 0) size.y = avail.y;
  const float line = ImGui::GetTextLineHeight();
  if (size.x < 4 * line || size.y < 5 * line) {
    if (size.x > 0 && size.y > 0) ImGui::Dummy(size);
    return false;
  }
  // Reset the per-plot state but keep the buffers' capacity.
  std::vector<LegendItem> legend = std::move(g.legend);
  std::vector<Point2> thinned = std::move(g.thinned);
  std::vector<ImVec2> pixels = std::move(g.pixels);
  g = Context{};
  g.legend = std::move(legend);
  g.legend.clear();
  g.thinned = std::move(thinned);
  g.pixels = std::move(pixels);
  g.open = true;
  g.st = &state;
  g.clicked = ImGui::InvisibleButton(id, size);
  ImGui::SetItemUsingMouseWheel();  // the wheel zooms the plot, not the window
  const ImGuiIO& io = ImGui::GetIO();
  const float thr = io.MouseDragThreshold;
  g.clicked = g.clicked && io.MouseDragMaxDistanceSqr[0] < thr * thr;
  g.hovered = ImGui::IsItemHovered();
  g.active = ImGui::IsItemActive();
  g.frame_min = ImGui::GetItemRectMin();
  g.frame_max = ImGui::GetItemRectMax();
  return true;
}

void SetupAxes(const char* x_label, const char* y_label, int x_flags, int y_flags) {
  g.x_label = x_label ? x_label : "";
  g.y_label = y_label ? y_label : "";
  g.x_flags = x_flags;
  g.y_flags = y_flags;
}

void SetupFit(double x0, double x1, double y0, double y1) {
  g.fit_given = true;
  g.fx0 = x0, g.fx1 = x1, g.fy0 = y0, g.fy1 = y1;
}

ImVec2 ToPixels(double x, double y) {
  prepare();
  const PlotState& st = *g.st;
  const double fx = (tx(x) - tx(st.x0)) / (tx(st.x1) - tx(st.x0));
  const double fy = (ty(y) - ty(st.y0)) / (ty(st.y1) - ty(st.y0));
  // Clamp far-away values so float pixel coordinates never overflow.
  const double px = std::clamp(g.pmin.x + fx * (g.pmax.x - g.pmin.x), -1e6, 1e6);
  const double py = std::clamp(g.pmax.y - fy * (g.pmax.y - g.pmin.y), -1e6, 1e6);
  return ImVec2(float(px), float(py));
}

Point2 FromPixels(ImVec2 p) {
  prepare();
  const PlotState& st = *g.st;
  const double fx = (p.x - g.pmin.x) / double(g.pmax.x - g.pmin.x);
  const double fy = (g.pmax.y - p.y) / double(g.pmax.y - g.pmin.y);
  return {itx(tx(st.x0) + fx * (tx(st.x1) - tx(st.x0))), ity(ty(st.y0) + fy * (ty(st.y1) - ty(st.y0)))};
}

ImVec2 PlotMin() {
  prepare();
  return g.pmin;
}
ImVec2 PlotMax() {
  prepare();
  return g.pmax;
}

void LinearMap(float scale[2], float offset[2]) {
  prepare();
  const PlotState& st = *g.st;
  const double sx = (g.pmax.x - g.pmin.x) / (st.x1 - st.x0);
  const double sy = -(g.pmax.y - g.pmin.y) / (st.y1 - st.y0);
  scale[0] = float(sx);
  scale[1] = float(sy);
  offset[0] = float(g.pmin.x - st.x0 * sx);
  offset[1] = float(g.pmax.y - st.y0 * sy);
}

ImDrawList* DrawList() {
  prepare();
  return ImGui::GetWindowDrawList();
}

bool IsHovered(Point2* mouse) {
  prepare();
  const ImVec2 m = ImGui::GetIO().MousePos;
  const bool in = g.hovered && m.x >= g.pmin.x && m.x <= g.pmax.x && m.y >= g.pmin.y && m.y <= g.pmax.y;
  if (in && mouse) *mouse = FromPixels(m);
  return in;
}

bool WasClicked() { return g.clicked; }

// Marks a line's vertices and, where two are far apart, points every few
// pixels between them: a label or legend placed later keeps off the segment
// too, not only its ends.
static void occupy_path(const std::vector<ImVec2>& px) {
  constexpr float kStep = 6.0f;
  for (std::size_t i = 0; i < px.size(); ++i) {
    g.occupied.push_back(px[i]);
    if (i == 0) continue;
    const ImVec2 a = px[i - 1], b = px[i];
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    for (float t = kStep; t < len; t += kStep)
      g.occupied.push_back(ImVec2(a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len));
  }
}

void PlotLine(const char* label, const Series& s, ImU32 colour, float thickness) {
  prepare();
  if (label && *label) g.legend.push_back({label, colour});
  const PlotState& st = *g.st;
  const int width = int(g.pmax.x - g.pmin.x);
  thin_to_pixels(s, st.x0, st.x1, width, log_y(), &g.thinned);
  g.pixels.clear();
  for (const Point2& p : g.thinned) g.pixels.push_back(ToPixels(p.x, p.y));
  occupy_path(g.pixels);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto [first, last] = visible_range(s, st.x0, st.x1);
  const bool dense = last - first > std::size_t(4) * std::size_t(std::max(1, width));
  // Fewer triangles for the software renderers: a smooth curve as a polyline
  // simplified to within a quarter pixel (two triangles per segment at whole
  // pixel widths), a noisy one as one bar per pixel column (two per column).
  g.simplified = g.pixels;
  simplify_polyline(&g.simplified, 0.25f);
  if (!dense || g.simplified.size() <= std::size_t(std::max(1, width))) {
    if (g.simplified.size() >= 2)
      dl->AddPolyline(g.simplified.data(), int(g.simplified.size()), colour, ImDrawFlags_None, thickness);
    return;
  }
  // Denser than the pixels: one vertical bar per pixel column, from the
  // column's lowest to its highest point (joined to the next column). It
  // covers the same pixels as the zigzag polyline, without its overdraw of
  // thin anti-aliased triangles, which software renderers pay for.
  const float half = 0.5f * thickness;
  std::size_t i = 0;
  float prev_lo = 0, prev_hi = 0;
  bool have_prev = false;
  while (i < g.pixels.size()) {
    const float col = std::floor(g.pixels[i].x);
    float lo = g.pixels[i].y, hi = g.pixels[i].y;
    std::size_t j = i + 1;
    for (; j < g.pixels.size() && std::floor(g.pixels[j].x) == col; ++j) {
      lo = std::min(lo, g.pixels[j].y);
      hi = std::max(hi, g.pixels[j].y);
    }
    // Reach the neighbour column's range so steep parts stay connected.
    const float a = have_prev ? std::min(lo, prev_hi) : lo, b = have_prev ? std::max(hi, prev_lo) : hi;
    dl->AddRectFilled(ImVec2(col, a - half), ImVec2(col + 1, b + half), colour);
    prev_lo = lo, prev_hi = hi;
    have_prev = true;
    i = j;
  }
}

void PlotScatter(const char* label, const Series& s, ImU32 colour, float radius) {
  prepare();
  if (label && *label) g.legend.push_back({label, colour});
  const PlotState& st = *g.st;
  const auto [first, last] = visible_range(s, st.x0, st.x1);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t i = first; i < last; ++i) {
    const double y = s.y(i);
    if (!std::isfinite(y) || (log_y() && y <= 0)) continue;
    const ImVec2 p = ToPixels(s.x(i), y);
    dl->AddCircleFilled(p, radius, colour, 12);
    g.occupied.push_back(p);
  }
}

void Occupy(ImVec2 pixel) { g.occupied.push_back(pixel); }

std::size_t CountOccupied(ImVec2 a, ImVec2 b) {
  std::size_t n = 0;
  for (const ImVec2& p : g.occupied) n += p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y;
  return n;
}

void LegendEntry(const char* label, ImU32 colour) { g.legend.push_back({label, colour}); }

void EndPlot() {
  IM_ASSERT(g.open && "plot::EndPlot without BeginPlot");
  prepare();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PopClipRect();
  dl->AddRect(g.pmin, g.pmax, ImGui::GetColorU32(ImGuiCol_Border));
  PlotState& st = *g.st;
  st.frame_min = g.frame_min, st.frame_max = g.frame_max, st.plot_min = g.pmin, st.plot_max = g.pmax;
  st.legend_min = st.legend_max = ImVec2(0, 0);
  if (st.show_legend && !g.legend.empty()) {
    if (st.legend_below)
      legend_band(st);
    else
      legend_in_corner(st);
  } else {
    st.legend_band = 0;
  }
  g.open = false;
  g.st = nullptr;
}

}  // namespace ev::ui::plot
