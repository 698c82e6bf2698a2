// sampling_panel.cpp: samples and next-token probabilities from a snapshot.
#include "ui/sampling_panel.h"

#include <imgui.h>

#include <algorithm>

#include "core/trainer.h"
#include "ui/onehot_panel.h"

namespace ev::ui {

namespace {
std::string join(const Dataset& d, const std::vector<int>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i && d.tokenizer == Tokenizer::Word) out += ' ';
    out += d.vocab.token(ids[i]);
  }
  return out;
}

// A model that shares nothing with the trainer: a copy of the snapshot's parameters.
Model<float> model_of(const Snapshot& s) {
  Model<float> m(s.shape);
  m.params = s.params;
  return m;
}
}  // namespace

std::unordered_set<std::string> training_items(const Dataset& d) {
  std::unordered_set<std::string> out;
  const auto [b, e] = d.range(Split::Train);
  for (std::size_t i = b; i < e; ++i) out.insert(join(d, d.items[i]));
  return out;
}

void draw_sampling_panel(const Snapshot& s, UiContext& ctx, SamplingPanelState& st) {
  (void)ctx;
  ImGui::PushID("sampling");
  if (st.indexed != s.data.get()) {
    st.train_items = training_items(*s.data);
    st.indexed = s.data.get();
  }
  const double now = ImGui::GetTime();
  bool resample = false;
  if (ImGui::Button("Sample")) {
    ++st.seed;
    resample = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  resample |= ImGui::SliderInt("items", &st.count, 1, 40);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  resample |= ImGui::SliderFloat("temperature", &st.temperature, 0.05f, 3.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();
  ImGui::Checkbox("live", &st.live);
  if (st.live && st.sampled_version != s.version && now - st.last_sample_time > 0.25) resample = true;
  if (st.samples.empty()) resample = true;

  const Model<float> m = model_of(s);
  if (resample) {
    Rng rng(st.seed);
    st.samples.clear();
    st.known.clear();
    for (int i = 0; i < st.count; ++i) {
      st.samples.push_back(join(*s.data, sample_item(m, rng, st.temperature, 32)));
      st.known.push_back(st.train_items.count(st.samples.back()) > 0);
    }
    st.last_sample_time = now;
    st.sampled_version = s.version;
  }
  const float half = ImGui::GetContentRegionAvail().x * 0.42f;
  ImGui::BeginChild("samples", ImVec2(half, 0), true);
  int known = 0;
  for (std::size_t i = 0; i < st.samples.size(); ++i) {
    known += st.known[i];
    if (st.known[i])
      ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1.0f), "%s   (in the training set)", st.samples[i].c_str());
    else
      ImGui::TextUnformatted(st.samples[i].empty() ? "(empty)" : st.samples[i].c_str());
  }
  ImGui::TextDisabled("%d of %zu already in the training set", known, st.samples.size());
  ImGui::EndChild();
  ImGui::SameLine();

  // Next-token probabilities for a typed context.
  ImGui::BeginChild("next", ImVec2(0, 0), false);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::InputText("context", st.context, sizeof st.context);
  const ParsedContext pc = parse_context(st.context, *s.data, s.shape.block);
  if (!pc.error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", pc.error.c_str());
  } else {
    const std::vector<float> p = next_token_probs(m, pc.ids);
    std::vector<int> order(p.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return p[std::size_t(a)] > p[std::size_t(b)]; });
    ImGui::TextDisabled("p(next token | context), most likely first:");
    const float bar_w = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 6;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int shown = std::min<int>(int(order.size()), 27);
    for (int r = 0; r < shown; ++r) {
      const int v = order[std::size_t(r)];
      const float pv = std::isfinite(p[std::size_t(v)]) ? p[std::size_t(v)] : 0.0f;
      ImGui::Text("%4s", s.data->vocab.token(v).c_str());
      ImGui::SameLine();
      const ImVec2 at = ImGui::GetCursorScreenPos();
      const float h = ImGui::GetTextLineHeight();
      dl->AddRectFilled(at, ImVec2(at.x + std::max(1.0f, bar_w * pv), at.y + h), IM_COL32(90, 150, 230, 255));
      ImGui::Dummy(ImVec2(bar_w, h));
      ImGui::SameLine();
      ImGui::Text("%.3f", double(pv));
    }
  }
  ImGui::EndChild();
  ImGui::PopID();
}

}  // namespace ev::ui
