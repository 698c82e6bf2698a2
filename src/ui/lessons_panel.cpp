// lessons_panel.cpp: presets and the toy lesson.
#include "core/data/data.h"
#include "ui/lessons_panel.h"

#include <imgui.h>

#include <cstdio>

#include "core/teach/teach.h"
#include "ui/fit.h"

namespace ev::ui {

namespace {
std::string row_text(const Mat<float>& M, Eigen::Index r) {
  std::string out = "[";
  char buf[32];
  for (Eigen::Index j = 0; j < M.cols(); ++j) {
    std::snprintf(buf, sizeof buf, "%s%+.2f", j ? ", " : "", double(M(r, j)));
    out += buf;
  }
  return out + "]";
}

std::string ids_text(const std::vector<int>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
  return out + "]";
}
}  // namespace

void draw_toy_lesson(UiContext& ctx) {
  static const ToyLesson lesson = toy_lesson();
  std::string vocab = "vocab = [";
  for (std::size_t i = 0; i < lesson.tokens.size(); ++i) vocab += (i ? ", '" : "'") + lesson.tokens[i] + "'";
  wrapped_text(ctx, vocab + "]   ids 0 to 4, d = 2: the live model's own numbering");
  ImGui::TextUnformatted("C =");
  for (Eigen::Index r = 0; r < lesson.C.rows(); ++r)
    ImGui::Text("    %s   # %lld '%s'", row_text(lesson.C, r).c_str(), (long long)r,
                lesson.tokens[std::size_t(r)].c_str());
  wrapped_text(ctx, "context ['@', 'a', 'b'] -> ids " + ids_text(lesson.context_ids));
  ImGui::Spacing();
  wrapped_disabled(ctx, "lookup: C[" + ids_text(lesson.context_ids) + "]");
  for (Eigen::Index r = 0; r < lesson.rows.rows(); ++r) ImGui::Text("    %s", row_text(lesson.rows, r).c_str());
  wrapped_disabled(ctx, "one-hot (3 x 5) @ C (5 x 2): the same rows");
  for (Eigen::Index r = 0; r < lesson.onehot.rows(); ++r) {
    ImGui::Text("    %s @ C", row_text(lesson.onehot, r).c_str());
    wrapped_text(ctx, "      = " + row_text(lesson.rows_by_matmul, r));
  }
  const Mat<float> concat = lesson.concat;
  wrapped_text(ctx, "concatenated, the MLP's input: " + row_text(concat, 0));
  char buf[96];
  std::snprintf(buf, sizeof buf, "largest difference between the two paths: %g",
                double((lesson.rows - lesson.rows_by_matmul).cwiseAbs().maxCoeff()));
  wrapped_text(ctx, buf);
  if (button(ctx, "Train on the toy data")) {
    const auto all = presets();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].toy_data) ctx.post(cmd::ApplyPreset{int(i)});
  }
  tooltip("Starts the toy lesson: its data, and this very C in the live model at step 0.");
  std::snprintf(buf, sizeof buf, "(%zu items over @ a b c, written by a fixed rule; training starts from this C)",
                toy_lesson_items().size());
  ImGui::SameLine();
  wrapped_disabled(ctx, buf);
}

void draw_lessons_panel(const Snapshot& s, UiContext& ctx) {
  ImGui::PushID("lessons");
  const auto all = presets();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Preset& p = all[i];
    const bool active = s.preset == int(i);
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.25f, 0.5f, 0.3f, 1));
    if (button(ctx, p.name.c_str(), ImVec2(ImGui::GetFontSize() * 9, 0))) ctx.post(cmd::ApplyPreset{int(i)});
    ctx.record_item("lesson " + p.name);
    tooltip("Sets this lesson's configuration and data, paused at step 0: press play.");
    if (active) ImGui::PopStyleColor();
    ImGui::SameLine();
    wrapped_text(ctx, p.what_to_watch);
    ImGui::Spacing();
  }
  if (s.stop_at >= 0) ImGui::TextDisabled("This lesson pauses at step %lld.", (long long)s.stop_at);
  ImGui::Separator();
  ImGui::TextDisabled("THE TOY LESSON: one-hot times C is a lookup");
  draw_toy_lesson(ctx);
  ImGui::PopID();
}

}  // namespace ev::ui
