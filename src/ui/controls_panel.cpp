// controls_panel.cpp: buttons and sliders that drive the trainer thread.
#include "ui/controls_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/models/model.h"
#include "ui/fit.h"
#include "ui/loss_panel.h"
#include "ui/preparing.h"  // preparing_text

namespace ev::ui {

void UiContext::record_item(const std::string& label) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  item_rects[label] = {a.x, a.y, b.x, b.y};
}

namespace {

void sync_from(const Snapshot& s, ControlsState& st) {
  const TrainConfig& c = s.config;
  st.lr = float(c.lr);
  st.lr_decay = float(c.lr_decay);
  st.lr_decay_step = int(std::min<std::int64_t>(c.lr_decay_step, 100000000));
  st.batch = c.batch;
  st.shape.clear();
  for (const Hyperparameter& h : family(s.spec.family).hyperparameters())
    if (h.kind == Hyperparameter::Kind::Int) st.shape[h.name] = int(h.get(s.spec));
  st.seed = int(c.seed & 0x7fffffff);
  st.speed = s.target_steps_per_s > 0 ? float(s.target_steps_per_s) : kMaxSpeedSlider;
  st.synced_version = s.version;
}

// A coloured box around a Restore button and text: divergence, or a loss on
// its way there. Sized to its text, so nothing in it is ever cut.
void trouble_banner(const Snapshot& s, UiContext& ctx, const std::string& text, ImU32 colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSplit(2);
  dl->ChannelsSetCurrent(1);
  const ImVec2 a = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  // The button first: the text under it changes every frame and rewraps, and
  // a button below it would move between a click's press and its release. Its
  // ID ("###restore") stays the same when the step it names moves on, or the
  // banner turns from rising to diverged, between the press and the release.
  char label[96];
  std::snprintf(label, sizeof label, "Restore step %lld###restore", (long long)s.checkpoint_step);
  if (button(ctx, label)) ctx.post(cmd::RestoreCheckpoint{});
  ctx.record_item("Restore");
  char tip[256];
  std::snprintf(tip, sizeof tip, "Go back to the parameters of step %lld (%s) and the learning rate %g in force then.",
                (long long)s.checkpoint_step, s.checkpoint_why.c_str(), s.checkpoint_lr);
  tooltip(tip);
  wrapped_text(ctx, text);
  ImGui::EndGroup();
  dl->ChannelsSetCurrent(0);
  const float pad = ImGui::GetStyle().FramePadding.x;
  dl->AddRectFilled(ImVec2(a.x - pad, a.y - pad),
                    ImVec2(a.x + ImGui::GetContentRegionAvail().x + pad, ImGui::GetItemRectMax().y + pad), colour);
  dl->ChannelsMerge();
  ImGui::Dummy(ImVec2(0, pad));
}

void warnings(const Snapshot& s, UiContext& ctx, ControlsState& st) {
  const double uniform = std::log(double(std::max(2, s.spec.vocab)));
  constexpr double kKeepOffered = 2.0;  // seconds
  if (s.diverged || s.rising) st.restore_until = ImGui::GetTime() + kKeepOffered;
  if (s.step == s.checkpoint_step && !s.playing) st.restore_until = -1;  // just restored (or nothing to restore)
  if (s.diverged) {
    trouble_banner(s, ctx, s.message, IM_COL32(115, 20, 20, 255));
  } else if (s.rising) {
    char text[512];
    std::snprintf(text, sizeof text,
                  "The loss is rising: smoothed %.3g, %.1f times a uniform guess (ln %d = %.2f, the dashed line on "
                  "the loss plot). Learning rate %g makes the steps overshoot. Lower it, or restore step %lld (%s).",
                  double(s.smooth_loss), double(s.smooth_loss) / uniform, s.spec.vocab, uniform,
                  s.config.lr_at(s.step), (long long)s.checkpoint_step, s.checkpoint_why.c_str());
    trouble_banner(s, ctx, text, IM_COL32(110, 70, 10, 255));
  } else if (ImGui::GetTime() < st.restore_until) {
    char text[256];
    std::snprintf(text, sizeof text, "The loss came back under the warning line; Restore still goes back to step %lld (%s).",
                  (long long)s.checkpoint_step, s.checkpoint_why.c_str());
    trouble_banner(s, ctx, text, IM_COL32(110, 70, 10, 255));
  }
}

}  // namespace

namespace {
// The width of a slider or field beside its label: what the widest label
// leaves of the column, so every label fits and the fields line up.
float field_width(float w) {
  const float label = ImGui::CalcTextSize("embedding dim").x + ImGui::GetStyle().ItemInnerSpacing.x;
  return std::max(w - label - 1, ImGui::GetFontSize() * 6);
}

void run_buttons(const Snapshot& s, UiContext& ctx, ControlsState& st, float w) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::TextDisabled("RUN");
  // Four to a row where they fit, as many as fit otherwise; all one width.
  const float widest = ImGui::CalcTextSize("Step 100").x + 2 * style.FramePadding.x;
  const float bw = std::max((w - 3 * style.ItemSpacing.x) / 4, widest);
  if (button(ctx, s.playing ? "Pause" : "Play", ImVec2(bw, 0))) ctx.post(cmd::Play{!s.playing});
  ctx.record_item("Play/Pause");
  tooltip("Train continuously, or stop (space).");
  same_line_if_fits(bw);
  if (button(ctx, "Step", ImVec2(bw, 0))) ctx.post(cmd::Step{1});
  tooltip("One optimizer update, then pause (S or the right arrow). The Step tab shows what it did.");
  same_line_if_fits(bw);
  if (button(ctx, "Step 10", ImVec2(bw, 0))) ctx.post(cmd::Step{10});
  tooltip("Ten SGD updates, then pause.");
  same_line_if_fits(bw);
  if (button(ctx, "Step 100", ImVec2(bw, 0))) ctx.post(cmd::Step{100});
  tooltip("A hundred SGD updates, then pause.");
  same_line_if_fits(bw);
  if (button(ctx, "Reset", ImVec2(bw, 0))) ctx.post(cmd::Reset{});
  tooltip("Start again from the seed: new random parameters, step 0 (R).");
  ImGui::SameLine();
  wrapped_disabled(ctx, "space: play  S/\xE2\x86\x92: step  R: reset");

  ImGui::SetNextItemWidth(field_width(w));
  const bool unlimited = st.speed >= kMaxSpeedSlider;
  if (ImGui::SliderFloat("speed", &st.speed, 1.0f, kMaxSpeedSlider, unlimited ? "max" : "%.0f steps/s",
                         ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetSpeed{st.speed >= kMaxSpeedSlider ? 0.0 : double(st.speed)});
  ctx.record_item("speed");
  tooltip("Steps per second. Drag left for one step a second in front of a class; right for as fast as the "
          "machine allows.");
}

void training_controls(const Snapshot& s, UiContext& ctx, ControlsState& st, float w) {
  ImGui::SetNextItemWidth(field_width(w));
  // While the slider is held the rates are in passing (Restore keeps the one
  // from before the drag); its release says the drag is over.
  if (ImGui::SliderFloat("learning rate", &st.lr, kMinLr, kMaxLr, "%.4g", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetLr{double(st.lr), ImGui::IsItemActive()});
  if (ImGui::IsItemDeactivatedAfterEdit()) ctx.post(cmd::SetLr{double(st.lr), false});
  ctx.record_item("learning rate");
  tooltip("How far each SGD step moves the parameters, against the gradient. 0.1 is the makemore lecture's "
          "rate; far above 1 the steps overshoot and the loss climbs: the plot shows it.");
  ImGui::SetNextItemWidth(field_width(w));
  if (ImGui::InputInt("decay at step", &st.lr_decay_step, 1000, 10000)) {
    st.lr_decay_step = std::max(0, st.lr_decay_step);
    ctx.post(cmd::SetLrDecay{st.lr_decay_step, double(st.lr_decay)});
  }
  tooltip("From this step on, the learning rate is the slider's times the decay factor.");
  ImGui::SetNextItemWidth(field_width(w));
  if (ImGui::SliderFloat("decay factor", &st.lr_decay, 0.001f, 1.0f, "x%.3g", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetLrDecay{st.lr_decay_step, double(st.lr_decay)});
  tooltip("What the learning rate is multiplied by from the decay step on (x1: no decay).");
  ImGui::SetNextItemWidth(field_width(w));
  if (ImGui::SliderInt("batch size", &st.batch, 1, Limits::kMaxBatch, "%d", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetBatch{st.batch});
  tooltip("Examples per SGD step: larger batches give a less noisy gradient and cost more per step.");
  const TrainConfig& c = s.config;
  bool frozen = c.freeze_embeddings;
  if (ImGui::Checkbox("freeze embeddings", &frozen)) ctx.post(cmd::FreezeEmbeddings{frozen});
  ctx.record_item("freeze embeddings");
  const std::string keep = "Keep the token table " + s.token_table_name() +
                           " as it is (say, vectors from File > Initialise embeddings): every other parameter trains.";
  tooltip(keep.c_str());
  char rate[256];
  if (s.step >= c.lr_decay_step && c.lr_decay != 1.0) {
    std::snprintf(rate, sizeof rate,
                  "Rate now %.4g = %.4g x %.3g: past step %lld the decay factor overrides the slider.",
                  c.lr_at(s.step), c.lr, c.lr_decay, (long long)c.lr_decay_step);
    wrapped_text(ctx, rate, ImVec4(1.0f, 0.85f, 0.4f, 1.0f));
  } else {
    std::snprintf(rate, sizeof rate, "rate now: %.4g", c.lr_at(s.step));
    wrapped_text(ctx, rate);
  }
}

// A slider for a small integer with - and + buttons beside it for exact values.
// Returns true when a button changed *v.
bool int_slider(UiContext& ctx, const char* label, int* v, int lo, int hi, float w, ImGuiSliderFlags flags) {
  const float bw = ImGui::GetFrameHeight(), gap = ImGui::GetStyle().ItemInnerSpacing.x;
  ImGui::PushID(label);
  ImGui::SetNextItemWidth(w - 2 * (bw + gap));
  ImGui::SliderInt("##slider", v, lo, hi, "%d", flags);
  ctx.record_item(label);
  const bool released = ImGui::IsItemDeactivatedAfterEdit();
  ImGui::SameLine(0, gap);
  bool stepped = false;
  if (ImGui::Button("-", ImVec2(bw, 0)) && *v > lo) --*v, stepped = true;
  ctx.record_item(std::string(label) + " -");
  ImGui::SameLine(0, gap);
  if (ImGui::Button("+", ImVec2(bw, 0)) && *v < hi) ++*v, stepped = true;
  ctx.record_item(std::string(label) + " +");
  ImGui::SameLine(0, gap);
  ImGui::TextUnformatted(label);
  ImGui::PopID();
  return released || stepped;
}

// The family menu: another family restarts with its usual shape, optimizer
// and rate (family_defaults: microgpt's for the transformer).
void family_combo(const Snapshot& s, UiContext& ctx, float w) {
  // The column's whole width, so the family's whole title shows; the title
  // says what it is.
  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("##model", family(s.spec.family).title)) {
    for (const Family* f : families()) {
      if (ImGui::Selectable(f->title, s.spec.family == f->name) && s.spec.family != f->name) {
        const TrainConfig usual = family_defaults(f->name);
        ModelSpec spec = usual.spec(s.spec.vocab);
        spec.direct = s.spec.direct;
        ctx.post(cmd::SetModel{spec});
      }
      ctx.record_item(std::string("model ") + f->name);
    }
    ImGui::EndCombo();
  }
  ctx.record_item("model");
  tooltip("The model family. Switching restarts from the seed with the family's usual settings: the transformer "
          "takes microgpt's (block 16, emb 16, Adam at 0.01), the MLP the makemore lecture's.");
}

// A slider for each size in the family's table (a whole number from 1 up);
// a change the user lets go of restarts the run with the new shape.
void shape_sliders(const Snapshot& s, UiContext& ctx, ControlsState& st, float w) {
  ModelSpec spec = s.spec;
  bool done = false;
  for (const Hyperparameter& h : family(s.spec.family).hyperparameters()) {
    if (h.kind != Hyperparameter::Kind::Int || h.lo < 1 || !h.restarts) continue;
    int& v = st.shape[h.name];
    if (int_slider(ctx, h.label, &v, int(h.lo), int(h.hi), field_width(w), ImGuiSliderFlags_Logarithmic)) done = true;
    tooltip(h.help);
    if (h.int_field) spec.*h.int_field = v;
    else spec.extra[h.name] = v;
  }
  if (done && spec != s.spec) ctx.post(cmd::SetModel{spec});
}

void shape_controls(const Snapshot& s, UiContext& ctx, ControlsState& st, float w) {
  family_combo(s, ctx, w);
  shape_sliders(s, ctx, st, w);
  ImGui::SetNextItemWidth(field_width(w));
  ImGui::InputInt("seed", &st.seed);
  if (ImGui::IsItemDeactivatedAfterEdit() && std::uint64_t(st.seed) != s.config.seed)
    ctx.post(cmd::SetSeed{std::uint64_t(std::max(0, st.seed))});
  tooltip("The random seed of the initial parameters, the batches and the data split. Changing it restarts.");
  char facts[96];
  std::snprintf(facts, sizeof facts, "%zu parameters, vocabulary of %d", s.param_count(), s.spec.vocab);
  wrapped_disabled(ctx, facts);
}
}  // namespace

void draw_controls_panel(const Snapshot& s, UiContext& ctx, ControlsState& st) {
  if (!s.ready()) {
    // A run still being made: the run buttons shown but disabled (the keys
    // still queue their commands, applied once it is made), the sliders not
    // yet, as they start from its settings; the status line says what is being done.
    ImGui::BeginDisabled();
    run_buttons(s, ctx, st, ImGui::GetContentRegionAvail().x);
    ImGui::EndDisabled();
    return;
  }
  // Show the trainer's truth unless the user is in the middle of an edit.
  if (st.synced_version != s.version && !ImGui::IsAnyItemActive()) sync_from(s, st);
  const float w = ImGui::GetContentRegionAvail().x;
  warnings(s, ctx, st);
  run_buttons(s, ctx, st, w);
  // The sections fold away, leaving the run buttons and what a lesson needs.
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("TRAINING (applied live)", ImGuiTreeNodeFlags_DefaultOpen))
    training_controls(s, ctx, st, w);
  ctx.record_item("section training");
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("MODEL (restarts training)", ImGuiTreeNodeFlags_DefaultOpen))
    shape_controls(s, ctx, st, w);
  ctx.record_item("section model");
  if (!s.diverged && !s.message.empty()) {
    ImGui::Spacing();
    wrapped_text(ctx, s.message, ImVec4(1.0f, 0.85f, 0.4f, 1.0f));
  }
}

void draw_status_line(const Snapshot& s, const UiContext& ctx) {
  if (!s.ready()) {
    ImGui::TextDisabled("%s", preparing_text(s).c_str());
    return;
  }
  // "-" until there is a number to show, never a made-up 0.
  const std::string val = loss_text(s.val_loss), loss = loss_text(s.last_loss), smooth = loss_text(s.smooth_loss);
  char speed[32] = "-";  // training, but not yet measured
  if (!s.playing || s.steps_per_s > 0) std::snprintf(speed, sizeof speed, "%.0f", s.playing ? s.steps_per_s : 0.0);
  char frame[48];
  if (ctx.fps > 0)
    std::snprintf(frame, sizeof frame, "frame %.1f ms, %.0f fps", double(ctx.frame_ms), double(ctx.fps));
  else
    std::snprintf(frame, sizeof frame, "frame %.1f ms", double(ctx.frame_ms));
  ImGui::Text("step %lld   epoch %.2f   loss %s   smoothed %s   val %s   %s   %s steps/s   %s", (long long)s.step,
              s.epoch, loss.c_str(), smooth.c_str(), val.c_str(),
              s.diverged ? "DIVERGED" : s.rising ? "LOSS RISING" : s.playing ? "training" : "paused", speed, frame);
  if (!ctx.notice.empty()) {
    // A long notice is cut to the line, whole on hover.
    ImGui::SameLine();
    const std::string full = "   " + ctx.notice, shown = elide(full, ImGui::GetContentRegionAvail().x);
    ImGui::TextDisabled("%s", shown.c_str());
    if (shown != full) tooltip(ctx.notice.c_str());
  }
}

}  // namespace ev::ui
