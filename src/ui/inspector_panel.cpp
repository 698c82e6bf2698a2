// inspector_panel.cpp: the batch table, losses and the rows that moved.
#include "ui/inspector_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
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

std::string item_text(const Dataset& d, const std::vector<int>& ids) {
  if (d.tokenizer == Tokenizer::Word) return context_text(d.vocab, ids);
  std::string out;
  for (int id : ids) out += d.vocab.token(id);
  return out;
}

namespace {

const ImVec4 kNote(0.7f, 0.7f, 0.75f, 1);
constexpr std::size_t kNamesShown = 40;  // more rows than this are counted, not named

// A table cell's text, cut with "..." to the column; the whole text on hover.
void cell_text(const std::string& text) {
  const float w = ImGui::GetContentRegionAvail().x;
  const std::string shown = elide(text, w);
  ImGui::TextUnformatted(shown.c_str());
  if (shown != text && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

// A column as wide as `sample` in the current font: numbers never cut.
void number_column(const char* name, const char* sample) {
  ImGui::TableSetupColumn(name, ImGuiTableColumnFlags_WidthFixed,
                          std::max(ImGui::CalcTextSize(sample).x, ImGui::CalcTextSize(name).x) + ImGui::GetFontSize() * 0.5f);
}

// A loss as a number that fits its column: "2.314", or "1.23e+30" once it blew up.
void loss_cell(float loss) {
  if (std::abs(loss) < 1000) ImGui::Text("%.3f", double(loss));
  else ImGui::Text("%.2e", double(loss));
}

// A row of a table by name: a token, or a transformer's position.
std::string row_name(const Snapshot& s, const TableMoves& t, int r) {
  return s.is_position_table(t.name) ? "position " + std::to_string(r) : s.data->vocab.token(r);
}

// The rows that moved, largest first: looked up, or carried by Adam's average.
std::vector<int> moved_rows(const TableMoves& t) {
  std::vector<int> out;
  for (int r = 0; r < t.rows(); ++r)
    if (t.in_batch[std::size_t(r)] || t.carried[std::size_t(r)]) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),
                   [&](int a, int b) { return t.movement[std::size_t(a)] > t.movement[std::size_t(b)]; });
  return out;
}

void header(const StepInspection& in, UiContext& ctx) {
  const InspectedStep& first = in.steps.front();
  const InspectedStep& last = in.steps.back();
  // Steps are counted as the status line counts them: the updates done so far.
  char buf[256];
  if (in.steps.size() == 1)
    std::snprintf(buf, sizeof buf, "Update %lld (step %lld -> %lld), %s, learning rate %g: batch loss %.4f -> %.4f",
                  (long long)first.step + 1, (long long)first.step, (long long)first.step + 1, in.optimizer.c_str(),
                  first.lr, double(first.loss_before), double(first.loss_after));
  else
    std::snprintf(buf, sizeof buf, "Updates %lld to %lld (%zu of them, step %lld -> %lld, %s): loss on their batches %.4f -> %.4f",
                  (long long)first.step + 1, (long long)last.step + 1, in.steps.size(), (long long)first.step,
                  (long long)last.step + 1, in.optimizer.c_str(), double(in.loss_before), double(in.loss_after));
  wrapped_text(ctx, buf);
  if (in.diverged) wrapped_text(ctx, "Stopped early: the loss blew up.", ImVec4(1, 0.4f, 0.4f, 1));
}

// A transformer's batch in words: items, and the positions they train.
void items_summary(const Snapshot& s, const InspectedStep& last, UiContext& ctx) {
  int trained = 0;
  for (const InspectedItem& it : last.items) trained += it.positions();
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%zu whole items, %d positions trained (0 to %d of wpe's %d): each position predicts the next "
                "token from the tokens up to it.",
                last.items.size(), trained, last.positions - 1, s.spec.block);
  wrapped_text(ctx, buf);
}

void moved_summary(const StepInspection& in, UiContext& ctx) {
  std::string text;
  for (const TableMoves& t : in.tables) {
    text += text.empty() ? "" : "; ";
    text += std::to_string(t.moved_count()) + " of " + std::to_string(t.rows()) + " rows of " + t.name;
    if (t.frozen) text += " (the table is frozen)";
  }
  wrapped_text(ctx, text + " moved: arrows on the embedding view; hover a row for its numbers.");
}

// Which rows no batch looked up, and what the optimizer did with them.
void lookup_note(const Snapshot& s, const StepInspection& in, const TableMoves& t, UiContext& ctx) {
  // The rows by name when there are few (characters, positions); a count
  // when there are many (a vocabulary of words).
  auto names = [&](auto keep) {
    std::vector<int> rows;
    for (int r = 0; r < t.rows(); ++r)
      if (keep(r)) rows.push_back(r);
    if (rows.size() > kNamesShown) return std::to_string(rows.size()) + (s.is_position_table(t.name) ? " positions" : " tokens");
    std::string out;
    for (int r : rows) out += (out.empty() ? "" : " ") + (s.is_position_table(t.name) ? std::to_string(r) : s.data->vocab.token(r));
    return out;
  };
  const bool wpe = s.is_position_table(t.name);
  const std::string what = wpe ? "positions of " + t.name : "rows of " + t.name;
  const std::string none = in.steps.size() > 1 ? "no batch" : "the batch";
  const std::string why = wpe ? " - no item of " + none + " reached them" : " - " + none + " never looked them up";
  const std::string carried = names([&](int r) { return t.carried[std::size_t(r)]; });
  if (!carried.empty())
    wrapped_text(ctx, "Not looked up, moved all the same (" + what + "): " + carried + why +
                          ", so their gradient was exactly zero; " + in.optimizer +
                          " moved them by its running average of earlier gradients.", kNote);
  if (t.unmoved.empty()) return;
  const std::string still = names([&](int r) { return !t.in_batch[std::size_t(r)] && !t.carried[std::size_t(r)]; });
  wrapped_text(ctx, "Did not move (" + what + "): " + still + why +
                        (in.optimizer != "adam" ? ", so they got exactly zero gradient. The lookup's gradient is sparse."
                                                : ", and no earlier gradient either: nothing to move them by."),
               kNote);
}

// Before and after of one row, for the hover on the moved table.
void row_tooltip(const std::string& name, const TableMoves& t, int r) {
  const int d = int(t.before.cols());
  ImGui::BeginTooltip();
  ImGui::Text("%s[%s]", t.name.c_str(), name.c_str());
  ImGui::Text("before %s", numbers_text(t.before.row(r).data(), d, 8).c_str());
  ImGui::Text("after  %s", numbers_text(t.after.row(r).data(), d, 8).c_str());
  ImGui::Text("change %s", numbers_text(t.delta.row(r).data(), d, 8).c_str());
  ImGui::EndTooltip();
}

// Every table's moved rows: tokens largest move first, then positions.
void moved_table(const Snapshot& s, const StepInspection& in, UiContext& ctx, float h) {
  const bool many = in.steps.size() > 1;
  if (!ImGui::BeginTable("moved", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_ScrollY,
                         ImVec2(0, h)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(in.tables.size() > 1 ? "row" : "token", ImGuiTableColumnFlags_WidthStretch);
  number_column("|move|", "0.000000");
  number_column(many ? "|grad| last" : "|grad|", "0.000000");
  ImGui::TableHeadersRow();
  for (const TableMoves& t : in.tables) {
    const bool tokens = &t == &in.tokens();
    for (int r : moved_rows(t)) {
      ImGui::PushID(&t);
      ImGui::PushID(r);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string name = row_name(s, t, r);
      const std::string label = elide(name, ImGui::GetContentRegionAvail().x);
      const bool selected = tokens && ctx.selected_token == r;
      if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns) && tokens) ctx.selected_token = r;
      if (ImGui::IsItemHovered()) {
        if (tokens) ctx.hovered_token = r;
        row_tooltip(name, t, r);
      }
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", double(t.movement[std::size_t(r)]));
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", double(t.grad.row(r).norm()));
      ImGui::PopID();
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

// The MLP's last batch: context -> target, p(target), loss.
void examples_table(const Snapshot& s, const StepInspection& in, float h) {
  const Vocab& vocab = s.data->vocab;
  if (!ImGui::BeginTable("batch", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_ScrollY,
                         ImVec2(0, h)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(in.steps.size() > 1 ? "last batch" : "context", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("-> target", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  number_column("p(target)", "0.000");
  number_column("loss", "0.00e+00");
  ImGui::TableHeadersRow();
  // The last update's batch (the one whose arrows are shown for a single step).
  for (const InspectedExample& e : in.steps.back().batch) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    cell_text(context_text(vocab, e.context));
    ImGui::TableNextColumn();
    cell_text(vocab.token(e.target));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(prob_text(e.prob).c_str());
    ImGui::TableNextColumn();
    loss_cell(e.loss);
  }
  ImGui::EndTable();
}

// Each position of an item: what it read, what it had to predict, how likely.
void item_tooltip(const Snapshot& s, const InspectedItem& it) {
  const Vocab& v = s.data->vocab;
  ImGui::BeginTooltip();
  if (ImGui::BeginTable("positions", 5, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    for (const char* name : {"position", "reads", "-> next", "p", "loss"}) ImGui::TableSetupColumn(name);
    ImGui::TableHeadersRow();
    for (int t = 0; t < it.positions(); ++t) {
      const std::vector<int> read(it.tokens.begin(), it.tokens.begin() + t + 1);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", t);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(elide(item_text(*s.data, read), ImGui::GetFontSize() * 20).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(v.token(it.tokens[std::size_t(t) + 1]).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(prob_text(it.prob[std::size_t(t)]).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", double(it.loss[std::size_t(t)]));
    }
    ImGui::EndTable();
  }
  ImGui::EndTooltip();
}

// A transformer's last batch: each item with its positions and mean loss.
void items_table(const Snapshot& s, const StepInspection& in, UiContext& ctx, float h) {
  if (!ImGui::BeginTable("items", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_ScrollY,
                         ImVec2(0, h)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(in.steps.size() > 1 ? "last batch's items" : "item (hover one)",
                          ImGuiTableColumnFlags_WidthStretch);
  number_column("positions", "00");
  number_column("mean loss", "0.00e+00");
  number_column("lowest p", "0.000");
  ImGui::TableHeadersRow();
  for (const InspectedItem& it : in.steps.back().items) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    cell_text(item_text(*s.data, it.tokens));
    if (&it == &in.steps.back().items.front()) ctx.record_item("inspector first item");
    if (ImGui::IsItemHovered() && it.positions() > 0) item_tooltip(s, it);
    ImGui::TableNextColumn();
    ImGui::Text("%d", it.positions());
    ImGui::TableNextColumn();
    loss_cell(it.mean_loss);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(prob_text(it.prob.empty() ? 0.0 : double(*std::min_element(it.prob.begin(), it.prob.end()))).c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_inspector_panel(const Snapshot& s, UiContext& ctx) {
  const IdScope id_scope("inspector");
  if (button(ctx, "Step 1")) ctx.post(cmd::Step{1});
  ctx.record_item("inspector Step 1");
  tooltip("One update on a random batch, then pause (the same as S).");
  ImGui::SameLine();
  if (button(ctx, "Step 10")) ctx.post(cmd::Step{10});
  tooltip("Ten updates, then pause: the arrows show how far each row moved over all ten.");
  ImGui::SameLine();
  wrapped_disabled(ctx, "Real training steps, shown one update at a time.");

  const StepInspection* in = s.inspection.get();
  if (!in || in->steps.empty() || in->tables.empty()) {
    const bool items = s.traits().whole_items;
    wrapped_text(ctx, "Pause and press Step (or S) to see one update: the batch it used (" +
                          std::string(items ? "whole items, every position" : "contexts and their next tokens") +
                          "), the loss before and after, and an arrow on the embedding view for every row of " +
                          (items ? "wte and every position of wpe" : s.token_table_name()) + " that moved.");
    return;
  }
  header(*in, ctx);
  const InspectedStep& last = in->steps.back();
  if (!last.items.empty()) items_summary(s, last, ctx);
  moved_summary(*in, ctx);
  for (const TableMoves& t : in->tables)
    if (!t.frozen) lookup_note(s, *in, t, ctx);
  if (in->steps.size() > 1)
    wrapped_disabled(ctx, "|move|: how far each row went over all " + std::to_string(in->steps.size()) +
                              " updates. |grad| and the batch below: the last update's (" +
                              std::to_string(last.step + 1) + ") only.");

  // The two tables one above the other, each as wide as the tab: no column is
  // ever cut, and each scrolls on its own.
  const float h = std::max(ImGui::GetContentRegionAvail().y * 0.5f - ImGui::GetStyle().ItemSpacing.y,
                           ImGui::GetTextLineHeightWithSpacing() * 6);
  moved_table(s, *in, ctx, h);
  if (last.items.empty()) examples_table(s, *in, h);
  else items_table(s, *in, ctx, h);
}

}  // namespace ev::ui
