// redraw_test: which parts of a frame ui::Redraw says changed, on ImGui's own
// draw lists (no GL needed): nothing for a frame drawn the same, the digits of
// a changed number and not its window, the place of a window that went, the
// whole frame when the last one was not kept; and clip() keeps each command
// only where it can draw.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "ui/redraw.h"

namespace {

class Frames {
 public:
  Frames() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(800, 600);
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(std::intptr_t(1)));
  }
  ~Frames() { ImGui::DestroyContext(); }

  // One frame: window A with fixed text, window B (when `b`) with a number.
  ImDrawData& draw(int number, bool b = true) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    window("A", ImVec2(10, 10), [] { ImGui::Text("the same text every frame"); });
    if (b) window("B", ImVec2(400, 300), [number] {
        ImGui::Text("a line that stays");
        ImGui::Text("step %d", number);
        ImGui::Text("another line that stays");
      });
    ImGui::Render();
    return *ImGui::GetDrawData();
  }

 private:
  static void window(const char* name, ImVec2 at, const std::function<void()>& body) {
    ImGui::SetNextWindowPos(at);
    ImGui::SetNextWindowSize(ImVec2(300, 200));
    ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoSavedSettings);
    body();
    ImGui::End();
  }
};

bool inside(const ev::gfx::PixelRect& r, float x0, float y0, float x1, float y1) {
  return r.x0 >= x0 && r.y0 >= y0 && r.x1 <= x1 && r.y1 <= y1;
}

}  // namespace

TEST(Redraw, MarksOnlyWhatChanged) {
  Frames f;
  ev::ui::Redraw redraw;
  for (int i = 0; i < 3; ++i) f.draw(100);  // windows settle their sizes
  ev::ui::Damage d = redraw.changed(f.draw(100), false);
  EXPECT_TRUE(d.all) << "the first frame seen is drawn whole";
  ASSERT_EQ(d.rects.size(), 1u);
  EXPECT_EQ(d.rects[0], (ev::gfx::PixelRect{0, 0, 800, 600}));

  d = redraw.changed(f.draw(100), true);
  EXPECT_FALSE(d.all);
  EXPECT_TRUE(d.rects.empty()) << "a frame drawn the same redraws nothing";
  EXPECT_EQ(d.fraction, 0.0);

  d = redraw.changed(f.draw(101), true);  // one digit
  ASSERT_FALSE(d.all);
  ASSERT_FALSE(d.rects.empty());
  long long area = 0;
  for (const auto& r : d.rects) {
    EXPECT_TRUE(inside(r, 396, 296, 704, 504)) << "inside window B: " << r.x0 << "," << r.y0 << " " << r.x1 << "," << r.y1;
    area += r.area();
  }
  EXPECT_LT(area, 40 * 30) << "the changed digits, not the window";

  d = redraw.changed(f.draw(101, false), true);  // B goes
  ASSERT_FALSE(d.all);
  long long gone = 0;
  for (const auto& r : d.rects) {
    EXPECT_TRUE(inside(r, 396, 296, 704, 504)) << r.x0 << "," << r.y0 << " " << r.x1 << "," << r.y1;
    gone += r.area();
  }
  EXPECT_GT(gone, 250 * 150) << "where window B was";

  d = redraw.changed(f.draw(101, false), false);
  EXPECT_TRUE(d.all) << "a framebuffer that was not kept is drawn whole";
}

TEST(Redraw, ClipKeepsCommandsWhereTheyCanDraw) {
  Frames f;
  ev::ui::Redraw redraw;
  for (int i = 0; i < 3; ++i) f.draw(7);
  redraw.changed(f.draw(7), false);
  ImDrawData& dd = f.draw(8);
  ev::ui::Damage d = redraw.changed(dd, true);
  ASSERT_FALSE(d.all);
  ASSERT_FALSE(d.rects.empty());
  int before = 0;
  for (int l = 0; l < dd.CmdListsCount; ++l) before += dd.CmdLists[l]->CmdBuffer.Size;
  redraw.clip(dd, d);
  int after = 0;
  for (int l = 0; l < dd.CmdListsCount; ++l)
    for (const ImDrawCmd& c : dd.CmdLists[l]->CmdBuffer) {
      ++after;
      // Whole pixels, inside one of the rectangles.
      EXPECT_EQ(c.ClipRect.x, std::floor(c.ClipRect.x));
      EXPECT_EQ(c.ClipRect.w, std::floor(c.ClipRect.w));
      bool in = false;
      for (const auto& r : d.rects)
        in = in || (c.ClipRect.x >= r.x0 && c.ClipRect.y >= r.y0 && c.ClipRect.z <= r.x1 && c.ClipRect.w <= r.y1);
      EXPECT_TRUE(in);
    }
  EXPECT_LT(after, before) << "window A's commands reach no changed pixel: dropped";
  EXPECT_GT(after, 0);
}

namespace {

// Window "map" whose first and last lines change with `n` (and the others
// too when `every_line`), and, when `tip`, a window "tip" over its lower
// right corner reaching beyond it.
ImDrawData& map_and_tip(int n, bool tip, bool every_line = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(10, 10));
  ImGui::SetNextWindowSize(ImVec2(300, 400));
  ImGui::Begin("map", nullptr, ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("first line %d", n);
  for (int i = 0; i < 18; ++i) ImGui::Text("a line that stays, number %d", every_line ? i + 100 * n : i);
  ImGui::Text("and the very last line of all: %d", n);
  ImGui::End();
  if (tip) {
    ImGui::SetNextWindowPos(ImVec2(150, 300));
    ImGui::SetNextWindowSize(ImVec2(300, 200));
    ImGui::Begin("tip", nullptr, ImGuiWindowFlags_NoSavedSettings);
    ImGui::Text("a tooltip's text");
    ImGui::End();
  }
  ImGui::Render();
  return *ImGui::GetDrawData();
}

long long area_of(const std::vector<ev::gfx::PixelRect>& rects) {
  long long a = 0;
  for (const auto& r : rects) a += r.area();
  return a;
}

bool disjoint(const std::vector<ev::gfx::PixelRect>& rects) {
  for (std::size_t i = 0; i < rects.size(); ++i)
    for (std::size_t j = i + 1; j < rects.size(); ++j) {
      const auto &a = rects[i], &b = rects[j];
      if (std::max(a.x0, b.x0) < std::min(a.x1, b.x1) && std::max(a.y0, b.y0) < std::min(a.y1, b.y1)) return false;
    }
  return true;
}

}  // namespace

TEST(Redraw, OverlappingDamageIsCutApartNotJoined) {
  Frames f;  // the context
  ev::ui::Redraw redraw;
  for (int i = 0; i < 3; ++i) map_and_tip(1, false);
  redraw.changed(map_and_tip(1, false), false);
  // The map's text changes top to bottom and a tooltip appears over its corner.
  const ev::ui::Damage d = redraw.changed(map_and_tip(2, true, true), true);
  ASSERT_FALSE(d.all);
  EXPECT_TRUE(disjoint(d.rects));
  // The rectangle around both would be 540 x 540; the two windows cover
  // under 300 x 400 + 300 x 200.
  EXPECT_LE(area_of(d.rects), 300 * 400 + 300 * 200) << d.rects.size() << " rectangles";
  EXPECT_GT(area_of(d.rects), 300 * 200) << "the tooltip's place at least";
}

TEST(Redraw, ClipGivesEachRectangleOnlyTheTrianglesThatReachIt) {
  Frames f;
  ev::ui::Redraw redraw;
  for (int i = 0; i < 3; ++i) map_and_tip(1, false);
  redraw.changed(map_and_tip(1, false), false);
  ImDrawData& dd = map_and_tip(2, false);  // the first and last lines: two rectangles far apart
  const ev::ui::Damage d = redraw.changed(dd, true);
  ASSERT_FALSE(d.all);
  ASSERT_GE(d.rects.size(), 2u);
  const ImDrawList& map = *dd.CmdLists[0];
  std::size_t text_tris = 0;  // the map's own text command
  for (const ImDrawCmd& c : map.CmdBuffer) text_tris = std::max<std::size_t>(text_tris, c.ElemCount / 3);
  redraw.clip(dd, d);
  std::size_t drawn = 0;
  for (const ImDrawCmd& c : map.CmdBuffer) {
    drawn += c.ElemCount / 3;
    // Every triangle of a part reaches its clip rectangle (a pixel to spare).
    for (unsigned t = 0; t + 2 < c.ElemCount; t += 3) {
      float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
      for (int j = 0; j < 3; ++j) {
        const ImVec2 p = map.VtxBuffer[int(c.VtxOffset + map.IdxBuffer[int(c.IdxOffset + t + unsigned(j))])].pos;
        x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
      }
      EXPECT_TRUE(x1 >= c.ClipRect.x - 1 && x0 <= c.ClipRect.z + 1 && y1 >= c.ClipRect.y - 1 && y0 <= c.ClipRect.w + 1)
          << "a triangle outside its part's rectangle";
    }
  }
  EXPECT_LT(drawn, text_tris / 2) << "the changed lines' triangles, not the window's text twice over";
  EXPECT_GT(drawn, 0u);
}
