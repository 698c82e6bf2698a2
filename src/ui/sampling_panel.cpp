// sampling_panel.cpp: samples and next-token probabilities from a snapshot.
#include "ui/sampling_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "core/models/sample.h"
#include "core/base/error.h"
#include "core/train/trainer.h"
#include "core/data/word_filter.h"
#include "ui/fit.h"
#include "core/data/context.h"

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

// The word filter's field: the words to mask, kept in its file once an edit ends.
void word_filter(UiContext& ctx, SamplingPanelState& st) {
  const float font = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(std::max(font * 8, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("hide words").x -
                                                 ImGui::GetStyle().ItemInnerSpacing.x - 1));
  if (ImGui::InputTextWithHint("hide words", "none: type words to mask, by commas", st.filter_text,
                               sizeof st.filter_text))
    st.hidden_words = parse_word_list(st.filter_text);
  ctx.record_item("hide words");
  if (ImGui::IsItemDeactivatedAfterEdit() && !st.filter_file.empty()) {
    try {
      write_word_list(st.filter_file, st.hidden_words);
      st.filter_error.clear();
    } catch (const Error& e) {
      st.filter_error = e.what();
    }
  }
  tooltip("Words never to show on the projector: each listed word (any case) is shown as *** in the samples. "
          "The list is kept for the next start. Training still sees every word.");
  if (!st.filter_error.empty()) wrapped_text(ctx, st.filter_error, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
}

}  // namespace

void load_word_filter(SamplingPanelState& st, const std::string& file) {
  st.filter_file = file;
  st.hidden_words = file.empty() ? std::vector<std::string>{} : read_word_list(file);
  std::snprintf(st.filter_text, sizeof st.filter_text, "%s", word_list_text(st.hidden_words).c_str());
}

std::unordered_set<std::string> training_items(const Dataset& d) {
  std::unordered_set<std::string> out;
  const auto [b, e] = d.range(Split::Train);
  for (std::size_t i = b; i < e; ++i) out.insert(join(d, d.items[i]));
  return out;
}

namespace {

// Sample, how many, how hot, live; true when a widget asks for new samples.
// They flow onto a second line when the tab is narrow.
bool sample_controls(UiContext& ctx, SamplingPanelState& st) {
  bool resample = false;
  // Controls flow onto a second line when the tab is narrow.
  const float font = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemInnerSpacing.x;
  if (button(ctx, "Sample")) {
    ++st.seed;
    resample = true;
  }
  tooltip("Draw new items from the model, one token at a time, until it emits the boundary '.'.");
  same_line_if_fits(font * 6 + gap + ImGui::CalcTextSize("items").x);
  ImGui::SetNextItemWidth(font * 6);
  resample |= ImGui::SliderInt("items", &st.count, 1, 40);
  tooltip("How many items to sample.");
  same_line_if_fits(font * 7 + gap + ImGui::CalcTextSize("temperature").x);
  ImGui::SetNextItemWidth(font * 7);
  resample |= ImGui::SliderFloat("temperature", &st.temperature, 0.05f, 3.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  tooltip("Divides the logits before the softmax: below 1 the model plays safe, above 1 it takes risks.");
  same_line_if_fits(ImGui::GetFrameHeight() + gap + ImGui::CalcTextSize("live").x);
  ImGui::Checkbox("live", &st.live);
  tooltip("Sample again (with the same seed) whenever the model changes, up to four times a second.");
  word_filter(ctx, st);
  return resample;
}

// The samples, each marked when the training set holds it, and how many it does.
void draw_samples(UiContext& ctx, SamplingPanelState& st) {
  // The samples, then the next-token probabilities below them: the tab scrolls.
  const ImVec4 known_colour(0.55f, 0.8f, 1.0f, 1.0f);
  int known = 0;
  st.shown.clear();
  for (std::size_t i = 0; i < st.samples.size(); ++i) {
    known += st.known[i];
    const std::string text = st.samples[i].empty() ? "(empty)" : mask_words(st.samples[i], st.hidden_words);
    st.shown.push_back(text);
    wrapped_text(ctx, st.known[i] ? text + " *" : text, st.known[i] ? known_colour : ImVec4(0, 0, 0, 0));
  }
  char line[96];
  std::snprintf(line, sizeof line, "%d of %zu already in the training set (marked *)", known, st.samples.size());
  wrapped_disabled(ctx, line);
  ImGui::Separator();
}

// p(next token | context) as bars, most likely first.
void next_token_bars(const Snapshot& s, UiContext& ctx, const SamplingPanelState& st, const Model<float>& m,
                     const ParsedContext& pc) {
  const std::vector<float> p = next_token_probs(m, pc.ids);
  std::vector<int> order(p.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return p[std::size_t(a)] > p[std::size_t(b)]; });
  wrapped_disabled(ctx, "p(next token | context), most likely first:");
  const int shown = std::min<int>(int(order.size()), 27);
  // Tokens right-aligned in a column as wide as the widest shown (words
  // longer than 8 font heights are cut with "..."), then the bars.
  const float max_label = ImGui::GetFontSize() * 8;
  float label_w = ImGui::CalcTextSize("0000").x;
  for (int r = 0; r < shown; ++r)
    label_w = std::max(label_w, std::min(max_label, ImGui::CalcTextSize(s.data->vocab.token(order[std::size_t(r)]).c_str()).x));
  const float col_gap = ImGui::GetStyle().ItemSpacing.x;
  const float bar_w = std::max(ImGui::GetFontSize(), ImGui::GetContentRegionAvail().x - label_w -
                                                         ImGui::CalcTextSize("0.000").x - 3 * col_gap);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int r = 0; r < shown; ++r) {
    const int v = order[std::size_t(r)];
    const float pv = std::isfinite(p[std::size_t(v)]) ? p[std::size_t(v)] : 0.0f;
    const std::string token = mask_words(s.data->vocab.token(v), st.hidden_words);  // filtered here too
    const std::string label = elide(token, label_w);
    const float x = ImGui::GetCursorPosX();
    ImGui::SetCursorPosX(x + label_w - ImGui::CalcTextSize(label.c_str()).x);
    ImGui::TextUnformatted(label.c_str());
    if (label != token && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", token.c_str());
    ImGui::SameLine(x + label_w + col_gap);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    dl->AddRectFilled(at, ImVec2(at.x + std::max(1.0f, bar_w * pv), at.y + h), IM_COL32(90, 150, 230, 255));
    ImGui::Dummy(ImVec2(bar_w, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(prob_text(pv).c_str());
  }
}

}  // namespace

void draw_sampling_panel(const Snapshot& s, UiContext& ctx, SamplingPanelState& st) {
  // Sampling runs the whole model: the snapshot carries a read-only copy of
  // its parameters while this panel asks for them, refreshed a few times a second.
  if (ctx.want_model) ctx.want_model();
  if (!s.model) {
    ImGui::TextDisabled("Waiting for the model's parameters...");
    return;
  }
  const Model<float>& m = *s.model;
  ImGui::PushID("sampling");
  if (st.indexed != s.data.get()) {
    st.train_items = training_items(*s.data);
    st.indexed = s.data.get();
    // New data: a typed context of tokens it lacks gives way to the empty one.
    if (!parse_context(st.context, *s.data, s.spec.block).error.empty()) st.context[0] = '\0';
  }
  const double now = ImGui::GetTime();
  bool resample = sample_controls(ctx, st);
  if (st.live && st.sampled_model != s.model && now - st.last_sample_time > 0.25) resample = true;
  if (st.samples.empty()) resample = true;

  if (resample) {
    Rng rng(st.seed);
    st.samples.clear();
    st.known.clear();
    for (int i = 0; i < st.count; ++i) {
      st.samples.push_back(join(*s.data, sample_item(m, rng, st.temperature, 32)));
      st.known.push_back(st.train_items.count(st.samples.back()) > 0);
    }
    st.last_sample_time = now;
    st.sampled_model = s.model;
  }
  draw_samples(ctx, st);

  // Next-token probabilities for a typed context.
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::InputText("context", st.context, sizeof st.context);
  tooltip("Type the last tokens; shorter contexts are padded on the left with the boundary '.'.");
  const ParsedContext pc = parse_context(st.context, *s.data, s.spec.block);
  if (!pc.error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", pc.error.c_str());
  } else {
    next_token_bars(s, ctx, st, m, pc);
  }
  ImGui::PopID();
}

}  // namespace ev::ui
