// lessons_panel.cpp: presets and the toy lesson.
#include "ui/lessons_panel.h"

#include <imgui.h>

#include "core/teach.h"

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
}  // namespace

void draw_toy_lesson(UiContext& ctx) {
  static const ToyLesson lesson = toy_lesson();
  ImGui::TextUnformatted("vocab = ['@', 'a', 'b', 'c', '.']   ids 0 1 2 3 4   (d = 2)");
  ImGui::TextUnformatted("C =");
  for (Eigen::Index r = 0; r < lesson.C.rows(); ++r)
    ImGui::Text("    %s   # '%s'", row_text(lesson.C, r).c_str(), lesson.tokens[std::size_t(r)].c_str());
  ImGui::TextUnformatted("context ['@', 'a', 'b'] -> ids [0, 1, 2]");
  const float half = ImGui::GetContentRegionAvail().x * 0.5f;
  ImGui::BeginChild("lookup", ImVec2(half, ImGui::GetTextLineHeightWithSpacing() * 6), true);
  ImGui::TextDisabled("lookup: C[[0, 1, 2]]");
  for (Eigen::Index r = 0; r < lesson.rows.rows(); ++r) ImGui::Text("%s", row_text(lesson.rows, r).c_str());
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("onehot", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6), true);
  ImGui::TextDisabled("one-hot (3 x 5) @ C (5 x 2)");
  for (Eigen::Index r = 0; r < lesson.onehot.rows(); ++r)
    ImGui::Text("%s @ C = %s", row_text(lesson.onehot, r).c_str(), row_text(lesson.rows_by_matmul, r).c_str());
  ImGui::EndChild();
  const Mat<float> concat = lesson.concat;
  ImGui::Text("concatenated, the MLP's input: %s", row_text(concat, 0).c_str());
  ImGui::Text("largest difference between the two paths: %g",
              double((lesson.rows - lesson.rows_by_matmul).cwiseAbs().maxCoeff()));
  if (ImGui::Button("Train on the toy data")) {
    const auto all = presets();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].toy_data) ctx.post(cmd::ApplyPreset{int(i)});
  }
  ImGui::SameLine();
  ImGui::TextDisabled("(%zu items over @ a b c, written by a fixed rule)", toy_lesson_items().size());
}

void draw_lessons_panel(const Snapshot& s, UiContext& ctx) {
  ImGui::PushID("lessons");
  const auto all = presets();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Preset& p = all[i];
    const bool active = s.preset == int(i);
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.25f, 0.5f, 0.3f, 1));
    if (ImGui::Button(p.name.c_str(), ImVec2(ImGui::GetFontSize() * 11, 0))) ctx.post(cmd::ApplyPreset{int(i)});
    ctx.record_item("lesson " + p.name);
    if (active) ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(p.what_to_watch.c_str());
    ImGui::PopTextWrapPos();
  }
  if (s.stop_at >= 0) ImGui::TextDisabled("This lesson pauses at step %lld.", (long long)s.stop_at);
  ImGui::Separator();
  ImGui::TextDisabled("THE TOY LESSON: one-hot times C is a lookup");
  draw_toy_lesson(ctx);
  ImGui::PopID();
}

}  // namespace ev::ui
