// labels.cpp: label placement on a coarse occupancy grid of the plot.
#include "ui/labels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "ui/gpu_draw.h"
#include "ui/plot.h"
#include "ui/projector.h"

namespace ev::ui {

namespace {

constexpr int kLabelTries = 4000;  // larger vocabularies try this many visible points per frame,
constexpr int kMaxLabels = 150;    // and show at most this many labels

// A coarse occupancy grid of the plot rectangle; a label is drawn only where
// it overlaps no earlier one.
struct LabelGrid {
  float x0, y0, cell;
  int cols, rows;
  std::vector<std::uint8_t> used;
  LabelGrid(ImVec2 mn, ImVec2 mx, float c)
      : x0(mn.x), y0(mn.y), cell(c), cols(std::max(1, int((mx.x - mn.x) / c) + 1)),
        rows(std::max(1, int((mx.y - mn.y) / c) + 1)), used(std::size_t(cols) * std::size_t(rows), 0) {}
  // Marks the cells under [a, b] when none is taken yet (or always, `force`); true when marked.
  bool claim(ImVec2 a, ImVec2 b, bool force = false) {
    const int c0 = std::clamp(int((a.x - x0) / cell), 0, cols - 1), c1 = std::clamp(int((b.x - x0) / cell), 0, cols - 1);
    const int r0 = std::clamp(int((a.y - y0) / cell), 0, rows - 1), r1 = std::clamp(int((b.y - y0) / cell), 0, rows - 1);
    for (int r = r0; r <= r1 && !force; ++r)
      for (int c = c0; c <= c1; ++c)
        if (used[std::size_t(r) * std::size_t(cols) + std::size_t(c)]) return false;
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) used[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = 1;
    return true;
  }
};

// A label that must be read (the selected, hovered and searched tokens): on a
// dark box, drawn after every other label so none covers it.
void draw_boxed_label(ImDrawList* dl, ImVec2 p, const char* text, ImU32 colour) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  dl->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + size.x + 2, p.y + size.y), IM_COL32(0, 0, 0, 190), 3.0f);
  dl->AddText(p, colour, text);
}

void draw_label(ImDrawList* dl, ImVec2 p, const char* text, ImU32 colour, bool one_shadow) {
  // A dark shadow keeps light text readable over points and grid lines (one
  // for crowded views: each copy of the text costs the renderer again).
  const ImU32 shadow = IM_COL32(0, 0, 0, 200);
  dl->AddText(ImVec2(p.x + 1, p.y + 1), shadow, text);
  if (!one_shadow) dl->AddText(ImVec2(p.x - 1, p.y + 1), shadow, text);
  dl->AddText(p, colour, text);
}

bool overlaps(const ImVec4& a, const ImVec4& b) { return a.x < b.z && b.x < a.z && a.y < b.w && b.y < a.w; }

// True when the box of a label at `at` covers none of the boxes it must keep off.
bool clear_of(const std::vector<ImVec4>* keep_off, ImVec2 at, ImVec2 size) {
  if (!keep_off) return true;
  const ImVec4 box(at.x, at.y, at.x + size.x, at.y + size.y);
  return std::none_of(keep_off->begin(), keep_off->end(), [&](const ImVec4& k) { return overlaps(box, k); });
}

// Points first claim their own cells, so labels do not cover other points,
// and the boxes labels keep off (position squares, their numbers) theirs.
void claim_points(LabelGrid& grid, const PointLabels& pl) {
  const std::vector<float>& xy = *pl.xy;
  const float r = pl.radius * 0.5f;
  if (pl.points_claim)
    for (std::size_t i = 0; i < xy.size() / 2; ++i)
      if (finite_point(xy, i)) {
        const ImVec2 p = point_pixels(xy, i);
        grid.claim(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r));
      }
  for (const std::vector<ImVec4>* boxes : {pl.keep_off, pl.avoid})
    if (boxes)
      for (const ImVec4& b : *boxes) grid.claim(ImVec2(b.x, b.y), ImVec2(b.z, b.w), true);
}

// Where a label of `size` goes beside the point p: right of it if free, else
// left, above or below. When all four are taken a label that must be drawn
// (`must`) goes to the first, moved in from the plot's edge, or, if that
// covers a box it must keep off, out from the point until it clears them.
// False: the label is not drawn.
bool place_label(LabelGrid& grid, const PointLabels& pl, ImVec2 p, ImVec2 size, bool must, ImVec2* out) {
  const ImVec2 pmin = plot::PlotMin(), pmax = plot::PlotMax();
  const float gap = pl.radius + 2;
  const ImVec2 spots[4] = {ImVec2(p.x + gap, p.y - size.y * 0.5f), ImVec2(p.x - gap - size.x, p.y - size.y * 0.5f),
                           ImVec2(p.x - size.x * 0.5f, p.y - gap - size.y), ImVec2(p.x - size.x * 0.5f, p.y + gap)};
  // Only spots inside the plot: a label is never cut by its edge.
  const auto inside = [&](ImVec2 a) {
    return a.x >= pmin.x && a.y >= pmin.y && a.x + size.x <= pmax.x && a.y + size.y <= pmax.y;
  };
  const auto claim = [&](ImVec2 a, bool force) { return grid.claim(a, ImVec2(a.x + size.x - 1, a.y + size.y - 1), force); };
  for (const ImVec2& a : spots)
    if (inside(a) && clear_of(pl.keep_off, a, size) && claim(a, false)) return *out = a, true;
  if (!must) return false;
  ImVec2 at(std::max(pmin.x, std::min(spots[0].x, pmax.x - size.x)),  // moved in from the edge
            std::max(pmin.y, std::min(spots[0].y, pmax.y - size.y)));
  // Out from the point in eight directions, half a line further each round.
  const float step = ImGui::GetTextLineHeight() * 0.5f;
  for (int k = 1; k <= 24 && !clear_of(pl.keep_off, at, size); ++k)
    for (int dir = 0; dir < 8; ++dir) {
      const float a = float(dir) * 0.785398f, d = gap + step * float(k);
      const ImVec2 c(p.x + d * std::cos(a) - size.x * 0.5f, p.y + d * std::sin(a) - size.y * 0.5f);
      if (inside(c) && clear_of(pl.keep_off, c, size)) {
        at = c;
        break;
      }
    }
  if (!clear_of(pl.keep_off, at, size)) return false;
  claim(at, true);  // others keep off it
  return *out = at, true;
}

// The layer takes the current atlas (once, and again for another context's).
bool layer_usable(gfx::TextLayer* layer) {
  if (!layer || !layer->ready()) return false;
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (layer->atlas_owner() != atlas) {
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    atlas->GetTexDataAsRGBA32(&px, &w, &h);
    layer->set_atlas(atlas, px, w, h);
  }
  return true;
}

}  // namespace

std::vector<gfx::GlyphQuad> glyph_quads(const ImDrawList& glyphs) {
  std::vector<gfx::GlyphQuad> out;
  out.reserve(std::size_t(glyphs.VtxBuffer.Size / 4));
  for (int i = 0; i + 3 < glyphs.VtxBuffer.Size; i += 4) {
    const ImDrawVert& a = glyphs.VtxBuffer[i];
    const ImDrawVert& c = glyphs.VtxBuffer[i + 2];
    out.push_back({a.pos.x, a.pos.y, c.pos.x, c.pos.y, a.uv.x, a.uv.y, c.uv.x, c.uv.y, a.col});
  }
  return out;
}

std::string label_text(const std::string& token) {
  if (token.size() <= kLabelBytes) return token;
  std::size_t cut = kLabelBytes;
  while (cut > 0 && (static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80) --cut;  // a character's start
  return token.substr(0, cut) + "...";
}

int draw_point_labels(ImDrawList* dl, const PointLabels& pl) {
  const std::vector<float>& xy = *pl.xy;
  const std::size_t n = xy.size() / 2;
  const int V = int(n);
  const ImVec2 pmin = plot::PlotMin(), pmax = plot::PlotMax();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float line = ImGui::GetTextLineHeight();
  LabelGrid grid(pmin, pmax, std::max(3.0f, line * 0.25f));
  int tries = 0, drawn = 0;
  if (pl.drawn) pl.drawn->clear();
  if (pl.boxes) pl.boxes->clear();
  struct Boxed {
    ImVec2 at;
    std::size_t id;
  };
  std::vector<Boxed> boxed;  // the labels that must be read, drawn last
  // A crowded view's labels are laid out into a list of their own, for the layer.
  const bool layered = V > kAllLabelsUpTo && layer_usable(pl.layer);
  ImDrawList glyphs(ImGui::GetDrawListSharedData());
  std::vector<float> cover;  // the boxes the layer shows
  if (layered) {
    glyphs._ResetForNewFrame();
    glyphs.PushClipRect(pmin, pmax);
    glyphs.PushTextureID(ImGui::GetIO().Fonts->TexID);
  }
  auto label = [&](std::size_t i, bool force) {
    if (!finite_point(xy, i)) return;
    const ImVec2 p = point_pixels(xy, i);
    if (p.x < pmin.x - line || p.x > pmax.x || p.y < pmin.y - line || p.y > pmax.y + line) return;
    ++tries;
    const std::string tok = label_text(pl.vocab->token(int(i)));
    const ImVec2 size = ImGui::CalcTextSize(tok.c_str());
    ImVec2 at;
    if (!place_label(grid, pl, p, size, force || V <= kAllLabelsUpTo, &at)) return;
    if (force && V > kAllLabelsUpTo) boxed.push_back({at, i});
    else draw_label(layered ? &glyphs : dl, at, tok.c_str(), text, V > kAllLabelsUpTo);
    if (layered && !(force && V > kAllLabelsUpTo))  // the text, its shadow and a glyph's overhang
      cover.insert(cover.end(), {at.x - 2, at.y - 2, at.x + size.x + 3, at.y + size.y + 3});
    if (pl.drawn) pl.drawn->push_back(int(i));
    if (pl.boxes) pl.boxes->push_back(ImVec4(at.x, at.y, at.x + size.x, at.y + size.y));
    ++drawn;
  };
  claim_points(grid, pl);
  std::vector<int> first = {pl.selected, pl.hovered};
  if (pl.also) first.insert(first.end(), pl.also->begin(), pl.also->end());
  std::vector<char> done(n, 0);
  for (int t : first)
    if (t >= 0 && t < V && !done[std::size_t(t)]) done[std::size_t(t)] = 1, label(std::size_t(t), true);
  // A large vocabulary: the first visible tokens (in vocabulary order, or
  // pl.order's) that find room, within a budget per frame; zooming in brings
  // others into view.
  const bool budget = V > kAllLabelsUpTo;
  const bool ordered = pl.order && pl.order->size() == n;
  for (std::size_t k = 0; k < n && !(budget && (tries >= kLabelTries || drawn >= kMaxLabels)); ++k) {
    const std::size_t i = ordered ? std::size_t((*pl.order)[k]) : k;
    if (i < n && !done[i]) label(i, false);
  }
  if (layered) {
    const float rect[4] = {pmin.x, pmin.y, pmax.x, pmax.y};
    pl.layer->set(glyph_quads(glyphs), std::move(cover), rect);
    gfx::TextLayer* l = pl.layer;
    add_gpu_draw(dl, [l](const gfx::ScreenSpace& ss) { l->draw(ss); }, [l] { return l->version(); });
  }
  for (const Boxed& b : boxed) draw_boxed_label(dl, b.at, label_text(pl.vocab->token(int(b.id))).c_str(), text);
  return drawn;
}

}  // namespace ev::ui
