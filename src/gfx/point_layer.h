// point_layer.h: a large point set (a word-level vocabulary: 17,000 to
// 100,000 discs) kept as a cached image of the plot and refreshed progressively.
//
// A software GL renderer pays about a microsecond per point sprite, so a
// word-level set costs far more than a frame drawn through GL. The layer
// rasterises the discs on the CPU instead (gfx::DiscRaster, tens of
// nanoseconds a disc), a slice of them per frame, uploads the rows the
// discs touch once a pass completes, and each frame shows the last complete
// image as textured tiles, moved and scaled from the map it was drawn with to
// the current one: pan and zoom follow the mouse at once and the discs
// settle into place when the next pass completes. A pass under way always
// finishes; the next one takes the latest positions, map and size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gfx/disc_raster.h"
#include "gfx/gl_object.h"
#include "gfx/point_renderer.h"
#include "gfx/shader.h"
#include "gfx/tiled_image.h"

namespace ev::gfx {

// The parts of a plot rectangle (display pixels x0, y0, x1, y1) that discs
// touch, as rectangles of whole `tile`-pixel tiles (covered_rects of the discs' boxes),
// each two triangles of corners in [0, 1]^2 of the rectangle (y down): six
// (x, y) pairs a rectangle. Showing only these skips the empty parts of the
// cached image, which a software renderer would otherwise sample pixel by pixel.
std::vector<float> covered_tiles(const PointInstance* points, std::size_t n, const DataToPixels& map,
                                 const float rect[4], float tile = 32);

class PointLayer {
 public:
  // Creates the program, texture and buffers (needs a current GL 3.3 context). Throws ev::Error.
  void init();
  bool ready() const { return shown_.ready(); }

  // Discs rasterised per frame while a pass is under way (whole tiles of the
  // image, so a little more): the CPU's work is the same whatever the GL renderer.
  static constexpr std::size_t kSlice = 6144;
  void set_slice(std::size_t points) { slice_ = points ? points : 1; }
  std::size_t slice() const { return slice_; }

  // What the layer should show: the points (copied), the map from data units to
  // display pixels and the plot rectangle (display pixels) they are drawn in.
  // `changed` says the points differ from the last call's.
  void set(const PointInstance* points, std::size_t n, bool changed, const DataToPixels& map, const float rect[4]);

  // During ImGui's rendering: rasterises the next slice of the pass under
  // way (uploading the image when it completes; when s.work) and shows the
  // last complete image, mapped to the current map and clipped to s.clip
  // (when s.show).
  void draw(const ScreenSpace& s);
  // Changes whenever what draw() shows changes (a new image, map or rectangle).
  std::uint64_t version() const;

  // Forgets the image (a new table: the old picture must not stand in for it).
  void clear();

  // True when, once this frame is drawn, the layer shows the last points set:
  // it does already, or the pass under way (with them) ends in this frame's slice.
  bool shows_latest_this_frame() const;
  // True when n points set now are shown once this frame is drawn: no pass
  // is under way and one slice holds them.
  bool shows_new_this_frame(std::size_t n) const { return !pass_running_ && n <= slice_; }

  // True once a pass has completed (something is shown).
  bool has_image() const { return shown_valid_; }
  // Passes completed so far, and pieces of discs drawn in the pass under way.
  std::size_t passes() const { return passes_; }
  std::size_t progress() const { return raster_.drawn(); }
  // CPU time the last draw() spent rasterising discs and uploading the image
  // (milliseconds; 0 on a frame that only showed the cached image).
  double work_ms() const { return work_ms_; }

 private:
  // Where an image was drawn for: enough to place it under another map.
  struct Frame {
    DataToPixels map;
    float rect[4] = {0, 0, 0, 0};  // display pixels covered
    float fb_scale[2] = {1, 1};
  };
  void work(const ScreenSpace& s);
  void start_pass(const ScreenSpace& s);
  void finish_pass();
  void upload();

  std::vector<PointInstance> pending_;  // the latest points
  bool pending_new_ = false, pass_running_ = false;
  DataToPixels map_;                    // the latest map
  float rect_[4] = {0, 0, 0, 0};
  std::size_t slice_ = kSlice, passes_ = 0;
  double work_ms_ = 0;

  // The pass under way: its points, where they go, and the image they make.
  std::vector<PointInstance> pass_points_;
  Frame pass_;
  DiscRaster raster_;
  DiscImage image_;  // the last pass's picture until this one redraws its tiles

  // The image shown: its frame, the tiles its discs touch, and the texture.
  Frame shown_frame_;
  bool shown_valid_ = false;
  TiledImage shown_;  // the texture, shown as covered_tiles() of its points
  int texture_w_ = 0, texture_h_ = 0;
};

}  // namespace ev::gfx
