// controls_panel.cpp: buttons and sliders that drive the trainer thread.
#include "ui/controls_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"

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
  st.emb = c.emb;
  st.hidden = c.hidden;
  st.block = c.block;
  st.seed = int(c.seed & 0x7fffffff);
  st.speed = s.target_steps_per_s > 0 ? float(s.target_steps_per_s) : kMaxSpeedSlider;
  st.synced_version = s.version;
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_controls_panel(const Snapshot& s, UiContext& ctx, ControlsState& st) {
  // Show the trainer's truth unless the user is in the middle of an edit.
  if (st.synced_version != s.version && !ImGui::IsAnyItemActive()) sync_from(s, st);
  const float w = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;

  if (s.diverged) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.45f, 0.08f, 0.08f, 1.0f));
    ImGui::BeginChild("diverged", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6.5f), true);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(s.message.c_str());
    ImGui::PopTextWrapPos();
    char label[96];
    std::snprintf(label, sizeof label, "Restore step %lld", (long long)s.checkpoint_step);
    if (button(ctx, label)) ctx.post(cmd::RestoreCheckpoint{});
    ctx.record_item("Restore");
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  // Run: play/pause, step, reset.
  ImGui::TextDisabled("RUN");
  const float bw = (w - 3 * gap) / 4;
  if (button(ctx, s.playing ? "Pause" : "Play", ImVec2(bw, 0))) ctx.post(cmd::Play{!s.playing});
  ctx.record_item("Play/Pause");
  ImGui::SameLine();
  if (button(ctx, "Step", ImVec2(bw, 0))) ctx.post(cmd::Step{1});
  ImGui::SameLine();
  if (button(ctx, "Step 10", ImVec2(bw, 0))) ctx.post(cmd::Step{10});
  ImGui::SameLine();
  if (button(ctx, "Step 100", ImVec2(bw, 0))) ctx.post(cmd::Step{100});
  if (button(ctx, "Reset", ImVec2(bw, 0))) ctx.post(cmd::Reset{});
  ImGui::SameLine();
  ImGui::TextDisabled("space: play  S/\xE2\x86\x92: step  R: reset");

  ImGui::SetNextItemWidth(w * 0.62f);
  const bool unlimited = st.speed >= kMaxSpeedSlider;
  if (ImGui::SliderFloat("speed", &st.speed, 1.0f, kMaxSpeedSlider, unlimited ? "max" : "%.0f steps/s",
                         ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetSpeed{st.speed >= kMaxSpeedSlider ? 0.0 : double(st.speed)});
  ctx.record_item("speed");
  help_marker("Steps per second. Drag left for one step a second in front of a class; right for as fast as "
              "the machine allows.");

  // Training: applied live, no reset.
  ImGui::Spacing();
  ImGui::TextDisabled("TRAINING (applied live)");
  ImGui::SetNextItemWidth(w * 0.62f);
  if (ImGui::SliderFloat("learning rate", &st.lr, 1e-4f, 10.0f, "%.4g", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetLr{double(st.lr)});
  ctx.record_item("learning rate");
  ImGui::SetNextItemWidth(w * 0.62f);
  if (ImGui::InputInt("decay at step", &st.lr_decay_step, 1000, 10000)) {
    st.lr_decay_step = std::max(0, st.lr_decay_step);
    ctx.post(cmd::SetLrDecay{st.lr_decay_step, double(st.lr_decay)});
  }
  ImGui::SetNextItemWidth(w * 0.62f);
  if (ImGui::SliderFloat("decay factor", &st.lr_decay, 0.001f, 1.0f, "x%.3g", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetLrDecay{st.lr_decay_step, double(st.lr_decay)});
  ImGui::SetNextItemWidth(w * 0.62f);
  if (ImGui::SliderInt("batch size", &st.batch, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic))
    ctx.post(cmd::SetBatch{st.batch});
  ImGui::Text("rate now: %.4g%s", s.config.lr_at(s.step), s.step >= s.config.lr_decay_step ? " (decayed)" : "");

  // Shape: new parameters, so a restart from the seed.
  ImGui::Spacing();
  ImGui::TextDisabled("MODEL SHAPE (restarts training)");
  bool shape_done = false;
  ImGui::SetNextItemWidth(w * 0.62f);
  ImGui::SliderInt("embedding dim", &st.emb, 1, 64);
  shape_done |= ImGui::IsItemDeactivatedAfterEdit();
  ctx.record_item("embedding dim");
  ImGui::SetNextItemWidth(w * 0.62f);
  ImGui::SliderInt("hidden size", &st.hidden, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic);
  shape_done |= ImGui::IsItemDeactivatedAfterEdit();
  ImGui::SetNextItemWidth(w * 0.62f);
  ImGui::SliderInt("block size", &st.block, 1, 16);
  shape_done |= ImGui::IsItemDeactivatedAfterEdit();
  if (shape_done && (st.emb != s.config.emb || st.hidden != s.config.hidden || st.block != s.config.block))
    ctx.post(cmd::SetShape{st.block, st.emb, st.hidden});
  ImGui::SetNextItemWidth(w * 0.62f);
  ImGui::InputInt("seed", &st.seed);
  if (ImGui::IsItemDeactivatedAfterEdit() && std::uint64_t(st.seed) != s.config.seed)
    ctx.post(cmd::SetSeed{std::uint64_t(std::max(0, st.seed))});
  ImGui::TextDisabled("%zu parameters, vocabulary of %d", s.params.size(), s.shape.vocab);

  if (!s.diverged && !s.message.empty()) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.4f, 1.0f), "%s", s.message.c_str());
    ImGui::PopTextWrapPos();
  }
}

void draw_status_line(const Snapshot& s, const UiContext& ctx) {
  // "-" until there is a number to show, never a made-up 0.
  char val[32] = "-", loss[32] = "-", smooth[32] = "-";
  if (s.val_loss > 0) std::snprintf(val, sizeof val, "%.4f", double(s.val_loss));
  if (s.last_loss > 0) std::snprintf(loss, sizeof loss, "%.4f", double(s.last_loss));
  if (s.smooth_loss > 0) std::snprintf(smooth, sizeof smooth, "%.4f", double(s.smooth_loss));
  char speed[32] = "-";  // training, but not yet measured
  if (!s.playing || s.steps_per_s > 0) std::snprintf(speed, sizeof speed, "%.0f", s.playing ? s.steps_per_s : 0.0);
  char frame[48];
  if (ctx.fps > 0)
    std::snprintf(frame, sizeof frame, "frame %.1f ms, %.0f fps", double(ctx.frame_ms), double(ctx.fps));
  else
    std::snprintf(frame, sizeof frame, "frame %.1f ms", double(ctx.frame_ms));
  ImGui::Text("step %lld   epoch %.2f   loss %s   smoothed %s   val %s   %s   %s steps/s   %s", (long long)s.step,
              s.epoch, loss, smooth, val, s.diverged ? "DIVERGED" : s.playing ? "training" : "paused", speed, frame);
  if (!ctx.notice.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("   %s", ctx.notice.c_str());
  }
}

}  // namespace ev::ui
