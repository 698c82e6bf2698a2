// inspector_panel.cpp: the batch table, losses and the rows that moved.
#include "ui/inspector_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/fit.h"

namespace ev::ui {

std::string context_text(const Vocab& v, const std::vector<int>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ' ';
    out += v.token(ids[i]);
  }
  return out;
}

void draw_inspector_panel(const Snapshot& s, UiContext& ctx) {
  ImGui::PushID("inspector");
  const float w = ImGui::GetContentRegionAvail().x;
  if (button(ctx, "Step 1")) ctx.post(cmd::Step{1});
  ctx.record_item("inspector Step 1");
  tooltip("One SGD update on a random batch, then pause (the same as S).");
  ImGui::SameLine();
  if (button(ctx, "Step 10")) ctx.post(cmd::Step{10});
  tooltip("Ten SGD updates, then pause: the arrows show how far each row moved over all ten.");
  ImGui::SameLine();
  wrapped_disabled(ctx, "Real training steps, shown one update at a time.");

  const StepInspection* in = s.inspection.get();
  if ((!in || in->steps.empty()) && s.spec.family != "mlp") {
    // The record is of batches of fixed-length contexts; a transformer's batches are whole items.
    wrapped_text(ctx, "Step trains this model too, but keeps no record of it: the step inspector follows the MLP, "
                      "whose batches are contexts of a fixed length. The transformer learns from whole items.");
    ImGui::PopID();
    return;
  }
  if (!in || in->steps.empty()) {
    wrapped_text(ctx,
                 "Pause and press Step (or S) to see one SGD update: the batch it used, the loss before and after, "
                 "and an arrow on the embedding view for every row of " + s.token_table_name() + " that moved.");
    ImGui::PopID();
    return;
  }
  const Vocab& vocab = s.data->vocab;
  const InspectedStep& first = in->steps.front();
  const InspectedStep& last = in->steps.back();
  // Steps are counted as the status line counts them: the updates done so far.
  const bool many = in->steps.size() > 1;
  char buf[256];
  if (!many)
    std::snprintf(buf, sizeof buf, "Update %lld (step %lld -> %lld), learning rate %g: batch loss %.4f -> %.4f",
                  (long long)first.step + 1, (long long)first.step, (long long)first.step + 1, first.lr,
                  double(first.loss_before), double(first.loss_after));
  else
    std::snprintf(buf, sizeof buf, "Updates %lld to %lld (%zu of them, step %lld -> %lld): loss on their batches %.4f -> %.4f",
                  (long long)first.step + 1, (long long)last.step + 1, in->steps.size(), (long long)first.step,
                  (long long)last.step + 1, double(in->loss_before), double(in->loss_after));
  wrapped_text(ctx, buf);
  if (in->diverged) wrapped_text(ctx, "Stopped early: the loss blew up.", ImVec4(1, 0.4f, 0.4f, 1));

  // Rows that moved, largest first; and the ones no context looked up. Adam
  // (unlike SGD) moves those too, by its running average of earlier gradients.
  // A frozen table (freeze embeddings) moves not at all.
  const bool momentum = s.config.optimizer != "sgd", frozen = s.config.freeze_embeddings;
  std::vector<int> moved;
  for (int v = 0; v < int(in->movement.size()); ++v)
    if (!frozen && (in->in_batch[std::size_t(v)] || (momentum && in->movement[std::size_t(v)] > 0))) moved.push_back(v);
  std::sort(moved.begin(), moved.end(), [&](int a, int b) { return in->movement[std::size_t(a)] > in->movement[std::size_t(b)]; });
  std::snprintf(buf, sizeof buf, "%zu of %d rows of %s moved %s", moved.size(), s.spec.vocab,
                s.token_table_name().c_str(), frozen ? "(the table is frozen)." : "(arrows on the embedding view).");
  wrapped_text(ctx, buf);
  if (!in->unmoved.empty() && !frozen) {
    std::string names;
    for (std::size_t i = 0; i < in->unmoved.size() && i < 60; ++i) names += vocab.token(in->unmoved[i]) + " ";
    if (in->unmoved.size() > 60) names += "...";
    const std::string where = many ? "any of the batches" : "the batch";
    wrapped_text(ctx,
                 momentum ? "Not looked up: " + names + "- no context in " + where +
                                " held them, so their gradient was exactly zero; " + s.config.optimizer +
                                " moved their rows all the same, by its running average of earlier gradients."
                          : "Did not move: " + names + "- no context in " + where +
                                " looked them up, so their rows got exactly zero gradient. The lookup's gradient is sparse.",
                 ImVec4(0.7f, 0.7f, 0.75f, 1));
  }
  if (many)
    wrapped_disabled(ctx, "|move|: how far each row went over all " + std::to_string(in->steps.size()) +
                              " updates. |grad| and the batch on the right: the last update's (" +
                              std::to_string(last.step + 1) + ") only.");

  // The two tables one above the other, each as wide as the tab: no column is
  // ever cut, and each scrolls on its own.
  const float h = std::max(ImGui::GetContentRegionAvail().y * 0.5f - ImGui::GetStyle().ItemSpacing.y,
                           ImGui::GetTextLineHeightWithSpacing() * 6);
  (void)w;
  if (ImGui::BeginTable("moved", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_ScrollY,
                        ImVec2(0, h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("token");
    ImGui::TableSetupColumn("|move|");
    ImGui::TableSetupColumn(many ? "|grad| last" : "|grad|");
    ImGui::TableHeadersRow();
    for (int v : moved) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (ImGui::Selectable(vocab.token(v).c_str(), ctx.selected_token == v, ImGuiSelectableFlags_SpanAllColumns))
        ctx.selected_token = v;
      if (ImGui::IsItemHovered()) ctx.hovered_token = v;
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", double(in->movement[std::size_t(v)]));
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", double(in->grad_C.row(v).norm()));
    }
    ImGui::EndTable();
  }
  if (ImGui::BeginTable("batch", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_ScrollY,
                        ImVec2(0, h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(many ? "last batch" : "context");
    ImGui::TableSetupColumn("-> target");
    ImGui::TableSetupColumn("p(target)");
    ImGui::TableSetupColumn("loss");
    ImGui::TableHeadersRow();
    // The last update's batch (the one whose arrows are shown for a single step).
    for (const InspectedExample& e : last.batch) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(context_text(vocab, e.context).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(vocab.token(e.target).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", double(e.prob));
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", double(e.loss));
    }
    ImGui::EndTable();
  }
  ImGui::PopID();
}

}  // namespace ev::ui
