// gif_writer.h: an animated GIF written frame by frame with Debian's giflib.
// One global palette of 256 colours: the colours given as exact (the token
// classes', the background) are in it as they are, so a class keeps its colour
// to the byte; the rest is a 6 x 6 x 6 colour cube and a grey ramp. Every other
// pixel takes its nearest palette colour (worked out once per distinct colour).
// The file is built in memory and written atomically by finish(). Not for:
// reading GIFs (the tests use giflib directly), or more than one palette.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gfx/render_target.h"  // Image

namespace ev::gfx {

using Rgb = std::array<std::uint8_t, 3>;

class GifWriter {
 public:
  // Throws ev::Error for a size out of range or more than 40 exact colours.
  GifWriter(int width, int height, double fps, const std::vector<Rgb>& exact);
  ~GifWriter();
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;

  // Appends a frame of the writer's size (ev::Error otherwise).
  void add(const Image& img);
  // The frames so far, looping for ever, written atomically to `path`. Throws ev::Error.
  void finish(const std::string& path);
  int frames() const { return frames_; }
  const std::vector<Rgb>& palette() const { return palette_; }

 private:
  std::uint8_t index_of(std::uint32_t rgb);
  int w_, h_, delay_cs_;
  int frames_ = 0;
  std::vector<Rgb> palette_;
  std::vector<std::uint8_t> lut_;    // 2^24 entries: palette index + 1, 0 = not yet worked out
  std::vector<std::uint8_t> row_;
  std::string bytes_;                // the file so far
  void* gif_ = nullptr;              // GifFileType
};

}  // namespace ev::gfx
