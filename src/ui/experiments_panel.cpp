// experiments_panel.cpp: the Experiments tab and the learning-rate finder.
#include "ui/experiments_panel.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "core/base/error.h"
#include "core/train/metrics.h"  // perplexity_text
#include "ui/fit.h"
#include "ui/loss_panel.h"

namespace ev::ui {

namespace {

std::string short_number(double v) {
  char t[32];
  std::snprintf(t, sizeof t, "%.3g", v);
  return t;
}

// One run per core but one: the window keeps a core of its own, so frames stay
// smooth while the runs train (on two cores, two runs beside the window would
// stretch its frames by half).
int default_jobs() { return std::max(1, int(std::thread::hardware_concurrency()) - 1); }

// The parameter, its values, the stop rule, and start / pause / stop.
void draw_setup(UiContext& ctx, ExperimentsPanelState& st, const ExperimentActions& act) {
  const auto& params = sweep_params();
  const float em = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(7 * em);
  if (ImGui::BeginCombo("Parameter", params[std::size_t(st.param)].c_str())) {
    for (std::size_t i = 0; i < params.size(); ++i)
      if (ImGui::Selectable(params[i].c_str(), int(i) == st.param)) st.param = int(i);
    ImGui::EndCombo();
  }
  ctx.record_item("Parameter");
  same_line_if_fits(16 * em);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", st.values.c_str());
  ImGui::SetNextItemWidth(10 * em);
  if (ImGui::InputText("Values", buf, sizeof buf)) st.values = buf;
  ctx.record_item("Values");
  tooltip("Comma-separated values of the parameter, e.g. 50,100,200; everything else is the main run's.");
  ImGui::SetNextItemWidth(10 * em);  // room for nine digits beside the +/- buttons
  ImGui::InputInt("Steps", &st.steps, 500, 5000);
  st.steps = std::max(st.steps, 1);
  same_line_if_fits(14 * em);
  ImGui::SetNextItemWidth(5 * em);
  ImGui::InputFloat("Budget s", &st.budget_s, 0, 0, "%.0f");
  st.budget_s = std::max(st.budget_s, 0.0f);
  tooltip("Wall-clock seconds each run may train (0: no limit).");
  same_line_if_fits(10 * em);
  if (st.jobs <= 0) st.jobs = default_jobs();
  ImGui::SetNextItemWidth(5 * em);
  ImGui::InputInt("Jobs", &st.jobs, 1, 1);
  st.jobs = std::clamp(st.jobs, 1, 64);
  tooltip("Runs training at once; the others wait their turn. By default one per core but one, which the window keeps.");

  const bool active = st.runner.active();
  // Each button beside the last where the column has room for it.
  const auto next_to = [](const char* label) {
    same_line_if_fits(ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x);
  };
  if (button(ctx, "Start runs")) start_experiment(st, act);
  const char* pause = st.runner.paused() ? "Resume runs" : "Pause runs";
  next_to(pause);
  ImGui::BeginDisabled(!active);
  if (button(ctx, pause)) st.runner.pause(!st.runner.paused(), act.host);
  next_to("Stop runs");
  if (button(ctx, "Stop runs")) st.runner.stop(act.host);
  ImGui::EndDisabled();
  next_to("Clear runs");
  ImGui::BeginDisabled(st.runner.entries().empty());
  if (button(ctx, "Clear runs")) st.runner.clear(act.host);
  ImGui::EndDisabled();
  if (!st.error.empty()) wrapped_text(ctx, st.error, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
}

// Orders the rows by the table's sort column.
void sort_rows(ExperimentsPanelState& st, const std::vector<RunResult>& rows) {
  st.order.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) st.order[i] = int(i);
  const ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs || specs->SpecsCount == 0) return;
  const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
  auto key = [&](int i) -> double {
    const RunResult& r = rows[std::size_t(i)];
    switch (s.ColumnIndex) {  // column 1 holds the Open buttons
      case 0: return double(i);
      case 2: return double(r.params);
      case 3: return double(r.steps);
      case 4: return r.train;
      case 5: return r.val > 0 ? r.val : HUGE_VAL;
      case 6: return r.val > 0 ? std::exp(r.val) : HUGE_VAL;
      case 7: return r.val > 0 ? r.accuracy : -1.0;
      case 8: return r.steps_per_s;
      default: return r.seconds;
    }
  };
  std::stable_sort(st.order.begin(), st.order.end(), [&](int a, int b) {
    return s.SortDirection == ImGuiSortDirection_Descending ? key(a) > key(b) : key(a) < key(b);
  });
}

// A run's state, with what its thread is doing while the run is being made
// ("preparing: counting the trigram...").
std::string state_text(const ExperimentRunner::Entry& e) {
  if (e.state == ExperimentRunner::State::Preparing && e.last && !e.last->preparing.empty())
    return std::string("preparing: ") + e.last->preparing + "...";
  return state_name(e.state);
}

// The live results table; the best finished run (lowest validation loss) marked.
void draw_table(UiContext& ctx, ExperimentsPanelState& st, const ExperimentActions& act) {
  const std::vector<RunResult> rows = st.runner.results();
  if (rows.empty()) return;
  const int best = best_row(rows);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX;
  const float h = ImGui::GetFrameHeightWithSpacing() * float(rows.size() + 1) + ImGui::GetStyle().ScrollbarSize;
  constexpr int kColumns = 11;
  if (!ImGui::BeginTable("results", kColumns, flags, ImVec2(0, h))) return;
  // Each run's name and its Open button stay in view while a narrow column scrolls the rest.
  const char* heads[kColumns] = {"value",     "",        "params", "step",  "train", "val",
                                 "val ppl", "val top-1", "steps/s", "wall s", "state"};
  for (int c = 0; c < kColumns; ++c)
    ImGui::TableSetupColumn(heads[c], c == 1 ? ImGuiTableColumnFlags_NoSort : ImGuiTableColumnFlags_None);
  ImGui::TableSetupScrollFreeze(2, 0);
  ImGui::TableHeadersRow();
  sort_rows(st, rows);
  const auto& entries = st.runner.entries();
  for (int i : st.order) {
    const RunResult& r = rows[std::size_t(i)];
    const auto& e = entries[std::size_t(i)];
    ImGui::PushID(i);
    ImGui::TableNextRow();
    if (i == best) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(60, 110, 60, 160));
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(act.colour(e.id)), "%s%s", r.value.c_str(),
                       i == best ? " (best)" : "");
    ImGui::TableNextColumn();
    ImGui::BeginDisabled(e.id == 0 || e.state == ExperimentRunner::State::Preparing);
    if (ImGui::SmallButton("Open")) act.open_as_main(e.id);
    ImGui::EndDisabled();
    ctx.record_item("Open " + r.value);
    tooltip("Make this the main run: every panel draws it, and it can be continued, saved or exported.");
    ImGui::TableNextColumn();
    ImGui::Text("%zu", r.params);
    ImGui::TableNextColumn();
    ImGui::Text("%lld", (long long)r.steps);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(loss_text(float(r.train)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(loss_text(float(r.val)).c_str());
    ImGui::TableNextColumn();
    if (r.val > 0) ImGui::TextUnformatted(perplexity_text(std::exp(r.val)).c_str());
    else ImGui::TextUnformatted("-");
    ImGui::TableNextColumn();
    if (r.val > 0) ImGui::Text("%.1f%%", 100 * r.accuracy);
    else ImGui::TextUnformatted("-");
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", r.steps_per_s);
    ImGui::TableNextColumn();
    ImGui::Text("%.*f", r.seconds < 10 ? 2 : 1, r.seconds);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(state_text(e).c_str());
    ImGui::PopID();
  }
  ImGui::EndTable();
  ctx.record_item("results");
}

// Each run's token embedding (first two dimensions) as labelled points, one
// small box per run, every box at the runs' own latest step, captioned in the
// run's colour in the loss plot.
void draw_small_multiples(const ExperimentsPanelState& st, const ExperimentActions& act) {
  const auto& entries = st.runner.entries();
  const float em = ImGui::GetFontSize();
  // As large as the view leaves room for (captions included), from 6 to 9 font heights.
  const float side = std::clamp(ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() -
                                    ImGui::GetStyle().ItemSpacing.y, 6 * em, 9 * em);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  bool first = true;
  for (const auto& e : entries) {
    if (!e.last) continue;
    const Mat<float>& C = e.last->C();
    if (C.cols() < 2 || C.rows() == 0) continue;
    if (!first) same_line_if_fits(side);
    first = false;
    ImGui::BeginGroup();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(side, side));
    const ImVec2 p1(p0.x + side, p0.y + side);
    dl->AddRect(p0, p1, IM_COL32(120, 120, 130, 255));
    float lo[2] = {C(0, 0), C(0, 1)}, hi[2] = {lo[0], lo[1]};
    for (Eigen::Index i = 0; i < C.rows(); ++i)
      for (int d = 0; d < 2; ++d) {
        lo[d] = std::min(lo[d], C(i, d));
        hi[d] = std::max(hi[d], C(i, d));
      }
    const float pad = 0.6f * em;
    auto at = [&](Eigen::Index i, int d) {
      const float t = hi[d] > lo[d] ? (C(i, d) - lo[d]) / (hi[d] - lo[d]) : 0.5f;
      return d == 0 ? p0.x + pad + t * (side - 2 * pad) : p1.y - pad - t * (side - 2 * pad);
    };
    dl->PushClipRect(p0, p1, true);
    const Vocab& vocab = e.last->data->vocab;
    const bool labels = C.rows() <= 64;
    for (Eigen::Index i = 0; i < C.rows(); ++i) {
      const ImVec2 p(at(i, 0), at(i, 1));
      if (labels) {
        const std::string& t = vocab.token(int(i));
        const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
        dl->AddText(ImVec2(p.x - ts.x / 2, p.y - ts.y / 2), IM_COL32(220, 220, 230, 255), t.c_str());
      } else {
        dl->AddCircleFilled(p, 1.5f, IM_COL32(220, 220, 230, 255));
      }
    }
    dl->PopClipRect();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(act.colour(e.id)), "%s @%lld",
                       elide(e.value, side - 4 * em).c_str(), (long long)e.last->step);
    ImGui::EndGroup();
  }
}

}  // namespace

void start_experiment(ExperimentsPanelState& st, const ExperimentActions& act) {
  if (st.jobs <= 0) st.jobs = default_jobs();
  try {
    Sweep sw = parse_sweep(sweep_params()[std::size_t(st.param)] + "=" + st.values);
    sw.words = act.words;
    st.runner.start(sw, act.base, StopRule{st.steps, st.budget_s}, st.jobs, act.host);
    st.error.clear();
  } catch (const Error& e) {
    st.error = e.what();
  }
}

void draw_experiments_panel(UiContext& ctx, ExperimentsPanelState& st,
                            const ExperimentActions& act) {
  draw_setup(ctx, st, act);
  ImGui::Separator();
  if (st.runner.entries().empty()) {
    wrapped_disabled(ctx, "Each value trains as a run of its own beside the main run, with the same data, seed and "
                          "validation steps; the loss plot overlays them.");
    return;
  }
  draw_table(ctx, st, act);
  ImGui::Separator();
  draw_small_multiples(st, act);
}

std::string experiment_run_name(const ExperimentsPanelState& st, RunId id) {
  for (const auto& e : st.runner.entries())
    if (e.id == id) return st.runner.sweep().param + "=" + e.value;
  return "";
}

void start_find_lr(ExperimentsPanelState& st, std::shared_ptr<const Dataset> data, const TrainConfig& cfg) {
  st.show_lr = true;
  if (st.lr_job.valid()) return;
  st.lr_error.clear();
  st.lr_cancel = std::make_shared<std::atomic<bool>>(false);
  st.lr_done = std::make_shared<std::atomic<int>>(0);
  st.lr_job = std::async(std::launch::async, [data, cfg, cancel = st.lr_cancel, done = st.lr_done] {
    return find_lr(data, cfg, 1000, 1e-3, 1.0, cancel.get(), done.get());
  });
}

bool poll_find_lr(ExperimentsPanelState& st) {
  if (!st.lr_job.valid()) return false;
  if (st.lr_job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return true;
  try {
    st.lr = st.lr_job.get();
  } catch (const std::exception& e) {
    st.lr_error = e.what();
  }
  return false;
}

// A rate marked on the finder's plot: a line at x and its name at height y.
static void mark_rate(ImDrawList* dl, float x, ImVec2 p0, ImVec2 p1, float y, ImU32 colour, const char* name, double lr) {
  dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), colour, 2.0f);
  char t[48];
  std::snprintf(t, sizeof t, "%s %.3g", name, lr);
  const float tw = ImGui::CalcTextSize(t).x;
  dl->AddText(ImVec2(x + 4 + tw < p1.x ? x + 4 : x - 4 - tw, y), colour, t);
}

void draw_lr_finder(UiContext& ctx, ExperimentsPanelState& st, const ExperimentActions& act) {
  if (poll_find_lr(st)) {
    ImGui::TextUnformatted("Searching: the rate rises from 0.001 to 1 over 1,000 steps...");
    const int done = st.lr_done ? st.lr_done->load(std::memory_order_relaxed) : 0;
    ImGui::ProgressBar(float(done) / 1000.0f, ImVec2(ImGui::GetFontSize() * 12, 0));
    ImGui::SameLine();
    if (button(ctx, "Cancel search") && st.lr_cancel) *st.lr_cancel = true;
    tooltip("Stops the search at its next step; the curve so far is kept.");
    return;
  }
  if (st.lr.cancelled) wrapped_disabled(ctx, "The search was cancelled; the curve shows the steps it made.");
  if (!st.lr_error.empty()) wrapped_text(ctx, st.lr_error, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
  const LrFinder& f = st.lr;
  if (f.lr.empty()) return;
  wrapped_text(ctx, "Smoothed loss against the rate (log axis). The valley (green: rates " + short_number(f.valley_lo) +
                         " to " + short_number(f.valley_hi) + ") is where the loss is within a tenth of its fall of "
                         "the lowest. Suggested: " + short_number(f.suggested_lr) + ", halfway from the valley's "
                         "start to the lowest loss (at " + short_number(f.lowest_lr) + ", the edge before the loss "
                         "turns up): on the floor, as the makemore lecture picks its rate. The loss falls fastest at " +
                         short_number(f.steepest_lr) + " (red), still far above the floor.");
  if (f.suggested_lr > 0 && button(ctx, "Apply this rate")) act.apply_lr(f.suggested_lr);
  tooltip("Sets the main run's learning rate to the suggested rate, on the valley's floor.");
  // The plot: smoothed loss against log10(rate).
  const float em = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size(std::max(avail.x, 10 * em), std::max(avail.y - 0.5f * em, 6 * em));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ctx.record_item("lr plot");
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(p0, p1, IM_COL32(120, 120, 130, 255));
  double x0 = std::log10(f.lr.front()), x1 = std::log10(f.lr.back());
  double y0 = HUGE_VAL, y1 = -HUGE_VAL;
  for (double y : f.smooth)
    if (std::isfinite(y)) y0 = std::min(y0, y), y1 = std::max(y1, y);
  if (!(x1 > x0) || !(y1 > y0)) return;
  const float pad = em;
  auto X = [&](double lr) { return p0.x + pad + float((std::log10(lr) - x0) / (x1 - x0)) * (size.x - 2 * pad); };
  auto Y = [&](double l) { return p1.y - pad - float((l - y0) / (y1 - y0)) * (size.y - 2 * pad); };
  for (double d = std::ceil(x0); d <= x1; d += 1) {  // a tick at each power of ten
    const float x = X(std::pow(10.0, d));
    dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), IM_COL32(70, 70, 80, 255));
    char t[16];
    std::snprintf(t, sizeof t, "%g", std::pow(10.0, d));
    dl->AddText(ImVec2(x + 2, p1.y - em - 2), IM_COL32(170, 170, 180, 255), t);
  }
  // The valley, shaded, under everything else.
  if (f.valley_hi > f.valley_lo)
    dl->AddRectFilled(ImVec2(X(f.valley_lo), p0.y + 1), ImVec2(X(f.valley_hi), p1.y - 1), IM_COL32(80, 200, 120, 40));
  // Loss ticks: four levels between the lowest and highest smoothed loss.
  char yl[32];
  for (int k = 0; k <= 3; ++k) {
    const double l = y0 + (y1 - y0) * k / 3.0;
    const float y = Y(l);
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), IM_COL32(60, 60, 70, 255));
    std::snprintf(yl, sizeof yl, k == 3 ? "loss %.3g" : "%.3g", l);
    dl->AddText(ImVec2(p0.x + 4, std::max(y - em - 1, p0.y + 2)), IM_COL32(170, 170, 180, 255), yl);  // above its line
  }
  std::vector<ImVec2> pts;
  for (std::size_t i = 0; i < f.lr.size(); ++i)
    if (std::isfinite(f.smooth[i])) pts.push_back(ImVec2(X(f.lr[i]), Y(f.smooth[i])));
  dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(110, 180, 250, 255), 0, 2.0f);
  mark_rate(dl, X(f.steepest_lr), p0, p1, p0.y + 4, IM_COL32(240, 120, 120, 255), "steepest", f.steepest_lr);
  mark_rate(dl, X(f.suggested_lr), p0, p1, p0.y + 4 + em, IM_COL32(90, 210, 130, 255), "suggested", f.suggested_lr);
}

}  // namespace ev::ui
