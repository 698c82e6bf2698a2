// timeline_panel.cpp: choosing a frame of the timeline and building its snapshot.
#include "ui/timeline_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"

namespace ev::ui {

namespace {

constexpr std::uint64_t kReplayVersion = std::uint64_t(1) << 62;  // apart from every published version

int frame_count(const Snapshot& s) { return s.timeline ? int(s.timeline->size()) : 0; }

std::string frame_text(const TimelineFrame& f) {
  char buf[96];
  if (std::isfinite(f.loss)) std::snprintf(buf, sizeof buf, "step %lld  loss %.3f", static_cast<long long>(f.step), double(f.loss));
  else std::snprintf(buf, sizeof buf, "step %lld  (no loss yet)", static_cast<long long>(f.step));
  return buf;
}

// Play, Pause and Live, and the film's speed.
void film_buttons(const Snapshot& live, UiContext& ctx, TimelineState& st) {
  const int n = frame_count(live);
  if (button(ctx, st.playing ? "Pause film" : "Play film") && n > 1) {
    if (st.playing) st.playing = false;
    else play_film(st, n);
  }
  tooltip("Play the kept steps as a film, from the first (dense at the start, where the table changes fastest); "
          "the projection is held, so the points move rather than jump.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  ImGui::SliderFloat("fps", &st.speed, 2, 60, "%.0f");
  tooltip("Frames of the timeline per second of film.");
  ImGui::SameLine();
  ImGui::BeginDisabled(st.live);
  if (button(ctx, "Live")) show_frame(st, -1);
  ImGui::EndDisabled();
  tooltip("Back to the table now.");
}

// Pin / Unpin: the step shown kept as a ghost under the view.
void pin_button(const Snapshot& live, UiContext& ctx, TimelineState& st) {
  if (button(ctx, st.pinned_tables ? "Unpin" : "Pin")) toggle_pin(st, st.live || !st.view ? live : *st.view);
  tooltip("Pin the step shown (P): it stays faintly under the view, in the same projection, with a line from "
          "each token's pinned place to its place in the step shown, while you scrub, play or train on. Above "
          "2,000 tokens only the labelled words and the searched word with its neighbours get lines; every "
          "point is drawn faintly. Unpin clears it.");
}

}  // namespace

std::shared_ptr<const Snapshot> frame_snapshot(const Snapshot& live, const TimelineFrame& f, std::uint64_t version) {
  auto v = std::make_shared<Snapshot>(live);
  v->embeddings = f.tables;
  v->step = f.step;
  v->smooth_loss = f.loss;
  v->inspection.reset();  // the step inspector's arrows belong to now
  v->version = kReplayVersion + version;
  return v;
}

void toggle_pin(TimelineState& st, const Snapshot& shown) {
  if (st.pinned_tables) {
    st.pinned_tables.reset();
    st.pinned = -1;
    return;
  }
  st.pinned_tables = shown.embeddings;
  st.pinned = st.pinned_tables ? shown.step : -1;
}

void play_film(TimelineState& st, int frames) {
  if (frames < 2) return;
  if (st.live || st.frame >= frames - 1) st.frame = 0;  // a film starts from the beginning
  st.live = false;
  st.playing = true;
  st.position = st.frame;
}

void show_frame(TimelineState& st, int frame) {
  st.playing = false;
  st.live = frame < 0;
  st.frame = std::max(frame, 0);
  st.position = st.frame;
}

float timeline_bar_height() { return ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y; }

SnapshotPtr timeline_view(const SnapshotPtr& live, TimelineState& st, float dt) {
  const int n = frame_count(*live);
  if (live->restarts != st.restarts || n == 0) {
    if (live->restarts != st.restarts) st.pinned_tables.reset(), st.pinned = -1;  // the pin was the old run's
    st.restarts = live->restarts;  // a new run's timeline: what was shown belonged to the old one
    show_frame(st, -1);
  }
  if (st.live) return live;
  if (st.playing) {
    st.position += double(std::max(dt, 0.0f)) * double(st.speed);
    if (st.position >= n - 1) st.position = n - 1, st.playing = false;  // the film ends on its last frame
    st.frame = int(st.position);
  }
  st.frame = std::clamp(st.frame, 0, n - 1);
  const TimelineFrame& f = (*live->timeline)[std::size_t(st.frame)];
  if (!st.view || st.view_tables != f.tables.get() || st.view->restarts != live->restarts ||
      st.view->spec != live->spec) {
    st.view = frame_snapshot(*live, f, ++st.views);
    st.view_tables = f.tables.get();
  }
  return st.view;
}

void draw_timeline_bar(const Snapshot& live, UiContext& ctx, TimelineState& st) {
  const IdScope id_scope("timeline");
  if (!live.ready()) return;  // nothing kept yet: the view above says what is being prepared
  const int n = frame_count(live);
  film_buttons(live, ctx, st);
  ImGui::SameLine();
  pin_button(live, ctx, st);
  ImGui::SameLine();
  const std::string text = st.live || n == 0 ? "live: step " + std::to_string(live.step)
                                             : frame_text((*live.timeline)[std::size_t(std::min(st.frame, n - 1))]);
  const float text_w = ImGui::CalcTextSize("step 0000000  loss 0.000").x;
  ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 4, ImGui::GetContentRegionAvail().x - text_w));
  int frame = st.live ? n - 1 : st.frame;
  if (ImGui::SliderInt("##step", &frame, 0, std::max(n - 1, 0), "") && n > 0) show_frame(st, frame);
  ctx.record_item("timeline");
  tooltip("Drag back through the steps kept so far (training goes on); Live returns to now.");
  ImGui::SameLine();
  ImGui::TextUnformatted(text.c_str());
}

}  // namespace ev::ui
