// disc_raster_test.cpp: the point layer's CPU rasteriser. A disc has its
// colour at the centre, a darker rim, nothing beyond its radius; it matches
// what points.frag draws through GL, pixel for pixel within rounding; tiles
// are drawn in slices, keeping the points' order.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "gfx/disc_raster.h"
#include "gfx/gl.h"
#include "gfx/point_renderer.h"
#include "gfx/shader.h"
#include "headless_egl.h"

using ev::gfx::DiscImage;
using ev::gfx::DiscRaster;
using ev::gfx::ImagePlacement;
using ev::gfx::PointInstance;

namespace {

int channel(std::uint32_t px, int c) { return int((px >> (8 * c)) & 0xff); }

// The identity placement: data units are image pixels.
ImagePlacement identity() { return ImagePlacement{}; }

}  // namespace

TEST(DiscRaster, ColourAtTheCentreDarkerRimNothingOutside) {
  DiscImage img;
  DiscRaster r;
  const PointInstance p{20.5f, 10.5f, IM_COL32(86, 156, 235, 255), 4.0f};  // centred on pixel (20, 10)
  r.draw_all(&p, 1, identity(), 40, 30, img);
  const std::uint32_t c = img.at(20, 10);
  EXPECT_EQ(channel(c, 0), 86);
  EXPECT_EQ(channel(c, 1), 156);
  EXPECT_EQ(channel(c, 2), 235);
  EXPECT_EQ(channel(c, 3), 255);
  // Three pixels out (inside the 4 px radius, in the rim): opaque, darker.
  const std::uint32_t rim = img.at(23, 10);
  EXPECT_EQ(channel(rim, 3), 255);
  EXPECT_LT(channel(rim, 2), 200);
  EXPECT_GT(channel(rim, 2), 235 * 0.45 - 2);
  // Nothing drawn where the pixel's centre is more than radius + half a pixel away.
  int drawn = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const float d = std::hypot(float(x) + 0.5f - p.x, float(y) + 0.5f - p.y);
      if (img.at(x, y) != 0) ++drawn;
      if (d > p.radius + 0.5f + 0.2f) {
        EXPECT_EQ(img.at(x, y), 0u) << x << "," << y;
      }
    }
  EXPECT_GT(drawn, 40);  // about pi * 4.5^2
  EXPECT_EQ(r.pieces(), 1u);
  EXPECT_TRUE(img.drawn[0] && img.changed[0]);
}

TEST(DiscRaster, MapsPlacesClipsAndSkipsNonFinite) {
  DiscImage img;
  ImagePlacement at;
  at.map.scale[0] = 10, at.map.scale[1] = -10, at.map.offset[0] = 50, at.map.offset[1] = 60;  // display px
  at.rect_x = 10, at.rect_y = 20;  // the image's corner in display px
  const std::vector<PointInstance> pts = {
      {1.0f, 1.0f, IM_COL32(255, 0, 0, 255), 3},        // display (60, 50) -> image (50, 30)
      {-7.0f, 1.0f, IM_COL32(0, 255, 0, 255), 3},       // display (-20, 50): off the image's left edge
      {-3.95f, 4.0f, IM_COL32(0, 0, 255, 255), 3},      // display (10.5, 20): half on the corner
      {std::nanf(""), 0.0f, IM_COL32(255, 255, 255, 255), 3},
      {0.0f, std::numeric_limits<float>::infinity(), IM_COL32(255, 255, 255, 255), 3}};
  DiscRaster r;
  r.draw_all(pts.data(), pts.size(), at, 100, 50, img);
  EXPECT_EQ(r.pieces(), 2u) << "the red and blue discs, one tile each";
  EXPECT_EQ(img.at(50, 30), std::uint32_t(IM_COL32(255, 0, 0, 255)));
  EXPECT_EQ(channel(img.at(0, 0), 2), 255) << "the disc on the corner is drawn where it overlaps";
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      EXPECT_EQ(channel(img.at(x, y), 1), 0) << "the green disc is off the image";
      const std::uint32_t c = img.at(x, y);
      EXPECT_FALSE(channel(c, 0) > 0 && channel(c, 1) > 0 && channel(c, 2) > 0) << "a non-finite point drew";
    }
  // At twice the pixel density the same disc is twice as wide.
  DiscImage hi;
  at.px_scale = 2;
  r.draw_all(pts.data(), 1, at, 200, 100, hi);
  EXPECT_EQ(hi.at(100, 60), std::uint32_t(IM_COL32(255, 0, 0, 255)));
  EXPECT_NE(hi.at(100 + 5, 60), 0u);
  EXPECT_EQ(hi.at(100 + 8, 60), 0u);
  // A picture of nothing clears what the last one drew.
  r.draw_all(pts.data(), 0, at, 100, 50, img);
  EXPECT_TRUE(std::all_of(img.pixels.begin(), img.pixels.end(), [](std::uint32_t v) { return v == 0; }));
  EXPECT_TRUE(img.changed[0] && !img.drawn[0]);
}

// Later discs go over earlier ones, and translucent colour blends as GL's
// (SRC_ALPHA, ONE_MINUS_SRC_ALPHA) does over transparent black: premultiplied.
TEST(DiscRaster, BlendsInOrderPremultiplied) {
  DiscImage img;
  const std::vector<PointInstance> pts = {{10.5f, 10.5f, IM_COL32(200, 0, 0, 255), 5},
                                          {10.5f, 10.5f, IM_COL32(0, 0, 200, 128), 2}};
  DiscRaster r;
  r.draw_all(pts.data(), pts.size(), identity(), 20, 20, img);
  const std::uint32_t c = img.at(10, 10);
  EXPECT_NEAR(channel(c, 0), 200 * 127 / 255, 2);
  EXPECT_NEAR(channel(c, 2), 200 * 128 / 255, 2);
  EXPECT_EQ(channel(c, 3), 255);
}

// The CPU's discs are points.frag's: the same pictures through GL and here.
TEST(DiscRaster, MatchesTheGpuPointShader) {
  std::string why;
  auto gl = ev::testing::open_headless(160, 120, &why);
  if (!gl) GTEST_SKIP() << "no headless GL: " << why;
  std::vector<PointInstance> pts;
  std::srand(7);
  const ImU32 colours[] = {IM_COL32(86, 156, 235, 255), IM_COL32(242, 171, 57, 255), IM_COL32(106, 200, 120, 200)};
  for (int i = 0; i < 60; ++i) {
    const float x = 5 + float(std::rand() % 15000) / 100, y = 5 + float(std::rand() % 11000) / 100;
    pts.push_back({x, y, colours[i % 3], i % 4 == 0 ? 5.25f : 3.52f});
  }
  ev::gfx::PointRenderer gpu;
  gpu.init();
  gpu.upload(pts.data(), pts.size());
  ev::gfx::ScreenSpace ss;
  ss.display_size[0] = 160, ss.display_size[1] = 120;
  glClearColor(0, 0, 0, 0);
  glClear(GL_COLOR_BUFFER_BIT);
  gpu.draw(ss, ev::gfx::DataToPixels{});
  glFinish();
  std::vector<unsigned char> raw(160 * 120 * 4);
  glReadPixels(0, 0, 160, 120, GL_RGBA, GL_UNSIGNED_BYTE, raw.data());  // bottom row first, alpha kept

  DiscImage img;
  DiscRaster cpu;
  cpu.draw_all(pts.data(), pts.size(), identity(), 160, 120, img);
  int worst = 0, coloured = 0;
  double total = 0;
  for (int y = 0; y < 120; ++y)
    for (int x = 0; x < 160; ++x) {
      const unsigned char* g = raw.data() + (std::size_t(119 - y) * 160 + std::size_t(x)) * 4;
      const std::uint32_t c = img.at(x, y);
      coloured += c != 0;
      for (int k = 0; k < 4; ++k) {
        const int e = std::abs(int(g[k]) - channel(c, k));
        worst = std::max(worst, e);
        total += e;
      }
    }
  EXPECT_GT(coloured, 1500);
  // The centres are placed within 1/8 pixel: an edge pixel's coverage may
  // differ by an eighth of the full range (32 of 255), a little more where
  // two discs' edges overlap; everywhere else the two agree to rounding.
  EXPECT_LE(worst, 48);
  EXPECT_LT(total / (160 * 120 * 4), 1.5);
}

// The picture is drawn a tile at a time, and a disc over two tiles keeps its
// place in the points' order in both: later discs on top everywhere.
TEST(DiscRaster, DrawsTileByTileKeepingThePointsOrder) {
  const std::vector<PointInstance> pts = {{64.0f, 32.5f, IM_COL32(255, 0, 0, 255), 8},   // over both tiles
                                          {64.0f, 32.5f, IM_COL32(0, 255, 0, 255), 4}};  // on top of it
  DiscImage img;
  img.resize(128, 64);  // two tiles of 64
  DiscRaster r;
  r.begin(pts.data(), pts.size(), identity(), 128, 64);
  EXPECT_EQ(r.pieces(), 4u);
  EXPECT_FALSE(r.draw(img, 1));  // the left tile: both discs' left halves
  EXPECT_EQ(r.drawn(), 2u);
  EXPECT_EQ(img.at(63, 32), std::uint32_t(IM_COL32(0, 255, 0, 255)));
  EXPECT_EQ(img.at(64, 32), 0u) << "the right tile waits for the next slice";
  EXPECT_TRUE(r.draw(img, 1));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(img.at(64, 32), std::uint32_t(IM_COL32(0, 255, 0, 255)));
  EXPECT_EQ(channel(img.at(70, 32), 0), 255) << "the red disc around it";
}
