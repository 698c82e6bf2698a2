// facts_panel.cpp: parameter counts and n-gram table sizes.
#include "ui/facts_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/models/mlp.h"  // the step's cost by layer
#include "core/teach/teach.h"
#include "ui/fit.h"

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

// 1234567 as "1,234,567".
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Where a training row's multiply-adds go, and what the other output layer would cost.
void draw_step_cost(const Snapshot& s, UiContext& ctx) {
  if (!s.traits().class_softmax) return;
  const MlpRowCost c = mlp_row_cost(s.spec);
  const bool classes = s.spec.softmax == "classes";
  const double total = c.hidden + c.output;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Where a step's multiply-adds go, per training row (forward; the backward pass about twice as much "
                "again): the tanh layer %s (%.0f%%), the output layer %s (%.0f%%). %s",
                grouped(std::size_t(c.hidden)).c_str(), 100.0 * c.hidden / total, grouped(std::size_t(c.output)).c_str(),
                100.0 * c.output / total,
                classes ? "The output is factored (--softmax classes): a softmax over the word classes, then over the "
                          "words of the target's class only."
                        : "The output scores every token of the vocabulary (--softmax full).");
  ImGui::Spacing();
  wrapped_text(ctx, buf);
  if (s.spec.vocab < 256) return;
  std::snprintf(buf, sizeof buf,
                "At this vocabulary the full softmax costs %s a row at the output, the class-factored one %s on "
                "average (%.0fx fewer), with the same exact probabilities in form: p(word) = p(class) p(word | class).",
                grouped(std::size_t(c.output_full)).c_str(), grouped(std::size_t(c.output_classes)).c_str(),
                c.output_full / std::max(1.0, c.output_classes));
  wrapped_text(ctx, buf);
}

}  // namespace

std::vector<std::string> word_facts(const Snapshot& s) {
  if (!s.data || s.data->tokenizer != Tokenizer::Word) return {};
  const Dataset& d = *s.data;
  const int V = s.spec.vocab;
  std::vector<std::string> out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Vocabulary: %s tokens, the boundary '.', <unk> and the %s most frequent of the %s distinct words of "
                "the training split. They cover %.1f%% of its %s running words; the rest read as <unk>.",
                grouped(std::size_t(V)).c_str(), grouped(std::size_t(std::max(0, V - 2))).c_str(),
                grouped(d.train_types).c_str(), 100.0 * d.coverage(), grouped(d.train_tokens).c_str());
  out.push_back(buf);
  if (s.distinct_trigrams == 0) return out;
  const double table = ngram_table_log10(V, 3);
  std::snprintf(buf, sizeof buf,
                "The n-gram blow-up on this corpus: the training split holds %s distinct trigrams (the Kneser-Ney "
                "baseline's counts). A full trigram table needs V^3 = %s entries, of which they fill %.2g%%. "
                "The network has %s parameters.",
                grouped(s.distinct_trigrams).c_str(), power_of_ten(table).c_str(),
                100.0 * double(s.distinct_trigrams) / std::pow(10.0, table), grouped(s.param_count()).c_str());
  out.push_back(buf);
  return out;
}

void draw_facts_panel(const Snapshot& s, UiContext& ctx) {
  ImGui::PushID("facts");
  if (ImGui::BeginTable("params", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("tensor");
    ImGui::TableSetupColumn("part");
    ImGui::TableSetupColumn("shape");
    ImGui::TableSetupColumn("parameters");
    ImGui::TableHeadersRow();
    std::size_t total = 0;
    for (const TensorInfo& t : s.table.tensors()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(t.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(family(s.spec.family).role(t.name));
      ImGui::TableNextColumn();
      if (t.rows == 1) ImGui::Text("(%d)", t.cols);
      else ImGui::Text("(%d, %d)", t.rows, t.cols);
      ImGui::TableNextColumn();
      ImGui::Text("%zu", t.size());
      total += t.size();
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("total");
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", total);
    ImGui::EndTable();
  }
  draw_step_cost(s, ctx);
  const int V = s.spec.vocab, k = s.spec.block;
  const double lg = ngram_table_log10(V, k + 1);
  ImGui::Spacing();
  if (const std::vector<std::string> words = word_facts(s); !words.empty()) {
    for (const std::string& w : words) wrapped_text(ctx, w);
    ImGui::Spacing();
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "A counting table over the same context (%d tokens, then the next) needs V^(block+1) = %d^%d = %s "
                "entries. This model uses %zu numbers and shares what it learns between similar tokens.",
                k, V, k + 1, power_of_ten(lg).c_str(), s.param_count());
  wrapped_text(ctx, buf);
  ImGui::Spacing();
  std::snprintf(buf, sizeof buf,
                "Bengio et al. (2003): modelling 10 words in a row over a vocabulary of 100,000 words takes "
                "100,000^10 - 1 = 10^%.0f free parameters. Their model gives each word a vector of 30 to 100 "
                "learned numbers instead, shared by every context the word appears in.",
                ngram_table_log10(kBengioVocab, kBengioWords));
  wrapped_text(ctx, buf);
  const double oed = ngram_table_log10(kOedEntries, kBengioWords);
  std::snprintf(buf, sizeof buf,
                "With the %s entries of the Oxford English Dictionary (2nd edition) as the vocabulary, the same "
                "table of 10 words would have 291,500^10, about %s cells.",
                "291,500", power_of_ten(oed).c_str());
  wrapped_text(ctx, buf);
  ImGui::PopID();
}

}  // namespace ev::ui
