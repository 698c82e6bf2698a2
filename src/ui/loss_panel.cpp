// loss_panel.cpp: the loss view on top of the plot widget.
#include "ui/loss_panel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"
#include "ui/preparing.h"

namespace ev::ui {

namespace {
const ImU32 kTrainFaint = IM_COL32(110, 160, 230, 70);
const ImU32 kTrainSmooth = IM_COL32(110, 170, 255, 255);
const ImU32 kVal = IM_COL32(245, 150, 60, 255);

const ImU32 kUniform = IM_COL32(230, 90, 90, 220);
const ImU32 kBigram = IM_COL32(120, 200, 120, 220);
const ImU32 kTrigram = IM_COL32(200, 160, 240, 220);

// A dashed horizontal line across the plot at a loss, with its label.
struct Reference {
  double y;
  std::string label;
  ImU32 colour;
};

// The landmarks' dashed lines, each labelled at its right end on a dark box
// (above its line, or below it when that is taken or off the top), no label
// over another or over `keep_clear` (the plot's own message).
// Returns the labels' boxes (x0, y0, x1, y1).
std::vector<std::array<float, 4>> reference_lines(std::vector<Reference> refs, ImVec4 keep_clear) {
  const ImVec2 a = plot::PlotMin(), b = plot::PlotMax();
  ImDrawList* dl = plot::DrawList();
  std::vector<ImVec4> taken = {keep_clear};  // x0, y0, x1, y1 of what labels keep off
  const auto in_plot = [&](const ImVec4& r) { return r.y >= a.y && r.w <= b.y && r.x >= a.x && r.z <= b.x; };
  const auto clear_of_labels = [&](const ImVec4& r) {
    for (const ImVec4& t : taken)
      if (r.x < t.z && t.x < r.z && r.y < t.w && t.y < r.w) return false;
    return in_plot(r);
  };
  const auto covered = [&](const ImVec4& r) { return plot::CountOccupied(ImVec2(r.x, r.y), ImVec2(r.z, r.w)); };
  std::vector<std::array<float, 4>> drawn;
  std::sort(refs.begin(), refs.end(), [](const Reference& p, const Reference& q) { return p.y > q.y; });  // top first
  for (const Reference& r : refs) {
    const float py = plot::ToPixels(0, r.y).y;
    if (!(py >= a.y && py <= b.y)) continue;
    for (float x = a.x; x < b.x; x += 12) dl->AddLine(ImVec2(x, py), ImVec2(std::min(x + 7, b.x), py), r.colour, 1.0f);
    const ImVec2 ts = ImGui::CalcTextSize(r.label.c_str());
    // Above or below the line, at the right end, then the left; then further
    // below, past what is there: the first place clear of other labels that
    // covers no curve, else the one that covers least.
    std::vector<ImVec4> places;
    for (float x0 : {b.x - ts.x - 6, a.x + 6}) {
      places.push_back(ImVec4(x0 - 2, py - ts.y - 2, x0 + ts.x + 4, py - 1));
      places.push_back(ImVec4(x0 - 2, py + 1, x0 + ts.x + 4, py + ts.y + 2));
    }
    for (int k = 1; k <= 8; ++k) {
      ImVec4 p = places[1];
      p.y += k * (ts.y + 1), p.w += k * (ts.y + 1);
      places.push_back(p);
    }
    const ImVec4* at = nullptr;
    std::size_t least = ~std::size_t(0);
    for (const ImVec4& p : places) {
      if (!clear_of_labels(p)) continue;
      const std::size_t n = covered(p);
      if (n < least) least = n, at = &p;
      if (n == 0) break;
    }
    if (!at) continue;  // no room: the line alone
    const ImVec4 box = *at;
    taken.push_back(box);
    drawn.push_back({box.x, box.y, box.z, box.w});
    dl->AddRectFilled(ImVec2(box.x, box.y), ImVec2(box.z, box.w), IM_COL32(15, 15, 20, 200), 2.0f);
    dl->AddText(ImVec2(box.x + 2, box.y + 1), r.colour, r.label.c_str());
    for (float x = box.x; x < box.z + 8; x += 8)  // the legend keeps clear of the label
      for (float row : {box.y, box.w}) plot::Occupy(ImVec2(x, row));
  }
  return drawn;
}

// The index of the point whose step is nearest x, in a list sorted by step.
std::size_t nearest(const LossSpan& pts, double x) {
  auto it = std::lower_bound(pts.begin(), pts.end(), x, [](const LossPoint& p, double v) { return double(p.step) < v; });
  std::size_t i = std::size_t(it - pts.begin());
  if (i >= pts.size()) return pts.size() - 1;
  if (i > 0 && x - double(pts[i - 1].step) < double(pts[i].step) - x) --i;
  return i;
}
}  // namespace

// One colour for each run beside the main one, in order.
ImU32 run_colour(std::size_t i) {
  static const ImU32 colours[] = {IM_COL32(240, 120, 200, 255), IM_COL32(120, 220, 160, 255),
                                  IM_COL32(230, 220, 90, 255), IM_COL32(170, 140, 255, 255),
                                  IM_COL32(90, 210, 230, 255), IM_COL32(250, 170, 120, 255)};
  return colours[i % (sizeof colours / sizeof colours[0])];
}

void smooth_series(const LossSpan& pts, float smoothing, std::vector<double>* xs, std::vector<double>* ys) {
  xs->clear();
  ys->clear();
  const double a = std::clamp(double(smoothing), 0.0, 0.9999);
  double ema = 0, weight = 0;
  for (const LossPoint& p : pts) {
    if (!std::isfinite(p.loss)) continue;
    ema = a * ema + (1 - a) * double(p.loss);
    weight = a * weight + (1 - a);
    xs->push_back(double(p.step));
    ys->push_back(ema / weight);  // bias-corrected: the first value is the first loss
  }
}

std::string loss_text(float loss) {
  if (!(loss > 0) || !std::isfinite(loss)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", double(loss));
  return buf;
}

void draw_loss_panel(const Snapshot& s, UiContext& ctx, LossPanelState& st) { draw_loss_panel({SnapshotPtr(&s, [](const Snapshot*) {})}, ctx, st); }

namespace {
// A run's legend name: the one the app gave it, else "run N".
std::string run_name(const LossPanelState& st, RunId id) {
  const auto named = st.names.find(id);
  return named != st.names.end() ? named->second : "run " + std::to_string(id);
}

// The hover readout's lines for the other runs: each one's smoothed loss at
// its recorded step nearest the mouse, in its colour.
void other_runs_at(const std::vector<SnapshotPtr>& runs, const LossPanelState& st, double x) {
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const Snapshot& o = *runs[i];
    if (o.run_id < st.others_from) continue;
    const auto c = st.others.find(o.run_id);
    if (o.loss.empty() || c == st.others.end() || c->second.x.empty()) continue;
    const std::size_t j = nearest(o.loss, x);
    if (j >= c->second.y.size()) continue;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(run_colour(i - 1)), "%s  %.4f (step %lld)",
                       run_name(st, o.run_id).c_str(), c->second.y[j], (long long)o.loss[j].step);
  }
}

// The other runs' smoothed curves and validation points, and their extents.
void draw_other_runs(const std::vector<SnapshotPtr>& runs, LossPanelState& st) {
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const Snapshot& o = *runs[i];
    if (o.run_id < st.others_from) continue;  // from before the main run restarted
    LossPanelState::Other& c = st.others[o.run_id];
    if (c.version != o.version) {
      c.version = o.version;
      smooth_series(o.loss, st.smoothing, &c.x, &c.y);
    }
    plot::PlotLine(run_name(st, o.run_id).c_str(), plot::make_series(c.x.data(), c.y.data(), c.x.size(), sizeof(double)), run_colour(i - 1), 2.0f);
    if (!o.val.empty())
      plot::PlotScatter(nullptr, plot::make_series(&o.val[0].step, &o.val[0].loss, o.val.size(), sizeof(LossPoint)),
                        run_colour(i - 1), 4.0f);
  }
  for (auto it = st.others.begin(); it != st.others.end();) {  // forget runs that are gone
    const bool alive = it->first >= st.others_from &&
                       std::any_of(runs.begin() + 1, runs.end(), [&](const SnapshotPtr& r) { return r->run_id == it->first; });
    it = alive ? std::next(it) : st.others.erase(it);
  }
}

// Other runs started before the main run restarted (new data, Reset, a loaded
// session, a lesson) were trained for another picture: their curves go.
void forget_other_runs_on_restart(const std::vector<SnapshotPtr>& runs, LossPanelState& st) {
  const Snapshot& s = *runs.front();
  if (s.run_id == st.main_run && s.restarts != st.main_restarts)
    for (const SnapshotPtr& r : runs) st.others_from = std::max(st.others_from, r->run_id + 1);
  st.main_run = s.run_id;
  st.main_restarts = s.restarts;
}

// Controls (the latest numbers are the status line's, under every panel).
void loss_controls(UiContext& ctx, LossPanelState& st) {
  if (ImGui::Checkbox("log scale", &st.log_scale)) st.plot.auto_fit = st.plot.refit = true;
  tooltip("A log axis shows the slow late progress as clearly as the fast start.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::SliderFloat("curve smoothing", &st.smoothing, 0.0f, 0.999f, "%.3f");
  tooltip("How much the bright curve averages the per-point losses (0: none). The status line's numbers "
          "do not change with it: their smoothed loss is the trainer's, 0.99 per step.");
  ImGui::SameLine();
  if (button(ctx, "fit")) st.plot.auto_fit = st.plot.refit = true;
  tooltip("Show all the data again after zooming or panning (or double-click the plot).");

}

// When any run changed: the smoothed curve again, and the range the plot fits.
void update_ranges(const std::vector<SnapshotPtr>& runs, LossPanelState& st) {
  const Snapshot& s = *runs.front();
  std::uint64_t versions = 0;  // changes when any run's does
  for (const SnapshotPtr& r : runs) versions = versions * 1000003u + r->version;
  if (versions != st.version || st.smoothing != st.smoothing_used) {
    if (st.smoothing != st.smoothing_used) st.others.clear();
    st.version = versions;
    st.smoothing_used = st.smoothing;
    smooth_series(s.loss, st.smoothing, &st.smooth_x, &st.smooth_y);
    double lo = 1e300, hi = -1e300, lo_pos = 1e300;
    std::int64_t xmax = 1;
    auto take = [&](const LossSpan& v) {
      for (const LossPoint& p : v) {
        if (!std::isfinite(p.loss)) continue;
        lo = std::min(lo, double(p.loss));
        hi = std::max(hi, double(p.loss));
        if (p.loss > 0) lo_pos = std::min(lo_pos, double(p.loss));
        xmax = std::max(xmax, p.step + s.loss_stride);
      }
    };
    for (const SnapshotPtr& r : runs) {
      take(r->loss);
      take(r->val);
    }
    // The landmarks stay in view: a uniform guess, the bigram model, the trigram.
    const double uniform = std::log(double(std::max(2, s.spec.vocab)));
    for (double y : {uniform, double(s.bigram_loss), double(s.trigram_loss)})
      if (y > 0) lo = std::min(lo, y), hi = std::max(hi, y), lo_pos = std::min(lo_pos, y);
    if (lo > hi) lo = 1, hi = 10;
    if (lo_pos > hi) lo_pos = std::max(hi, 1e-3) * 1e-3;
    st.y_min = lo, st.y_max = hi, st.y_min_pos = lo_pos, st.x_max = xmax;
  }

}

// The main run's curves, bottom to top; where "No steps yet" is written
// (the landmarks' labels keep off it), or an empty box.
ImVec4 main_curves(const std::vector<SnapshotPtr>& runs, LossPanelState& st) {
  const Snapshot& s = *runs.front();
  // Drawn bottom to top: the faint per-step band, the validation line, the
  // smoothed curve over it, the validation markers on top.
  const bool have_val = !s.val.empty();
  const plot::Series v = have_val ? plot::make_series(&s.val[0].step, &s.val[0].loss, s.val.size(), sizeof(LossPoint))
                                  : plot::Series{};
  const bool any_loss = std::any_of(runs.begin(), runs.end(), [](const SnapshotPtr& r) { return !r->loss.empty(); });
  ImVec4 message(0, 0, 0, 0);  // where "No steps yet" is written: the landmarks' labels keep off it
  if (s.loss.empty()) {
    const ImVec2 a = plot::PlotMin(), b = plot::PlotMax();
    const char* msg = "No steps yet: press play or step.";
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    const ImVec2 at(0.5f * (a.x + b.x - ts.x), 0.5f * (a.y + b.y - ts.y));
    if (!any_loss) {  // not over the other runs' curves
      plot::DrawList()->AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), msg);
      message = ImVec4(at.x - 4, at.y - 2, at.x + ts.x + 4, at.y + ts.y + 2);
    }
    if (have_val) plot::PlotLine(nullptr, v, kVal, 2.0f);
  } else {
    const char* faint = s.loss_stride > 1 ? "train (mean per point)" : "train (per step)";
    plot::PlotLine(faint, plot::make_series(&s.loss[0].step, &s.loss[0].loss, s.loss.size(), sizeof(LossPoint)),
                   kTrainFaint, 1.0f);
    if (have_val) plot::PlotLine(nullptr, v, kVal, 2.0f);
    plot::PlotLine("train, smoothed",
                   plot::make_series(st.smooth_x.data(), st.smooth_y.data(), st.smooth_x.size(), sizeof(double)),
                   kTrainSmooth, 2.0f);
  }
  if (have_val) plot::PlotScatter("validation", v, kVal, 4.0f);
  return message;
}

// The landmarks: a uniform guess, the bigram counts, the trigram.
void landmarks(const Snapshot& s, LossPanelState& st, const ImVec4& message) {
  char label[96];
  std::vector<Reference> refs;
  std::snprintf(label, sizeof label, "uniform guess: ln %d = %.2f", s.spec.vocab, std::log(double(s.spec.vocab)));
  refs.push_back({std::log(double(s.spec.vocab)), label, kUniform});
  if (s.bigram_loss > 0) {
    std::snprintf(label, sizeof label, "bigram counts: %.2f", double(s.bigram_loss));
    refs.push_back({double(s.bigram_loss), label, kBigram});
  }
  if (s.trigram_loss > 0) {
    std::snprintf(label, sizeof label, "Kneser-Ney trigram (val): %.2f", double(s.trigram_loss));
    refs.push_back({double(s.trigram_loss), label, kTrigram});
  }
  st.reference_boxes = reference_lines(std::move(refs), message);
  st.message_box = {message.x, message.y, message.z, message.w};

}

// Hover readout: a vertical line at the nearest recorded step.
void hover_readout(const std::vector<SnapshotPtr>& runs, const LossPanelState& st) {
  const Snapshot& s = *runs.front();
  plot::Point2 m{};
  const bool any_loss = std::any_of(runs.begin(), runs.end(), [](const SnapshotPtr& r) { return !r->loss.empty(); });
  if (any_loss && plot::IsHovered(&m)) {
    ImGui::BeginTooltip();
    if (!s.loss.empty()) {
      const std::size_t i = nearest(s.loss, m.x);
      const LossPoint& p = s.loss[i];
      const ImVec2 a = plot::PlotMin(), b = plot::PlotMax();
      const float x = plot::ToPixels(double(p.step), 1.0).x;
      plot::DrawList()->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), ImGui::GetColorU32(ImGuiCol_Text, 0.5f));
      if (s.loss_stride > 1)
        ImGui::Text("steps %lld-%lld", (long long)p.step, (long long)(p.step + s.loss_stride - 1));
      else
        ImGui::Text("step %lld", (long long)p.step);
      ImGui::Text("train loss %.4f", double(p.loss));
      if (i < st.smooth_y.size() && st.smooth_x.size() == s.loss.size()) ImGui::Text("smoothed   %.4f", st.smooth_y[i]);
      if (!s.val.empty()) {
        const LossPoint& vp = s.val[nearest(s.val, m.x)];
        ImGui::Text("val loss   %.4f (step %lld)", double(vp.loss), (long long)vp.step);
      }
    }
    other_runs_at(runs, st, m.x);
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_loss_panel(const std::vector<SnapshotPtr>& runs, UiContext& ctx, LossPanelState& st) {
  const Snapshot& s = *runs.front();
  const IdScope id_scope("loss");
  if (draw_preparing(s, ctx, "Loss")) return;
  forget_other_runs_on_restart(runs, st);
  loss_controls(ctx, st);
  update_ranges(runs, st);
  // The neighbour shares take the bottom of the panel when the run has them.
  const float avail = ImGui::GetContentRegionAvail().y;
  const float below = structure_plot_height(s, avail);
  const float room = avail - (below > 0 ? below + ImGui::GetStyle().ItemSpacing.y : 0.0f);
  // A short plot has no corner the legend would not cover: it goes under the axis.
  st.plot.legend_below = room < 16 * ImGui::GetFontSize();
  if (!plot::BeginPlot("##loss", st.plot, ImVec2(-1, below > 0 ? room : -1.0f))) return;
  plot::SetupAxes("step", "loss (cross-entropy, nats)", plot::kAxisNone, st.log_scale ? plot::kAxisLog : plot::kAxisNone);
  if (st.x_max <= 1 && s.loss.empty() && s.val.empty()) plot::SetupFit(0, 1000, 1, 30);  // a plausible frame until data arrives
  else plot::SetupFit(0, double(st.x_max), st.log_scale ? st.y_min_pos : std::min(0.0, st.y_min), st.y_max);
  const ImVec4 message = main_curves(runs, st);
  draw_other_runs(runs, st);
  landmarks(s, st, message);
  hover_readout(runs, st);
  plot::EndPlot();
  draw_structure_plot(s, st.structure, below, double(st.x_max));
}

}  // namespace ev::ui
