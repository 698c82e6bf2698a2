// disc_raster.h: the point layer's discs drawn on the CPU into an RGBA image,
// the same anti-aliased disc with a darker rim as points.frag, blended the
// same way (over transparent black: premultiplied colour). A software GL
// renderer pays about a microsecond per point sprite; here a disc of a few
// pixels costs tens of nanoseconds. Not GL: the layer uploads the image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gfx/point_renderer.h"

namespace ev::gfx {

// Premultiplied RGBA, bytes R, G, B, A in memory order, row 0 at the top,
// drawn in square tiles of DiscRaster::kTile pixels (row-major).
struct DiscImage {
  int width = 0, height = 0;
  std::vector<std::uint32_t> pixels;  // (height, width)
  int tile_cols = 0;
  std::vector<std::uint8_t> drawn;    // per tile: holds discs of the picture (else transparent)
  std::vector<std::uint8_t> changed;  // per tile: its pixels changed since the picture began
  // Sizes the image to w x h, transparent, with nothing drawn (no work when the size is kept).
  void resize(int w, int h);
  std::uint32_t at(int x, int y) const { return pixels[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
};

// Where discs land in an image: display pixel (rect_x, rect_y) is the image's
// top-left corner and one display pixel is px_scale image pixels (HiDPI).
struct ImagePlacement {
  DataToPixels map;  // data units -> display pixels
  float rect_x = 0, rect_y = 0;
  float px_scale = 1;
};

// Draws a picture of many discs, a part at a time if need be. The discs are
// sorted into square tiles of the image first and drawn tile by tile, in the
// points' order within each (so later discs are on top, as one GL draw call
// would put them): a tile stays in cache while its discs are drawn.
class DiscRaster {
 public:
  static constexpr int kTile = 64;  // image pixels a side

  // Starts a picture of points [0, n) placed by `at` in a w x h image, each
  // an anti-aliased disc of its radius (display pixels) with a darker rim.
  // Non-finite positions and discs off the image are skipped.
  void begin(const PointInstance* points, std::size_t n, const ImagePlacement& at, int w, int h);
  // Draws whole tiles of the picture into img (of the size begin() was
  // given, holding the last picture or nothing), each cleared first, until at
  // least `budget` pieces of discs (a disc over two tiles is two) are drawn.
  // True once the whole picture is.
  bool draw(DiscImage& img, std::size_t budget);
  bool done() const { return tile_ >= offsets_.size() - 1; }
  std::size_t drawn() const { return drawn_; }    // pieces drawn since begin()
  std::size_t pieces() const { return order_.size(); }

  // begin() and draw() of everything (img resized to w x h first).
  void draw_all(const PointInstance* points, std::size_t n, const ImagePlacement& at, int w, int h, DiscImage& img);

 private:
  // A disc of one radius and colour, as premultiplied source pixels and the
  // share of the destination each keeps, for every sub-pixel phase of its
  // centre: every disc of that radius and colour is a copy of one.
  struct Stamp {
    std::uint32_t rgba = 0;
    float radius = -1, px_scale = -1;
    int side = 0;                      // pixels a side of the square the disc lies in
    std::vector<std::uint32_t> src;    // per phase and pixel: premultiplied colour
    std::vector<std::uint32_t> keep;   // 255 - source alpha, in both 16-bit halves
    std::vector<std::int16_t> lo, hi;  // per phase and row: the columns [lo, hi) the disc covers
  };
  struct Disc {
    int x, y;                  // image pixel of the stamp's top-left corner
    std::uint16_t stamp;       // index in stamps_
    std::uint16_t phase;
  };
  std::uint16_t stamp(std::uint32_t rgba, float radius, float px_scale);
  void blend(const Disc& d, int x0, int y0, int x1, int y1, DiscImage& img) const;
  void draw_tile(std::size_t t, DiscImage& img) const;

  std::vector<Stamp> stamps_;  // a word view has a handful of colours and one radius
  std::vector<Disc> discs_;
  int width_ = 0, height_ = 0, cols_ = 0;
  std::vector<std::uint32_t> offsets_ = {0};  // per tile: its discs are order_[offsets_[t], offsets_[t + 1])
  std::vector<std::uint32_t> order_;          // indices into discs_, tile by tile, in the points' order
  std::size_t tile_ = 0, drawn_ = 0;          // the next tile to draw, pieces drawn
};

}  // namespace ev::gfx
