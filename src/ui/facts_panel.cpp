// facts_panel.cpp: parameter counts and n-gram table sizes.
#include "ui/facts_panel.h"

#include <imgui.h>

#include <cmath>

#include "core/teach.h"

namespace ev::ui {

namespace {
// "1.2 x 10^55" for large numbers, plain digits for small ones.
std::string power_of_ten(double log10v) {
  char buf[64];
  if (log10v < 9) std::snprintf(buf, sizeof buf, "%.0f", std::pow(10.0, log10v));
  else {
    const double e = std::floor(log10v);
    std::snprintf(buf, sizeof buf, "%.1f x 10^%.0f", std::pow(10.0, log10v - e), e);
  }
  return buf;
}
}  // namespace

void draw_facts_panel(const Snapshot& s, UiContext& ctx) {
  (void)ctx;
  ImGui::PushID("facts");
  const auto counts = parameter_counts(s.shape);
  if (ImGui::BeginTable("params", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("tensor");
    ImGui::TableSetupColumn("shape");
    ImGui::TableSetupColumn("parameters");
    ImGui::TableHeadersRow();
    std::size_t total = 0;
    for (const TensorCount& t : counts) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(t.name);
      ImGui::TableNextColumn();
      if (t.rows == 1) ImGui::Text("(%d)", t.cols);
      else ImGui::Text("(%d, %d)", t.rows, t.cols);
      ImGui::TableNextColumn();
      ImGui::Text("%zu", t.count);
      total += t.count;
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("total");
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", total);
    ImGui::EndTable();
  }
  const int V = s.shape.vocab, k = s.shape.block;
  const double lg = ngram_table_log10(V, k + 1);
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::Text("A counting table over the same context (%d tokens, then the next) needs V^(block+1) = %d^%d = %s "
              "entries. This model uses %zu numbers and shares what it learns between similar tokens.",
              k, V, k + 1, power_of_ten(lg).c_str(), s.params.size());
  const double big = ngram_table_log10(kSeed001Vocab, kSeed001Words);
  ImGui::Text("Bengio et al.'s example: a 291,500-word vocabulary and 10 words in a row: 291,500^10, about %s "
              "entries (10^%.0f). No table could hold that; an embedding of 30 numbers per word can.",
              power_of_ten(big).c_str(), std::round(big));
  ImGui::PopTextWrapPos();
  ImGui::PopID();
}

}  // namespace ev::ui
