// text_layer.h: many short texts (a crowded view's labels, each with its
// shadow) as one cached image, drawn as the few screen tiles they touch.
//
// A software GL renderer pays for every glyph's two triangles each frame: the
// 150 labels of a 17,000-word map (and their shadows) were about 3,600 of a
// frame's 7,500 triangles and 1.5 ms of its rendering. The glyphs are the ones
// ImGui lays out (GlyphQuad: where, which part of the font atlas, what colour);
// the layer rasterises them on the CPU exactly as GL samples them (nearest,
// pixel centres), blends them in order into a premultiplied image, and
// uploads it only when the glyphs change (a new layout, a pan); other frames
// show the image as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gfx/gl_object.h"
#include "gfx/shader.h"
#include "gfx/tiled_image.h"

namespace ev::gfx {

// One glyph: its rectangle in display pixels, its part of the atlas (texture
// coordinates in [0, 1]) and its colour as ImGui packs it (R in the low byte).
struct GlyphQuad {
  float x0, y0, x1, y1;
  float u0, v0, u1, v1;
  std::uint32_t rgba;
  bool operator==(const GlyphQuad& o) const;
};

// The font atlas's coverage (alpha), row-major, w x h.
struct GlyphAtlas {
  int w = 0, h = 0;
  std::vector<std::uint8_t> alpha;
};

// Blends the glyphs in order into `image` (premultiplied RGBA8, R in the low
// byte, w x h, starting transparent), whose pixel (0, 0) is the display point
// (x, y) and whose pixels are `scale` display pixels: pixel centres inside a
// glyph's rectangle take the atlas texel GL's nearest sampling would.
void rasterise_glyphs(const GlyphQuad* q, std::size_t n, const GlyphAtlas& atlas, float x, float y,
                      const float scale[2], int w, int h, std::vector<std::uint32_t>& image);


class TextLayer {
 public:
  void init();  // program, texture, buffers (needs a current GL 3.3 context); throws ev::Error
  bool ready() const { return shown_.ready(); }

  // The atlas the glyphs come from (copied); `owner` says which (a new owner, a new atlas).
  void set_atlas(const void* owner, const std::uint8_t* rgba, int w, int h);
  const void* atlas_owner() const { return atlas_owner_; }

  // This frame's glyphs in drawing order, inside `rect` (display pixels), and
  // boxes (x0, y0, x1, y1, display pixels) that hold them all: only the
  // boxes are drawn, each pixel once.
  void set(std::vector<GlyphQuad> glyphs, std::vector<float> boxes, const float rect[4]);

  // During ImGui's rendering: remakes the image if the glyphs, rectangle or
  // scale changed, and draws it, clipped to s.clip.
  void draw(const ScreenSpace& s);

  std::size_t images_made() const { return made_; }
  // Changes whenever what draw() shows changes (a new image).
  std::uint64_t version() const { return shown_valid_ ? std::uint64_t(made_) : ~std::uint64_t(0); }

 private:
  GlyphAtlas atlas_;
  const void* atlas_owner_ = nullptr;
  std::vector<GlyphQuad> glyphs_, shown_glyphs_;
  std::vector<float> boxes_;
  float rect_[4] = {0, 0, 0, 0}, shown_rect_[4] = {0, 0, 0, 0}, shown_scale_[2] = {0, 0};
  bool shown_valid_ = false;
  std::size_t made_ = 0;
  std::vector<std::uint32_t> image_;
  TiledImage shown_;  // the image, shown as covered_rects() of the boxes
  int texture_w_ = 0, texture_h_ = 0;
};

}  // namespace ev::gfx
