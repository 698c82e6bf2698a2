// point_layer.h: a large point set (a word-level vocabulary: 100,000 discs)
// kept as a cached image of the plot and refreshed progressively.
//
// A software renderer pays about half a microsecond per point sprite, so
// 100,000 discs take about 50-100 ms to draw: far more than a frame. The layer
// draws them into an offscreen image a slice at a time (a few milliseconds per
// frame), and each frame shows the last complete image in one textured
// rectangle, moved and scaled from the map it was drawn with to the current
// one, so pan and zoom follow the mouse at once and the discs settle into
// place when the next pass completes. A pass under way always finishes; the
// next one takes the latest positions, map and size.
#pragma once

#include <cstddef>
#include <vector>

#include "gfx/gl_object.h"
#include "gfx/point_renderer.h"
#include "gfx/render_target.h"
#include "gfx/shader.h"

namespace ev::gfx {

// The parts of a plot rectangle (display pixels x0, y0, x1, y1) that discs
// touch, as rectangles of whole `tile`-pixel tiles (runs along a row joined),
// each two triangles of corners in [0, 1]^2 of the rectangle (y down): six
// (x, y) pairs a rectangle. Showing only these skips the empty parts of the
// cached image, which a software renderer would otherwise sample pixel by pixel.
std::vector<float> covered_tiles(const PointInstance* points, std::size_t n, const DataToPixels& map,
                                 const float rect[4], float tile = 32);

class PointLayer {
 public:
  // Creates the programs and buffers (needs a current GL 3.3 context). Throws ev::Error.
  void init();
  bool ready() const { return bool(tile_vao_); }

  // Points drawn per frame while a pass is under way: by default
  // kSoftwareSlice on a software renderer, kGpuSlice (a whole word-level set)
  // on a GPU.
  static constexpr std::size_t kSoftwareSlice = 2048, kGpuSlice = std::size_t(1) << 20;
  void set_slice(std::size_t points) { slice_ = points ? points : 1; }
  std::size_t slice() const { return slice_; }

  // What the layer should show: the points (copied), the map from data units to
  // display pixels and the plot rectangle (display pixels) they are drawn in.
  // `changed` says the points differ from the last call's.
  void set(const PointInstance* points, std::size_t n, bool changed, const DataToPixels& map, const float rect[4]);

  // During ImGui's rendering: draws the next slice into the image being made
  // and shows the last complete image, mapped to the current map and clipped
  // to s.clip. Restores the framebuffer binding it found.
  void draw(const ScreenSpace& s);

  // Forgets the images (a new table: the old picture must not stand in for it).
  void clear();

  // True once a pass has completed (something is shown).
  bool has_image() const { return images_[front_].valid; }
  // Passes completed so far, and points drawn in the pass under way.
  std::size_t passes() const { return passes_; }
  std::size_t progress() const { return drawn_; }

 private:
  struct Image {
    RenderTarget target;
    DataToPixels map;
    float rect[4] = {0, 0, 0, 0};  // display pixels covered
    float fb_scale[2] = {1, 1};
    std::vector<float> tiles;  // covered_tiles() of its points
    bool valid = false;
  };
  void start_pass(const ScreenSpace& s);

  PointRenderer points_;   // the points of the pass under way
  Image images_[2];        // images_[front_] is shown, the other is being made
  int front_ = 0;
  std::vector<PointInstance> pending_;  // the latest points
  bool pending_new_ = false, pass_running_ = false;
  DataToPixels map_;       // the latest map
  float rect_[4] = {0, 0, 0, 0};
  std::size_t slice_ = 0, drawn_ = 0, passes_ = 0;  // slice_ 0: chosen by init()

  Program program_;
  GlObject tile_vao_, tile_vbo_;  // the shown image's tiles
  std::size_t tiles_of_pass_ = ~std::size_t(0);  // the pass whose tiles tile_vbo_ holds
  DisplayUniforms u_display_;
  int u_rect_ = -1, u_image_ = -1;
};

}  // namespace ev::gfx
