// redraw.cpp: signatures, boxes and clipping of ImGui's draw lists.
#include "ui/redraw.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/base/hash.h"
#include "ui/gpu_draw.h"

namespace ev::ui {

namespace {

// More rectangles than this, or more than this share of the framebuffer, and
// the frame is redrawn whole: repeating every command for each costs more.
constexpr std::size_t kMaxRects = 16;
constexpr long long kCheapMerge = 10000;  // pixels: about what a rectangle's triangles cost again
constexpr double kMaxFraction = 0.75;
constexpr std::size_t kMaxBoxes = 64;
// Changed triangles of one command further apart than this many unchanged
// ones are boxed apart, up to kRunsPerCommand boxes a command.
constexpr std::size_t kRunGap = 8;
constexpr std::size_t kRunsPerCommand = 8;  // beyond, their bounds (merging them costs the cube of their number)

int fb_width(const ImDrawData& dd) { return int(dd.DisplaySize.x * dd.FramebufferScale.x); }
int fb_height(const ImDrawData& dd) { return int(dd.DisplaySize.y * dd.FramebufferScale.y); }

// One display pixel a framebuffer pixel, at whole-pixel offsets: only then do
// clip rectangles map to whole pixels and back exactly.
bool exact(const ImDrawData& dd) {
  return dd.FramebufferScale.x == 1 && dd.FramebufferScale.y == 1 && dd.DisplayPos.x == std::floor(dd.DisplayPos.x) &&
         dd.DisplayPos.y == std::floor(dd.DisplayPos.y);
}

// The pixels ImGui's OpenGL renderer scissors for a clip rectangle, in its arithmetic.
gfx::PixelRect scissor_of(const ImVec4& c, const ImDrawData& dd) {
  const float x0 = (c.x - dd.DisplayPos.x) * dd.FramebufferScale.x, y0 = (c.y - dd.DisplayPos.y) * dd.FramebufferScale.y;
  const float x1 = (c.z - dd.DisplayPos.x) * dd.FramebufferScale.x, y1 = (c.w - dd.DisplayPos.y) * dd.FramebufferScale.y;
  if (!(x1 > x0 && y1 > y0) || !std::isfinite(x0 + y0 + x1 + y1)) return {};
  const float lim = 1e7f;  // far outside any framebuffer, inside int
  const int fb_h = fb_height(dd);
  const int gx = int(std::clamp(x0, -lim, lim)), gw = int(std::clamp(x1 - x0, 0.0f, lim));
  const int gy = int(std::clamp(float(fb_h) - y1, -lim, lim)), gh = int(std::clamp(y1 - y0, 0.0f, lim));
  return {gx, fb_h - gy - gh, gx + gw, fb_h - gy};
}

gfx::PixelRect intersect(const gfx::PixelRect& a, const gfx::PixelRect& b) {
  gfx::PixelRect r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
  return r.empty() ? gfx::PixelRect{} : r;
}

gfx::PixelRect unite(const gfx::PixelRect& a, const gfx::PixelRect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

gfx::PixelRect bounds(const std::vector<gfx::PixelRect>& boxes) {
  gfx::PixelRect b;
  for (const gfx::PixelRect& r : boxes) b = unite(b, r);
  return b;
}

// Pixels a merge of a and b draws that neither needs.
long long merge_cost(const gfx::PixelRect& a, const gfx::PixelRect& b) {
  return unite(a, b).area() - a.area() - b.area() + intersect(a, b).area();
}

// b less a, as at most four rectangles (the bands above and below a, then
// the parts left and right of it), appended to out.
void subtract(const gfx::PixelRect& b, const gfx::PixelRect& a, std::vector<gfx::PixelRect>& out) {
  const gfx::PixelRect i = intersect(a, b);
  if (i.empty()) {
    out.push_back(b);
    return;
  }
  const gfx::PixelRect parts[4] = {{b.x0, b.y0, b.x1, i.y0}, {b.x0, i.y1, b.x1, b.y1}, {b.x0, i.y0, i.x0, i.y1}, {i.x1, i.y0, b.x1, i.y1}};
  for (const gfx::PixelRect& p : parts)
    if (!p.empty()) out.push_back(p);
}

// Whether the rectangle around boxes i and j overlaps any other box.
bool overlaps_others(const std::vector<gfx::PixelRect>& boxes, std::size_t i, std::size_t j) {
  const gfx::PixelRect u = unite(boxes[i], boxes[j]);
  for (std::size_t k = 0; k < boxes.size(); ++k)
    if (k != i && k != j && !intersect(u, boxes[k]).empty()) return true;
  return false;
}

// Disjoint rectangles covering the boxes: boxes merged while that adds few
// pixels, overlapping ones otherwise cut apart (a tooltip over a map is not
// worth the rectangle around both), then the cheapest merges while more than
// kMaxRects remain (each rectangle costs a command crossing it a draw call).
std::vector<gfx::PixelRect> cover(std::vector<gfx::PixelRect> boxes) {
  boxes.erase(std::remove_if(boxes.begin(), boxes.end(), [](const gfx::PixelRect& r) { return r.empty(); }), boxes.end());
  int rounds = 0;
  for (bool merged = true; merged;) {
    merged = false;
    if (++rounds > 4 * int(kMaxBoxes) || boxes.size() > kMaxBoxes) return {bounds(boxes)};
    for (std::size_t i = 0; i < boxes.size() && !merged; ++i)
      for (std::size_t j = i + 1; j < boxes.size() && !merged; ++j) {
        const bool overlap = !intersect(boxes[i], boxes[j]).empty();
        // A cheap merge that would overlap a third box is not cheap: cut apart again, it would come back.
        const bool cheap = merge_cost(boxes[i], boxes[j]) <= kCheapMerge && !overlaps_others(boxes, i, j);
        if (!overlap && !cheap) continue;
        merged = true;
        if (cheap) {
          boxes[i] = unite(boxes[i], boxes[j]);
          boxes.erase(boxes.begin() + std::ptrdiff_t(j));
        } else {  // overlapping, far from a rectangle together: the smaller less the larger
          const std::size_t big = boxes[i].area() >= boxes[j].area() ? i : j, small = i + j - big;
          const gfx::PixelRect b = boxes[small], a = boxes[big];
          boxes.erase(boxes.begin() + std::ptrdiff_t(small));
          subtract(b, a, boxes);
        }
      }
    if (!merged && boxes.size() > kMaxRects) {  // the cheapest merge, then overlaps again
      std::size_t bi = 0, bj = 1;
      for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
          if (merge_cost(boxes[i], boxes[j]) < merge_cost(boxes[bi], boxes[bj])) bi = i, bj = j;
      boxes[bi] = unite(boxes[bi], boxes[bj]);
      boxes.erase(boxes.begin() + std::ptrdiff_t(bj));
      merged = true;
    }
  }
  return boxes;
}

// One command: its triangles' indices and the vertices they use (the span
// from the lowest index to the highest), hashed into h and boxed.
void triangles(const ImDrawList& list, const ImDrawCmd& c, std::uint64_t& h, gfx::PixelRect& box, const ImDrawData& dd) {
  const ImDrawIdx* idx = list.IdxBuffer.Data + c.IdxOffset;
  const std::size_t n = std::min<std::size_t>(c.ElemCount, std::size_t(std::max(0, list.IdxBuffer.Size)) - std::min<std::size_t>(c.IdxOffset, std::size_t(list.IdxBuffer.Size)));
  if (n == 0) {
    box = {};
    return;
  }
  ImDrawIdx lo = idx[0], hi = idx[0];
  for (std::size_t i = 1; i < n; ++i) lo = std::min(lo, idx[i]), hi = std::max(hi, idx[i]);
  const std::size_t first = std::min<std::size_t>(c.VtxOffset + lo, std::size_t(list.VtxBuffer.Size));
  const std::size_t last = std::min<std::size_t>(c.VtxOffset + hi + 1, std::size_t(list.VtxBuffer.Size));
  h = hash_bytes(idx, n * sizeof(ImDrawIdx), hash_mix(h, lo));
  h = hash_bytes(list.VtxBuffer.Data + first, (last - first) * sizeof(ImDrawVert), h);
  float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (std::size_t v = first; v < last; ++v) {
    const ImVec2 p = list.VtxBuffer.Data[v].pos;
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  const ImVec4 vb(std::floor(x0) - 1, std::floor(y0) - 1, std::ceil(x1) + 1, std::ceil(y1) + 1);  // a pixel to spare
  box = intersect(box, scissor_of(vb, dd));
}

}  // namespace

std::vector<Redraw::Seen> Redraw::parts(const ImDrawList& list, const ImDrawData& dd) const {
  std::vector<Seen> out;
  const gfx::PixelRect fb{0, 0, fb_width(dd), fb_height(dd)};
  for (int k = 0; k < list.CmdBuffer.Size; ++k) {
    const ImDrawCmd& c = list.CmdBuffer[k];
    if (c.UserCallback == ImDrawCallback_ResetRenderState) {
      out.push_back({0, {}});
      continue;
    }
    const float clip[4] = {c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w};
    std::uint64_t h = hash_bytes(clip, sizeof clip, 0x5eed);
    h = hash_mix(h, std::uint64_t(reinterpret_cast<std::uintptr_t>(c.TextureId)));
    h = hash_mix(h, std::uint64_t(reinterpret_cast<std::uintptr_t>(c.UserCallback)));
    gfx::PixelRect box = intersect(scissor_of(c.ClipRect, dd), fb);
    if (c.UserCallback) {
      const std::optional<std::uint64_t> v = gpu_draw_version(c);
      h = hash_mix(h, v ? *v : ~frame_);  // no version: new every frame
    } else {
      triangles(list, c, h, box, dd);
    }
    out.push_back({h, box});
  }
  return out;
}

namespace {

// Where two versions of a command differ, triangle by triangle: vertices as
// the command's indices pick them from its list's vertices.
struct Triangles {
  const ImDrawVert* vtx;
  std::size_t vtx_n;
  const ImDrawIdx* idx;
  std::size_t idx_n;
  const ImDrawCmd& cmd;
  std::size_t count() const {
    const std::size_t avail = cmd.IdxOffset < idx_n ? idx_n - cmd.IdxOffset : 0;
    return std::min<std::size_t>(cmd.ElemCount, avail) / 3;
  }
  const ImDrawVert* vertex(std::size_t t, int j) const {
    const std::size_t v = cmd.VtxOffset + idx[cmd.IdxOffset + 3 * t + std::size_t(j)];
    return v < vtx_n ? vtx + v : nullptr;
  }
  bool same(std::size_t t, const Triangles& o, std::size_t u) const {
    for (int j = 0; j < 3; ++j) {
      const ImDrawVert *a = vertex(t, j), *b = o.vertex(u, j);
      if (!a || !b || std::memcmp(a, b, sizeof(ImDrawVert)) != 0) return false;
    }
    return true;
  }
  void grow(std::size_t t0, std::size_t t1, float b[4]) const {  // b: x0, y0, x1, y1
    for (std::size_t t = t0; t < t1; ++t)
      for (int j = 0; j < 3; ++j)
        if (const ImDrawVert* v = vertex(t, j)) {
          b[0] = std::min(b[0], v->pos.x), b[1] = std::min(b[1], v->pos.y);
          b[2] = std::max(b[2], v->pos.x), b[3] = std::max(b[3], v->pos.y);
        }
  }
};

bool same_state(const ImDrawCmd& a, const ImDrawCmd& b) {
  return !a.UserCallback && !b.UserCallback && a.TextureId == b.TextureId && a.ClipRect.x == b.ClipRect.x &&
         a.ClipRect.y == b.ClipRect.y && a.ClipRect.z == b.ClipRect.z && a.ClipRect.w == b.ClipRect.w;
}

}  // namespace

void Redraw::compare(const List& before, const ImDrawList& now, const std::vector<Seen>& seen, const ImDrawData& dd,
                     std::vector<gfx::PixelRect>& boxes) const {
  const std::size_t n = seen.size(), m = before.seen.size();
  for (std::size_t k = 0; k < std::max(n, m); ++k) {
    if (k < n && k < m && seen[k].signature == before.seen[k].signature) continue;  // the same
    const bool both = k < n && k < m;
    if (!both || !same_state(before.cmds[k], now.CmdBuffer[int(k)])) {
      if (k < n) boxes.push_back(seen[k].box);
      if (k < m) boxes.push_back(before.seen[k].box);
      continue;
    }
    // The same state, other triangles: the box of those that differ, old and
    // new (past the common start and end; one by one when as many).
    const Triangles a{before.vtx.data(), before.vtx.size(), before.idx.data(), before.idx.size(), before.cmds[k]};
    const Triangles b{now.VtxBuffer.Data, std::size_t(now.VtxBuffer.Size), now.IdxBuffer.Data,
                      std::size_t(now.IdxBuffer.Size), now.CmdBuffer[int(k)]};
    const std::size_t na = a.count(), nb = b.count();
    std::size_t head = 0, tail = 0;
    while (head < na && head < nb && a.same(head, b, head)) ++head;
    while (tail < na - head && tail < nb - head && a.same(na - 1 - tail, b, nb - 1 - tail)) ++tail;
    const gfx::PixelRect limit = unite(seen[k].box, before.seen[k].box);
    const std::size_t first_box = boxes.size();
    float box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    auto flush = [&] {
      if (!(box[2] >= box[0])) return;  // nothing drawn differs (indices only)
      const ImVec4 vb(std::floor(box[0]) - 1, std::floor(box[1]) - 1, std::ceil(box[2]) + 1, std::ceil(box[3]) + 1);
      boxes.push_back(intersect(limit, scissor_of(vb, dd)));
      box[0] = box[1] = INFINITY, box[2] = box[3] = -INFINITY;
    };
    if (na == nb) {  // a box for each run of changed triangles (a command's text changes in places)
      std::size_t last_changed = head;
      for (std::size_t t = head; t < na - tail; ++t) {
        if (a.same(t, b, t)) continue;
        if (t > last_changed + kRunGap) flush();
        a.grow(t, t + 1, box), b.grow(t, t + 1, box);
        last_changed = t;
      }
    } else {
      a.grow(head, na - tail, box);
      b.grow(head, nb - tail, box);
    }
    flush();
    if (boxes.size() - first_box > kRunsPerCommand) {  // many places: their bounds
      const gfx::PixelRect all = bounds({boxes.begin() + std::ptrdiff_t(first_box), boxes.end()});
      boxes.resize(first_box);
      boxes.push_back(all);
    }
  }
}

Damage Redraw::changed(const ImDrawData& dd, bool kept) {
  const int w = fb_width(dd), h = fb_height(dd);
  const bool compare_ok = kept && exact(dd) && w == w_ && h == h_ && w > 0 && h > 0;
  std::vector<gfx::PixelRect> boxes;
  std::vector<List> lists(std::size_t(std::max(0, dd.CmdListsCount)));
  for (int l = 0; l < dd.CmdListsCount; ++l) {
    const ImDrawList& list = *dd.CmdLists[l];
    List& now = lists[std::size_t(l)];
    now.owner = list._OwnerName ? list._OwnerName : "";
    now.seen = parts(list, dd);
    if (compare_ok) {
      const bool same_owner = std::size_t(l) < last_.size() && last_[std::size_t(l)].owner == now.owner;
      if (same_owner) compare(last_[std::size_t(l)], list, now.seen, dd, boxes);
      else for (const Seen& s : now.seen) boxes.push_back(s.box);
    }
    now.vtx.assign(list.VtxBuffer.begin(), list.VtxBuffer.end());
    now.idx.assign(list.IdxBuffer.begin(), list.IdxBuffer.end());
    now.cmds.assign(list.CmdBuffer.begin(), list.CmdBuffer.end());
  }
  if (compare_ok)  // lists gone, and lists whose owner changed
    for (std::size_t l = 0; l < last_.size(); ++l) {
      const bool matched = l < lists.size() && last_[l].owner == lists[l].owner;
      if (!matched) for (const Seen& s : last_[l].seen) boxes.push_back(s.box);
    }
  ++frame_;
  Damage d;
  d.rects = {{0, 0, w, h}};
  if (compare_ok) {
    if (boxes.size() > kMaxBoxes) boxes = {bounds(boxes)};
    std::vector<gfx::PixelRect> rects = cover(std::move(boxes));
    long long area = 0;
    for (const gfx::PixelRect& r : rects) area += r.area();
    const double fraction = double(area) / (double(w) * double(h));
    if (rects.size() <= kMaxRects && fraction <= kMaxFraction) d = {false, std::move(rects), fraction};
  }
  last_ = std::move(lists);
  w_ = w;
  h_ = h;
  return d;
}

namespace {

// The triangles of c (indices into list.IdxBuffer) whose pixels reach r,
// appended to `extra`; false when all of them do (the command's own range serves).
bool triangles_reaching(const ImDrawList& list, const ImDrawCmd& c, const gfx::PixelRect& r, const ImDrawData& dd,
                        std::vector<ImDrawIdx>& extra) {
  const std::size_t idx_n = std::size_t(list.IdxBuffer.Size), vtx_n = std::size_t(list.VtxBuffer.Size);
  const std::size_t n = c.IdxOffset < idx_n ? std::min<std::size_t>(c.ElemCount, idx_n - c.IdxOffset) / 3 * 3 : 0;
  const ImDrawIdx* idx = list.IdxBuffer.Data + c.IdxOffset;
  // r in the vertices' coordinates, a pixel to spare (as the boxes have)
  const float x0 = float(r.x0) + dd.DisplayPos.x - 1, y0 = float(r.y0) + dd.DisplayPos.y - 1;
  const float x1 = float(r.x1) + dd.DisplayPos.x + 1, y1 = float(r.y1) + dd.DisplayPos.y + 1;
  const std::size_t start = extra.size();
  for (std::size_t t = 0; t < n; t += 3) {
    float lx = INFINITY, ly = INFINITY, hx = -INFINITY, hy = -INFINITY;
    for (std::size_t j = 0; j < 3; ++j) {
      const std::size_t v = c.VtxOffset + idx[t + j];
      if (v >= vtx_n) {
        lx = ly = -INFINITY, hx = hy = INFINITY;  // unknown: kept
        break;
      }
      const ImVec2 p = list.VtxBuffer.Data[v].pos;
      lx = std::min(lx, p.x), ly = std::min(ly, p.y), hx = std::max(hx, p.x), hy = std::max(hy, p.y);
    }
    if (hx >= x0 && lx <= x1 && hy >= y0 && ly <= y1) extra.insert(extra.end(), idx + t, idx + t + 3);
  }
  if (extra.size() - start == n) {
    extra.resize(start);
    return false;
  }
  return true;
}

}  // namespace

void Redraw::clip(ImDrawData& dd, const Damage& d) const {
  if (!exact(dd)) return;
  const ImVec2 pos = dd.DisplayPos;
  std::vector<gfx::PixelRect> reach;
  std::vector<ImDrawIdx> extra;  // the triangles of commands cut across rectangles, after the list's own
  for (int l = 0; l < dd.CmdListsCount; ++l) {
    ImDrawList& list = *dd.CmdLists[l];
    // The pixels each command can touch, as changed() found them for this frame.
    const std::vector<Seen>* seen = std::size_t(l) < last_.size() && last_[std::size_t(l)].seen.size() == std::size_t(list.CmdBuffer.Size)
                                        ? &last_[std::size_t(l)].seen : nullptr;
    int k = -1;
    ImVector<ImDrawCmd> out;
    out.reserve(list.CmdBuffer.Size);
    extra.clear();
    const unsigned base = unsigned(list.IdxBuffer.Size);
    for (const ImDrawCmd& c : list.CmdBuffer) {
      ++k;
      if (c.UserCallback == ImDrawCallback_ResetRenderState) {
        out.push_back(c);
        continue;
      }
      const gfx::PixelRect s = scissor_of(c.ClipRect, dd);
      reach.clear();
      for (const gfx::PixelRect& r : d.rects) {
        const gfx::PixelRect i = intersect(s, r);
        if (i.empty() || (seen && intersect((*seen)[std::size_t(k)].box, r).empty())) continue;  // nothing of it there
        reach.push_back(i);
      }
      for (const gfx::PixelRect& i : reach) {
        ImDrawCmd part = c;
        part.ClipRect = ImVec4(float(i.x0) + pos.x, float(i.y0) + pos.y, float(i.x1) + pos.x, float(i.y1) + pos.y);
        // A command reaching beyond a rectangle draws there only the triangles
        // that reach it: a software renderer pays for every triangle it is
        // given, scissored or not (a window's text for the digits that changed).
        const std::size_t at = extra.size();
        const bool within = seen && intersect((*seen)[std::size_t(k)].box, i) == (*seen)[std::size_t(k)].box;
        if (!within && !c.UserCallback && triangles_reaching(list, c, i, dd, extra)) {
          if (extra.size() == at) continue;  // none reaches it
          part.IdxOffset = base + unsigned(at);
          part.ElemCount = unsigned(extra.size() - at);
        }
        out.push_back(part);
      }
    }
    list.CmdBuffer.swap(out);
    if (!extra.empty()) {
      list.IdxBuffer.reserve(list.IdxBuffer.Size + int(extra.size()));
      for (ImDrawIdx i : extra) list.IdxBuffer.push_back(i);
    }
  }
}

}  // namespace ev::ui
