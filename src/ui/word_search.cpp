// word_search.cpp: find a word, centre on it, ring and list its neighbours.
#include "ui/word_search.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"
#include "ui/projector.h"

namespace ev::ui {

namespace {

constexpr ImU32 kRing = IM_COL32(255, 255, 255, 230);

// Words are lowercased by the tokenizer: so is the query, without blanks around it.
std::string query_of(const char* text) {
  std::string q(text);
  const auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!q.empty() && blank(q.back())) q.pop_back();
  q.erase(q.begin(), std::find_if_not(q.begin(), q.end(), blank));
  for (char& c : q) c = char(std::tolower(static_cast<unsigned char>(c)));
  return q;
}

}  // namespace

void draw_word_search(const Snapshot& s, UiContext& ctx, WordSearch& ws) {
  ImGui::PushID("word search");
  const Vocab& vocab = s.data->vocab;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  const bool entered =
      ImGui::InputTextWithHint("##word", "find a word", ws.text, sizeof ws.text, ImGuiInputTextFlags_EnterReturnsTrue);
  ctx.record_item("word search");
  if (entered) {
    const std::string q = query_of(ws.text);
    const int id = q.empty() ? -1 : vocab.id(q);
    ws.token = id;
    ws.version = ~0ull;
    ws.message = id < 0 && !q.empty() ? "'" + q + "' is not in the vocabulary" : "";
    if (id >= 0) {
      ctx.selected_token = id;
      ws.centre = true;
    }
  }
  tooltip("Type a word and press Enter: the view centres on it and rings its nearest neighbours by cosine "
          "similarity over all dimensions of C.");
  if (ws.token >= s.spec.vocab || s.C().rows() < s.spec.vocab) ws.token = -1;
  if (ws.token >= 0 && ws.version != s.version) {
    ws.near = nearest(s.C().topRows(s.spec.vocab), ws.token, ws.k, Metric::Cosine);
    ws.version = s.version;
  }
  ImGui::SameLine();
  if (!ws.message.empty()) {
    ImGui::TextWrapped("%s", ws.message.c_str());
  } else if (ws.token >= 0) {
    // One item per neighbour, flowing onto the next line whole: a word and
    // its similarity are never split.
    ImGui::Text("nearest to '%s':", vocab.token(ws.token).c_str());
    char buf[32];
    for (const Neighbour& n : ws.near) {
      std::snprintf(buf, sizeof buf, " %.2f", n.value);
      const std::string item = vocab.token(n.id) + buf;
      same_line_if_fits(ImGui::CalcTextSize(item.c_str()).x);
      ImGui::TextUnformatted(item.c_str());
    }
  } else {
    ImGui::TextDisabled("no word searched");
  }
  ImGui::PopID();
}

void centre_on_word(WordSearch& ws, const std::vector<float>& xy, plot::PlotState& plot) {
  if (!ws.centre || ws.token < 0 || !finite_point(xy, std::size_t(ws.token))) return;
  ws.centre = false;
  const double x = xy[2 * std::size_t(ws.token)], y = xy[2 * std::size_t(ws.token) + 1];
  // Half the current span at most, and at least enough for every neighbour.
  double half = 0.25 * std::max(plot.x1 - plot.x0, plot.y1 - plot.y0);
  double reach = 0;
  for (const Neighbour& n : ws.near)
    if (finite_point(xy, std::size_t(n.id)))
      reach = std::max({reach, std::abs(xy[2 * std::size_t(n.id)] - x), std::abs(xy[2 * std::size_t(n.id) + 1] - y)});
  if (reach > 0) half = reach * 1.2;
  if (!(half > 0) || !std::isfinite(half)) half = 1;
  plot.x0 = x - half, plot.x1 = x + half, plot.y0 = y - half, plot.y1 = y + half;
  plot.auto_fit = false;
}

void draw_neighbour_rings(const WordSearch& ws, const std::vector<float>& xy, float radius, ImDrawList* dl) {
  if (ws.token < 0) return;
  for (const Neighbour& n : ws.near)
    if (finite_point(xy, std::size_t(n.id))) dl->AddCircle(point_pixels(xy, std::size_t(n.id)), radius + 3, kRing, 20, 1.5f);
}

}  // namespace ev::ui
