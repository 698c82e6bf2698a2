// onehot_panel.cpp: both paths computed by core/onehot.h on the live table,
// so the numbers shown are the numbers compared.
#include "ui/onehot_panel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/data/context.h"
#include "core/teach/onehot.h"
#include "ui/fit.h"
#include "ui/labels.h"
#include "ui/table_heatmap.h"

namespace ev::ui {

namespace {

constexpr int kWindowRows = 48;    // heat map rows shown for a large vocabulary
constexpr int kShownCols = 16;     // numbers shown per embedding row before "..."
constexpr double kRefreshEvery = 0.1;  // seconds: the numbers and heat map follow training at most this often
const ImU32 kHighlight = IM_COL32(255, 215, 0, 255);


std::string row_text(const float* row, int d) { return numbers_text(row, d, kShownCols); }

// Microseconds per call of fn, over enough repetitions to take about 2 ms.
template <class F>
double time_us(F&& fn) {
  using clock = std::chrono::steady_clock;
  int reps = 0;
  const auto t0 = clock::now();
  auto t1 = t0;
  do {
    fn();
    ++reps;
    t1 = clock::now();
  } while (reps < 1000 && t1 - t0 < std::chrono::microseconds(250));  // short: it runs inside a frame
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / reps;
}

// Text made of space-separated words, wrapped only at the spaces (ImGui's own
// wrapping also breaks after '.', which would split numbers).
void words_wrapped(const std::string& text) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float space = ImGui::CalcTextSize(" ").x;
  std::string line;
  float used = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    const float w = ImGui::CalcTextSize(word.c_str()).x;
    if (!line.empty() && used + space + w > width) {
      ImGui::TextUnformatted(line.c_str());
      line.clear();
      used = 0;
    }
    if (!line.empty()) {
      line += ' ';
      used += space;
    }
    line += word;
    used += w;
    i = j + 1;
  }
  if (!line.empty()) ImGui::TextUnformatted(line.c_str());
}

// before + token + after on one line, the token cut with "..." to the
// column's width: a long word never runs into the next column.
void token_line(const std::string& before, const std::string& token, const std::string& after) {
  const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize((before + after).c_str()).x;
  const std::string shown = elide(token, std::max(room, ImGui::GetFontSize()));
  ImGui::TextUnformatted((before + shown + after).c_str());
  if (shown != token && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", token.c_str());
}

std::string count_text(double v) {
  char buf[48];
  if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// One one-hot row as a strip of V cells with the lit one coloured; for
// vocabularies too wide to show, a sentence instead.
void onehot_strip(int id, int V, float width) {
  const float line = ImGui::GetTextLineHeight();
  const float cell = std::min(line * 0.7f, width / float(V));
  if (cell < 2.0f) {
    words_wrapped("1 at column " + std::to_string(id) + " of " + std::to_string(V) + ", 0 elsewhere");
    return;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImU32 off = ImGui::GetColorU32(ImGuiCol_FrameBg), border = ImGui::GetColorU32(ImGuiCol_Border);
  for (int j = 0; j < V; ++j) {
    const ImVec2 a(p.x + j * cell, p.y), b(p.x + (j + 1) * cell - 1, p.y + cell);
    dl->AddRectFilled(a, b, j == id ? kHighlight : off);
    if (j == id) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), border);
  }
  ImGui::Dummy(ImVec2(V * cell, cell));
}

// Which rows of a large table show: the looked-up tokens as buttons that
// centre the window on their row.
void focus_buttons(const Vocab& vocab, OnehotPanelState& st, const std::vector<int>& ids, int first, int rows, int V) {
  const int block = int(ids.size());
  ImGui::Text("rows %d-%d of %d", first, first + rows - 1, V);
  ImGui::TextUnformatted("around");
  for (int k = 0; k < block; ++k) {
    char label[64];
    std::snprintf(label, sizeof label, "%s##focus%d", vocab.token(ids[std::size_t(k)]).c_str(), k);
    // Buttons flow onto the next line when the column is narrow.
    const float bw = ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < bw) ImGui::NewLine();
    if (ImGui::SmallButton(label)) st.focus = k;
  }
}

// The heat map's row labels, and the looked-up rows outlined.
void row_labels(const Vocab& vocab, ImDrawList* dl, const float rect[4], float cell_h, float label_w, int first,
                int rows, const std::vector<int>& ids) {
  const int block = int(ids.size());
  const float line = ImGui::GetTextLineHeight();
  // Row labels: every row when they fit (down to 70% of the font size),
  // else every k-th, and always the looked-up ones.
  const float fs = std::clamp(cell_h * 0.95f, line * 0.7f, ImGui::GetFontSize());
  const float scale = fs / ImGui::GetFontSize();
  const int every = std::max(1, int(std::ceil(fs / cell_h - 0.05f)));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (int r = 0; r < rows; ++r) {
    const int id = first + r;
    const bool lit = std::find(ids.begin(), ids.end(), id) != ids.end();
    if (!lit && r % every != 0) continue;
    // A token wider than the column shows its start: it never runs over the cells.
    const std::string tok = elide(label_text(vocab.token(id)), (label_w - 4) / scale);
    const float tw = ImGui::CalcTextSize(tok.c_str()).x * scale;
    const float y = rect[1] + (r + 0.5f) * cell_h - 0.5f * fs;
    dl->AddText(ImGui::GetFont(), fs, ImVec2(rect[0] - 4 - tw, y), lit ? kHighlight : text, tok.c_str());
  }
  for (int k = 0; k < block; ++k) {
    const int r = ids[std::size_t(k)] - first;
    if (r < 0 || r >= rows) continue;
    dl->AddRect(ImVec2(rect[0] - 1, rect[1] + r * cell_h - 1), ImVec2(rect[2] + 1, rect[1] + (r + 1) * cell_h + 1),
                kHighlight, 0.0f, 0, 2.0f);
  }
}

// A hovered cell's number; a click selects its token (ringed in the embedding view).
void hover_cell(const Snapshot& s, UiContext& ctx, const float rect[4], float cell_w, float cell_h, int first, int rows) {
  const int d = s.spec.emb;
  const std::string tn = s.token_table_name();
  if (ImGui::IsMouseHoveringRect(ImVec2(rect[0], rect[1]), ImVec2(rect[2], rect[3]))) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int r = std::clamp(int((m.y - rect[1]) / cell_h), 0, rows - 1);
    const int j = std::clamp(int((m.x - rect[0]) / cell_w), 0, d - 1);
    ctx.hovered_token = first + r;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) ctx.selected_token = first + r;  // ringed in the embedding view
    ImGui::SetTooltip("%s[%d, %d] = %+.5f  ('%s')", tn.c_str(), first + r, j, double(s.C()(first + r, j)),
                      s.data->vocab.token(first + r).c_str());
  }
}

// The table as a heat map in the space left in the current cell or region,
// the looked-up rows outlined; a large vocabulary shows a window of rows
// around the focused one. Hover a cell for its number; a click selects its token.
void table_view(const Snapshot& s, UiContext& ctx, OnehotPanelState& st, const std::vector<int>& ids) {
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab, d = s.spec.emb, block = int(ids.size());
  const float line = ImGui::GetTextLineHeight();
  const auto& C = s.C();  // (V, d)
  const int focus_id = ids[std::size_t(std::clamp(st.focus, 0, block - 1))];
  int first = 0, rows = V;
  if (V > kWindowRows) {
    rows = kWindowRows;
    first = std::clamp(focus_id - kWindowRows / 2, 0, V - kWindowRows);
    focus_buttons(vocab, st, ids, first, rows, V);
  }
  // Upload when the table, the window or the ids change.
  st.table.init_gpu();
  if (st.shown_version != st.uploaded_version || ids != st.uploaded_ids || first != st.uploaded_first) {
    std::vector<std::uint8_t> lit(std::size_t(rows), 0);
    for (int id : ids)
      if (id >= first && id < first + rows) lit[std::size_t(id - first)] = 1;
    st.table.set(C.data() + std::size_t(first) * std::size_t(d), rows, d, lit);
    st.uploaded_version = st.shown_version;
    st.uploaded_ids = ids;
    st.uploaded_first = first;
  }
  // Geometry: row labels on the left, cells, and a colour scale below.
  float label_w = 0;
  for (int r = 0; r < rows; ++r)
    label_w = std::max(label_w, ImGui::CalcTextSize(label_text(vocab.token(first + r)).c_str()).x);
  label_w = std::min(label_w, ImGui::GetFontSize() * 6) + 4;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cell_h = std::clamp((avail.y - 2.5f * line) / float(rows), 2.0f, line * 1.2f);
  const float cell_w = std::clamp((avail.x - label_w - 4) / float(d), 2.0f, line * 2.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float rect[4] = {origin.x + label_w, origin.y, origin.x + label_w + cell_w * d, origin.y + cell_h * rows};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  st.table.draw(dl, rect, 0.35f);
  row_labels(vocab, dl, rect, cell_h, label_w, first, rows, ids);
  hover_cell(s, ctx, rect, cell_w, cell_h, first, rows);
  ImGui::Dummy(ImVec2(rect[2] - origin.x, rect[3] - origin.y + 4));
  // The colour scale (its right-hand number sits one cell padding past its
  // end, so that much is kept free: long word labels leave a narrow column).
  const float room = ImGui::GetContentRegionAvail().x - label_w - ImGui::GetStyle().CellPadding.x;
  const float sw = std::min(std::max(rect[2] - rect[0], 2.0f * ImGui::CalcTextSize("+0.00").x + line),
                            std::max(line, room));
  draw_colour_scale(label_w, sw, st.table.max_abs);
  if (!st.table.gl_error.empty()) ImGui::TextDisabled("(drawn without the GPU: %s)", st.table.gl_error.c_str());
}

// The context's widgets: typed, or a row of the last batch (`B` rows of `block`).
void context_controls(OnehotPanelState& st, int B) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("context");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputText("##context", st.text, sizeof st.text)) st.from_batch = false;
  tooltip("The last tokens before a prediction; shorter contexts are padded on the left with '.'.");
  ImGui::SameLine();
  if (B > 0) {
    ImGui::Checkbox("from batch", &st.from_batch);
    tooltip("Use a context from the last training batch instead of the typed one.");
    if (st.from_batch) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
      ImGui::SliderInt("row", &st.batch_row, 0, B - 1);
    }
  } else {
    ImGui::TextDisabled("(no batch yet)");
    st.from_batch = false;
  }
  st.batch_row = std::clamp(st.batch_row, 0, std::max(0, B - 1));
}

// The ids the two paths look up: the batch row's or the typed context's (a
// whole-item family's from its first token, without the padding). False,
// with the error shown, for a context the vocabulary cannot spell.
bool context_ids(const Snapshot& s, OnehotPanelState& st, int& block, std::vector<int>& ids) {
  const int V = s.spec.vocab;
  const int B = block > 0 ? int(s.batch_X.size() / std::size_t(block)) : 0;
  if (st.from_batch && B > 0) {
    for (int k = 0; k < block; ++k) ids.push_back(std::clamp(int(s.batch_X[std::size_t(st.batch_row * block + k)]), 0, V - 1));
  } else {
    const ParsedContext pc = parse_context(st.text, *s.data, block);
    if (!pc.error.empty()) {
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", pc.error.c_str());
      return false;
    }
    ids = pc.ids;
    // A transformer reads the boundary and then the item from position 0: no
    // left padding, so row k is the token at position k.
    if (s.traits().whole_items) {
      const auto first = std::find_if(ids.begin(), ids.end(), [](int id) { return id != Vocab::kBoundary; });
      ids.erase(ids.begin(), first == ids.begin() ? first : first - 1);
      block = int(ids.size());
    }
  }
  return true;
}

// The ids in one wrapped line, and the batch row's next token.
void ids_line(const Snapshot& s, const OnehotPanelState& st, const std::vector<int>& ids) {
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab, block = int(ids.size());
  std::string shown = "ids  [";
  for (int k = 0; k < block; ++k) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%d:'%s'", k ? ", " : "", ids[std::size_t(k)], vocab.token(ids[std::size_t(k)]).c_str());
    shown += buf;
  }
  shown += "]";
  if (st.from_batch && std::size_t(st.batch_row) < s.batch_Y.size()) shown += "   next: '" + vocab.token(std::clamp(int(s.batch_Y[std::size_t(st.batch_row)]), 0, V - 1)) + "'";
  words_wrapped(shown);  // a transformer's 16 ids take more than a line
}

// The two paths side by side (one-hot rows times the table, and the lookup),
// and the table's heat map as a third column where the tab is `wide`.
void paths_table(const Snapshot& s, UiContext& ctx, OnehotPanelState& st, const std::vector<int>& ids,
                 const Mat<float>& E1, const Mat<float>& E2, bool wide, float table_h) {
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab, d = s.spec.emb, block = int(ids.size());
  const float line = ImGui::GetTextLineHeight();
  const std::string tn = s.token_table_name();
  const ImGuiTableFlags tf = ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY;
  if (ImGui::BeginTable("paths", wide ? 3 : 2, tf, ImVec2(0, table_h))) {
    ImGui::TableSetupColumn(("one-hot rows x " + tn).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(("lookup " + tn + "[ids]").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    if (wide) ImGui::TableSetupColumn(("table " + tn).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();

    // Path 1: one-hot (block x V) @ C (V x d).
    ImGui::TableSetColumnIndex(0);
    words_wrapped("one-hot (" + std::to_string(block) + " x " + std::to_string(V) + ") @ " + tn + " (" + std::to_string(V) +
                  " x " + std::to_string(d) + ")");
    for (int k = 0; k < block; ++k) {
      const int id = ids[std::size_t(k)];
      token_line("one-hot('", vocab.token(id), "')");
      onehot_strip(id, V, ImGui::GetContentRegionAvail().x);
      words_wrapped("@ " + tn + " = " + row_text(E1.row(k).data(), d));
    }

    // Path 2: C[ids], row copies.
    ImGui::TableSetColumnIndex(1);
    words_wrapped(tn + "[ids]: " + std::to_string(block) + " rows of " + tn + " (" + std::to_string(V) + " x " + std::to_string(d) + ")");
    for (int k = 0; k < block; ++k) {
      const int id = ids[std::size_t(k)];
      token_line(tn + "[" + std::to_string(id) + "]  ('", vocab.token(id), "')");
      ImGui::Dummy(ImVec2(1, std::min(line * 0.7f, ImGui::GetContentRegionAvail().x / float(V)) >= 2.0f ? line * 0.7f : line));
      words_wrapped("= " + row_text(E2.row(k).data(), d));
    }

    // The table as a heat map: a third column where the tab is wide.
    if (wide) {
      ImGui::TableSetColumnIndex(2);
      table_view(s, ctx, st, ids);
    }
    ImGui::EndTable();
  }
}

// Under the paths: the concatenated input (as much as fits in three lines),
// the largest difference of the two paths, and what each costs.
void footer_lines(const Snapshot& s, const OnehotPanelState& st, const Mat<float>& E2, int block) {
  const int V = s.spec.vocab, d = s.spec.emb;
  const std::string tn = s.token_table_name();
  const char* T = tn.c_str();
  const EmbedCost cost = embed_cost(block, V, d);
  // The concatenated input (as much as fits in three lines), the difference and the cost.
  {
    const float number_w = ImGui::CalcTextSize("+0.000 ").x;
    const int per_line = std::max(1, int(ImGui::GetContentRegionAvail().x / number_w));
    const int shown = std::min(block * d, 2 * per_line);
    // The MLP reads its context as one concatenated vector; the transformer
    // reads each row, plus its position's row of wpe, as its own position.
    std::string x = s.traits().position_table
                        ? tn + "[ids] (" + std::to_string(block) + " x " + std::to_string(d) +
                              "): row k plus wpe[k] enters the transformer at position k (see What + where):"
                        : "x = concat (" + std::to_string(block) + " x " + std::to_string(d) + " = " +
                              std::to_string(block * d) + " numbers into the MLP):";
    char buf[32];
    for (int i = 0; i < shown; ++i) {
      std::snprintf(buf, sizeof buf, " %+.3f", double(E2(i / d, i % d)));
      x += buf;
    }
    if (block * d > shown) x += " ...";
    words_wrapped(x);
  }
  // Wrapped at spaces: a narrow column takes each on two lines.
  char line_text[256];
  std::snprintf(line_text, sizeof line_text, "largest |one-hot @ %s - %s[ids]| = %g", T, T, double(st.max_diff));
  words_wrapped(line_text);
  std::snprintf(line_text, sizeof line_text, "one-hot @ %s: %s multiply-adds (%d x %d x %d), %.2f us", T,
                count_text(cost.multiply_adds).c_str(), block, V, d, st.matmul_us);
  words_wrapped(line_text);
  std::snprintf(line_text, sizeof line_text, "%s[ids]: %s copies (%d x %d), %.2f us", T, count_text(cost.copies).c_str(),
                block, d, st.lookup_us);
  words_wrapped(line_text);
}

}  // namespace

void draw_onehot_panel(const Snapshot& s, UiContext& ctx, OnehotPanelState& st) {
  const IdScope id_scope("onehot");
  const int V = s.spec.vocab, d = s.spec.emb;
  int block = s.spec.block;  // rows looked up; a transformer's: as many as the context has
  if (!s.data || V <= 0 || d <= 0 || block <= 0 || s.C().rows() < s.spec.vocab || s.data->vocab.size() < V) {
    ImGui::TextDisabled("No embedding table yet.");
    return;
  }
  const float line = ImGui::GetTextLineHeight();
  const std::string tn = s.token_table_name();  // C, or a transformer's wte

  // New data: a typed context with tokens the new vocabulary lacks gives way
  // to the empty one (all boundary tokens), which every vocabulary has.
  if (st.data_checksum != s.data->checksum) {
    st.data_checksum = s.data->checksum;
    if (!parse_context(st.text, *s.data, block).error.empty()) st.text[0] = '\0';
  }
  context_controls(st, int(s.batch_X.size() / std::size_t(block)));
  std::vector<int> ids;
  if (!context_ids(s, st, block, ids)) return;
  ids_line(s, st, ids);

  // Both paths, on the live table (see OnehotPanelState::E1).
  const Mat<float>& C = s.C();  // (V, d)
  const double now = ImGui::GetTime();
  if (ids != st.shown_ids || (s.version != st.shown_version && now - st.shown_time >= kRefreshEvery)) {
    st.E1 = embed_by_matmul(ids, C);  // (block, d) = (block, V)(V, d)
    st.E2 = embed_by_lookup(ids, C);  // (block, d)
    st.max_diff = st.E1.size() ? (st.E1 - st.E2).cwiseAbs().maxCoeff() : 0.0f;
    st.shown_ids = ids;
    st.shown_version = s.version;
    st.shown_time = now;
  }
  const Mat<float>& E1 = st.E1;
  const Mat<float>& E2 = st.E2;
  if (now - st.last_timing > 0.5) {
    st.matmul_us = time_us([&] { volatile float sink = embed_by_matmul(ids, C)(0, 0); (void)sink; });
    st.lookup_us = time_us([&] { volatile float sink = embed_by_lookup(ids, C)(0, 0); (void)sink; });
    st.last_timing = now;
  }

  // The footer (concatenated vector, difference, cost) gets its lines first.
  // The footer: the concatenated vector (at most three lines) plus three lines.
  const float footer = 6.6f * ImGui::GetTextLineHeightWithSpacing();
  // The table's heat map is a third column where the tab is wide, else it
  // comes under the two paths, at a readable width.
  const bool wide = ImGui::GetContentRegionAvail().x >= ImGui::GetFontSize() * 36;
  const float table_h = wide ? std::max(10 * line, ImGui::GetContentRegionAvail().y - footer) : 10 * line;
  paths_table(s, ctx, st, ids, E1, E2, wide, table_h);
  if (!wide) {
    ImGui::TextDisabled("table %s", tn.c_str());
    const int rows = std::min(V, kWindowRows);
    const float h = std::clamp(float(rows) * line * 0.8f, 8 * line, 16 * line) + 4 * line;
    ImGui::BeginChild("table view", ImVec2(0, h), false, ImGuiWindowFlags_NoBackground);
    table_view(s, ctx, st, ids);
    ImGui::EndChild();
  }

  footer_lines(s, st, E2, block);
}

}  // namespace ev::ui
